#include "service/certificate_service.h"

#include <algorithm>
#include <optional>
#include <thread>

#include "service/admin_support.h"
#include "service/unit_of_work.h"
#include "service/usage.h"

namespace kakuin::service {

using store::Transaction;
using store::TxMode;

namespace {

static_assert(static_cast<int>(CrlReason::superseded) ==
              static_cast<int>(pki::RevocationReason::superseded));
static_assert(static_cast<int>(CrlReason::cessation_of_operation) ==
              static_cast<int>(pki::RevocationReason::cessation_of_operation));
static_assert(static_cast<int>(CrlReason::key_compromise) ==
              static_cast<int>(pki::RevocationReason::key_compromise));
static_assert(static_cast<int>(CrlReason::privilege_withdrawn) ==
              static_cast<int>(pki::RevocationReason::privilege_withdrawn));
static_assert(static_cast<int>(CrlReason::affiliation_changed) ==
              static_cast<int>(pki::RevocationReason::affiliation_changed));

pki::RevocationReason to_pki(CrlReason r) { return static_cast<pki::RevocationReason>(r); }

// Serials are random 128-bit numbers; a collision is astronomically unlikely, but the store's
// unique key must never be what refuses an acquisition.
constexpr int kSerialAttempts = 8;

Result<std::string> unused_serial(Transaction& tx, Random& random) {
    for (int i = 0; i < kSerialAttempts; ++i) {
        std::string serial = pki::random_serial_hex(random);
        KAKUIN_TRY(auto existing, tx.find_certificate_by_serial(serial));
        if (!existing) return serial;
    }
    return make_error(ErrorCode::internal_error, "no unused serial after several attempts");
}

std::string issue_detail(const CertificateSlot& s) {
    return "issue " + format_issue_number(s.issue_number);
}

}  // namespace

CertificateService::CertificateService(store::Store& store, const pki::IssuingCa& ca,
                                       const Clock& clock, Random& random,
                                       const BankPolicy& policy)
    : store_(store), ca_(ca), clock_(clock), random_(random), policy_(policy) {}

Result<CertificateSlot> CertificateService::slot(const PersonKey& person) {
    return in_transaction<CertificateSlot>(store_, TxMode::read, [&](Transaction& tx) {
        return tx.load_slot_for_update(person);
    });
}

Result<CertificateRecord> CertificateService::certificate_by_serial(const std::string& serial_hex) {
    return in_transaction<CertificateRecord>(
        store_, TxMode::read, [&](Transaction& tx) -> Result<CertificateRecord> {
            KAKUIN_TRY(auto c, tx.find_certificate_by_serial(serial_hex));
            if (!c) return make_error(ErrorCode::not_found, "no certificate with serial " + serial_hex);
            return std::move(*c);
        });
}

Result<CertificateRecord> CertificateService::certificate_by_fingerprint(const std::string& sha256_hex) {
    return in_transaction<CertificateRecord>(
        store_, TxMode::read, [&](Transaction& tx) -> Result<CertificateRecord> {
            KAKUIN_TRY(auto c, tx.find_certificate_by_fingerprint(sha256_hex));
            if (!c) return make_error(ErrorCode::not_found, "no certificate with that fingerprint");
            return std::move(*c);
        });
}

Result<CertificateSlot> CertificateService::register_issuance(const Actor& actor,
                                                              const PersonKey& person) {
    const TimePoint now = clock_.now();
    return in_transaction<CertificateSlot>(
        store_, TxMode::write, [&](Transaction& tx) -> Result<CertificateSlot> {
            KAKUIN_TRY(CertificateSlot current, tx.load_slot_for_update(person));
            KAKUIN_TRY(Transition t, kakuin::register_issuance(current, policy_.certificate, now));
            KAKUIN_TRY_STATUS(apply_slot_transition(tx, person, t, now,
                                    usage(actor, person, history_kind::certificate_registered,
                                          now, issue_detail(t.slot))));
            return t.slot;
        });
}

Result<CertificateSlot> CertificateService::revoke(const Actor& actor, const PersonKey& person,
                                                   CrlReason reason) {
    const TimePoint now = clock_.now();
    return in_transaction<CertificateSlot>(
        store_, TxMode::write, [&](Transaction& tx) -> Result<CertificateSlot> {
            KAKUIN_TRY(CertificateSlot current, tx.load_slot_for_update(person));
            KAKUIN_TRY(Transition t, kakuin::revoke(current, now, reason));
            std::string detail = issue_detail(t.slot) + (t.revoke ? ", serial " + t.revoke->serial_hex
                                                                  : std::string(", registration cancelled"));
            detail += " (" + std::string(crl_reason_name(reason)) + ")";
            KAKUIN_TRY_STATUS(apply_slot_transition(tx, person, t, now,
                                    usage(actor, person, history_kind::certificate_revoked, now,
                                          std::move(detail))));
            return t.slot;
        });
}

Result<CertificateSlot> CertificateService::reissue(const Actor& actor, const PersonKey& person,
                                                    CrlReason reason) {
    const TimePoint now = clock_.now();
    return in_transaction<CertificateSlot>(
        store_, TxMode::write, [&](Transaction& tx) -> Result<CertificateSlot> {
            KAKUIN_TRY(CertificateSlot current, tx.load_slot_for_update(person));
            KAKUIN_TRY(Transition t, kakuin::reissue(current, policy_.certificate, now, reason));
            KAKUIN_TRY_STATUS(apply_slot_transition(tx, person, t, now,
                                    usage(actor, person, history_kind::certificate_reissued, now,
                                          transition_detail(t))));
            return t.slot;
        });
}

Result<IssuedBundle> CertificateService::issue_from_csr(const Actor& actor, const PersonKey& person,
                                                        std::span<const std::uint8_t> csr) {
    return issue_certificate(actor, person, csr, Kind::acquire);
}

Result<IssuedBundle> CertificateService::renew(const Actor& actor, const PersonKey& person,
                                               std::span<const std::uint8_t> csr) {
    return issue_certificate(actor, person, csr, Kind::renew);
}

Result<IssuedBundle> CertificateService::issue_certificate(const Actor& actor,
                                                           const PersonKey& person,
                                                           std::span<const std::uint8_t> csr,
                                                           Kind kind) {
    // The CSR is checked before the store is touched: a refused CSR writes nothing. Signed
    // before the write transaction, so that other writers do not wait for it.
    const TimePoint now = clock_.now();
    KAKUIN_TRY(PresignedCertificate signed_, check_and_presign(person, csr, now));
    return in_transaction<IssuedBundle>(store_, TxMode::write, [&](Transaction& tx) {
        return issue_in(tx, actor, person, signed_.checked, kind, now, &signed_.presigned);
    });
}

Result<IssuedBundle> CertificateService::issue_from_csr_in(Transaction& tx, const Actor& actor,
                                                           const PersonKey& person,
                                                           const pki::CheckedCsr& csr,
                                                           TimePoint now,
                                                           const pki::IssuedCertificate* presigned) {
    return issue_in(tx, actor, person, csr, Kind::acquire, now, presigned);
}

Result<IssuedBundle> CertificateService::renew_in(Transaction& tx, const Actor& actor,
                                                  const PersonKey& person,
                                                  const pki::CheckedCsr& csr, TimePoint now,
                                                  const pki::IssuedCertificate* presigned) {
    return issue_in(tx, actor, person, csr, Kind::renew, now, presigned);
}

Result<pki::IssuedCertificate> CertificateService::presign(const PersonKey& person,
                                                           const pki::CheckedCsr& csr,
                                                           TimePoint now) const {
    return sign(person, csr, pki::random_serial_hex(random_), now);
}

Result<PresignedCertificate> CertificateService::check_and_presign(
    const PersonKey& person, std::span<const std::uint8_t> csr, TimePoint now) const {
    std::optional<Result<PresignedCertificate>> out;
    signing_pool().run([&] {
        out.emplace([&]() -> Result<PresignedCertificate> {
            KAKUIN_TRY(pki::CheckedCsr checked,
                       pki::check_csr(csr, policy_.certificate.allowed_key_types));
            KAKUIN_TRY(pki::IssuedCertificate presigned, presign(person, checked, now));
            return PresignedCertificate{std::move(checked), std::move(presigned)};
        }());
    });
    return std::move(*out);
}

core::WorkerPool& signing_pool() {
    static core::WorkerPool* pool = new core::WorkerPool(
        {.name = "kakuin-sign",
         .max_threads = std::max(1u, std::thread::hardware_concurrency()),
         .nice = 19});
    return *pool;
}

Result<pki::IssuedCertificate> CertificateService::sign(const PersonKey& person,
                                                        const pki::CheckedCsr& csr,
                                                        const std::string& serial_hex,
                                                        TimePoint now) const {
    const CertificatePolicy& cp = policy_.certificate;
    pki::IssueRequest request;
    request.csr = &csr;
    const std::string suffix = random_digits(random_, static_cast<std::size_t>(cp.cn_suffix_digits));
    request.subject.common_name =
        person.role() == Role::admin ? person.contract_id + " " + suffix
                                     : person.contract_id + " " + person.user_id + " " + suffix;
    request.subject.organization = cp.organization;
    request.subject.organizational_unit = std::string(role_name(person.role()));
    request.serial_hex = serial_hex;
    request.not_before = now;
    request.not_after = now + Days(cp.validity_days);
    return ca_.issue(request);
}

Result<IssuedBundle> CertificateService::issue_in(Transaction& tx, const Actor& actor,
                                                  const PersonKey& person,
                                                  const pki::CheckedCsr& checked, Kind kind,
                                                  TimePoint now,
                                                  const pki::IssuedCertificate* presigned) {
    const CertificatePolicy& cp = policy_.certificate;
    KAKUIN_TRY(auto contract, tx.find_contract(person.contract_id));
    if (!contract) return make_error(ErrorCode::not_found, "no contract " + person.contract_id);
    if (contract->suspended) {
        return make_error(ErrorCode::contract_suspended, "contract " + person.contract_id);
    }
    KAKUIN_TRY(CertificateSlot current, tx.load_slot_for_update(person));
    // Refuse before signing (or using a presigned certificate).
    if (kind == Kind::acquire) {
        KAKUIN_TRY_STATUS(check_issue(current, now));
    } else {
        KAKUIN_TRY_STATUS(check_renew(current, cp, now));
    }
    pki::IssuedCertificate cert;
    bool have = false;
    if (presigned) {
        // The serial was drawn outside the transaction: it is unused only if the store says so
        // here, under the writer (the certificates' unique key would refuse it otherwise).
        KAKUIN_TRY(auto existing, tx.find_certificate_by_serial(presigned->serial_hex));
        if (!existing) {
            cert = *presigned;
            have = true;
        }
    }
    if (!have) {
        KAKUIN_TRY(std::string serial, unused_serial(tx, random_));
        KAKUIN_TRY(cert, sign(person, checked, serial, now));
    }

    const NewCertificate next{cert.serial_hex, cert.not_after};
    KAKUIN_TRY(Transition t, kind == Kind::acquire ? kakuin::issue(current, now, next)
                                                   : kakuin::renew(current, cp, now, next));
    CertificateRecord record;
    record.serial_hex = cert.serial_hex;
    record.person = person;
    record.issue_number = t.slot.issue_number;
    record.not_before = cert.not_before;
    record.not_after = cert.not_after;
    record.der = cert.der;
    record.sha256_fingerprint_hex = cert.sha256_fingerprint_hex;
    KAKUIN_TRY_STATUS(tx.insert_certificate(record));

    std::string detail = issue_detail(t.slot) + ", serial " + cert.serial_hex;
    if (t.revoke) detail += ", replaces " + t.revoke->serial_hex;
    KAKUIN_TRY_STATUS(apply_slot_transition(tx, person, t, now,
                            usage(actor, person,
                                  kind == Kind::acquire ? history_kind::certificate_issued
                                                        : history_kind::certificate_renewed,
                                  now, std::move(detail))));
    return IssuedBundle{std::move(cert), ca_.chain_pem(), t.slot.issue_number};
}

Result<CertificateSlot> CertificateService::record_use(const Actor& actor, const PersonKey& person,
                                                       const std::string& serial_hex) {
    const TimePoint now = clock_.now();
    return in_transaction<CertificateSlot>(store_, TxMode::write, [&](Transaction& tx) {
        return record_use_in(tx, actor, person, serial_hex, now);
    });
}

Result<CertificateSlot> CertificateService::record_use_in(Transaction& tx, const Actor& actor,
                                                          const PersonKey& person,
                                                          const std::string& serial_hex,
                                                          TimePoint now) {
    KAKUIN_TRY(CertificateSlot current, tx.load_slot_for_update(person));
    KAKUIN_TRY(Transition t, mark_used(current, serial_hex, now));
    if (current.first_used_at) return t.slot;  // only the first use is recorded
    KAKUIN_TRY_STATUS(tx.mark_certificate_first_used(serial_hex, now));
    KAKUIN_TRY_STATUS(apply_slot_transition(tx, person, t, now,
                            usage(actor, person, history_kind::certificate_first_used, now,
                                  "serial " + serial_hex)));
    return t.slot;
}

Result<int> CertificateService::expire_due(int limit) {
    const TimePoint now = clock_.now();
    return in_transaction<int>(store_, TxMode::write, [&](Transaction& tx) -> Result<int> {
        KAKUIN_TRY(auto due, tx.list_slots_due_for_expiry(now, limit));
        for (const store::DueSlot& d : due) {
            KAKUIN_TRY(Transition t, expire(d.slot, now));
            KAKUIN_TRY_STATUS(apply_slot_transition(tx, d.person, t, now,
                                    usage(Actor::system(), d.person, history_kind::certificate_expired,
                                          now, issue_detail(t.slot) + ", serial " + t.slot.serial_hex)));
        }
        return static_cast<int>(due.size());
    });
}

Result<pki::Bytes> CertificateService::crl(std::chrono::seconds next_update) {
    // One CRL at a time in this process, so that a higher CRL number never lists less than a
    // lower one. (Several nodes sharing one database would need a database-level lock here.)
    std::lock_guard lock(crl_mu_);
    const TimePoint now = clock_.now();
    // The number is taken in a short write transaction; the list is read from a snapshot so
    // that writers are not blocked while a million rows are read and the CRL is signed. A
    // failure after taking the number only skips it: RFC 5280 asks for increasing numbers,
    // not consecutive ones.
    KAKUIN_TRY(std::int64_t number,
               in_transaction<std::int64_t>(store_, TxMode::write,
                                            [](Transaction& tx) { return tx.next_crl_number(); }));
    std::vector<pki::RevokedEntry> revoked;
    KAKUIN_TRY_STATUS(in_transaction<void>(store_, TxMode::read, [&](Transaction& tx) {
        return tx.for_each_revoked_certificate([&](const store::RevokedCertificate& r) -> Status {
            revoked.push_back(pki::RevokedEntry{r.serial_hex, r.revoked_at, to_pki(r.reason)});
            return {};
        });
    }));
    return ca_.make_crl(revoked, number, now, now + next_update);
}

Result<pki::Bytes> CertificateService::ocsp(std::span<const std::uint8_t> request_der) {
    const pki::SerialStatusLookup lookup =
        [this](const std::string& serial_hex) -> Result<pki::SerialStatus> {
        return in_transaction<pki::SerialStatus>(
            store_, TxMode::read, [&](Transaction& tx) -> Result<pki::SerialStatus> {
                KAKUIN_TRY(auto cert, tx.find_certificate_by_serial(serial_hex));
                pki::SerialStatus status;
                if (!cert) return status;  // unknown
                if (cert->revoked_at) {
                    status.kind = pki::SerialStatus::Kind::revoked;
                    status.revoked_at = *cert->revoked_at;
                    status.reason = to_pki(cert->revocation_reason);
                } else {
                    status.kind = pki::SerialStatus::Kind::good;
                }
                return status;
            });
    };
    return ca_.answer_ocsp(request_der, lookup, clock_.now());
}

}  // namespace kakuin::service
