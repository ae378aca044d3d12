// Batched list reads (list_slots, list_permissions): one query per contract, on SQLite and
// PostgreSQL alike; they must agree with the per-person reads and never mix contracts.
#include <gtest/gtest.h>

#include "conformance_backends.h"
#include "records.h"

namespace kakuin::store::conformance {
namespace {

using testing::kT0;
using testing::make_contract;
using testing::make_person;
const std::string kContract = "00001234567";
const std::string kOther = "00007654321";

std::string name(const ::testing::TestParamInfo<Backend>& info) {
    return info.param == Backend::sqlite ? "SQLite" : "PostgreSQL";
}

class ListReads : public ::testing::TestWithParam<Backend> {
protected:
    void SetUp() override {
        opened = open_fresh(GetParam());
        ASSERT_TRUE(opened.store) << opened.error;
    }
    std::unique_ptr<Transaction> begin(TxMode mode) {
        auto tx = opened.store->begin(mode);
        EXPECT_TRUE(tx.ok()) << tx.error().detail;
        return tx.ok() ? std::move(tx).value() : nullptr;
    }
    OpenedStore opened;
};

INSTANTIATE_TEST_SUITE_P(Backends, ListReads, ::testing::Values(Backend::sqlite, Backend::postgres), name);

TEST_P(ListReads, SlotsAndPermissionsOfOneContractInOneRead) {
    CertificateSlot issued;
    issued.issue_number = 3;
    issued.phase = SlotPhase::issued;
    issued.registered_at = kT0;
    issued.serial_hex = "0C0FFEE0";
    issued.not_after = kT0 + Days(365);
    issued.revocation_reason = CrlReason::key_compromise;
    issued.revoked_at = kT0 + Days(2);
    Permissions perms;
    perms[BusinessService::transfer_adhoc] = ServicePermission{true, 1'000'000, 9'999'999'999};
    perms[BusinessService::balance] = ServicePermission{true, 0, 0};
    Permissions other_perms;
    other_perms[BusinessService::payroll] = ServicePermission{true, 5, 6};
    {
        auto tx = begin(TxMode::write);
        ASSERT_TRUE(tx);
        ASSERT_TRUE(tx->insert_contract(make_contract(kContract)).ok());
        ASSERT_TRUE(tx->insert_contract(make_contract(kOther)).ok());
        for (const char* u : {"", "a1", "b2", "c3"}) ASSERT_TRUE(tx->insert_person(make_person(kContract, u)).ok());
        for (const char* u : {"", "a1", "zz"}) ASSERT_TRUE(tx->insert_person(make_person(kOther, u)).ok());
        ASSERT_TRUE(tx->save_slot(PersonKey{kContract, "b2"}, issued).ok());
        ASSERT_TRUE(tx->save_permissions(PersonKey{kContract, "a1"}, perms).ok());
        ASSERT_TRUE(tx->save_permissions(PersonKey{kOther, "a1"}, other_perms).ok());
        ASSERT_TRUE(tx->commit().ok());
    }
    for (TxMode mode : {TxMode::read, TxMode::write}) {
        auto tx = begin(mode);
        ASSERT_TRUE(tx);
        auto slots = tx->list_slots(kContract);
        ASSERT_TRUE(slots.ok()) << slots.error().detail;
        ASSERT_EQ(slots->size(), 4u);  // the administrator too, and nobody of the other contract
        EXPECT_EQ(slots->at("b2"), issued);
        EXPECT_EQ(slots->at(""), CertificateSlot{});
        EXPECT_EQ(slots->count("zz"), 0u);
        for (const auto& [user, slot] : *slots) {
            EXPECT_EQ(slot, *tx->load_slot_for_update(PersonKey{kContract, user})) << user;
        }

        auto listed = tx->list_permissions(kContract);
        ASSERT_TRUE(listed.ok()) << listed.error().detail;
        EXPECT_EQ(listed->at("a1"), perms);  // not the other contract's a1
        for (const char* u : {"", "b2", "c3"}) {
            auto it = listed->find(u);
            // A person without stored permissions is absent or has none.
            if (it != listed->end()) {
                EXPECT_EQ(it->second, Permissions{}) << u;
            }
            EXPECT_EQ(*tx->load_permissions(PersonKey{kContract, u}), Permissions{}) << u;
        }
        EXPECT_EQ(tx->list_permissions(kOther)->at("a1"), other_perms);
    }
}

TEST_P(ListReads, UnknownContractListsNothing) {
    auto tx = begin(TxMode::read);
    ASSERT_TRUE(tx);
    auto slots = tx->list_slots("00000000000");
    ASSERT_TRUE(slots.ok());
    EXPECT_TRUE(slots->empty());
    auto perms = tx->list_permissions("00000000000");
    ASSERT_TRUE(perms.ok());
    EXPECT_TRUE(perms->empty());
}

}  // namespace
}  // namespace kakuin::store::conformance
