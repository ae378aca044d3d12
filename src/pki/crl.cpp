// IssuingCa::make_crl: a full v2 CRL.
#include <map>

#include "pki/issuing_ca_impl.h"

namespace kakuin::pki {

Result<Bytes> IssuingCa::make_crl(std::span<const RevokedEntry> revoked, std::int64_t crl_number,
                                  TimePoint this_update, TimePoint next_update) const {
    const Impl& ca = *impl_;
    if (crl_number < 0) return make_error(ErrorCode::invalid_request, "CRL number must not be negative");
    if (next_update <= this_update) return make_error(ErrorCode::invalid_request, "nextUpdate must be after thisUpdate");

    X509CrlPtr crl(X509_CRL_new());
    if (!crl) return ossl_error("X509_CRL_new");
    KAKUIN_TRY(Asn1TimePtr this_t, to_asn1_time(this_update));
    KAKUIN_TRY(Asn1TimePtr next_t, to_asn1_time(next_update));
    if (X509_CRL_set_version(crl.get(), X509_CRL_VERSION_2) != 1 ||
        X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(ca.issuing.get())) != 1 ||
        X509_CRL_set1_lastUpdate(crl.get(), this_t.get()) != 1 ||
        X509_CRL_set1_nextUpdate(crl.get(), next_t.get()) != 1)
        return ossl_error("X509_CRL_set_*");

    Asn1IntegerPtr number(ASN1_INTEGER_new());
    if (!number || ASN1_INTEGER_set_int64(number.get(), crl_number) != 1) return ossl_error("ASN1_INTEGER_set_int64");
    if (X509_CRL_add1_ext_i2d(crl.get(), NID_crl_number, number.get(), 0, X509V3_ADD_DEFAULT) != 1)
        return ossl_error("X509_CRL_add1_ext_i2d(crlNumber)");
    if (X509_CRL_add_ext(crl.get(), ca.authority_key_id.get(), -1) != 1)
        return ossl_error("X509_CRL_add_ext(authorityKeyIdentifier)");

    // Revocation times repeat a lot (bulk revocations share a second): encode each once.
    std::map<std::int64_t, Asn1TimePtr> times;
    for (const RevokedEntry& entry : revoked) {
        KAKUIN_TRY(Asn1IntegerPtr serial, serial_from_hex(entry.serial_hex));
        auto it = times.find(to_unix(entry.revoked_at));
        if (it == times.end()) {
            KAKUIN_TRY(Asn1TimePtr t, to_asn1_time(entry.revoked_at));
            it = times.emplace(to_unix(entry.revoked_at), std::move(t)).first;
        }
        X509RevokedPtr rev(X509_REVOKED_new());
        if (!rev || X509_REVOKED_set_serialNumber(rev.get(), serial.get()) != 1 ||
            X509_REVOKED_set_revocationDate(rev.get(), it->second.get()) != 1)
            return ossl_error("X509_REVOKED_set_*");
        const int reason = static_cast<int>(entry.reason);
        if (reason < 0 || reason >= static_cast<int>(ca.reason_extensions.size()))
            return make_error(ErrorCode::invalid_request, "unknown revocation reason " + std::to_string(reason));
        // RFC 5280 5.3.1: reasonCode SHOULD be absent rather than "unspecified".
        if (entry.reason != RevocationReason::unspecified &&
            X509_REVOKED_add_ext(rev.get(), ca.reason_extensions[static_cast<std::size_t>(reason)].get(), -1) != 1)
            return ossl_error("X509_REVOKED_add_ext(CRLReason)");
        // add0 pushes onto an unsorted stack (O(1)); X509_CRL_sort orders it once below.
        if (X509_CRL_add0_revoked(crl.get(), rev.get()) != 1) return ossl_error("X509_CRL_add0_revoked");
        rev.release();
    }
    if (X509_CRL_sort(crl.get()) != 1) return ossl_error("X509_CRL_sort");
    KAKUIN_TRY_STATUS(sign_crl(*ca.ca_signer, crl.get()));
    return to_der(crl.get(), i2d_X509_CRL, "i2d_X509_CRL");
}

}  // namespace kakuin::pki
