#include "service/initial_pin.h"

#include <algorithm>

#include "auth/pin_policy.h"

namespace kakuin::service {

namespace {
constexpr int kInitialPinLength = 8;
constexpr int kPinAttempts = 100;
}  // namespace

Result<std::string> random_initial_pin(const BankPolicy& policy, Random& random,
                                       std::string_view id) {
    static constexpr std::string_view kDigits = "23456789";
    static constexpr std::string_view kLetters = "abcdefghjkmnpqrstuvwxyz";  // no i, l, o
    const int length = std::clamp(kInitialPinLength, policy.pin.min_length, policy.pin.max_length);
    const bool letters = policy.pin.require_letters_and_digits;
    for (int attempt = 0; attempt < kPinAttempts; ++attempt) {
        std::string pin;
        for (int i = 0; i < length; ++i) {
            const bool letter = letters && random_below(random, 2) == 0;
            const std::string_view set = letter ? kLetters : kDigits;
            pin += set[random_below(random, set.size())];
        }
        if (auth::check_new_pin(policy.pin, auth::NewPin{pin, pin, id, {}}).ok()) return pin;
    }
    return make_error(ErrorCode::config_invalid, "no initial PIN satisfies the PIN policy");
}

}  // namespace kakuin::service
