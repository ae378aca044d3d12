#include <algorithm>

#include "auth/pin_hash.h"
#include "user_admin_fixture.h"

namespace kakuin::service::testing {
namespace {

constexpr const char* kOtherContract = "00000000002";
constexpr const char* kSource = "192.0.2.10";

class UserAdmin : public UserAdminTest {
protected:
    void SetUp() override {
        UserAdminTest::SetUp();
        create_contract();
    }
};

int count_kind(const std::vector<UsageRecord>& h, std::string_view kind) {
    return static_cast<int>(std::count_if(h.begin(), h.end(), [&](const UsageRecord& r) {
        return r.kind == kind;
    }));
}

// ---- R12 list and R19 details. ----

TEST_F(UserAdmin, ListShowsUsersWithCertificateMarkAndPermissions) {
    add_user("genchi02");
    add_user("riyousya", /*issue_certificate=*/true);
    auto list = users->list_users(admin_session());
    ASSERT_TRUE(list.ok()) << list.error().detail;
    ASSERT_EQ(list->size(), 2u);  // the administrator is not a row
    const UserSummary& g = (*list)[0];
    const UserSummary& r = (*list)[1];
    EXPECT_EQ(g.user_id, "genchi02");
    EXPECT_FALSE(g.certificate.marked);
    EXPECT_EQ(g.certificate.status, SlotStatus::none);
    EXPECT_EQ(g.certificate.issue_number_text, "");
    EXPECT_EQ(r.user_id, "riyousya");
    EXPECT_TRUE(r.certificate.marked);
    EXPECT_EQ(r.certificate.status_name, "registered");
    EXPECT_EQ(r.certificate.issue_number_text, "001");
    EXPECT_EQ(r.certificate.acquisition_deadline, clock.now() + Days(80));
    EXPECT_EQ(r.permissions_summary, "残高照会・振込（都度指定）");
    EXPECT_EQ(r.permissions[BusinessService::transfer_adhoc].per_day, 500'000);
}

TEST_F(UserAdmin, DetailsCarryCertificateStatesPermissionsAndToken) {
    add_user("riyousya");
    std::string serial = acquire(kUser);
    auto d = users->get_user(admin_session(), "riyousya");
    ASSERT_TRUE(d.ok()) << d.error().detail;
    EXPECT_EQ(d->name_kana, "ﾘﾖｳｼｬ");
    EXPECT_EQ(d->name_kanji, "利用者");
    EXPECT_EQ(d->certificate.status, SlotStatus::valid);
    EXPECT_TRUE(d->certificate.marked);
    EXPECT_EQ(d->certificate.serial_hex, serial);
    EXPECT_TRUE(d->certificate.not_after.has_value());
    EXPECT_EQ(d->certificate.issue_number_text, "001");
    EXPECT_EQ(d->token, TokenKind::none);
    EXPECT_TRUE(d->permissions[BusinessService::balance].allowed);
    EXPECT_FALSE(d->states.locked);
}

// ---- R14: who may do what. ----

TEST_F(UserAdmin, UserSessionsAndPendingSessionsAreForbidden) {
    add_user("riyousya");
    const auto before = counts();
    for (const SessionInfo& s : {session_of(kUser), session_of(kAdmin, SessionState::otp_required)}) {
        EXPECT_EQ(users->list_users(s).error().code, ErrorCode::forbidden);
        EXPECT_EQ(users->get_user(s, "riyousya").error().code, ErrorCode::forbidden);
        EXPECT_EQ(users->register_user(s, user_input("newuser"), cpin(), kSource).error().code,
                  ErrorCode::forbidden);
        EXPECT_EQ(users->change_user(s, "riyousya", {}, CertificateHandling::reissue, cpin(), kSource)
                      .error().code,
                  ErrorCode::forbidden);
        EXPECT_EQ(users->delete_user(s, "riyousya", cpin(), kSource).error().code, ErrorCode::forbidden);
        EXPECT_EQ(users->unlock_user(s, "riyousya", cpin(), kSource).error().code, ErrorCode::forbidden);
        EXPECT_EQ(users->register_token(s, "riyousya", {}, cpin(), kSource).error().code,
                  ErrorCode::forbidden);
        EXPECT_EQ(users->stop_transactions(s, true, cpin(), kSource).error().code, ErrorCode::forbidden);
    }
    EXPECT_EQ(counts(), before);
}

TEST_F(UserAdmin, AnotherContractsUsersAreNotFound) {
    create_contract(LoginMethod::id_pin, kOtherContract);
    Person other;
    other.key = PersonKey::user(kOtherContract, "tasya");
    other.name_kana = "ﾀｼｬ";
    ASSERT_TRUE(contracts->register_user(bank, other).ok());
    ASSERT_TRUE(certs->register_issuance(bank, other.key).ok());
    const auto before = counts();
    EXPECT_EQ(users->get_user(admin_session(), "tasya").error().code, ErrorCode::not_found);
    EXPECT_EQ(users->change_user(admin_session(), "tasya", {}, CertificateHandling::reissue, cpin(), kSource)
                  .error().code,
              ErrorCode::not_found);
    EXPECT_EQ(users->delete_user(admin_session(), "tasya", cpin(), kSource).error().code,
              ErrorCode::not_found);
    EXPECT_EQ(users->unlock_user(admin_session(), "tasya", cpin(), kSource).error().code,
              ErrorCode::not_found);
    auto list = users->list_users(admin_session());
    ASSERT_TRUE(list.ok());
    EXPECT_TRUE(list->empty());
    EXPECT_EQ(counts(), before);
    EXPECT_EQ(slot_of(other.key).issue_number, 1);
}

TEST_F(UserAdmin, OwnAccountAndCertificateAreForbidden) {
    const auto before = counts();
    EXPECT_EQ(users->change_user(admin_session(), "", {}, CertificateHandling::reissue, cpin(), kSource)
                  .error().code,
              ErrorCode::forbidden);
    EXPECT_EQ(users->change_user(admin_session(), "", {}, CertificateHandling::revoke, cpin(), kSource)
                  .error().code,
              ErrorCode::forbidden);
    EXPECT_EQ(users->delete_user(admin_session(), "", cpin(), kSource).error().code, ErrorCode::forbidden);
    EXPECT_EQ(counts(), before);
    EXPECT_EQ(slot_of(kAdmin).issue_number, 1);  // still the bank's registration
}

// ---- The confirmation PIN. ----

TEST_F(UserAdmin, WrongConfirmationPinIsCountedRecordedAndChangesNothingElse) {
    add_user("riyousya");
    const auto before = counts();
    auto r = users->register_user(admin_session(), user_input("newuser"), "9999x", kSource);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::confirmation_pin_incorrect);
    auto after = counts();
    EXPECT_EQ(after.history, before.history + 1);
    after.history = before.history;
    EXPECT_EQ(after, before);  // no user, no slot
    EXPECT_EQ(person(kAdmin).failure_count, 1);
    auto h = all_history();
    ASSERT_FALSE(h.empty());
    EXPECT_EQ(h.front().kind, admin_history_kind::confirmation_pin_failed);
    EXPECT_EQ(h.front().result, "confirmation_pin_incorrect");
    EXPECT_EQ(h.front().source_address, kSource);
    EXPECT_EQ(h.front().detail.find("9999x"), std::string::npos);

    // A change with a wrong PIN leaves the user and the certificate as they were.
    UserChange ch;
    ch.name_kana = "ﾍﾝｺｳ";
    ch.accident = true;
    EXPECT_EQ(users->change_user(admin_session(), "riyousya", ch, CertificateHandling::reissue, "0000",
                                 kSource)
                  .error().code,
              ErrorCode::confirmation_pin_incorrect);
    EXPECT_EQ(person(kUser).name_kana, "ﾘﾖｳｼｬ");
    EXPECT_FALSE(person(kUser).accident);
    EXPECT_EQ(slot_of(kUser).issue_number, 0);
    EXPECT_EQ(person(kAdmin).failure_count, 2);

    // The right PIN works and resets the count.
    ASSERT_TRUE(users->unlock_user(admin_session(), "riyousya", cpin(), kSource).ok());
    EXPECT_EQ(person(kAdmin).failure_count, 0);
}

TEST_F(UserAdmin, RepeatedWrongConfirmationPinsLockTheAdministrator) {
    add_user("riyousya");
    for (int i = 0; i < policy.lockout_threshold; ++i) {
        EXPECT_EQ(users->unlock_user(admin_session(), "riyousya", "0000", kSource).error().code,
                  ErrorCode::confirmation_pin_incorrect);
    }
    EXPECT_TRUE(person(kAdmin).locked);
    EXPECT_EQ(count_kind(all_history(), admin_history_kind::person_locked), 1);
    // Locked: even the right PIN is refused, and nothing is counted any more.
    const auto before = counts();
    EXPECT_EQ(users->unlock_user(admin_session(), "riyousya", cpin(), kSource).error().code,
              ErrorCode::locked);
    EXPECT_EQ(counts(), before);
    // The bank unlocks the administrator (R8).
    ASSERT_TRUE(bank_service->unlock_admin(bank, kContract).ok());
    EXPECT_FALSE(person(kAdmin).locked);
    EXPECT_TRUE(users->unlock_user(admin_session(), "riyousya", cpin(), kSource).ok());
}

// ---- R13 register: bad input writes nothing. ----

TEST_F(UserAdmin, RegisterRefusesBadInputAndWritesNothing) {
    add_user("riyousya");
    const auto before = counts();
    auto expect_refused = [&](UserInput in, ErrorCode code, std::string_view ja = {}) {
        auto r = users->register_user(admin_session(), in, cpin(), kSource);
        ASSERT_FALSE(r.ok()) << in.user_id;
        EXPECT_EQ(r.error().code, code) << in.user_id << " " << r.error().detail;
        if (!ja.empty()) {
            EXPECT_NE(r.error().detail_ja.find(ja), std::string::npos) << r.error().detail_ja;
        }
        EXPECT_EQ(counts(), before);
    };
    expect_refused(user_input(""), ErrorCode::invalid_request);
    expect_refused(user_input("has space"), ErrorCode::invalid_request);
    expect_refused(user_input("abcdefghijklmnopq"), ErrorCode::invalid_request);  // 17
    expect_refused(user_input("riyousya"), ErrorCode::conflict);
    UserInput in = user_input("newuser");
    in.name_kana = "";
    expect_refused(in, ErrorCode::invalid_request);
    in.name_kana = "リヨウシャ";  // full-width kana
    expect_refused(in, ErrorCode::invalid_request, "半角カナ");
    in = user_input("newuser");
    in.name_kanji = std::string("a\x01", 2);
    expect_refused(in, ErrorCode::invalid_request);
    in = user_input("newuser");
    in.login_pin_again = "1358";
    expect_refused(in, ErrorCode::invalid_request, "ログイン暗証番号");
    in = user_input("newuser");
    in.confirmation_pin = in.confirmation_pin_again = "12";  // too short
    expect_refused(in, ErrorCode::invalid_request, "確認暗証番号");
    in = user_input("newuser");
    in.login_pin = in.login_pin_again = "newuser";  // equal to the ID
    expect_refused(in, ErrorCode::invalid_request);
    in = user_input("newuser");
    in.contact_email = "not an address";
    expect_refused(in, ErrorCode::invalid_request);
    in = user_input("newuser");
    in.permissions[BusinessService::transfer_adhoc] = {true, 1'000'001, 2'000'000};  // contract: 1,000,000
    expect_refused(in, ErrorCode::invalid_request, "振込（都度指定）");
    in = user_input("newuser");
    in.permissions[BusinessService::payroll] = {true, 0, kMaxLimitYen + 1};
    expect_refused(in, ErrorCode::invalid_request, "給与・賞与振込");
    EXPECT_EQ(person(kAdmin).failure_count, 0);
}

TEST_F(UserAdmin, RegisterStopsAtTheMaximumNumberOfUsers) {
    policy.max_users = 2;
    add_user("user1");
    add_user("user2");
    const auto before = counts();
    auto r = users->register_user(admin_session(), user_input("user3"), cpin(), kSource);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::invalid_request);
    EXPECT_EQ(counts(), before);
}

TEST_F(UserAdmin, RegisterStoresHashesPermissionsAndHistory) {
    auto r = users->register_user(admin_session(), user_input("riyousya", true), cpin(), kSource);
    ASSERT_TRUE(r.ok()) << r.error().detail;
    Person p = person(kUser);
    EXPECT_TRUE(auth::verify_pin("1357", p.login_pin_hash).ok());
    EXPECT_TRUE(auth::verify_pin("2468", p.confirmation_pin_hash).ok());
    auto perms = read()->load_permissions(kUser);
    ASSERT_TRUE(perms.ok());
    EXPECT_EQ((*perms)[BusinessService::transfer_adhoc], (ServicePermission{true, 100'000, 500'000}));
    EXPECT_EQ(slot_of(kUser).phase, SlotPhase::registered);
    auto h = all_history();
    EXPECT_EQ(count_kind(h, history_kind::user_registered), 1);
    EXPECT_EQ(count_kind(h, history_kind::certificate_registered), 2);  // the admin's + the user's
    for (const auto& rec : h) {
        EXPECT_EQ(rec.detail.find("1357"), std::string::npos);
        EXPECT_EQ(rec.detail.find("2468"), std::string::npos);
    }
}

// ---- R13/R18 change. ----

TEST_F(UserAdmin, ChangeAppliesFieldsStatesPinsAndPermissions) {
    add_user("riyousya");
    UserChange ch;
    ch.name_kana = "ﾍﾝｺｳ ｺﾞ";
    ch.name_kanji = "変更後";
    ch.authority = Authority::approver;
    ch.login_pin = PinReset{"9753", "9753"};
    ch.accident = true;
    ch.suspended = true;
    ch.otp_locked = true;
    Permissions perms;
    perms[BusinessService::payroll] = {true, 10, 20};
    ch.permissions = perms;
    auto r = users->change_user(admin_session(), "riyousya", ch, CertificateHandling::keep, cpin(), kSource);
    ASSERT_TRUE(r.ok()) << r.error().detail;
    EXPECT_EQ(r->name_kana, "ﾍﾝｺｳ ｺﾞ");
    EXPECT_EQ(r->authority, Authority::approver);
    EXPECT_TRUE(r->states.accident && r->states.suspended && r->states.otp_locked);
    EXPECT_EQ(r->permissions, perms);
    Person p = person(kUser);
    EXPECT_TRUE(auth::verify_pin("9753", p.login_pin_hash).ok());
    EXPECT_TRUE(auth::verify_pin("2468", p.confirmation_pin_hash).ok());  // kept
    auto h = all_history();
    ASSERT_EQ(count_kind(h, history_kind::user_changed), 1);
    EXPECT_EQ(h.front().kind, history_kind::user_changed);
    EXPECT_NE(h.front().detail.find("login_pin reset"), std::string::npos);
    EXPECT_EQ(h.front().detail.find("9753"), std::string::npos);
}

TEST_F(UserAdmin, ReissueFromValidRevokesTheOldCertificateAndShowsIssue002) {
    add_user("riyousya");
    const std::string old_serial = acquire(kUser);
    UserChange ch;
    ch.suspended = false;
    auto r = users->change_user(admin_session(), "riyousya", ch, CertificateHandling::reissue, cpin(), kSource);
    ASSERT_TRUE(r.ok()) << r.error().detail;
    auto old = read()->find_certificate_by_serial(old_serial);
    ASSERT_TRUE(old.ok() && old->has_value());
    EXPECT_EQ((*old)->status_at(clock.now()), CertificateStatus::revoked);
    EXPECT_EQ((*old)->revocation_reason, CrlReason::cessation_of_operation);
    auto list = users->list_users(admin_session());
    ASSERT_TRUE(list.ok());
    ASSERT_EQ(list->size(), 1u);
    EXPECT_TRUE((*list)[0].certificate.marked);
    EXPECT_EQ((*list)[0].certificate.status_name, "registered");
    EXPECT_EQ((*list)[0].certificate.issue_number_text, "002");
    auto h = all_history();
    EXPECT_EQ(h.front().kind, history_kind::certificate_reissued);
    EXPECT_NE(h.front().detail.find(old_serial), std::string::npos);
    // The old certificate can no longer log in.
    EXPECT_EQ(certs->record_use(Actor::person(kUser), kUser, old_serial).error().code,
              ErrorCode::certificate_not_current);
}

TEST_F(UserAdmin, ReissueWorksFromEverySlotState) {
    add_user("riyousya");
    // none -> 001
    ASSERT_TRUE(users->change_user(admin_session(), "riyousya", {}, CertificateHandling::reissue, cpin(), kSource).ok());
    EXPECT_EQ(slot_of(kUser).issue_number, 1);
    // registered -> 002
    ASSERT_TRUE(users->change_user(admin_session(), "riyousya", {}, CertificateHandling::reissue, cpin(), kSource).ok());
    EXPECT_EQ(slot_of(kUser).issue_number, 2);
    // deadline passed -> 003
    clock.advance(Days(81));
    ASSERT_TRUE(users->change_user(admin_session(), "riyousya", {}, CertificateHandling::reissue, cpin(), kSource).ok());
    EXPECT_EQ(slot_of(kUser).status_at(clock.now()), SlotStatus::registered);
    // revoked -> 004
    acquire(kUser);
    ASSERT_TRUE(users->change_user(admin_session(), "riyousya", {}, CertificateHandling::revoke, cpin(), kSource).ok());
    EXPECT_EQ(slot_of(kUser).status_at(clock.now()), SlotStatus::revoked);
    ASSERT_TRUE(users->change_user(admin_session(), "riyousya", {}, CertificateHandling::reissue, cpin(), kSource).ok());
    EXPECT_EQ(slot_of(kUser).issue_number, 4);
}

TEST_F(UserAdmin, ChangeIsOneTransaction) {
    add_user("riyousya");
    // Revoking when nothing was ever registered fails: the field changes must not stay either.
    UserChange ch;
    ch.name_kana = "ﾍﾝｺｳ";
    ch.accident = true;
    const auto before = counts();
    auto r = users->change_user(admin_session(), "riyousya", ch, CertificateHandling::revoke, cpin(), kSource);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::certificate_state_invalid);
    EXPECT_EQ(counts(), before);
    EXPECT_EQ(person(kUser).name_kana, "ﾘﾖｳｼｬ");
    EXPECT_FALSE(person(kUser).accident);
}

