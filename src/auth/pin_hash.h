// PIN hashing with Argon2id (libargon2). The stored form is the PHC string
// "$argon2id$v=19$m=<KiB>,t=<iterations>,p=<lanes>$<salt b64>$<hash b64>", so every hash
// carries the cost it was made with and old hashes keep verifying after the bank raises it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/random.h"
#include "core/result.h"

namespace kakuin::auth {

// Argon2id cost, filled from the bank's configuration. The defaults are OWASP's first
// recommended Argon2id setting (Password Storage Cheat Sheet: m=19 MiB, t=2, p=1). On the
// 2-core development machine, busy with other builds, one hash took 70-86 ms of one core
// (Debian's libargon2, argon2id_hash_raw in a loop): each PIN check costs that much CPU,
// which bounds ID/PIN logins per core, and every offline guess costs an attacker the same.
// parallelism > 1 makes libargon2 start that many threads per hash.
struct Argon2Params {
    std::uint32_t memory_kib = 19456;  // m: 19 MiB of memory per hash
    std::uint32_t iterations = 2;      // t: passes over the memory
    std::uint32_t parallelism = 1;     // p: lanes (and threads) per hash

    friend bool operator==(const Argon2Params&, const Argon2Params&) = default;
};

// Bounds on a cost taken from configuration or read back from a stored hash. A stored
// string beyond them is refused rather than run, so a tampered row cannot make a login
// allocate gigabytes.
inline constexpr std::uint32_t kMaxArgon2MemoryKib = 1024 * 1024;  // 1 GiB
inline constexpr std::uint32_t kMaxArgon2Iterations = 64;
inline constexpr std::uint32_t kMaxArgon2Parallelism = 16;

inline constexpr std::size_t kPinSaltBytes = 16;
inline constexpr std::size_t kPinHashBytes = 32;
// Longest PIN hashed or verified; longer input is refused before any work.
inline constexpr std::size_t kMaxPinBytes = 128;
// Longest stored PHC string accepted by verify_pin / needs_rehash.
inline constexpr std::size_t kMaxEncodedPinHashChars = 256;

// config_invalid when the cost is outside libargon2's limits or the bounds above
// (memory_kib must be at least 8 * parallelism).
Status validate_argon2_params(const Argon2Params& params);

// Hashes `pin` with a fresh 16-byte salt from `random`; returns the PHC string.
// Errors: invalid_request (PIN longer than kMaxPinBytes), config_invalid (bad params),
// crypto_failure (libargon2 failed, e.g. out of memory).
Result<std::string> hash_pin(std::string_view pin, const Argon2Params& params, Random& random);

// Verifies `pin` against a stored PHC string; the hashes are compared in constant time
// (argon2id_verify_ctx). The work runs in the Argon2 gate, on memory from argon2_memory.h.
// Errors: pin_incorrect (mismatch, or PIN longer than kMaxPinBytes), internal_error (the
// stored string is not a well-formed argon2id hash within the bounds above).
Status verify_pin(std::string_view pin, std::string_view encoded);

// The cost recorded in a stored PHC string. internal_error when it is not an argon2id
// v=19 string of the form above or its cost is beyond the bounds above.
Result<Argon2Params> parse_pin_hash_params(std::string_view encoded);

// True when the stored hash was made with a cost other than `params` (or cannot be read):
// after a successful verify_pin the caller re-hashes the PIN and stores the new string.
bool needs_rehash(std::string_view encoded, const Argon2Params& params);

}  // namespace kakuin::auth
