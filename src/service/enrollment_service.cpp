#include "service/enrollment_service.h"

#include "auth/session_token.h"
#include "service/person_auth.h"
#include "service/unit_of_work.h"
#include "service/usage.h"

namespace kakuin::service {

using store::EnrollmentPhase;
using store::EnrollmentRecord;
using store::Transaction;

std::string_view enrollment_step_name(EnrollmentStep s) {
    return s == EnrollmentStep::csr_required ? "csr_required" : "otp_required";
}

namespace {

Error enrollment_not_found(std::string detail) {
    return make_error(ErrorCode::not_found, std::move(detail),
                      "取得手続きの有効期限が切れたか、手続きが見つかりません。最初からやり直してください。");
}

EnrollmentInfo info_for(const BankPolicy& policy, const EnrollmentRecord& e) {
    EnrollmentInfo i;
    i.state = e.phase == EnrollmentPhase::otp_required ? EnrollmentStep::otp_required
                                                        : EnrollmentStep::csr_required;
    i.key_types = policy.certificate.allowed_key_types;
    i.default_key_type = policy.certificate.default_client_key_type;
    i.expires_at = e.expires_at;
    return i;
}

// The enrollment of a presented ID, if it is usable at `now`.
Result<EnrollmentRecord> find_usable(Transaction& tx, const std::string& hash, TimePoint now) {
    KAKUIN_TRY(auto e, tx.find_enrollment(hash));
    if (!e) return enrollment_not_found("unknown enrollment");
    if (now >= e->expires_at) return enrollment_not_found("enrollment expired");
    if (e->phase == EnrollmentPhase::done) return enrollment_not_found("enrollment already used");
    return std::move(*e);
}

Result<std::string> id_hash(std::string_view enrollment_id) {
    auto h = auth::session_token_hash(enrollment_id);  // same format as session tokens
    if (!h.ok()) return enrollment_not_found("malformed enrollment ID");
    return h;
}

// Contract and person of an enrollment, with the states that refuse any authentication.
Result<Person> load_person(Transaction& tx, const PersonKey& key) {
    KAKUIN_TRY(auto contract, tx.find_contract(key.contract_id));
    KAKUIN_TRY(auto person, tx.find_person(key));
    if (!contract || !person) return enrollment_not_found("person no longer exists");
    KAKUIN_TRY_STATUS(check_can_authenticate(*contract, *person));
    return std::move(*person);
}

}  // namespace

EnrollmentService::EnrollmentService(const ServiceContext& ctx, CertificateService& certificates)
    : ctx_(ctx), certificates_(certificates), dummy_(std::make_unique<DummyPinHash>(ctx)) {}

EnrollmentService::~EnrollmentService() = default;

Result<NewEnrollment> EnrollmentService::start(const EnrollmentStart& request) {
    if (!is_valid_contract_id(request.contract_id)) {
        return make_error(ErrorCode::invalid_request, "malformed contract ID");
    }
    if (!request.user_id.empty() && !is_valid_user_id(request.user_id)) {
        return make_error(ErrorCode::invalid_request, "malformed user ID");
    }
    const PersonKey key{request.contract_id, request.user_id};
    const Actor actor = Actor::person(key, request.source_address);
    auth::IssuedSessionToken id = auth::issue_session_token(ctx_.random);
    EnrollmentRecord rec;
    rec.id_hash = id.hash_hex;
    rec.person = key;
    auto no_precheck = [](Transaction&, const Contract&, const Person&) -> Status { return {}; };
    KAKUIN_TRY_STATUS(pin_step(
        ctx_, *dummy_, key, request.pin, actor, no_precheck,
        [&](Transaction& tx, Authenticated& a, bool&) -> Status {
            const TimePoint now = ctx_.clock.now();
            // After the PIN, so that the slot's state is not revealed to someone without it.
            KAKUIN_TRY(CertificateSlot slot, tx.load_slot_for_update(key));
            KAKUIN_TRY_STATUS(check_issue(slot, now));
            KAKUIN_TRY_STATUS(require_otp_token(tx, ctx_.policy, key));
            const bool otp = otp_required_for(ctx_.policy, key.role());
            // The failure count is reset only when the last factor has passed.
            if (!otp) reset_failures(a.person);
            KAKUIN_TRY_STATUS(tx.update_person(a.person));
            KAKUIN_TRY(int purged, tx.delete_expired_enrollments(now));
            (void)purged;
            rec.phase = otp ? EnrollmentPhase::otp_required : EnrollmentPhase::ready;
            rec.created_at = now;
            rec.expires_at = now + kEnrollmentLifetime;
            KAKUIN_TRY_STATUS(tx.insert_enrollment(rec));
            KAKUIN_TRY(auto hid, tx.append_history(usage(actor, key, auth_history::enrollment_started,
                                                         now, "issue " + format_issue_number(slot.issue_number))));
            (void)hid;
            return {};
        }));
    return NewEnrollment{std::move(id.token), info_for(ctx_.policy, rec)};
}

Result<EnrollmentInfo> EnrollmentService::submit_otp(std::string_view enrollment_id,
                                                     std::string_view otp,
                                                     const std::string& source_address) {
    KAKUIN_TRY(std::string hash, id_hash(enrollment_id));
    const TimePoint now = ctx_.clock.now();
    return in_write_keeping_failures<EnrollmentInfo>(
        ctx_.store, [&](Transaction& tx, bool& keep) -> Result<EnrollmentInfo> {
            KAKUIN_TRY(EnrollmentRecord e, find_usable(tx, hash, now));
            if (e.phase != EnrollmentPhase::otp_required) {
                return make_error(ErrorCode::invalid_request, "the OTP step is already done");
            }
            KAKUIN_TRY(Person person, load_person(tx, e.person));
            const Actor actor = Actor::person(e.person, source_address);
            KAKUIN_TRY_STATUS(otp_step(tx, ctx_, person, otp, actor, now, keep));
            reset_failures(person);
            KAKUIN_TRY_STATUS(tx.update_person(person));
            e.phase = EnrollmentPhase::ready;
            KAKUIN_TRY_STATUS(tx.update_enrollment_phase(hash, e.phase));
            return info_for(ctx_.policy, e);
        });
}

Result<IssuedBundle> EnrollmentService::submit_csr(std::string_view enrollment_id,
                                                   std::span<const std::uint8_t> csr,
                                                   const std::string& source_address) {
    return submit_signed(
        enrollment_id,
        [&](const PersonKey& person, TimePoint now) -> Result<Signed> {
            // A refused CSR writes nothing: the enrollment stays usable for a corrected one.
            return certificates_.check_and_presign(person, csr, now);
        },
        source_address);
}

Result<IssuedBundle> EnrollmentService::submit_signed(std::string_view enrollment_id,
                                                      const SignStep& sign,
                                                      const std::string& source_address) {
    KAKUIN_TRY(std::string hash, id_hash(enrollment_id));
    const TimePoint now = ctx_.clock.now();
    auto ready = [&](Transaction& tx) -> Result<EnrollmentRecord> {
        KAKUIN_TRY(EnrollmentRecord e, find_usable(tx, hash, now));
        if (e.phase != EnrollmentPhase::ready) {
            return make_error(ErrorCode::forbidden, "OTP step not done",
                              "ワンタイムパスワードを入力してください。");
        }
        return e;
    };
    // The CSR check (its proof of possession) and the CA's signature are CPU work: they run
    // before the write transaction, so that the store's single writer is not held for them,
    // and after a read of the enrollment, so that an unknown ID costs no crypto. The write
    // transaction checks everything again and stores the certificate or drops it.
    KAKUIN_TRY(EnrollmentRecord seen,
               in_transaction<EnrollmentRecord>(ctx_.store, store::TxMode::read, ready));
    KAKUIN_TRY(const Signed signed_, sign(seen.person, now));
    const pki::CheckedCsr& checked = signed_.checked;
    const pki::IssuedCertificate& presigned = signed_.presigned;
    return in_write_keeping_failures<IssuedBundle>(
        ctx_.store, [&](Transaction& tx, bool& keep) -> Result<IssuedBundle> {
            KAKUIN_TRY(EnrollmentRecord e, ready(tx));
            KAKUIN_TRY(Person person, load_person(tx, e.person));
            (void)person;
            const Actor actor = Actor::person(e.person, source_address);
            const pki::IssuedCertificate* pre = e.person == seen.person ? &presigned : nullptr;
            auto issued = certificates_.issue_from_csr_in(tx, actor, e.person, checked, now, pre);
            if (!issued.ok()) {
                const ErrorCode code = issued.error().code;
                if (code == ErrorCode::acquisition_not_registered ||
                    code == ErrorCode::acquisition_deadline_passed ||
                    code == ErrorCode::acquisition_already_used) {
                    // The slot will not allow this enrollment any more: finish it.
                    KAKUIN_TRY_STATUS(tx.update_enrollment_phase(hash, EnrollmentPhase::done));
                    keep = true;
                }
                return issued;
            }
            KAKUIN_TRY_STATUS(tx.update_enrollment_phase(hash, EnrollmentPhase::done));
            return issued;
        });
}

}  // namespace kakuin::service