TEST_F(UserAdmin, ChangeRefusesBadInputAndWritesNothing) {
    add_user("riyousya");
    const auto before = counts();
    UserChange ch;
    ch.login_pin = PinReset{"1111", "2222"};
    EXPECT_EQ(users->change_user(admin_session(), "riyousya", ch, CertificateHandling::reissue, cpin(), kSource)
                  .error().code,
              ErrorCode::invalid_request);
    UserChange ch2;
    Permissions p;
    p[BusinessService::transfer_adhoc] = {true, 0, 5'000'001};
    ch2.permissions = p;
    auto r = users->change_user(admin_session(), "riyousya", ch2, CertificateHandling::reissue, cpin(), kSource);
    EXPECT_EQ(r.error().code, ErrorCode::invalid_request);
    EXPECT_NE(r.error().detail_ja.find("振込（都度指定）"), std::string::npos);
    EXPECT_EQ(users->change_user(admin_session(), "nobody", {}, CertificateHandling::keep, cpin(), kSource)
                  .error().code,
              ErrorCode::not_found);
    EXPECT_EQ(counts(), before);
}

// ---- Delete, unlock, token, history, WEB-FB stop. ----

TEST_F(UserAdmin, DeleteRevokesTheCertificateInTheSameTransaction) {
    add_user("riyousya");
    const std::string serial = acquire(kUser);
    ASSERT_TRUE(users->delete_user(admin_session(), "riyousya", cpin(), kSource).ok());
    auto p = read()->find_person(kUser);
    ASSERT_TRUE(p.ok());
    EXPECT_FALSE(p->has_value());
    auto c = read()->find_certificate_by_serial(serial);
    ASSERT_TRUE(c.ok() && c->has_value());
    EXPECT_TRUE((*c)->revoked_at.has_value());
    auto h = all_history();
    EXPECT_EQ(h.front().kind, history_kind::user_deleted);
    EXPECT_NE(h.front().detail.find(serial), std::string::npos);
    EXPECT_EQ(users->get_user(admin_session(), "riyousya").error().code, ErrorCode::not_found);
}

