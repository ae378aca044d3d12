// Issue 3: 20 parallel reissues of one user (while the user keeps acquiring) never leave two
// valid certificates; every accepted reissue is in the history; the store stays consistent.
#include <atomic>
#include <thread>
#include <vector>

#include "user_admin_fixture.h"

namespace kakuin::service::testing {
namespace {

TEST_F(UserAdminTest, TwentyParallelReissuesNeverLeaveTwoValidCertificates) {
    create_contract();
    add_user("riyousya");
    acquire(kUser);
    const int reissues_before = 0;

    constexpr int kThreads = 20;
    std::atomic<int> accepted{0}, acquired{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i) {
        threads.emplace_back([&] {
            auto r = users->change_user(admin_session(), "riyousya", {}, CertificateHandling::reissue,
                                        cpin(), "192.0.2.10");
            if (r.ok()) {
                ++accepted;
            } else {
                ADD_FAILURE() << "reissue: " << error_code_name(r.error().code) << " " << r.error().detail;
            }
        });
    }
    // The user acquires meanwhile (refusals are expected when a reissue intervenes).
    std::thread acquirer([&] {
        auto key = make_key("EC", 0, "P-256");
        for (int i = 0; i < 10; ++i) {
            auto issued = certs->issue_from_csr(Actor::person(kUser), kUser, csr_der(key.get()));
            if (issued.ok()) ++acquired;
        }
    });
    for (auto& t : threads) t.join();
    acquirer.join();

    EXPECT_EQ(accepted.load(), kThreads);
    // Every accepted reissue is in the history.
    store::HistoryQuery q;
    q.contract_id = kContract;
    q.target_user_id = "riyousya";
    q.kind = std::string(history_kind::certificate_reissued);
    q.limit = store::kMaxHistoryPage;
    auto page = read()->list_history(q);
    ASSERT_TRUE(page.ok());
    EXPECT_EQ(static_cast<int>(page->records.size()), reissues_before + kThreads);

    // Never two valid certificates; the slot agrees with the certificates table.
    const CertificateSlot slot = slot_of(kUser);
    EXPECT_EQ(slot.issue_number, 1 + kThreads);
    auto tx = read();
    int valid = 0;
    std::string valid_serial;
    // Certificates of the person: the one from acquire() plus the parallel acquisitions.
    std::vector<std::string> serials;
    {
        store::HistoryQuery iq;
        iq.contract_id = kContract;
        iq.target_user_id = "riyousya";
        iq.kind = std::string(history_kind::certificate_issued);
        iq.limit = store::kMaxHistoryPage;
        auto issued = tx->list_history(iq);
        ASSERT_TRUE(issued.ok());
        EXPECT_EQ(static_cast<int>(issued->records.size()), 1 + acquired.load());
        for (const auto& r : issued->records) {
            const auto pos = r.detail.find("serial ");
            ASSERT_NE(pos, std::string::npos) << r.detail;
            std::string s = r.detail.substr(pos + 7);
            s = s.substr(0, s.find_first_of(" ,"));
            serials.push_back(s);
        }
    }
    for (const auto& s : serials) {
        auto c = tx->find_certificate_by_serial(s);
        ASSERT_TRUE(c.ok() && c->has_value()) << s;
        if ((*c)->status_at(clock.now()) == CertificateStatus::valid) {
            ++valid;
            valid_serial = s;
        }
    }
    EXPECT_LE(valid, 1);
    if (valid == 1) {
        EXPECT_EQ(slot.phase, SlotPhase::issued);
        EXPECT_EQ(slot.serial_hex, valid_serial);
    } else {
        EXPECT_EQ(slot.phase, SlotPhase::registered);
    }
    auto rows = tx->row_counts();
    ASSERT_TRUE(rows.ok());
    EXPECT_EQ(rows->certificates, 1 + acquired.load());
    EXPECT_EQ(rows->slots, rows->persons);
}

}  // namespace
}  // namespace kakuin::service::testing
