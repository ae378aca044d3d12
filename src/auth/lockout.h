// Lockout after N consecutive authentication failures (R8), as pure state transitions; the
// service persists the state with the person and writes the usage history.
#pragma once

#include "core/result.h"

namespace kakuin::auth {

struct LockoutState {
    int consecutive_failures = 0;
    bool locked = false;
    friend bool operator==(const LockoutState&, const LockoutState&) = default;
};

// locked when the ID is locked: checked before any PIN or OTP is verified.
Status check_not_locked(const LockoutState& state);

// One more failed PIN / OTP / confirmation PIN. Locks when the count reaches `threshold`
// (BankPolicy::lockout_threshold; a threshold below 1 is treated as 1). Further failures
// while locked keep it locked.
LockoutState apply_failure(LockoutState state, int threshold);

// A successful authentication resets the count. It never unlocks: a locked ID is refused
// before its PIN is checked, so only apply_unlock clears `locked`.
LockoutState apply_success(LockoutState state);

// An administrator (for users) or bank staff (for administrators) unlocked the ID.
LockoutState apply_unlock(LockoutState state);

}  // namespace kakuin::auth
