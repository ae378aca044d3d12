#include "auth/pin_hash.h"

#include <argon2.h>

#include <array>
#include <charconv>
#include <vector>

#include "auth/argon2_gate.h"
#include "auth/argon2_memory.h"
#include "core/base64.h"

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

struct PhcString {
    Argon2Params params;
    std::string_view salt_b64;
    std::string_view hash_b64;
};

Result<PhcString> parse_phc(std::string_view encoded) {
    if (encoded.size() > kMaxEncodedPinHashChars) return malformed_hash("too long");
    // "", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash
    const auto parts = split(encoded, '$');
    if (parts.size() != 6 || !parts[0].empty() || parts[1] != "argon2id")
        return malformed_hash("not an argon2id PHC string");
    std::uint32_t version = 0;
    if (!parse_field(parts[2], "v", version) || version != ARGON2_VERSION_13)
        return malformed_hash("unsupported version");
    const auto cost = split(parts[3], ',');
    PhcString phc;
    Argon2Params& p = phc.params;
    if (cost.size() != 3 || !parse_field(cost[0], "m", p.memory_kib) ||
        !parse_field(cost[1], "t", p.iterations) || !parse_field(cost[2], "p", p.parallelism))
        return malformed_hash("bad parameters");
    if (!is_base64_field(parts[4]) || !is_base64_field(parts[5]))
        return malformed_hash("salt or hash is not unpadded base64");
    if (!params_in_bounds(p)) return malformed_hash("cost out of bounds");
    phc.salt_b64 = parts[4];
    phc.hash_b64 = parts[5];
    return phc;
}

// An Argon2id run over `params` whose memory comes from the huge-page pool (argon2_memory.h)
// instead of malloc.
argon2_context make_context(const Argon2Params& params, std::string_view pin,
                            const std::uint8_t* salt, std::size_t salt_size, std::uint8_t* out,
                            std::size_t out_size) {
    argon2_context ctx{};
    ctx.out = out;
    ctx.outlen = static_cast<std::uint32_t>(out_size);
    // libargon2 only reads the password and the salt (no ARGON2_FLAG_CLEAR_PASSWORD).
    ctx.pwd = reinterpret_cast<std::uint8_t*>(const_cast<char*>(pin.data()));
    ctx.pwdlen = static_cast<std::uint32_t>(pin.size());
    ctx.salt = const_cast<std::uint8_t*>(salt);
    ctx.saltlen = static_cast<std::uint32_t>(salt_size);
    ctx.t_cost = params.iterations;
    ctx.m_cost = params.memory_kib;
    ctx.lanes = params.parallelism;
    ctx.threads = params.parallelism;
    ctx.version = ARGON2_VERSION_13;
    ctx.allocate_cbk = argon2_memory_allocate;
    ctx.free_cbk = argon2_memory_free;
    ctx.flags = ARGON2_DEFAULT_FLAGS;
    return ctx;
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
    std::array<std::uint8_t, kPinHashBytes> hash{};
    argon2_context ctx =
        make_context(params, pin, salt.data(), salt.size(), hash.data(), hash.size());
    int rc = ARGON2_OK;
    argon2_gate().run(params.parallelism, [&] { rc = argon2id_ctx(&ctx); });
    if (rc != ARGON2_OK)
        return make_error(ErrorCode::crypto_failure,
                          std::string("argon2id_ctx: ") + argon2_error_message(rc));
    // The same string argon2id_hash_encoded writes.
    return "$argon2id$v=" + std::to_string(ARGON2_VERSION_13) + "$m=" +
           std::to_string(params.memory_kib) + ",t=" + std::to_string(params.iterations) +
           ",p=" + std::to_string(params.parallelism) + "$" +
           encode_base64_unpadded(salt.data(), salt.size()) + "$" +
           encode_base64_unpadded(hash.data(), hash.size());
}

Result<Argon2Params> parse_pin_hash_params(std::string_view encoded) {
    KAKUIN_TRY(const PhcString phc, parse_phc(encoded));
    return phc.params;
}

Status verify_pin(std::string_view pin, std::string_view encoded) {
    KAKUIN_TRY(const PhcString phc, parse_phc(encoded));
    if (pin.size() > kMaxPinBytes) return make_error(ErrorCode::pin_incorrect, "PIN too long");
    // parse_phc let only the standard alphabet, without padding, through.
    const auto salt = decode_base64(phc.salt_b64);
    const auto expected = decode_base64(phc.hash_b64);
    if (!salt || salt->size() < ARGON2_MIN_SALT_LENGTH || !expected ||
        expected->size() < ARGON2_MIN_OUTLEN)
        return malformed_hash("salt or hash of a bad length");
    std::vector<std::uint8_t> computed(expected->size());
    argon2_context ctx = make_context(phc.params, pin, salt->data(), salt->size(), computed.data(),
                                      computed.size());
    int rc = ARGON2_OK;
    // Computes into ctx.out and compares with the expected hash in constant time.
    argon2_gate().run(phc.params.parallelism, [&] {
        rc = argon2id_verify_ctx(&ctx, reinterpret_cast<const char*>(expected->data()));
    });
    if (rc == ARGON2_OK) return {};
    if (rc == ARGON2_VERIFY_MISMATCH) return make_error(ErrorCode::pin_incorrect);
    if (rc == ARGON2_MEMORY_ALLOCATION_ERROR)
        return make_error(ErrorCode::crypto_failure, "argon2id_verify_ctx: out of memory");
    return malformed_hash(std::string("argon2id_verify_ctx: ") + argon2_error_message(rc));
}

bool needs_rehash(std::string_view encoded, const Argon2Params& params) {
    const auto stored = parse_pin_hash_params(encoded);
    return !stored.ok() || !(*stored == params);
}

}  // namespace kakuin::auth
