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

}  // namespace
}  // namespace kakuin::service::testing
