#include "auth/pin_hash.h"

#include <argon2.h>

#include <array>
#include <charconv>
#include <vector>

#include "auth/argon2_gate.h"

namespace kakuin::auth {
namespace {

Error malformed_hash(std::string detail) {
    return make_error(ErrorCode::internal_error, "stored PIN hash: " + std::move(detail));
}

bool params_in_bounds(const Argon2Params& p) {
    return p.parallelism >= ARGON2_MIN_LANES && p.parallelism <= kMaxArgon2Parallelism &&
           p.iterations >= ARGON2_MIN_TIME && p.iterations <= kMaxArgon2Iterations &&
           p.memory_kib >= 8 * p.parallelism && p.memory_kib <= kMaxArgon2MemoryKib;
}

// Parses "name=<decimal>" with no sign, no leading '+', no leading zero.
bool parse_field(std::string_view field, std::string_view name, std::uint32_t& out) {
    if (field.size() <= name.size() + 1 || field.substr(0, name.size()) != name ||
        field[name.size()] != '=')
        return false;
    const std::string_view digits = field.substr(name.size() + 1);
    if (digits.size() > 1 && digits[0] == '0') return false;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out);
    return ec == std::errc() && end == digits.data() + digits.size();
}

bool is_base64_field(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                        (c >= '0' && c <= '9') || c == '+' || c == '/';
        if (!ok) return false;
    }
    return true;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
    std::vector<std::string_view> parts;
    for (;;) {
        const auto pos = s.find(sep);
        parts.push_back(s.substr(0, pos));
        if (pos == std::string_view::npos) return parts;
        s.remove_prefix(pos + 1);
    }
}

}  // namespace

Status validate_argon2_params(const Argon2Params& params) {
    if (!params_in_bounds(params))
        return make_error(ErrorCode::config_invalid,
                          "argon2 cost out of range (need 1<=t<=64, 1<=p<=16, 8p<=m<=1048576 KiB)");
    return {};
}

Result<std::string> hash_pin(std::string_view pin, const Argon2Params& params, Random& random) {
    if (pin.size() > kMaxPinBytes) return make_error(ErrorCode::invalid_request, "PIN too long");
    KAKUIN_TRY_STATUS(validate_argon2_params(params));
    std::array<std::uint8_t, kPinSaltBytes> salt{};
    random.fill(salt);
    const std::size_t len = argon2_encodedlen(params.iterations, params.memory_kib,
                                              params.parallelism, salt.size(), kPinHashBytes,
                                              Argon2_id);
    std::string encoded(len, '\0');  // len counts the terminating NUL
    const Argon2Gate::Permit permit(argon2_gate(), params.parallelism);
    const int rc = argon2id_hash_encoded(params.iterations, params.memory_kib, params.parallelism,
                                         pin.data(), pin.size(), salt.data(), salt.size(),
                                         kPinHashBytes, encoded.data(), encoded.size());
    if (rc != ARGON2_OK)
        return make_error(ErrorCode::crypto_failure,
                          std::string("argon2id_hash_encoded: ") + argon2_error_message(rc));
    encoded.resize(encoded.find('\0'));
    return encoded;
}

Result<Argon2Params> parse_pin_hash_params(std::string_view encoded) {
    if (encoded.size() > kMaxEncodedPinHashChars) return malformed_hash("too long");
    // "", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash
    const auto parts = split(encoded, '$');
    if (parts.size() != 6 || !parts[0].empty() || parts[1] != "argon2id")
        return malformed_hash("not an argon2id PHC string");
    std::uint32_t version = 0;
    if (!parse_field(parts[2], "v", version) || version != ARGON2_VERSION_13)
        return malformed_hash("unsupported version");
    const auto cost = split(parts[3], ',');
    Argon2Params p;
    if (cost.size() != 3 || !parse_field(cost[0], "m", p.memory_kib) ||
        !parse_field(cost[1], "t", p.iterations) || !parse_field(cost[2], "p", p.parallelism))
        return malformed_hash("bad parameters");
    if (!is_base64_field(parts[4]) || !is_base64_field(parts[5]))
        return malformed_hash("salt or hash is not unpadded base64");
    if (!params_in_bounds(p)) return malformed_hash("cost out of bounds");
    return p;
}

Status verify_pin(std::string_view pin, std::string_view encoded) {
    KAKUIN_TRY(const Argon2Params cost, parse_pin_hash_params(encoded));
    if (pin.size() > kMaxPinBytes) return make_error(ErrorCode::pin_incorrect, "PIN too long");
    const std::string terminated(encoded);  // argon2id_verify reads a C string
    const Argon2Gate::Permit permit(argon2_gate(), cost.parallelism);
    const int rc = argon2id_verify(terminated.c_str(), pin.data(), pin.size());
    if (rc == ARGON2_OK) return {};
    if (rc == ARGON2_VERIFY_MISMATCH) return make_error(ErrorCode::pin_incorrect);
    if (rc == ARGON2_MEMORY_ALLOCATION_ERROR)
        return make_error(ErrorCode::crypto_failure, "argon2id_verify: out of memory");
    return malformed_hash(std::string("argon2id_verify: ") + argon2_error_message(rc));
}

bool needs_rehash(std::string_view encoded, const Argon2Params& params) {
    const auto stored = parse_pin_hash_params(encoded);
    return !stored.ok() || !(*stored == params);
}

}  // namespace kakuin::auth
