#include "auth/pin_hash.h"

#include <argon2.h>
#include <gtest/gtest.h>

#include <array>
#include <string>

#include "auth/argon2_memory.h"

#include "unit/auth/fake_random.h"

namespace kakuin::auth {
namespace {

using testing::ConstantRandom;
using testing::SeededRandom;

// Cheap cost so the tests run fast; one test uses the defaults.
constexpr Argon2Params kCheap{256, 1, 1};

std::string hash_or_die(std::string_view pin, const Argon2Params& p, Random& r) {
    auto h = hash_pin(pin, p, r);
    EXPECT_TRUE(h.ok()) << (h.ok() ? "" : h.error().detail);
    return h.ok() ? *h : std::string();
}

TEST(PinHash, DefaultsAreOwaspArgon2id) {
    const Argon2Params d;
    EXPECT_EQ(d.memory_kib, 19456u);
    EXPECT_EQ(d.iterations, 2u);
    EXPECT_EQ(d.parallelism, 1u);
    EXPECT_TRUE(validate_argon2_params(d).ok());
}

TEST(PinHash, RoundTripWithDefaultCost) {
    SeededRandom r(7);
    const std::string h = hash_or_die("abc123", Argon2Params{}, r);
    EXPECT_EQ(h.rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0), 0u) << h;
    EXPECT_TRUE(verify_pin("abc123", h).ok());
    const Status wrong = verify_pin("abc124", h);
    ASSERT_FALSE(wrong.ok());
    EXPECT_EQ(wrong.error().code, ErrorCode::pin_incorrect);
}

TEST(PinHash, EncodedFormCarriesParamsSaltAndHash) {
    ConstantRandom zeros(0);
    const std::string h = hash_or_die("1234", Argon2Params{512, 3, 2}, zeros);
    // 16 zero bytes of salt are 22 'A's in unpadded base64; 32 hash bytes are 43 chars.
    const std::string prefix = "$argon2id$v=19$m=512,t=3,p=2$AAAAAAAAAAAAAAAAAAAAAA$";
    ASSERT_EQ(h.rfind(prefix, 0), 0u) << h;
    EXPECT_EQ(h.size(), prefix.size() + 43);
    const auto params = parse_pin_hash_params(h);
    ASSERT_TRUE(params.ok());
    EXPECT_EQ(*params, (Argon2Params{512, 3, 2}));
    EXPECT_TRUE(verify_pin("1234", h).ok());
}

TEST(PinHash, FreshSaltEachTime) {
    SeededRandom r(1);
    const std::string a = hash_or_die("1234", kCheap, r);
    const std::string b = hash_or_die("1234", kCheap, r);
    EXPECT_NE(a, b);
    EXPECT_TRUE(verify_pin("1234", a).ok());
    EXPECT_TRUE(verify_pin("1234", b).ok());
}

TEST(PinHash, VerifiesTheReferenceImplementationsTestVector) {
    // phc-winner-argon2 src/test.c: "password", salt "somesalt", t=2, m=64 MiB, p=1.
    const char* reference =
        "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc";
    EXPECT_TRUE(verify_pin("password", reference).ok());
    EXPECT_EQ(verify_pin("Password", reference).error().code, ErrorCode::pin_incorrect);
}

TEST(PinHash, WritesWhatLibargon2WritesAndLibargon2VerifiesIt) {
    // hash_pin runs argon2id_ctx on pooled memory and writes the PHC string itself: it must be
    // byte for byte what argon2id_hash_encoded gives for the same salt, for salt and hash
    // lengths that leave 1 and 2 base64 characters of remainder.
    for (const Argon2Params p : {kCheap, Argon2Params{512, 3, 2}, Argon2Params{4096, 1, 4}}) {
        for (const std::uint64_t seed : {1u, 2u, 3u}) {
            SeededRandom ours(seed), theirs(seed);
            const std::string h = hash_or_die("ab-12", p, ours);
            std::array<std::uint8_t, kPinSaltBytes> salt{};
            theirs.fill(salt);
            std::array<char, 256> ref{};
            ASSERT_EQ(argon2id_hash_encoded(p.iterations, p.memory_kib, p.parallelism, "ab-12", 5,
                                            salt.data(), salt.size(), kPinHashBytes, ref.data(),
                                            ref.size()),
                      ARGON2_OK);
            EXPECT_EQ(h, std::string(ref.data())) << p.memory_kib << "/" << seed;
            EXPECT_EQ(argon2id_verify(h.c_str(), "ab-12", 5), ARGON2_OK);
        }
    }
    // Strings from libargon2 with other salt and hash lengths verify here.
    const std::array<std::uint8_t, 9> salt9{1, 2, 3, 4, 5, 6, 7, 8, 9};
    std::array<char, 256> ref{};
    ASSERT_EQ(argon2id_hash_encoded(1, 256, 1, "9999", 4, salt9.data(), salt9.size(), 17,
                                    ref.data(), ref.size()),
              ARGON2_OK);
    EXPECT_TRUE(verify_pin("9999", ref.data()).ok()) << ref.data();
    EXPECT_EQ(verify_pin("9998", ref.data()).error().code, ErrorCode::pin_incorrect);
}

TEST(PinHash, HashMemoryComesFromThePoolAndGoesBack) {
    SeededRandom r(5);
    const std::string h = hash_or_die("4321", kCheap, r);
    EXPECT_TRUE(verify_pin("4321", h).ok());
    EXPECT_EQ(argon2_memory_pool().in_use(), 0u);
    EXPECT_GE(argon2_memory_pool().idle(), 1u);
}

TEST(PinHash, BadBase64InTheStoredStringIsRefused) {
    SeededRandom r(9);
    const std::string good = hash_or_die("1234", kCheap, r);
    const std::size_t salt_at = good.rfind('$', good.rfind('$') - 1) + 1;
    // A salt shorter than libargon2's minimum (8 bytes), a length no byte count gives, and a
    // last character whose unused bits are set.
    for (const std::string salt : {"c2FsdA", "AAAAA", "AAAAAAAAAAAAAAAAAAAAAB"}) {
        std::string bad = good;
        bad.replace(salt_at, good.rfind('$') - salt_at, salt);
        const Status s = verify_pin("1234", bad);
        ASSERT_FALSE(s.ok()) << bad;
        EXPECT_EQ(s.error().code, ErrorCode::internal_error) << bad;
    }
}

TEST(PinHash, WrongAndEmptyAndOverlongPins) {
    SeededRandom r(2);
    const std::string h = hash_or_die("Secret99", kCheap, r);
    for (std::string_view wrong : {"secret99", "Secret9", "Secret999", "", "Secret99 "}) {
        const Status s = verify_pin(wrong, h);
        ASSERT_FALSE(s.ok()) << wrong;
        EXPECT_EQ(s.error().code, ErrorCode::pin_incorrect) << wrong;
    }
    const std::string overlong(kMaxPinBytes + 1, 'a');
    EXPECT_EQ(verify_pin(overlong, h).error().code, ErrorCode::pin_incorrect);
    const auto refused = hash_pin(overlong, kCheap, r);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, ErrorCode::invalid_request);
}

