// A random initial PIN that satisfies the bank's PIN policy, for the bank's letters (a new
// contract's administrator, a PIN reset) and for new bank staff.
#pragma once

#include <string>
#include <string_view>

#include "core/policy.h"
#include "core/random.h"
#include "core/result.h"

namespace kakuin::service {

// `id` is the contract or staff ID the PIN must not equal. config_invalid when no PIN of
// the policy's length can be made (e.g. a policy no random PIN satisfies).
Result<std::string> random_initial_pin(const BankPolicy& policy, Random& random,
                                       std::string_view id);

}  // namespace kakuin::service