TEST_F(UserAdmin, UnlockClearsTheLock) {
    add_user("riyousya");
    Person p = person(kUser);
    p.locked = true;
    p.failure_count = 6;
    ASSERT_TRUE(contracts->update_person(admin, p, history_kind::user_changed, "test lock").ok());
    auto r = users->unlock_user(admin_session(), "riyousya", cpin(), kSource);
    ASSERT_TRUE(r.ok()) << r.error().detail;
    EXPECT_FALSE(r->states.locked);
    EXPECT_EQ(person(kUser).failure_count, 0);
    EXPECT_EQ(all_history().front().kind, admin_history_kind::person_unlocked);
}

TEST_F(UserAdmin, SoftwareTokenReturnsAnOtpauthUriAndQr) {
    add_user("riyousya");
    auto t = users->register_token(admin_session(), "riyousya", TokenRequest{}, cpin(), kSource);
    ASSERT_TRUE(t.ok()) << t.error().detail;
    EXPECT_EQ(t->kind, TokenKind::software);
    EXPECT_EQ(t->otpauth_uri.rfind("otpauth://totp/", 0), 0u);
    EXPECT_NE(t->otpauth_uri.find("secret=" + t->secret_base32), std::string::npos);
    EXPECT_NE(t->qr_svg.find("<svg"), std::string::npos);
    auto stored = read()->find_otp_token(kUser);
    ASSERT_TRUE(stored.ok() && stored->has_value());
    EXPECT_EQ((*stored)->kind, store::OtpTokenKind::software);
    EXPECT_EQ((*stored)->secret.size(), 20u);
    EXPECT_EQ(users->get_user(admin_session(), "riyousya")->token, TokenKind::software);
    for (const auto& rec : all_history()) {
        EXPECT_EQ(rec.detail.find(t->secret_base32), std::string::npos);
    }
}

