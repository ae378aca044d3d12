#include "service/renewal_service.h"

#include "service/person_auth.h"
#include "service/unit_of_work.h"
#include "service/usage.h"

namespace kakuin::service {

using store::Transaction;

RenewalWindow renewal_window(TimePoint not_after, const CertificatePolicy& policy, TimePoint now) {
    RenewalWindow w;
    w.not_after = not_after;
    w.opens_at = not_after - Days(policy.renewal_window_days);
    w.open = w.opens_at <= now && now < not_after;
    w.days_left = std::chrono::floor<Days>(not_after - now).count();
    return w;
}

Error expired_certificate_error(Role role) {
    if (role == Role::admin)
        return make_error(ErrorCode::certificate_expired,
                          "This certificate has expired. Ask the bank (your branch) to reissue the "
                          "administrator's certificate.",
                          "この電子証明書は有効期限が切れています。お取引店にお問い合わせください。"
                          "管理者の電子証明書の再発行は、お取引店へのお申込みにより行います。");
    return make_error(ErrorCode::certificate_expired,
                      "This certificate has expired. Ask your administrator to reissue your "
                      "certificate.",
                      "この電子証明書は有効期限が切れています。管理者に電子証明書の再発行を依頼してください。");
}

RenewalService::RenewalService(const ServiceContext& ctx, CertificateService& certificates)
    : ctx_(ctx), certificates_(certificates) {}

Result<RenewalResult> RenewalService::renew(const SessionInfo& session,
                                            const std::optional<ClientCertificate>& presented,
                                            std::span<const std::uint8_t> csr,
                                            const std::string& source_address) {
    if (!presented || !session.via_certificate || session.certificate_serial.empty())
        return make_error(ErrorCode::certificate_required,
                          "renewal needs a session made by certificate login",
                          "電子証明書の更新は、電子証明書方式でログインしてから行ってください。");
    if (presented->serial_hex != session.certificate_serial)
        return make_error(ErrorCode::session_expired, "session of another certificate");
    if (!session.active())
        return make_error(ErrorCode::forbidden, "OTP step pending",
                          "ワンタイムパスワードを入力してください。");
    const PersonKey person = session.person;
    const Actor actor = Actor::person(person, source_address);
    const TimePoint now = ctx_.clock.now();
    // The CSR is checked before the store is touched (a refused CSR writes nothing) and
    // signed before the write transaction (CPU work that must not hold the store's writer);
    // renew_in checks the slot again there and stores it or drops it.
    KAKUIN_TRY(PresignedCertificate signed_, certificates_.check_and_presign(person, csr, now));
    const pki::CheckedCsr& checked = signed_.checked;
    const pki::IssuedCertificate& presigned = signed_.presigned;
    return in_transaction<RenewalResult>(
        ctx_.store, store::TxMode::write, [&](Transaction& tx) -> Result<RenewalResult> {
            KAKUIN_TRY(CertificateSlot slot, tx.load_slot_for_update(person));
            if (slot.phase != SlotPhase::issued || slot.serial_hex != session.certificate_serial)
                return make_error(ErrorCode::certificate_not_current,
                                  "the session's certificate is no longer current");
            // R11 / seed 003: the renewal ends the session; every other one of the person too,
            // since they were all made with the old certificate or none. (Counted here, before
            // the revocation in renew_in, which ends them as every revocation does.)
            KAKUIN_TRY(int ended, tx.delete_sessions_of(person, std::string()));
            auto issued = certificates_.renew_in(tx, actor, person, checked, now, &presigned);
            if (!issued) {
                if (issued.error().code == ErrorCode::certificate_expired)
                    return expired_certificate_error(person.role());
                return issued.take_error();
            }
            RenewalResult r{std::move(issued).value(), session.certificate_serial, ended};
            KAKUIN_TRY(auto id, tx.append_history(usage(
                                    actor, person, auth_history::logout, now,
                                    "certificate renewed, ended " +
                                        std::to_string(r.sessions_ended) + " session(s)")));
            (void)id;
            return r;
        });
}

}  // namespace kakuin::service
