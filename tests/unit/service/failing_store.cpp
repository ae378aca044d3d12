#include "failing_store.h"

#include <string>

namespace kakuin::service::testing {

namespace {

class FailingTransaction final : public store::Transaction {
public:
    FailingTransaction(std::unique_ptr<store::Transaction> inner, std::atomic<int>& calls,
                       const std::atomic<int>& fail_at)
        : inner_(std::move(inner)), calls_(calls), fail_at_(fail_at) {}

    Status commit() override { return call([&] { return inner_->commit(); }); }
    Status insert_contract(const Contract& c) override {
        return call([&] { return inner_->insert_contract(c); });
    }
    Result<std::optional<Contract>> find_contract(const std::string& id) override {
        return call([&] { return inner_->find_contract(id); });
    }
    Status update_contract_flags(const std::string& id, bool s, bool t) override {
        return call([&] { return inner_->update_contract_flags(id, s, t); });
    }
    Status insert_person(const Person& p) override {
        return call([&] { return inner_->insert_person(p); });
    }
    Result<std::optional<Person>> find_person(const PersonKey& k) override {
        return call([&] { return inner_->find_person(k); });
    }
    Result<std::vector<Person>> list_persons(const std::string& id) override {
        return call([&] { return inner_->list_persons(id); });
    }
    Status update_person(const Person& p) override {
        return call([&] { return inner_->update_person(p); });
    }
    Status delete_person(const PersonKey& k) override {
        return call([&] { return inner_->delete_person(k); });
    }
    Result<CertificateSlot> load_slot_for_update(const PersonKey& k) override {
        return call([&] { return inner_->load_slot_for_update(k); });
    }
    Status save_slot(const PersonKey& k, const CertificateSlot& s) override {
        return call([&] { return inner_->save_slot(k, s); });
    }
    Result<std::vector<store::DueSlot>> list_slots_due_for_expiry(TimePoint now, int limit) override {
        return call([&] { return inner_->list_slots_due_for_expiry(now, limit); });
    }
    Status insert_certificate(const CertificateRecord& c) override {
        return call([&] { return inner_->insert_certificate(c); });
    }
    Result<std::optional<CertificateRecord>> find_certificate_by_serial(const std::string& s) override {
        return call([&] { return inner_->find_certificate_by_serial(s); });
    }
    Result<std::optional<CertificateRecord>> find_certificate_by_fingerprint(const std::string& f) override {
        return call([&] { return inner_->find_certificate_by_fingerprint(f); });
    }
    Status mark_certificate_revoked(const std::string& s, TimePoint at, CrlReason r) override {
        return call([&] { return inner_->mark_certificate_revoked(s, at, r); });
    }
    Status mark_certificate_first_used(const std::string& s, TimePoint at) override {
        return call([&] { return inner_->mark_certificate_first_used(s, at); });
    }
    Status for_each_revoked_certificate(
        const std::function<Status(const store::RevokedCertificate&)>& visit) override {
        return call([&] { return inner_->for_each_revoked_certificate(visit); });
    }
    Result<std::int64_t> next_crl_number() override {
        return call([&] { return inner_->next_crl_number(); });
    }
    Result<std::int64_t> append_history(const UsageRecord& r) override {
        return call([&] { return inner_->append_history(r); });
    }
    Result<store::HistoryPage> list_history(const store::HistoryQuery& q) override {
        return call([&] { return inner_->list_history(q); });
    }
    Result<std::optional<std::string>> get_meta(const std::string& k) override {
        return call([&] { return inner_->get_meta(k); });
    }
    Status set_meta(const std::string& k, const std::string& v) override {
        return call([&] { return inner_->set_meta(k, v); });
    }
    Result<store::RowCounts> row_counts() override {
        return call([&] { return inner_->row_counts(); });
    }
    // Issue 3: sessions, OTP tokens and steps, enrollments.
    Status insert_session(const store::SessionRecord& r) override {
        return call([&] { return inner_->insert_session(r); });
    }
    Result<std::optional<store::SessionRecord>> find_session(const std::string& h) override {
        return call([&] { return inner_->find_session(h); });
    }
    Status update_session(const store::SessionRecord& r) override {
        return call([&] { return inner_->update_session(r); });
    }
    Status delete_session(const std::string& h) override {
        return call([&] { return inner_->delete_session(h); });
    }
    Result<int> delete_sessions_of(const PersonKey& k, const std::string& keep) override {
        return call([&] { return inner_->delete_sessions_of(k, keep); });
    }
    Result<int> delete_sessions_idle_since(TimePoint t) override {
        return call([&] { return inner_->delete_sessions_idle_since(t); });
    }
    Status upsert_otp_token(const store::OtpToken& t) override {
        return call([&] { return inner_->upsert_otp_token(t); });
    }
    Result<std::optional<store::OtpToken>> find_otp_token(const PersonKey& k) override {
        return call([&] { return inner_->find_otp_token(k); });
    }
    Status delete_otp_token(const PersonKey& k) override {
        return call([&] { return inner_->delete_otp_token(k); });
    }
    Result<std::optional<std::int64_t>> last_used_otp_step(const PersonKey& k) override {
        return call([&] { return inner_->last_used_otp_step(k); });
    }
    Status record_used_otp_step(const PersonKey& k, std::int64_t step) override {
        return call([&] { return inner_->record_used_otp_step(k, step); });
    }
    Status insert_enrollment(const store::EnrollmentRecord& e) override {
        return call([&] { return inner_->insert_enrollment(e); });
    }
    Result<std::optional<store::EnrollmentRecord>> find_enrollment(const std::string& h) override {
        return call([&] { return inner_->find_enrollment(h); });
    }
    Status update_enrollment_phase(const std::string& h, store::EnrollmentPhase p) override {
        return call([&] { return inner_->update_enrollment_phase(h, p); });
    }
    Result<int> delete_expired_enrollments(TimePoint t) override {
        return call([&] { return inner_->delete_expired_enrollments(t); });
    }
    Result<bool> person_has_certificate(const PersonKey& k) override {
        return call([&] { return inner_->person_has_certificate(k); });
    }

private:
    template <typename F>
    auto call(F&& f) -> decltype(f()) {
        const int n = ++calls_;
        if (n == fail_at_.load()) {
            return make_error(ErrorCode::storage_failure, "injected fault at call " + std::to_string(n));
        }
        return f();
    }

    std::unique_ptr<store::Transaction> inner_;
    std::atomic<int>& calls_;
    const std::atomic<int>& fail_at_;
};

}  // namespace

Result<std::unique_ptr<store::Transaction>> FailingStore::begin(store::TxMode mode) {
    auto tx = inner_.begin(mode);
    if (!tx.ok()) return tx.take_error();
    return std::unique_ptr<store::Transaction>(
        new FailingTransaction(std::move(tx).value(), calls_, fail_at_));
}

}  // namespace kakuin::service::testing