TEST(PinHash, TamperedHashStringIsRefused) {
    ConstantRandom zeros(0);
    const std::string h = hash_or_die("1234", kCheap, zeros);
    const auto hash_at = h.rfind('$') + 1;

    // A different but well-formed string: the PIN no longer verifies.
    std::string flipped = h;
    flipped[hash_at + 5] = flipped[hash_at + 5] == 'A' ? 'B' : 'A';
    EXPECT_EQ(verify_pin("1234", flipped).error().code, ErrorCode::pin_incorrect);
    std::string other_salt = h;
    other_salt.replace(h.find("$AAAA") + 1, 4, "BBBB");
    EXPECT_EQ(verify_pin("1234", other_salt).error().code, ErrorCode::pin_incorrect);
    std::string other_cost = h;
    other_cost.replace(h.find("t=1"), 3, "t=2");
    EXPECT_EQ(verify_pin("1234", other_cost).error().code, ErrorCode::pin_incorrect);

    // Not a readable argon2id string: internal_error, never pin_incorrect.
    std::string argon2i = h;
    argon2i.replace(0, 10, "$argon2i$");
    const std::string bad[] = {
        "",
        "1234",
        argon2i,
        h.substr(0, hash_at - 1),                                         // no hash field
        h + "$extra",                                                     // extra field
        std::string(h).replace(h.find("v=19"), 4, "v=16"),               // old version
        std::string(h).replace(h.find("m=256"), 5, "m=0256"),            // leading zero
        std::string(h).replace(h.find("m=256"), 5, "m=-256"),            // sign
        std::string(h).replace(h.find("m=256"), 5, "m=99999999"),        // 95 GiB: not run
        std::string(h).replace(h.find("t=1"), 3, "t=1000"),              // beyond bound
        std::string(h).replace(h.find(",p=1"), 4, ""),                   // missing p
        std::string(h).replace(hash_at, 4, "!!!!"),                      // not base64
        std::string(kMaxEncodedPinHashChars + 1, 'A'),
    };
    for (const std::string& s : bad) {
        const Status st = verify_pin("1234", s);
        ASSERT_FALSE(st.ok()) << s;
        EXPECT_EQ(st.error().code, ErrorCode::internal_error) << s;
        EXPECT_TRUE(needs_rehash(s, kCheap)) << s;
    }
}

TEST(PinHash, NeedsRehashWhenCostDiffers) {
    SeededRandom r(3);
    const std::string h = hash_or_die("1234", kCheap, r);
    EXPECT_FALSE(needs_rehash(h, kCheap));
    EXPECT_TRUE(needs_rehash(h, Argon2Params{512, 1, 1}));
    EXPECT_TRUE(needs_rehash(h, Argon2Params{256, 2, 1}));
    EXPECT_TRUE(needs_rehash(h, Argon2Params{256, 1, 2}));
    EXPECT_TRUE(needs_rehash(h, Argon2Params{}));
}

TEST(PinHash, BadCostFromConfigurationIsRefused) {
    SeededRandom r(4);
    const Argon2Params bad[] = {{0, 1, 1},        {7, 1, 1},   {15, 1, 2}, {256, 0, 1},
                                {256, 1, 0},      {256, 65, 1}, {256, 1, 17},
                                {kMaxArgon2MemoryKib + 1, 1, 1}};
    for (const Argon2Params& p : bad) {
        EXPECT_EQ(validate_argon2_params(p).error().code, ErrorCode::config_invalid)
            << p.memory_kib << "," << p.iterations << "," << p.parallelism;
        const auto h = hash_pin("1234", p, r);
        ASSERT_FALSE(h.ok());
        EXPECT_EQ(h.error().code, ErrorCode::config_invalid);
    }
    EXPECT_TRUE(validate_argon2_params({8, 1, 1}).ok());
}

}  // namespace
}  // namespace kakuin::auth
