// Fault injection on login, the OTP step and acquisition by enrollment: the Nth store call
// fails, for N = 1, 2, ... until the use case succeeds. Every failed attempt must leave the
// store as it was (the refused attempt's bookkeeping aside, which these paths do not produce).
#include "failing_store.h"
#include "session_fixture.h"

namespace kakuin::service::testing {
namespace {

class SessionFaultTest : public SessionTest {
protected:
    store::Store& service_store() override {
        if (!failing) failing = std::make_unique<FailingStore>(*store);
        return *failing;
    }

    struct Snapshot {
        store::RowCounts counts;
        std::int64_t sessions = 0, enrollments = 0, used_steps = 0;
        Person admin_person;
        CertificateSlot slot;
        friend bool operator==(const Snapshot&, const Snapshot&) = default;
    };
    Snapshot snapshot() {
        Snapshot s;
        s.counts = counts();
        s.sessions = table_rows("sessions");
        s.enrollments = table_rows("enrollments");
        s.used_steps = table_rows("otp_used_steps");
        s.admin_person = person(kAdmin);
        s.slot = *read()->load_slot_for_update(kAdmin);
        return s;
    }

    // Runs `attempt` with a fault at call 1, 2, ... until it succeeds; checks every failure.
    template <typename F>
    int until_success(F&& attempt) {
        const Snapshot before = snapshot();
        int n = 1;
        for (;; ++n) {
            if (n >= 80) {
                ADD_FAILURE() << "never succeeded";
                break;
            }
            failing->fail_at(n);
            auto r = attempt();
            if (r.ok()) break;
            EXPECT_EQ(r.error().code, ErrorCode::storage_failure) << "call " << n << ": " << r.error().detail;
            EXPECT_EQ(snapshot(), before) << "after a failure at call " << n;
        }
        failing->fail_at(0);
        return n;
    }

    std::unique_ptr<FailingStore> failing;
};

TEST_F(SessionFaultTest, LoginAndOtpStepAreAllOrNothing) {
    register_token(kAdmin);
    Result<NewSession> s = make_error(ErrorCode::internal_error);
    const int login_calls = until_success([&] {
        s = sessions->login_with_pin(pin_login(kAdmin));
        return Status(s.ok() ? Status() : Status(s.error()));
    });
    EXPECT_GT(login_calls, 3);
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(table_rows("sessions"), 1);

    const std::string c = code(kAdmin);
    const int otp_calls = until_success([&] {
        auto r = sessions->submit_otp(s->token, c, "x");
        return Status(r.ok() ? Status() : Status(r.error()));
    });
    EXPECT_GT(otp_calls, 5);
    EXPECT_EQ(person(kAdmin).last_login_at, clock.now());
    EXPECT_EQ(count_kind(kAdmin, "login.succeeded"), 1);
    EXPECT_EQ(table_rows("otp_used_steps"), 1);
}

TEST_F(SessionFaultTest, AcquisitionByEnrollmentIsAllOrNothing) {
    register_token(kAdmin);
    ASSERT_TRUE(certs->register_issuance(bank, kAdmin).ok());
    Result<NewEnrollment> e = make_error(ErrorCode::internal_error);
    until_success([&] {
        e = enrollments->start(EnrollmentStart{kContract, "", kPin, "x"});
        return Status(e.ok() ? Status() : Status(e.error()));
    });
    ASSERT_TRUE(e.ok());
    const std::string c = code(kAdmin);
    until_success([&] {
        auto r = enrollments->submit_otp(e->enrollment_id, c, "x");
        return Status(r.ok() ? Status() : Status(r.error()));
    });
    const int csr_calls = until_success([&] {
        auto r = enrollments->submit_csr(e->enrollment_id, csr_der(p256.get()), "x");
        return Status(r.ok() ? Status() : Status(r.error()));
    });
    EXPECT_GT(csr_calls, 5);
    EXPECT_EQ(certs->slot(kAdmin)->phase, SlotPhase::issued);
    EXPECT_EQ(counts().certificates, 1);
}

TEST_F(SessionFaultTest, WrongPinBookkeepingIsAllOrNothing) {
    otp_off();
    const auto before = counts();
    int n = 1;
    for (;; ++n) {
        ASSERT_LT(n, 50);
        failing->fail_at(n);
        auto r = sessions->login_with_pin(pin_login(kAdmin, kWrongPin));
        ASSERT_FALSE(r.ok());
        if (r.error().code == ErrorCode::pin_incorrect) break;
        EXPECT_EQ(r.error().code, ErrorCode::storage_failure);
        EXPECT_EQ(person(kAdmin).failure_count, 0) << "call " << n;
        EXPECT_EQ(counts(), before) << "call " << n;
    }
    failing->fail_at(0);
    EXPECT_EQ(person(kAdmin).failure_count, 1);
    EXPECT_EQ(counts().history, before.history + 1);
}

}  // namespace
}  // namespace kakuin::service::testing
