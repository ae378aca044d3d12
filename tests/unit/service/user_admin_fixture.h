// Set-up of the UserAdminService / BankService tests: ServiceTest's real SQLite store and real
// CA, plus a contract created by BankService (so the administrator has real PIN hashes and a
// TOTP token) and an active administrator session.
#pragma once

#include <memory>
#include <string>

#include "service/bank_service.h"
#include "service_fixture.h"
#include "service/user_admin_service.h"

namespace kakuin::service::testing {

class UserAdminTest : public ServiceTest {
protected:
    void SetUp() override {
        ServiceTest::SetUp();
        ctx = std::make_unique<ServiceContext>(ServiceContext{
            service_store(), *shared_ca().ca, clock, random, policy, auth::Argon2Params{64, 1, 1}});
        bank_service = std::make_unique<BankService>(*ctx, *certs);
        users = std::make_unique<UserAdminService>(*ctx, *certs);
    }

    // Creates kContract (certificate method unless told) and keeps its initial PINs.
    void create_contract(LoginMethod method = LoginMethod::certificate,
                         const std::string& contract_id = kContract) {
        ContractInput in;
        in.contract_id = contract_id;
        in.name = "株式会社かくいん";
        in.name_kana = "ｶﾌﾞｼｷｶﾞｲｼｬｶｸｲﾝ";
        in.login_method = method;
        in.upper_limits[BusinessService::transfer_adhoc] = ContractLimit{1'000'000, 5'000'000};
        auto r = bank_service->create_contract(bank, in);
        ASSERT_TRUE(r.ok()) << r.error().detail;
        if (contract_id == kContract) created = *r;
    }

    static SessionInfo session_of(const PersonKey& who, SessionState state = SessionState::active) {
        SessionInfo s;
        s.person = who;
        s.state = state;
        return s;
    }
    SessionInfo admin_session() const { return session_of(kAdmin); }
    const std::string& cpin() const { return created.admin_confirmation_pin; }

    UserInput user_input(const std::string& user_id, bool issue_certificate = false) const {
        UserInput in;
        in.user_id = user_id;
        in.name_kana = "ﾘﾖｳｼｬ";
        in.name_kanji = "利用者";
        in.authority = Authority::general;
        in.login_pin = in.login_pin_again = "1357";
        in.confirmation_pin = in.confirmation_pin_again = "2468";
        in.permissions[BusinessService::balance].allowed = true;
        in.permissions[BusinessService::transfer_adhoc] = ServicePermission{true, 100'000, 500'000};
        in.issue_certificate = issue_certificate;
        return in;
    }
    // Registers `user_id` through the administrator's use case.
    void add_user(const std::string& user_id, bool issue_certificate = false) {
        auto r = users->register_user(admin_session(), user_input(user_id, issue_certificate), cpin(),
                                      "192.0.2.10");
        ASSERT_TRUE(r.ok()) << r.error().detail;
    }
    Person person(const PersonKey& k) {
        auto p = read()->find_person(k);
        EXPECT_TRUE(p.ok());
        return p.ok() && *p ? **p : Person{};
    }
    CertificateSlot slot_of(const PersonKey& k) {
        auto s = read()->load_slot_for_update(k);
        EXPECT_TRUE(s.ok());
        return s.ok() ? *s : CertificateSlot{};
    }
    std::vector<UsageRecord> all_history() {
        store::HistoryQuery q;
        q.limit = store::kMaxHistoryPage;
        auto page = read()->list_history(q);
        EXPECT_TRUE(page.ok());
        return page.ok() ? page->records : std::vector<UsageRecord>{};
    }

    std::unique_ptr<ServiceContext> ctx;
    std::unique_ptr<BankService> bank_service;
    std::unique_ptr<UserAdminService> users;
    ContractCreated created;
};

}  // namespace kakuin::service::testing
