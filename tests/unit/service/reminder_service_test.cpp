// ReminderService on a real SQLite store with a fake MailSender and a simulated clock: what is
// queued when, that each reminder goes out once, retries, cancellation, and the mail itself.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "service/reminder_mail.h"
#include "service/reminder_service.h"
#include "store/sqlite/sqlite_store.h"

namespace kakuin::service {
namespace {

const TimePoint kExpiry = from_unix(1'800'000'000);  // 2027-01-15T08:00:00Z
const std::string kContract = "00009876543";

class FakeSender final : public MailSender {
  public:
    Status send(const MailMessage& m) override {
        ++calls;
        if (fail) return make_error(ErrorCode::internal_error, "smtp: connection refused");
        sent.push_back(m);
        return {};
    }
    std::vector<MailMessage> sent;
    int calls = 0;
    bool fail = false;
};

std::string b64decode(const std::string& in) {
    static const std::string chars =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    unsigned v = 0;
    int bits = 0;
    for (char c : in) {
        const auto i = chars.find(c);
        if (i == std::string::npos) continue;  // '=', CR, LF
        v = (v << 6) | static_cast<unsigned>(i);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((v >> bits) & 0xFF);
        }
    }
    return out;
}

std::string body_of(const MailMessage& m) {
    return b64decode(m.data.substr(m.data.find("\r\n\r\n") + 4));
}

std::string header(const MailMessage& m, const std::string& name) {
    const auto at = m.data.find("\r\n" + name + ": ");
    if (at == std::string::npos && m.data.rfind(name + ": ", 0) != 0) return "";
    const auto start = at == std::string::npos ? name.size() + 2 : at + name.size() + 4;
    std::string v;
    for (auto i = start; i < m.data.size(); ++i) {
        if (m.data.compare(i, 3, "\r\n ") == 0) {
            i += 2;
            continue;
        }
        if (m.data.compare(i, 2, "\r\n") == 0) break;
        v += m.data[i];
    }
    return v;
}

std::string decode_words(const std::string& v) {
    std::string out;
    std::size_t pos = 0;
    while ((pos = v.find("=?UTF-8?B?", pos)) != std::string::npos) {
        const auto end = v.find("?=", pos + 10);
        out += b64decode(v.substr(pos + 10, end - pos - 10));
        pos = end + 2;
    }
    return out;
}

class ReminderServiceTest : public ::testing::Test {
  protected:
    void SetUp() override {
        std::string tmpl = (std::filesystem::temp_directory_path() / "kakuin-rem-XXXXXX").string();
        ASSERT_TRUE(mkdtemp(tmpl.data()));
        dir = tmpl;
        auto s = store::sqlite::SqliteStore::open((dir / "kakuin.db").string());
        ASSERT_TRUE(s.ok()) << s.error().detail;
        db = std::move(s).value();
        auto tx = begin();
        Contract c;
        c.contract_id = kContract;
        c.name_kanji = "株式会社かくいん商事";
        c.name_kana = "ｶﾌﾞｼｷｶﾞｲｼｬｶｸｲﾝｼｮｳｼﾞ";
        ASSERT_TRUE(tx->insert_contract(c).ok());
        ASSERT_TRUE(tx->commit().ok());
        settings.from_address = "noreply@bank.example.jp";
    }
    void TearDown() override {
        db.reset();
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }
    std::unique_ptr<store::Transaction> begin(store::TxMode m = store::TxMode::write) {
        auto tx = db->begin(m);
        EXPECT_TRUE(tx.ok());
        return std::move(tx).value();
    }
    void holder(const std::string& user, const std::string& serial,
                std::optional<std::string> email, TimePoint not_after = kExpiry) {
        auto tx = begin();
        Person p;
        p.key = PersonKey{kContract, user};
        p.name_kana = "ﾀﾅｶ";
        p.name_kanji = user.empty() ? "管理 太郎" : "田中 花子";
        p.contact_email = std::move(email);
        ASSERT_TRUE(tx->insert_person(p).ok());
        add_certificate(*tx, p.key, serial, not_after);
        ASSERT_TRUE(tx->commit().ok());
    }
    void add_certificate(store::Transaction& tx, const PersonKey& who, const std::string& serial,
                         TimePoint not_after) {
        CertificateRecord c;
        c.serial_hex = serial;
        c.person = who;
        c.issue_number = 2;
        c.not_before = not_after - Days(365);
        c.not_after = not_after;
        c.der = {0x30, 0x00};
        c.sha256_fingerprint_hex = "fp-" + serial;
        ASSERT_TRUE(tx.insert_certificate(c).ok());
        CertificateSlot s;
        s.issue_number = 2;
        s.phase = SlotPhase::issued;
        s.serial_hex = serial;
        s.not_after = not_after;
        ASSERT_TRUE(tx.save_slot(who, s).ok());
    }
    ReminderService service(MailSender* s) {
        return ReminderService(*db, clock, policy, settings, s);
    }
    int enqueue(ReminderService& svc) {
        auto n = svc.enqueue_due();
        EXPECT_TRUE(n.ok()) << n.error().detail;
        return n.ok() ? *n : -1;
    }
    DeliveryCounts deliver(ReminderService& svc) {
        auto c = svc.deliver_due();
        EXPECT_TRUE(c.ok()) << c.error().detail;
        return c.ok() ? *c : DeliveryCounts{};
    }
    std::optional<store::ReminderRecord> row(const std::string& serial, int days) {
        auto tx = begin(store::TxMode::read);
        auto r = tx->find_reminder(serial, days);
        EXPECT_TRUE(r.ok());
        return r.ok() ? *r : std::nullopt;
    }

