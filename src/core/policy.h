// The bank's policy: every limit and rule that differs between banks. Filled from the
// deployment's TOML configuration (src/cli/config.*); defaults are the SPEC's.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kakuin {

enum class KeyType { rsa2048, rsa3072, rsa4096, p256, p384 };

std::string_view key_type_name(KeyType t);  // "rsa2048", "p256", ...
std::optional<KeyType> key_type_from_name(std::string_view s);

struct PinPolicy {
    int min_length = 4;
    int max_length = 12;
    bool require_letters_and_digits = false;  // many banks: 6-12 with both mixed
};

struct CertificatePolicy {
    int validity_days = 365;               // R21: 1 year (or 2: 730)
    int renewal_window_days = 30;          // R22: 28 / 30 / 40
    int acquisition_deadline_days = 80;    // R18
    std::vector<KeyType> allowed_key_types = {KeyType::rsa2048, KeyType::rsa3072,
                                              KeyType::rsa4096, KeyType::p256, KeyType::p384};
    KeyType default_client_key_type = KeyType::rsa2048;
    int cn_suffix_digits = 4;              // CN "<contract> <user> <suffix>" (R17)
    std::string organization = "Kakuin Demo Bank";  // O of issued certificates
    std::vector<int> reminder_days = {30, 10};
};

struct BankPolicy {
    std::string bank_name = "かくいん銀行";
    std::string bank_code = "9999";
    int max_users = 99;
    int lockout_threshold = 6;       // R8
    int otp_step_seconds = 30;       // R9: 30 or 60
    bool admin_otp_every_login = true;
    bool user_otp_every_login = true;
    int session_idle_seconds = 600;  // R11
    PinPolicy pin;
    CertificatePolicy certificate;
};

}  // namespace kakuin
