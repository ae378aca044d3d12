// Rules a new PIN must meet (R7), from the bank's PinPolicy. Checked when a PIN is set or
// changed, never at login.
#pragma once

#include <string_view>

#include "core/policy.h"
#include "core/result.h"

namespace kakuin::auth {

struct NewPin {
    std::string_view pin;
    std::string_view pin_again;    // the second entry on the screen
    std::string_view contract_id;  // the PIN may equal neither ID (compared ignoring ASCII case)
    std::string_view user_id;      // empty for the administrator
};

// config_invalid unless 1 <= min_length <= max_length <= 128.
Status validate_pin_policy(const PinPolicy& policy);

// Checks in the order a person fixes them: characters and length, letters and digits
// mixed (if required), not equal to an ID, typed twice alike. The first failing rule is
// returned as invalid_request with a Japanese `detail_ja` for the screen and an English
// `detail`; neither contains the PIN. config_invalid if the policy itself is invalid.
Status check_new_pin(const PinPolicy& policy, const NewPin& input);

}  // namespace kakuin::auth
