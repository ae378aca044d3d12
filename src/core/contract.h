// Contracts (R1) and the persons of a contract: one administrator and its users (R2, R13).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/identity.h"

namespace kakuin {

enum class LoginMethod { id_pin, certificate };
std::string_view login_method_name(LoginMethod m);  // "id_pin" / "certificate"
bool login_method_from_name(std::string_view s, LoginMethod& out);

struct Contract {
    std::string contract_id;  // 11 digits
    std::string name_kanji;
    std::string name_kana;    // half-width kana
    LoginMethod login_method = LoginMethod::id_pin;
    bool suspended = false;             // by the bank (R1)
    bool transactions_stopped = false;  // WEB-FB取引停止 (R16)
    TimePoint created_at{};
    friend bool operator==(const Contract&, const Contract&) = default;
};

// 承認者 / 一般者 (seed 001).
enum class Authority { approver, general };
std::string_view authority_name(Authority a);  // "approver" / "general"
bool authority_from_name(std::string_view s, Authority& out);

// The administrator (key.user_id empty) or a user of a contract.
struct Person {
    PersonKey key;
    std::string name_kana;   // required
    std::string name_kanji;  // optional (may be empty)
    Authority authority = Authority::general;
    // States (R13, R8).
    bool accident = false;     // 事故状態
    bool suspended = false;    // 利用中止状態
    bool otp_locked = false;   // ワンタイムパスワード表示ロック状態
    bool locked = false;       // IDロック
    int failure_count = 0;     // consecutive PIN/OTP failures
    std::optional<std::string> contact_email;
    // Argon2id hashes in PHC string form, filled by the auth layer; opaque here. Empty: not set.
    std::string login_pin_hash;
    std::string confirmation_pin_hash;
    std::optional<TimePoint> last_login_at;
    TimePoint created_at{};
    friend bool operator==(const Person&, const Person&) = default;
};

}  // namespace kakuin
