#include "service_fixture.h"

namespace kakuin::service::testing {
namespace {

Contract contract(const std::string& id) {
    Contract c;
    c.contract_id = id;
    c.name_kanji = "株式会社テスト";
    c.name_kana = "ｶﾌﾞｼｷｶﾞｲｼｬﾃｽﾄ";
    return c;
}

Person person(const PersonKey& key) {
    Person p;
    p.key = key;
    p.name_kana = "ﾃｽﾄ";
    return p;
}

TEST_F(ServiceTest, RegisterContractWithAdministrator) {
    clock.advance(Seconds(5));
    ASSERT_TRUE(contracts->register_contract(bank, contract(kContract), person(kAdmin)).ok());
    auto c = contracts->find_contract(kContract);
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->created_at, clock.now());
    auto a = contracts->find_person(kAdmin);
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(a->created_at, clock.now());
    auto slot = certs->slot(kAdmin);
    ASSERT_TRUE(slot.ok());
    EXPECT_EQ(slot->status_at(clock.now()), SlotStatus::none);
    store::HistoryQuery q;
    q.contract_id = kContract;
    auto h = contracts->history(q);
    ASSERT_TRUE(h.ok());
    ASSERT_EQ(h->records.size(), 1u);
    EXPECT_EQ(h->records[0].kind, history_kind::contract_registered);
    EXPECT_EQ(h->records[0].actor, "bank:staff1");
    EXPECT_EQ(h->records[0].source_address, "10.0.0.1");
}

TEST_F(ServiceTest, RegisterContractRefusals) {
    EXPECT_EQ(contracts->register_contract(bank, contract("123"), person(PersonKey::admin("123")))
                  .error().code,
              ErrorCode::invalid_request);
    EXPECT_EQ(contracts->register_contract(bank, contract(kContract), person(kUser)).error().code,
              ErrorCode::invalid_request);
    Person nameless = person(kAdmin);
    nameless.name_kana.clear();
    EXPECT_EQ(contracts->register_contract(bank, contract(kContract), nameless).error().code,
              ErrorCode::invalid_request);
    ASSERT_TRUE(contracts->register_contract(bank, contract(kContract), person(kAdmin)).ok());
    const auto before = counts();
    EXPECT_EQ(contracts->register_contract(bank, contract(kContract), person(kAdmin)).error().code,
              ErrorCode::conflict);
    EXPECT_EQ(counts(), before);
}

TEST_F(ServiceTest, RegisterUsersAndList) {
    policy.max_users = 2;
    ASSERT_TRUE(contracts->register_contract(bank, contract(kContract), person(kAdmin)).ok());
    ASSERT_TRUE(contracts->register_user(admin, person(PersonKey::user(kContract, "b2"))).ok());
    ASSERT_TRUE(contracts->register_user(admin, person(PersonKey::user(kContract, "a1"))).ok());
    EXPECT_EQ(contracts->register_user(admin, person(PersonKey::user(kContract, "c3"))).error().code,
              ErrorCode::invalid_request);  // max_users
    EXPECT_EQ(contracts->register_user(admin, person(PersonKey::user(kContract, "a1"))).error().code,
              ErrorCode::invalid_request);  // still full: the count is checked first
    policy.max_users = 99;
    EXPECT_EQ(contracts->register_user(admin, person(PersonKey::user(kContract, "a1"))).error().code,
              ErrorCode::conflict);
    EXPECT_EQ(contracts->register_user(admin, person(PersonKey::user(kContract, "bad id"))).error().code,
              ErrorCode::invalid_request);
    EXPECT_EQ(contracts->register_user(admin, person(PersonKey::user("00000000001", "x"))).error().code,
              ErrorCode::not_found);
    auto list = contracts->list_persons(kContract);
    ASSERT_TRUE(list.ok());
    ASSERT_EQ(list->size(), 3u);
    EXPECT_EQ((*list)[0].key, kAdmin);
    EXPECT_EQ((*list)[1].key.user_id, "a1");
    EXPECT_EQ((*list)[2].key.user_id, "b2");
    EXPECT_EQ(contracts->list_persons("00000000001").error().code, ErrorCode::not_found);
    EXPECT_EQ(contracts->find_person(PersonKey::user(kContract, "zz")).error().code, ErrorCode::not_found);
    EXPECT_EQ(contracts->find_contract("00000000001").error().code, ErrorCode::not_found);
}

TEST_F(ServiceTest, UpdatePersonWritesHistory) {
    register_people();
    auto p = contracts->find_person(kUser);
    ASSERT_TRUE(p.ok());
    p->accident = true;
    p->failure_count = 2;
    ASSERT_TRUE(contracts->update_person(admin, *p, history_kind::user_changed, "accident=1").ok());
    EXPECT_EQ(*contracts->find_person(kUser), *p);
    store::HistoryQuery q;
    q.kind = std::string(history_kind::user_changed);
    auto h = contracts->history(q);
    ASSERT_EQ(h->records.size(), 1u);
    EXPECT_EQ(h->records[0].detail, "accident=1");
    Person ghost = *p;
    ghost.key.user_id = "ghost";
    const auto before = counts();
    EXPECT_EQ(contracts->update_person(admin, ghost, history_kind::user_changed, "").error().code,
              ErrorCode::not_found);
    EXPECT_EQ(counts(), before);
}

TEST_F(ServiceTest, DeleteUserRevokesTheCertificate) {
    register_people();
    const std::string serial = acquire(kUser);
    EXPECT_EQ(contracts->delete_user(admin, kAdmin).error().code, ErrorCode::invalid_request);
    ASSERT_TRUE(contracts->delete_user(admin, kUser).ok());
    EXPECT_EQ(contracts->find_person(kUser).error().code, ErrorCode::not_found);
    EXPECT_EQ(certs->slot(kUser).error().code, ErrorCode::not_found);
    auto cert = certs->certificate_by_serial(serial);
    ASSERT_TRUE(cert.ok());  // kept for the CRL and OCSP
    EXPECT_EQ(cert->status_at(clock.now()), CertificateStatus::revoked);
    EXPECT_EQ(cert->revocation_reason, CrlReason::cessation_of_operation);
    EXPECT_EQ(contracts->delete_user(admin, kUser).error().code, ErrorCode::not_found);
    store::HistoryQuery q;
    q.kind = std::string(history_kind::user_deleted);
    auto h = contracts->history(q);
    ASSERT_EQ(h->records.size(), 1u);
    EXPECT_NE(h->records[0].detail.find(serial), std::string::npos);
}

TEST_F(ServiceTest, ContractFlags) {
    register_people();
    ASSERT_TRUE(contracts->set_contract_flags(bank, kContract, true, true).ok());
    auto c = contracts->find_contract(kContract);
    EXPECT_TRUE(c->suspended);
    EXPECT_TRUE(c->transactions_stopped);
    EXPECT_EQ(contracts->set_contract_flags(bank, "00000000001", true, false).error().code,
              ErrorCode::not_found);
}

TEST_F(ServiceTest, CertificateLookups) {
    register_people();
    const std::string serial = acquire(kUser);
    auto by_serial = certs->certificate_by_serial(serial);
    ASSERT_TRUE(by_serial.ok());
    auto by_fp = certs->certificate_by_fingerprint(by_serial->sha256_fingerprint_hex);
    ASSERT_TRUE(by_fp.ok());
    EXPECT_EQ(by_fp->serial_hex, serial);
    EXPECT_EQ(by_fp->person, kUser);
    EXPECT_EQ(certs->certificate_by_serial("00").error().code, ErrorCode::not_found);
    EXPECT_EQ(certs->certificate_by_fingerprint("00").error().code, ErrorCode::not_found);
}

}  // namespace
}  // namespace kakuin::service::testing
