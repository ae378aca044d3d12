// A serial the store already holds is never reused: the service draws another one.
#include "service_fixture.h"

namespace kakuin::service::testing {
namespace {

// Deterministic bytes that can be replayed from the start.
class ReplayRandom final : public Random {
public:
    void fill(std::span<std::uint8_t> out) override {
        for (auto& b : out) {
            state_ ^= state_ << 13;
            state_ ^= state_ >> 7;
            state_ ^= state_ << 17;
            b = static_cast<std::uint8_t>(state_ >> 24);
        }
    }
    void replay() { state_ = kSeed; }

private:
    static constexpr std::uint64_t kSeed = 0x9E3779B97F4A7C15ULL;
    std::uint64_t state_ = kSeed;
};

TEST_F(ServiceTest, SerialCollisionDrawsAnotherSerial) {
    register_people();
    ReplayRandom replay;
    CertificateService service(*store, *shared_ca().ca, clock, replay, policy);
    ASSERT_TRUE(service.register_issuance(bank, kAdmin).ok());
    ASSERT_TRUE(service.register_issuance(admin, kUser).ok());

    replay.replay();
    const std::string expected_first = pki::random_serial_hex(replay);
    replay.replay();
    auto a = service.issue_from_csr(Actor::person(kAdmin), kAdmin, csr_der(p256.get()));
    ASSERT_TRUE(a.ok()) << a.error().detail;
    EXPECT_EQ(a->certificate.serial_hex, expected_first);

    replay.replay();  // the same first candidate again: it is taken
    auto b = service.issue_from_csr(Actor::person(kUser), kUser, csr_der(p256.get()));
    ASSERT_TRUE(b.ok()) << b.error().detail;
    EXPECT_NE(b->certificate.serial_hex, a->certificate.serial_hex);
    EXPECT_EQ(counts().certificates, 2);
}

}  // namespace
}  // namespace kakuin::service::testing