TEST_F(UserAdmin, HardwareTokenNeedsAValidSeedAndSerial) {
    add_user("riyousya");
    const auto before = counts();
    TokenRequest bad{TokenKind::hardware, "not base32!", "SN1"};
    EXPECT_EQ(users->register_token(admin_session(), "riyousya", bad, cpin(), kSource).error().code,
              ErrorCode::invalid_request);
    TokenRequest short_seed{TokenKind::hardware, "MZXW6===", "SN1"};
    EXPECT_EQ(users->register_token(admin_session(), "riyousya", short_seed, cpin(), kSource).error().code,
              ErrorCode::invalid_request);
    TokenRequest no_serial{TokenKind::hardware, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", ""};
    EXPECT_EQ(users->register_token(admin_session(), "riyousya", no_serial, cpin(), kSource).error().code,
              ErrorCode::invalid_request);
    TokenRequest none{TokenKind::none, "", ""};
    EXPECT_EQ(users->register_token(admin_session(), "riyousya", none, cpin(), kSource).error().code,
              ErrorCode::invalid_request);
    EXPECT_EQ(counts(), before);
    TokenRequest good{TokenKind::hardware, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", "SN-0001"};
    auto t = users->register_token(admin_session(), "riyousya", good, cpin(), kSource);
    ASSERT_TRUE(t.ok()) << t.error().detail;
    EXPECT_TRUE(t->otpauth_uri.empty());
    EXPECT_EQ(users->get_user(admin_session(), "riyousya")->token, TokenKind::hardware);
    EXPECT_NE(all_history().front().detail.find("SN-0001"), std::string::npos);
}

TEST_F(UserAdmin, HistoryAdministratorSeesTheContractUserOnlyTheirOwn) {
    add_user("riyousya");
    add_user("genchi02");
    create_contract(LoginMethod::id_pin, kOtherContract);
    auto all = users->history(admin_session(), {});
    ASSERT_TRUE(all.ok());
    for (const auto& r : all->records) EXPECT_EQ(r.contract_id, kContract);
    EXPECT_GE(all->records.size(), 4u);  // contract, token, admin certificate, two users

    HistoryFilter one;
    one.user_id = "genchi02";
    auto g = users->history(admin_session(), one);
    ASSERT_TRUE(g.ok());
    ASSERT_EQ(g->records.size(), 1u);
    EXPECT_EQ(g->records[0].kind, history_kind::user_registered);

    auto mine = users->history(session_of(kUser), {});
    ASSERT_TRUE(mine.ok());
    ASSERT_EQ(mine->records.size(), 1u);
    EXPECT_EQ(mine->records[0].target_user_id, "riyousya");

    HistoryFilter other;
    other.user_id = "genchi02";
    EXPECT_EQ(users->history(session_of(kUser), other).error().code, ErrorCode::forbidden);
    EXPECT_EQ(users->history(session_of(kUser, SessionState::otp_required), {}).error().code,
              ErrorCode::forbidden);
    HistoryFilter bad;
    bad.user_id = "bad id";
    EXPECT_EQ(users->history(admin_session(), bad).error().code, ErrorCode::invalid_request);
}

TEST_F(UserAdmin, StopTransactionsSetsTheContractFlag) {
    ASSERT_TRUE(users->stop_transactions(admin_session(), true, cpin(), kSource).ok());
    auto c = read()->find_contract(kContract);
    ASSERT_TRUE(c.ok() && c->has_value());
    EXPECT_TRUE((*c)->transactions_stopped);
    EXPECT_FALSE((*c)->suspended);
    ASSERT_TRUE(users->stop_transactions(admin_session(), false, cpin(), kSource).ok());
    EXPECT_FALSE((*read()->find_contract(kContract))->transactions_stopped);
    EXPECT_EQ(users->stop_transactions(admin_session(), true, "0000", kSource).error().code,
              ErrorCode::confirmation_pin_incorrect);
    EXPECT_FALSE((*read()->find_contract(kContract))->transactions_stopped);
}

}  // namespace
}  // namespace kakuin::service::testing
