// Set-up of the SessionService / EnrollmentService tests: ServiceTest's real SQLite store and
// real CA, persons with real (cheap) Argon2 PIN hashes and TOTP tokens, and codes computed the
// way a token would.
#pragma once

#include <sqlite3.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "auth/pin_hash.h"
#include "auth/session_token.h"
#include "auth/totp.h"
#include "service/enrollment_service.h"
#include "service/session_service.h"
#include "service_fixture.h"

namespace kakuin::service::testing {

inline constexpr const char* kPin = "pass1234";
inline constexpr const char* kWrongPin = "wrong999";

class SessionTest : public ServiceTest {
protected:
    void SetUp() override {
        ServiceTest::SetUp();
        ctx = std::make_unique<ServiceContext>(ServiceContext{
            service_store(), *shared_ca().ca, clock, random, policy, auth::Argon2Params{64, 1, 1}});
        sessions = std::make_unique<SessionService>(*ctx, *certs);
        enrollments = std::make_unique<EnrollmentService>(*ctx, *certs);
        register_people();
        set_pin(kAdmin, kPin);
        set_pin(kUser, kPin);
    }

    void set_pin(const PersonKey& who, const std::string& pin) {
        auto tx = store->begin(store::TxMode::write);
        ASSERT_TRUE(tx.ok());
        auto p = (*tx)->find_person(who);
        ASSERT_TRUE(p.ok() && p->has_value());
        auto h = auth::hash_pin(pin, ctx->pin_hash, random);
        ASSERT_TRUE(h.ok());
        (*p)->login_pin_hash = *h;
        ASSERT_TRUE((*tx)->update_person(**p).ok());
        ASSERT_TRUE((*tx)->commit().ok());
    }

    void register_token(const PersonKey& who) {
        store::OtpToken t;
        t.person = who;
        t.kind = store::OtpTokenKind::software;
        t.secret = auth::generate_totp_secret(random);
        t.step_seconds = policy.otp_step_seconds;
        t.registered_at = clock.now();
        auto tx = store->begin(store::TxMode::write);
        ASSERT_TRUE(tx.ok());
        ASSERT_TRUE((*tx)->upsert_otp_token(t).ok());
        ASSERT_TRUE((*tx)->commit().ok());
        secrets[who.user_id] = t.secret;
    }

    // The code the person's token shows now (`offset` steps later).
    std::string code(const PersonKey& who, int offset = 0) {
        auth::TotpConfig c;
        c.step_seconds = policy.otp_step_seconds;
        auto r = auth::totp_code_for_step(secrets[who.user_id], auth::totp_step_at(clock.now(), c) + offset, c);
        EXPECT_TRUE(r.ok());
        return r.ok() ? *r : "";
    }

    void otp_off() {
        policy.admin_otp_every_login = false;
        policy.user_otp_every_login = false;
    }

    Person person(const PersonKey& who) {
        auto p = read()->find_person(who);
        EXPECT_TRUE(p.ok() && p->has_value());
        return p.ok() && p->has_value() ? **p : Person{};
    }

    // The usage history of `who`, newest first.
    std::vector<UsageRecord> history_of(const PersonKey& who) {
        store::HistoryQuery q;
        q.contract_id = who.contract_id;
        q.target_user_id = who.user_id;
        q.limit = 500;
        auto page = read()->list_history(q);
        EXPECT_TRUE(page.ok());
        return page.ok() ? page->records : std::vector<UsageRecord>{};
    }
    int count_kind(const PersonKey& who, std::string_view kind, std::string_view result = "") {
        int n = 0;
        for (const auto& r : history_of(who)) {
            if (r.kind == kind && (result.empty() || r.result == result)) ++n;
        }
        return n;
    }

    PinLogin pin_login(const PersonKey& who, const std::string& pin = kPin) {
        PinLogin l;
        l.role = who.role();
        l.contract_id = who.contract_id;
        l.user_id = who.user_id;
        l.pin = pin;
        l.source_address = "192.0.2.50";
        return l;
    }

    ClientCertificate client_cert(const std::string& serial) {
        auto c = certs->certificate_by_serial(serial);
        EXPECT_TRUE(c.ok());
        return ClientCertificate{serial, c.ok() ? c->sha256_fingerprint_hex : ""};
    }

    CertificateLogin cert_login(Role role, const ClientCertificate& cert,
                                const std::string& pin = kPin) {
        return CertificateLogin{role, cert, pin, "192.0.2.51"};
    }

    std::int64_t session_rows() { return table_rows("sessions"); }
    std::int64_t table_rows(const std::string& table) {
        // Via the store's own file: a second connection sees committed rows only.
        sqlite3* db = nullptr;
        std::int64_t n = -1;
        if (sqlite3_open_v2((dir.path() / "kakuin.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr) ==
            SQLITE_OK) {
            sqlite3_stmt* s = nullptr;
            const std::string sql = "SELECT count(*) FROM " + table;
            if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) == SQLITE_OK &&
                sqlite3_step(s) == SQLITE_ROW) {
                n = sqlite3_column_int64(s, 0);
            }
            sqlite3_finalize(s);
        }
        sqlite3_close(db);
        return n;
    }

    std::unique_ptr<ServiceContext> ctx;
    std::unique_ptr<SessionService> sessions;
    std::unique_ptr<EnrollmentService> enrollments;
    std::map<std::string, std::vector<std::uint8_t>> secrets;
};

}  // namespace kakuin::service::testing
