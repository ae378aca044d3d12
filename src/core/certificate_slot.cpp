#include "core/certificate_slot.h"

#include <cstdio>

namespace kakuin {

std::string_view crl_reason_name(CrlReason r) {
    switch (r) {
        case CrlReason::unspecified: return "unspecified";
        case CrlReason::key_compromise: return "keyCompromise";
        case CrlReason::affiliation_changed: return "affiliationChanged";
        case CrlReason::superseded: return "superseded";
        case CrlReason::cessation_of_operation: return "cessationOfOperation";
        case CrlReason::privilege_withdrawn: return "privilegeWithdrawn";
    }
    return "unspecified";
}

bool crl_reason_from_int(int value, CrlReason& out) {
    switch (value) {
        case 0: case 1: case 3: case 4: case 5: case 9:
            out = static_cast<CrlReason>(value);
            return true;
        default:
            return false;
    }
}

std::string_view certificate_status_name(CertificateStatus s) {
    switch (s) {
        case CertificateStatus::valid: return "valid";
        case CertificateStatus::expired: return "expired";
        case CertificateStatus::revoked: return "revoked";
        case CertificateStatus::superseded: return "superseded";
    }
    return "revoked";
}

CertificateStatus CertificateRecord::status_at(TimePoint t) const {
    if (revoked_at) {
        return revocation_reason == CrlReason::superseded ? CertificateStatus::superseded
                                                          : CertificateStatus::revoked;
    }
    return t >= not_after ? CertificateStatus::expired : CertificateStatus::valid;
}

std::string_view slot_phase_name(SlotPhase p) {
    switch (p) {
        case SlotPhase::none: return "none";
        case SlotPhase::registered: return "registered";
        case SlotPhase::issued: return "issued";
        case SlotPhase::revoked: return "revoked";
        case SlotPhase::expired: return "expired";
    }
    return "none";
}

bool slot_phase_from_name(std::string_view s, SlotPhase& out) {
    for (SlotPhase p : {SlotPhase::none, SlotPhase::registered, SlotPhase::issued,
                        SlotPhase::revoked, SlotPhase::expired}) {
        if (slot_phase_name(p) == s) {
            out = p;
            return true;
        }
    }
    return false;
}

std::string_view slot_status_name(SlotStatus s) {
    switch (s) {
        case SlotStatus::none: return "none";
        case SlotStatus::registered: return "registered";
        case SlotStatus::deadline_passed: return "deadline_passed";
        case SlotStatus::valid: return "valid";
        case SlotStatus::expired: return "expired";
        case SlotStatus::revoked: return "revoked";
    }
    return "none";
}

std::string format_issue_number(int n) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%03d", n < 0 ? 0 : n);
    return buf;
}

SlotStatus CertificateSlot::status_at(TimePoint t) const {
    switch (phase) {
        case SlotPhase::none: return SlotStatus::none;
        case SlotPhase::registered:
            return acquisition_deadline && t > *acquisition_deadline ? SlotStatus::deadline_passed
                                                                     : SlotStatus::registered;
        case SlotPhase::issued:
            return not_after && t >= *not_after ? SlotStatus::expired : SlotStatus::valid;
        case SlotPhase::revoked: return SlotStatus::revoked;
        case SlotPhase::expired: return SlotStatus::expired;
    }
    return SlotStatus::none;
}

namespace {

Error state_invalid(std::string_view op, const CertificateSlot& slot, TimePoint now) {
    return make_error(ErrorCode::certificate_state_invalid,
                      std::string(op) + " is not allowed when the certificate is " +
                          std::string(slot_status_name(slot.status_at(now))));
}

// A fresh registration on top of `slot` (whose current certificate, if any, is already dealt with).
CertificateSlot registered(const CertificateSlot& slot, const CertificatePolicy& policy,
                           TimePoint now) {
    CertificateSlot next;
    next.issue_number = slot.issue_number + 1;
    next.phase = SlotPhase::registered;
    next.registered_at = now;
    next.acquisition_deadline = now + Days(policy.acquisition_deadline_days);
    return next;
}

CertificateSlot with_certificate(const CertificateSlot& slot, const NewCertificate& cert) {
    CertificateSlot next = slot;
    next.phase = SlotPhase::issued;
    next.serial_hex = cert.serial_hex;
    next.not_after = cert.not_after;
    next.first_used_at.reset();
    next.revoked_at.reset();
    next.revocation_reason.reset();
    return next;
}

}  // namespace