    std::filesystem::path dir;
    std::unique_ptr<store::sqlite::SqliteStore> db;
    SimulatedClock clock{kExpiry - Days(31)};
    BankPolicy policy;
    ReminderSettings settings;
    FakeSender sender;
};

TEST_F(ReminderServiceTest, ThirtyAndTenDaysBeforeExpiryOnceEach) {
    holder("u1", "0B", "u1@example.jp");
    holder("", "0A", "admin@example.jp");
    auto svc = service(&sender);
    EXPECT_EQ(enqueue(svc), 0);  // 31 days before: nothing yet
    clock.advance(Days(1));      // exactly 30 days before
    EXPECT_EQ(enqueue(svc), 2);
    EXPECT_EQ(enqueue(svc), 0);  // the key makes the second scan a no-op
    EXPECT_EQ(deliver(svc).sent, 2);
    EXPECT_EQ(deliver(svc).sent, 0);
    ASSERT_EQ(sender.sent.size(), 2u);
    EXPECT_EQ(row("0B", 30)->state, store::ReminderState::sent);
    EXPECT_EQ(row("0B", 30)->sent_at, clock.now());

    clock.advance(Days(19));  // 11 days before: still the 30-day period, already sent
    EXPECT_EQ(enqueue(svc), 0);
    clock.advance(Days(1));  // 10 days before
    EXPECT_EQ(enqueue(svc), 2);
    EXPECT_EQ(deliver(svc).sent, 2);
    EXPECT_EQ(enqueue(svc), 0);
    EXPECT_EQ(deliver(svc).sent, 0);
    EXPECT_EQ(sender.sent.size(), 4u);
    clock.advance(Days(10));  // expired: no more candidates
    EXPECT_EQ(enqueue(svc), 0);

    auto tx = begin(store::TxMode::read);
    store::HistoryQuery q;
    q.kind = std::string(history_kind::reminder_sent);
    auto h = tx->list_history(q);
    ASSERT_TRUE(h.ok());
    EXPECT_EQ(h->records.size(), 4u);
    EXPECT_EQ(h->records.front().actor, "system");
}

TEST_F(ReminderServiceTest, AServerDownThroughThe30DayPeriodSendsOnlyTheShortest) {
    holder("u1", "0B", "u1@example.jp");
    auto svc = service(&sender);
    clock.set(kExpiry - Days(9));
    EXPECT_EQ(enqueue(svc), 1);
    EXPECT_TRUE(row("0B", 10).has_value());
    EXPECT_FALSE(row("0B", 30).has_value());
    EXPECT_EQ(deliver(svc).sent, 1);
    EXPECT_EQ(enqueue(svc), 0);
}

TEST_F(ReminderServiceTest, NoAddressNoReminder) {
    holder("u1", "0B", std::nullopt);
    holder("u2", "0C", "");
    auto svc = service(&sender);
    clock.set(kExpiry - Days(30));
    EXPECT_EQ(enqueue(svc), 0);
    EXPECT_EQ(deliver(svc).sent, 0);
    EXPECT_EQ(sender.calls, 0);
}

TEST_F(ReminderServiceTest, RenewedOrRevokedBeforeSendingIsCancelledNotSent) {
    holder("u1", "0B", "u1@example.jp");
    holder("u2", "0C", "u2@example.jp");
    holder("u3", "0D", "u3@example.jp");
    auto svc = service(&sender);
    clock.set(kExpiry - Days(30));
    ASSERT_EQ(enqueue(svc), 3);
    {
        auto tx = begin();
        // u1 renewed: the old certificate superseded, a new one current.
        ASSERT_TRUE(tx->mark_certificate_revoked("0B", clock.now(), CrlReason::superseded).ok());
        add_certificate(*tx, PersonKey{kContract, "u1"}, "1B", kExpiry + Days(365));
        // u2 revoked by the administrator.
        ASSERT_TRUE(
            tx->mark_certificate_revoked("0C", clock.now(), CrlReason::cessation_of_operation)
                .ok());
        // u3 removed the contact address.
        auto p = tx->find_person(PersonKey{kContract, "u3"});
        ASSERT_TRUE(p.ok() && p->has_value());
        Person changed = **p;
        changed.contact_email.reset();
        ASSERT_TRUE(tx->update_person(changed).ok());
        ASSERT_TRUE(tx->commit().ok());
    }
    auto c = deliver(svc);
    EXPECT_EQ(c.sent, 0);
    EXPECT_EQ(c.cancelled, 3);
    EXPECT_EQ(sender.calls, 0);
    EXPECT_EQ(row("0B", 30)->state, store::ReminderState::cancelled);
    EXPECT_EQ(enqueue(svc), 0);  // the new certificate is a year away
}

TEST_F(ReminderServiceTest, SmtpFailureRetriesWithBackoffThenSendsOnce) {
    holder("u1", "0B", "u1@example.jp");
    auto svc = service(&sender);
    clock.set(kExpiry - Days(30));
    ASSERT_EQ(enqueue(svc), 1);
    sender.fail = true;
    EXPECT_EQ(deliver(svc).retried, 1);
    auto r = row("0B", 30);
    EXPECT_EQ(r->state, store::ReminderState::queued);
    EXPECT_EQ(r->next_attempt_at, clock.now() + Seconds(60));
    EXPECT_EQ(r->last_error, "smtp: connection refused");
    EXPECT_EQ(deliver(svc).retried, 0);  // not due before the backoff
    clock.advance(Seconds(60));
    EXPECT_EQ(deliver(svc).retried, 1);
    EXPECT_EQ(row("0B", 30)->next_attempt_at, clock.now() + Seconds(120));  // doubled
    sender.fail = false;
    clock.advance(Seconds(120));
    EXPECT_EQ(deliver(svc).sent, 1);
    EXPECT_EQ(deliver(svc).sent, 0);
    EXPECT_EQ(sender.sent.size(), 1u);
    EXPECT_EQ(row("0B", 30)->attempts, 3);
    EXPECT_EQ(row("0B", 30)->last_error, "");
}

TEST_F(ReminderServiceTest, GivesUpAfterMaxAttempts) {
    holder("u1", "0B", "u1@example.jp");
    settings.max_attempts = 2;
    auto svc = service(&sender);
    clock.set(kExpiry - Days(30));
    ASSERT_EQ(enqueue(svc), 1);
    sender.fail = true;
    EXPECT_EQ(deliver(svc).retried, 1);
    clock.advance(Seconds(60));
    EXPECT_EQ(deliver(svc).failed, 1);
    EXPECT_EQ(row("0B", 30)->state, store::ReminderState::failed);
    clock.advance(Days(1));
    EXPECT_EQ(deliver(svc).sent + deliver(svc).retried, 0);
    EXPECT_EQ(sender.calls, 2);
}

TEST_F(ReminderServiceTest, AClaimFromADeadProcessIsRetriedOnlyAfterTheLease) {
    holder("u1", "0B", "u1@example.jp");
    auto svc = service(&sender);
    clock.set(kExpiry - Days(30));
    ASSERT_EQ(enqueue(svc), 1);
    {  // A process claims the row and dies before sending.
        auto tx = begin();
        auto c = tx->claim_due_reminders(clock.now(), clock.now() + settings.lease, 1);
        ASSERT_TRUE(c.ok() && c->size() == 1u);
        ASSERT_TRUE(tx->commit().ok());
    }
    EXPECT_EQ(deliver(svc).sent, 0);
    clock.advance(settings.lease - Seconds(1));
    EXPECT_EQ(deliver(svc).sent, 0);
    clock.advance(Seconds(1));
    EXPECT_EQ(deliver(svc).sent, 1);
    EXPECT_EQ(deliver(svc).sent, 0);
    EXPECT_EQ(row("0B", 30)->attempts, 2);
}

TEST_F(ReminderServiceTest, WithoutSenderRemindersStayQueued) {
    holder("u1", "0B", "u1@example.jp");
    auto svc = service(nullptr);
    EXPECT_FALSE(svc.sending_enabled());
    clock.set(kExpiry - Days(30));
    EXPECT_EQ(enqueue(svc), 1);
    EXPECT_EQ(deliver(svc).sent, 0);
    EXPECT_EQ(row("0B", 30)->state, store::ReminderState::queued);
    // A sender configured later delivers it.
    auto later = service(&sender);
    EXPECT_EQ(deliver(later).sent, 1);
}

TEST_F(ReminderServiceTest, StopBeforeAClaimSendsNothing) {
    holder("u1", "0B", "u1@example.jp");
    auto svc = service(&sender);
    clock.set(kExpiry - Days(30));
    ASSERT_EQ(enqueue(svc), 1);
    std::atomic<bool> stop{true};
    auto c = svc.deliver_due(&stop);
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->sent, 0);
    EXPECT_EQ(row("0B", 30)->state, store::ReminderState::queued);
}

TEST_F(ReminderServiceTest, AnAddressThatWouldInjectHeadersIsNeverUsed) {
    holder("u1", "0B", "u1@example.jp\r\nBcc: x@evil.example");
    auto svc = service(&sender);
    clock.set(kExpiry - Days(30));
    ASSERT_EQ(enqueue(svc), 1);
    EXPECT_EQ(deliver(svc).cancelled, 1);
    EXPECT_EQ(sender.calls, 0);
}

TEST_F(ReminderServiceTest, TheMailSaysWhichCertificateWhenAndWhatToDo) {
    holder("u1", "0B", "u1@example.jp");
    holder("", "0A", "admin@example.jp");
    auto svc = service(&sender);
    clock.set(kExpiry - Days(30));
    ASSERT_EQ(enqueue(svc), 2);
    ASSERT_EQ(deliver(svc).sent, 2);
    const MailMessage* user = nullptr;
    const MailMessage* admin = nullptr;
    for (const auto& m : sender.sent) (m.envelope_to == "u1@example.jp" ? user : admin) = &m;
    ASSERT_TRUE(user && admin);
    EXPECT_EQ(user->envelope_from, "noreply@bank.example.jp");
    EXPECT_EQ(header(*user, "To"), "<u1@example.jp>");
    EXPECT_EQ(decode_words(header(*user, "Subject")),
              "【かくいん銀行】電子証明書の有効期限のお知らせ（あと30日）");
    EXPECT_EQ(header(*user, "Message-ID"), "<reminder.0B.30@bank.example.jp>");
    EXPECT_EQ(header(*user, "Date"), format_rfc5322_date_jst(clock.now()));
    EXPECT_EQ(header(*user, "Content-Transfer-Encoding"), "base64");
    for (char c : user->data) EXPECT_TRUE(static_cast<unsigned char>(c) < 0x80);
    const std::string ub = body_of(*user);
    EXPECT_NE(ub.find("契約法人ID: 00009876543"), std::string::npos) << ub;
    EXPECT_NE(ub.find("利用者ID: u1"), std::string::npos);
    EXPECT_NE(ub.find("田中 花子"), std::string::npos);
    EXPECT_NE(ub.find("発行番号: 002"), std::string::npos);
    EXPECT_NE(ub.find("2027年01月15日 17時00分00秒"), std::string::npos) << ub;  // JST
    EXPECT_NE(ub.find("電子証明書更新のお知らせ"), std::string::npos);
    EXPECT_NE(ub.find("管理者に電子証明書の再発行を依頼"), std::string::npos);
    const std::string ab = body_of(*admin);
    EXPECT_NE(ab.find("利用者: 管理者"), std::string::npos);
    EXPECT_NE(ab.find("お取引店にお申し込み"), std::string::npos);
    EXPECT_EQ(ab.find("管理者に電子証明書の再発行を依頼"), std::string::npos);
}

TEST(ReminderMail, HeaderEncodingDateAndAddresses) {
    EXPECT_EQ(format_rfc5322_date_jst(from_unix(1'800'000'000)), "Fri, 15 Jan 2027 17:00:00 +0900");
    EXPECT_EQ(format_rfc5322_date_jst(from_unix(0)), "Thu, 1 Jan 1970 09:00:00 +0900");
    const std::string long_text(60, 'a');
    const std::string encoded = encode_header_utf8(long_text + "あいうえお");
    std::size_t start = 0;
    while (start < encoded.size()) {  // every folded line is at most 76 characters
        auto end = encoded.find("\r\n", start);
        if (end == std::string::npos) end = encoded.size();
        EXPECT_LE(end - start, 76u);
        start = end + 2;
    }
    EXPECT_TRUE(is_plain_mail_address("a.b+c@example.jp"));
    for (std::string bad : {"", "a", "@x", "x@", "a@b@c", "a b@x", "<a@x>", "a@x\r\n", "ä@x"})
        EXPECT_FALSE(is_plain_mail_address(bad)) << bad;
    ReminderMailInput in;
    in.bank_name = "銀行";
    in.from_address = "bad from@x";
    in.to_address = "a@x";
    auto m = compose_reminder_mail(in);
    ASSERT_FALSE(m.ok());
    EXPECT_EQ(m.error().code, ErrorCode::invalid_request);
}

}  // namespace
}  // namespace kakuin::service
