#include "auth/pin_policy.h"

#include <string>

#include "auth/constant_time.h"
#include "auth/pin_hash.h"

namespace kakuin::auth {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_letter(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
char lower(char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; }

bool equals_ignoring_ascii_case(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (lower(a[i]) != lower(b[i])) return false;
    return true;
}

Error rule_broken(std::string en, std::string ja) {
    return make_error(ErrorCode::invalid_request, std::move(en), std::move(ja));
}

Error wrong_shape(const PinPolicy& p) {
    const std::string min = std::to_string(p.min_length);
    const std::string max = std::to_string(p.max_length);
    if (p.min_length == p.max_length)
        return rule_broken("The PIN must be " + min + " half-width letters or digits.",
                           "半角英数字" + min + "桁で入力してください");
    return rule_broken("The PIN must be " + min + " to " + max + " half-width letters or digits.",
                       "半角英数字" + min + "～" + max + "桁で入力してください");
}

}  // namespace

Status validate_pin_policy(const PinPolicy& policy) {
    if (policy.min_length < 1 || policy.min_length > policy.max_length ||
        policy.max_length > int(kMaxPinBytes))
        return make_error(ErrorCode::config_invalid, "PIN policy: need 1 <= min <= max <= 128");
    return {};
}

Status check_new_pin(const PinPolicy& policy, const NewPin& in) {
    KAKUIN_TRY_STATUS(validate_pin_policy(policy));
    const std::string_view pin = in.pin;
    bool letters = false;
    bool digits = false;
    for (char c : pin) {
        if (is_letter(c)) letters = true;
        else if (is_digit(c)) digits = true;
        else return wrong_shape(policy);  // full-width, symbols, spaces, control bytes
    }
    if (pin.size() < std::size_t(policy.min_length) || pin.size() > std::size_t(policy.max_length))
        return wrong_shape(policy);
    if (policy.require_letters_and_digits && !(letters && digits))
        return rule_broken("The PIN must mix letters and digits.", "英字と数字を混在させてください");
    if ((!in.contract_id.empty() && equals_ignoring_ascii_case(pin, in.contract_id)) ||
        (!in.user_id.empty() && equals_ignoring_ascii_case(pin, in.user_id)))
        return rule_broken("The PIN must not be the same as the ID.", "IDと同じ暗証番号は設定できません");
    if (!constant_time_equal(pin, in.pin_again))
        return rule_broken("The PIN and its confirmation entry differ.",
                           "暗証番号と確認用の再入力が一致しません");
    return {};
}

}  // namespace kakuin::auth
