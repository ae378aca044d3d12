#include "auth/totp.h"

#include <liboath/oath.h>

#include <array>

#include "auth/constant_time.h"

namespace kakuin::auth {
namespace {

// liboath must be initialised once per process before use; it is never torn down.
bool liboath_ready() {
    static const bool ok = oath_init() == OATH_OK;
    return ok;
}

bool is_six_digits(std::string_view code) {
    if (code.size() != std::size_t(kTotpDigits)) return false;
    for (char c : code)
        if (c < '0' || c > '9') return false;
    return true;
}

}  // namespace

Status validate_totp_config(const TotpConfig& c) {
    if (c.step_seconds < 1 || c.step_seconds > 300 || c.window_steps < 0 || c.window_steps > 10)
        return make_error(ErrorCode::config_invalid, "TOTP: need 1<=step<=300 s, 0<=window<=10");
    return {};
}

std::vector<std::uint8_t> generate_totp_secret(Random& random) {
    std::vector<std::uint8_t> secret(kTotpSecretBytes);
    random.fill(secret);
    return secret;
}

std::int64_t totp_step_at(TimePoint now, const TotpConfig& config) {
    const std::int64_t t = to_unix(now);
    const std::int64_t step = config.step_seconds;
    return t >= 0 ? t / step : -((-t + step - 1) / step);
}

Result<std::string> totp_code_for_step(std::span<const std::uint8_t> secret, std::int64_t step,
                                       const TotpConfig& config) {
    KAKUIN_TRY_STATUS(validate_totp_config(config));
    if (secret.empty() || secret.size() > kMaxTotpSecretBytes)
        return make_error(ErrorCode::internal_error, "TOTP secret has a bad length");
    if (step < 0) return make_error(ErrorCode::internal_error, "TOTP step before the epoch");
    if (!liboath_ready()) return make_error(ErrorCode::crypto_failure, "oath_init failed");
    std::array<char, kTotpDigits + 1> out{};
    // liboath derives the step from a time: the first second of `step` maps back to it.
    const time_t at = time_t(step * config.step_seconds);
    const int rc = oath_totp_generate2(reinterpret_cast<const char*>(secret.data()), secret.size(),
                                       at, unsigned(config.step_seconds),
                                       OATH_TOTP_DEFAULT_START_TIME, kTotpDigits, 0, out.data());
    if (rc != OATH_OK)
        return make_error(ErrorCode::crypto_failure,
                          std::string("oath_totp_generate2: ") + oath_strerror(rc));
    return std::string(out.data(), kTotpDigits);
}

Result<std::int64_t> verify_totp(std::span<const std::uint8_t> secret, std::string_view code,
                                 TimePoint now, std::optional<std::int64_t> last_used_step,
                                 const TotpConfig& config) {
    KAKUIN_TRY_STATUS(validate_totp_config(config));
    if (!is_six_digits(code))
        return make_error(ErrorCode::otp_incorrect, "OTP is not 6 digits");
    const std::int64_t current = totp_step_at(now, config);
    // Of several matching steps (a 1-in-10^6 coincidence) the earliest unused one is taken,
    // so that no later code is burnt needlessly.
    std::optional<std::int64_t> unused_match;
    bool used_match = false;
    for (std::int64_t s = current - config.window_steps; s <= current + config.window_steps; ++s) {
        if (s < 0) continue;
        KAKUIN_TRY(const std::string expected, totp_code_for_step(secret, s, config));
        if (!constant_time_equal(expected, code)) continue;
        if (last_used_step && s <= *last_used_step) used_match = true;
        else if (!unused_match) unused_match = s;
    }
    if (unused_match) return *unused_match;
    if (used_match)
        return make_error(ErrorCode::otp_reused, "OTP of an already used time step");
    return make_error(ErrorCode::otp_incorrect, "OTP does not match");
}

}  // namespace kakuin::auth
