// SessionService::authenticate and submit_otp return the contract they read in the same
// transaction as the session check (the API shows it without reading it again); it is read
// afresh on every call, so a change of the contract flags shows at once.
#include "session_fixture.h"

namespace kakuin::service::testing {
namespace {

class SessionContractTest : public SessionTest {
protected:
    void set_flags(bool suspended, bool stopped) {
        auto tx = store->begin(store::TxMode::write);
        ASSERT_TRUE(tx.ok());
        ASSERT_TRUE((*tx)->update_contract_flags(kContract, suspended, stopped).ok());
        ASSERT_TRUE((*tx)->commit().ok());
    }
};

TEST_F(SessionContractTest, AuthenticateCarriesTheContractReadWithTheSession) {
    otp_off();
    auto s = sessions->login_with_pin(pin_login(kUser));
    ASSERT_TRUE(s.ok()) << s.error().detail;
    auto stored = read()->find_contract(kContract);
    ASSERT_TRUE(stored.ok() && stored->has_value());

    auto a = sessions->authenticate(s->token, std::nullopt);  // fast path
    ASSERT_TRUE(a.ok());
    ASSERT_TRUE(a->contract.has_value());
    EXPECT_EQ(a->contract->name_kanji, (*stored)->name_kanji);
    EXPECT_EQ(a->contract->name_kana, (*stored)->name_kana);
    EXPECT_FALSE(a->contract->transactions_stopped);

    set_flags(false, true);
    auto b = sessions->authenticate(s->token, std::nullopt);  // still the fast path
    ASSERT_TRUE(b.ok());
    ASSERT_TRUE(b->contract.has_value());
    EXPECT_TRUE(b->contract->transactions_stopped);

    clock.advance(Seconds(11));  // the write path
    auto c = sessions->authenticate(s->token, std::nullopt);
    ASSERT_TRUE(c.ok());
    ASSERT_TRUE(c->contract.has_value());
    EXPECT_TRUE(c->contract->transactions_stopped);

    set_flags(true, true);
    auto d = sessions->authenticate(s->token, std::nullopt);
    ASSERT_FALSE(d.ok());
    EXPECT_EQ(d.error().code, ErrorCode::contract_suspended);
}

TEST_F(SessionContractTest, SubmitOtpCarriesTheContract) {
    register_token(kUser);
    auto s = sessions->login_with_pin(pin_login(kUser));
    ASSERT_TRUE(s.ok()) << s.error().detail;
    EXPECT_FALSE(s->info.contract.has_value());  // login does not read it for the answer
    auto done = sessions->submit_otp(s->token, code(kUser), "127.0.0.1");
    ASSERT_TRUE(done.ok()) << done.error().detail;
    ASSERT_TRUE(done->contract.has_value());
    EXPECT_FALSE(done->contract->transactions_stopped);
}

}  // namespace
}  // namespace kakuin::service::testing