Result<Transition> register_issuance(const CertificateSlot& slot, const CertificatePolicy& policy,
                                     TimePoint now) {
    switch (slot.status_at(now)) {
        case SlotStatus::none:
        case SlotStatus::revoked:
        case SlotStatus::expired:
        case SlotStatus::deadline_passed:
            return Transition{registered(slot, policy, now), std::nullopt};
        case SlotStatus::registered:
        case SlotStatus::valid:
            break;
    }
    return state_invalid("register", slot, now);
}

Result<Transition> reissue(const CertificateSlot& slot, const CertificatePolicy& policy,
                           TimePoint now, CrlReason reason) {
    Transition t{registered(slot, policy, now), std::nullopt};
    if (slot.status_at(now) == SlotStatus::valid) t.revoke = RevocationOrder{slot.serial_hex, reason};
    // A registration (in time or not) is simply replaced: nothing was issued for it.
    return t;
}

Status check_issue(const CertificateSlot& slot, TimePoint now) {
    switch (slot.phase) {
        case SlotPhase::none:
        case SlotPhase::revoked:
        case SlotPhase::expired:
            return make_error(ErrorCode::acquisition_not_registered,
                              "no issuance is registered (" +
                                  std::string(slot_status_name(slot.status_at(now))) + ")");
        case SlotPhase::registered:
        case SlotPhase::issued:
            break;
    }
    if (slot.phase == SlotPhase::issued && slot.first_used_at) {
        return make_error(ErrorCode::acquisition_already_used,
                          "the certificate of issue " + format_issue_number(slot.issue_number) +
                              " has already been used");
    }
    if (!slot.acquisition_deadline || now > *slot.acquisition_deadline) {
        return make_error(ErrorCode::acquisition_deadline_passed,
                          "acquisition deadline of issue " +
                              format_issue_number(slot.issue_number) + " has passed");
    }
    return {};
}

Result<Transition> issue(const CertificateSlot& slot, TimePoint now, const NewCertificate& cert) {
    KAKUIN_TRY_STATUS(check_issue(slot, now));
    Transition t{with_certificate(slot, cert), std::nullopt};
    // R20 retry: the half-issued, never used certificate is replaced.
    if (slot.phase == SlotPhase::issued) t.revoke = RevocationOrder{slot.serial_hex, CrlReason::superseded};
    return t;
}

Result<Transition> mark_used(const CertificateSlot& slot, const std::string& serial_hex,
                             TimePoint now) {
    if (slot.phase != SlotPhase::issued || slot.serial_hex != serial_hex) {
        return make_error(ErrorCode::certificate_not_current,
                          "serial " + serial_hex + " is not the person's current certificate");
    }
    Transition t{slot, std::nullopt};
    if (!t.slot.first_used_at) t.slot.first_used_at = now;
    return t;
}

Result<Transition> revoke(const CertificateSlot& slot, TimePoint now, CrlReason reason) {
    const SlotStatus status = slot.status_at(now);
    if (status == SlotStatus::registered || status == SlotStatus::deadline_passed) {
        Transition t{slot, std::nullopt};
        t.slot.phase = SlotPhase::revoked;
        t.slot.revoked_at = now;
        t.slot.revocation_reason = reason;
        return t;
    }
    if (status == SlotStatus::valid) {
        Transition t{slot, RevocationOrder{slot.serial_hex, reason}};
        t.slot.phase = SlotPhase::revoked;
        t.slot.revoked_at = now;
        t.slot.revocation_reason = reason;
        return t;
    }
    return state_invalid("revoke", slot, now);
}

Status check_renew(const CertificateSlot& slot, const CertificatePolicy& policy, TimePoint now) {
    const SlotStatus status = slot.status_at(now);
    if (status == SlotStatus::expired) {
        return make_error(ErrorCode::certificate_expired, "the certificate has expired");
    }
    if (status != SlotStatus::valid) return state_invalid("renew", slot, now);
    if (now < *slot.not_after - Days(policy.renewal_window_days)) {
        return make_error(ErrorCode::not_in_renewal_window,
                          "renewal opens " + std::to_string(policy.renewal_window_days) +
                              " days before " + format_iso8601(*slot.not_after));
    }
    return {};
}

Result<Transition> renew(const CertificateSlot& slot, const CertificatePolicy& policy,
                         TimePoint now, const NewCertificate& cert) {
    KAKUIN_TRY_STATUS(check_renew(slot, policy, now));
    return Transition{with_certificate(slot, cert),
                      RevocationOrder{slot.serial_hex, CrlReason::superseded}};
}

Result<Transition> expire(const CertificateSlot& slot, TimePoint now) {
    if (slot.phase != SlotPhase::issued || !slot.not_after || now < *slot.not_after) {
        return state_invalid("expire", slot, now);
    }
    Transition t{slot, std::nullopt};
    t.slot.phase = SlotPhase::expired;
    return t;
}

}  // namespace kakuin
