#include "auth/lockout.h"

#include <algorithm>

namespace kakuin::auth {

Status check_not_locked(const LockoutState& state) {
    if (state.locked) return make_error(ErrorCode::locked);
    return {};
}

LockoutState apply_failure(LockoutState state, int threshold) {
    threshold = std::max(threshold, 1);
    // Saturate at the threshold: the count only matters up to it, and cannot overflow.
    state.consecutive_failures =
        state.consecutive_failures < threshold ? std::max(state.consecutive_failures, 0) + 1 : threshold;
    if (state.consecutive_failures >= threshold) state.locked = true;
    return state;
}

LockoutState apply_success(LockoutState state) {
    state.consecutive_failures = 0;
    return state;
}

LockoutState apply_unlock(LockoutState) { return LockoutState{}; }

}  // namespace kakuin::auth
