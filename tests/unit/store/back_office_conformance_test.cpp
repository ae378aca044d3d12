// Conformance of the back-office records (migration 0006) on SQLite and PostgreSQL alike:
// staff, staff sessions (one per staff member), change requests, contract details and search.
#include <gtest/gtest.h>

#include "conformance_backends.h"

namespace kakuin::store::conformance {
namespace {

const TimePoint kT0 = from_unix(1'790'000'000);

std::string backend_label(const ::testing::TestParamInfo<Backend>& info) {
    return info.param == Backend::sqlite ? "SQLite" : "PostgreSQL";
}

Contract contract(const std::string& id, const std::string& name, const std::string& kana,
                  TimePoint at) {
    Contract c;
    c.contract_id = id;
    c.name_kanji = name;
    c.name_kana = kana;
    c.created_at = at;
    return c;
}

StaffRecord staff(const std::string& id, StaffRole role) {
    StaffRecord s;
    s.staff_id = id;
    s.name = "行員 " + id;
    s.role = role;
    s.pin_hash = "$argon2id$v=19$m=64,t=1,p=1$c2FsdA$aGFzaA";
    s.totp_secret_base32 = "JBSWY3DPEHPK3PXP";
    s.created_at = kT0;
    return s;
}

class BackOfficeConformance : public ::testing::TestWithParam<Backend> {
protected:
    void SetUp() override {
        opened = open_fresh(GetParam());
        ASSERT_TRUE(opened.store) << opened.error;
    }
    std::unique_ptr<Transaction> begin(TxMode mode = TxMode::write) {
        auto tx = opened.store->begin(mode);
        EXPECT_TRUE(tx.ok()) << tx.error().detail;
        return tx.ok() ? std::move(tx).value() : nullptr;
    }
    OpenedStore opened;
};

INSTANTIATE_TEST_SUITE_P(Backends, BackOfficeConformance,
                         ::testing::Values(Backend::sqlite, Backend::postgres), backend_label);

TEST_P(BackOfficeConformance, StaffAndTheirSessions) {
    auto tx = begin();
    ASSERT_TRUE(tx);
    StaffRecord op = staff("op1", StaffRole::operator_);
    ASSERT_TRUE(tx->insert_staff(op).ok());
    EXPECT_EQ(tx->insert_staff(op).error().code, ErrorCode::conflict);
    op.failure_count = 2;
    op.locked = true;
    op.last_otp_step = 59'666'666;
    op.last_login_at = kT0 + Seconds(5);
    op.role = StaffRole::approver;
    ASSERT_TRUE(tx->update_staff(op).ok());
    EXPECT_EQ(tx->update_staff(staff("nobody", StaffRole::operator_)).error().code, ErrorCode::not_found);
    StaffSessionRecord s{"a1b2", "op1", SessionPhase::otp_required, "csrf", kT0, kT0};
    ASSERT_TRUE(tx->insert_staff_session(s).ok());
    // One per staff member, and only for existing staff.
    StaffSessionRecord second = s;
    second.token_hash = "c3d4";
    EXPECT_EQ(tx->insert_staff_session(second).error().code, ErrorCode::conflict);
    ASSERT_TRUE(tx->commit().ok());

    tx = begin();
    StaffSessionRecord ghost = s;
    ghost.token_hash = "e5f6";
    ghost.staff_id = "nobody";
    EXPECT_EQ(tx->insert_staff_session(ghost).error().code, ErrorCode::not_found);
    auto found = tx->find_staff("op1");
    ASSERT_TRUE(found.ok() && found->has_value());
    EXPECT_EQ(**found, op);
    EXPECT_FALSE(tx->find_staff("nobody")->has_value());
    s.phase = SessionPhase::active;
    s.last_seen_at = kT0 + Seconds(30);
    ASSERT_TRUE(tx->update_staff_session(s).ok());
    auto fs = tx->find_staff_session("a1b2");
    ASSERT_TRUE(fs.ok() && fs->has_value());
    EXPECT_EQ(**fs, s);
    EXPECT_EQ(*tx->delete_staff_sessions_of("op1"), 1);
    EXPECT_EQ(tx->delete_staff_session("a1b2").error().code, ErrorCode::not_found);
    EXPECT_EQ(tx->update_staff_session(s).error().code, ErrorCode::not_found);
    ASSERT_TRUE(tx->insert_staff_session(second).ok());
    ASSERT_TRUE(tx->commit().ok());
}

TEST_P(BackOfficeConformance, ChangeRequestsKeepTheirFieldsAndFilter) {
    auto tx = begin();
    ASSERT_TRUE(tx);
    ASSERT_TRUE(tx->insert_staff(staff("op1", StaffRole::operator_)).ok());
    ASSERT_TRUE(tx->insert_staff(staff("ap1", StaffRole::approver)).ok());
    ChangeRequestRecord r;
    r.kind = "contract_create";
    r.contract_id = "00001234567";
    r.payload = "name=株式会社\\nいちご\nname_kana=ｲﾁｺﾞ\n";
    r.requested_by = "op1";
    r.requested_at = kT0;
    auto id1 = tx->insert_change_request(r);
    ASSERT_TRUE(id1.ok()) << id1.error().detail;
    r.kind = "admin_certificate_reissue";
    r.contract_id = "00009876543";
    r.request_number = "IRAI-1";
    r.payload = "";
    r.requested_at = kT0 + Seconds(1);
    auto id2 = tx->insert_change_request(r);
    ASSERT_TRUE(id2.ok());
    EXPECT_GT(*id2, *id1);
    ASSERT_TRUE(tx->commit().ok());

    tx = begin();
    auto got = tx->find_change_request(*id1);
    ASSERT_TRUE(got.ok() && got->has_value());
    EXPECT_EQ((*got)->payload, "name=株式会社\\nいちご\nname_kana=ｲﾁｺﾞ\n");
    EXPECT_EQ((*got)->state, ChangeRequestState::pending);
    EXPECT_FALSE((*got)->decided_by.has_value());
    ChangeRequestRecord done = **got;
    done.state = ChangeRequestState::failed;
    done.decided_by = "ap1";
    done.decided_at = kT0 + Seconds(9);
    done.reason = "conflict";
    ASSERT_TRUE(tx->update_change_request(done).ok());
    ChangeRequestRecord missing = done;
    missing.id = 999'999;
    EXPECT_EQ(tx->update_change_request(missing).error().code, ErrorCode::not_found);
    EXPECT_FALSE(tx->find_change_request(999'999)->has_value());
    ASSERT_TRUE(tx->commit().ok());

    tx = begin(TxMode::read);
    EXPECT_EQ(**tx->find_change_request(*id1), done);
    auto all = tx->list_change_requests({});
    ASSERT_TRUE(all.ok());
    ASSERT_EQ(all->size(), 2u);
    EXPECT_EQ((*all)[0].id, *id2);  // newest first
    auto pending = tx->list_change_requests({ChangeRequestState::pending, std::nullopt, 10});
    ASSERT_EQ(pending->size(), 1u);
    EXPECT_EQ((*pending)[0].request_number, "IRAI-1");
    auto of = tx->list_change_requests({std::nullopt, std::string("00001234567"), 10});
    ASSERT_EQ(of->size(), 1u);
    EXPECT_EQ((*of)[0].reason, "conflict");
    EXPECT_EQ(tx->list_change_requests({std::nullopt, std::nullopt, 1})->size(), 1u);
}

TEST_P(BackOfficeConformance, ContractDetailsAndSearch) {
    auto tx = begin();
    ASSERT_TRUE(tx);
    ASSERT_TRUE(tx->insert_contract(contract("00001234567", "株式会社いちご", "ｲﾁｺﾞ", kT0)).ok());
    ASSERT_TRUE(tx->insert_contract(contract("00009876543", "かくいん商事株式会社", "ｶｸｲﾝ", kT0 + Seconds(1))).ok());
    ASSERT_TRUE(tx->insert_contract(contract("00001299999", "50%_商会", "ｼｮｳｶｲ", kT0 + Seconds(2))).ok());
    Contract c = contract("00001234567", "株式会社いちご本店", "ｲﾁｺﾞﾎﾝﾃﾝ", kT0);
    c.login_method = LoginMethod::certificate;
    ASSERT_TRUE(tx->update_contract_details(c).ok());
    EXPECT_EQ(tx->update_contract_details(contract("00000000009", "x", "ｱ", kT0)).error().code,
              ErrorCode::not_found);
    ASSERT_TRUE(tx->commit().ok());

    tx = begin(TxMode::read);
    EXPECT_EQ(**tx->find_contract("00001234567"), c);
    auto ids = [&](const std::string& q, int limit = 50) {
        std::vector<std::string> out;
        auto found = tx->search_contracts(q, limit);  // kept: the loop must not outlive it
        EXPECT_TRUE(found.ok());
        if (!found.ok()) return out;
        for (const Contract& k : *found) out.push_back(k.contract_id);
        return out;
    };
    EXPECT_EQ(ids(""), (std::vector<std::string>{"00001299999", "00009876543", "00001234567"}));
    EXPECT_EQ(ids("", 1), (std::vector<std::string>{"00001299999"}));
    EXPECT_EQ(ids("000012"), (std::vector<std::string>{"00001299999", "00001234567"}));
    EXPECT_EQ(ids("いちご"), (std::vector<std::string>{"00001234567"}));
    EXPECT_EQ(ids("ｶｸｲﾝ"), (std::vector<std::string>{"00009876543"}));
    EXPECT_EQ(ids("%"), (std::vector<std::string>{"00001299999"}));  // no LIKE wildcards
    EXPECT_EQ(ids("_"), (std::vector<std::string>{"00001299999"}));
    EXPECT_TRUE(ids("34567").empty());  // the ID matches by prefix only
}

}  // namespace
}  // namespace kakuin::store::conformance
