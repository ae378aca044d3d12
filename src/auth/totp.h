// Time-based one-time passwords (RFC 6238, HMAC-SHA1, 6 digits) through liboath, with the
// time step that matched returned so the caller can refuse its reuse (R9).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/random.h"
#include "core/result.h"

namespace kakuin::auth {

inline constexpr int kTotpDigits = 6;
inline constexpr std::size_t kTotpSecretBytes = 20;  // RFC 4226's recommended 160 bits
inline constexpr std::size_t kMaxTotpSecretBytes = 64;

struct TotpConfig {
    int step_seconds = 30;  // BankPolicy::otp_step_seconds: 30 or 60
    int window_steps = 1;   // steps accepted either side of the current one (clock drift)
};

// config_invalid unless 1 <= step_seconds <= 300 and 0 <= window_steps <= 10.
Status validate_totp_config(const TotpConfig& config);

// A new random secret of kTotpSecretBytes for a software token.
std::vector<std::uint8_t> generate_totp_secret(Random& random);

// The time step `now` falls in: floor(unix time / step_seconds).
std::int64_t totp_step_at(TimePoint now, const TotpConfig& config);

// The code a token shows in time step `step`. crypto_failure if liboath fails,
// internal_error for an empty or over-long secret or a negative step.
Result<std::string> totp_code_for_step(std::span<const std::uint8_t> secret, std::int64_t step,
                                       const TotpConfig& config);

// Checks `code` against the steps current-window .. current+window at `now`, comparing
// every candidate in constant time. Returns the matched step; the caller stores it as the
// person's last used step in the same transaction that accepts the login.
// Errors: otp_incorrect (no match, or not exactly 6 ASCII digits), otp_reused (the matched
// step is <= last_used_step: that code, or an older one, was already accepted),
// config_invalid, internal_error (bad secret), crypto_failure.
Result<std::int64_t> verify_totp(std::span<const std::uint8_t> secret, std::string_view code,
                                 TimePoint now, std::optional<std::int64_t> last_used_step,
                                 const TotpConfig& config);

}  // namespace kakuin::auth
