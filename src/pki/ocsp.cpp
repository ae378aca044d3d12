// IssuingCa::answer_ocsp: RFC 6960 responses signed by the delegated OCSP signer.
#include <algorithm>

#include "pki/issuing_ca_impl.h"

namespace kakuin::pki {

namespace {

Result<Bytes> status_only_response(int status) {
    OcspResponsePtr resp(OCSP_response_create(status, nullptr));
    if (!resp) return ossl_error("OCSP_response_create");
    return to_der(resp.get(), i2d_OCSP_RESPONSE, "i2d_OCSP_RESPONSE");
}

bool same(const ASN1_OCTET_STRING* s, const Bytes& b) {
    return s != nullptr && static_cast<std::size_t>(ASN1_STRING_length(s)) == b.size() &&
           std::equal(b.begin(), b.end(), ASN1_STRING_get0_data(s));
}

// Whether the CertID names our issuing CA (under any digest we precomputed).
bool issued_by_us(const std::vector<IssuerHashes>& hashes, const ASN1_OBJECT* digest,
                  const ASN1_OCTET_STRING* name_hash, const ASN1_OCTET_STRING* key_hash) {
    const int nid = OBJ_obj2nid(digest);
    for (const IssuerHashes& h : hashes)
        if (h.digest_nid == nid) return same(name_hash, h.name_hash) && same(key_hash, h.key_hash);
    return false;
}

}  // namespace

Result<Bytes> IssuingCa::answer_ocsp(std::span<const std::uint8_t> request_der, const SerialStatusLookup& lookup,
                                     TimePoint now) const {
    const Impl& ca = *impl_;
    if (request_der.empty() || request_der.size() > kMaxOcspRequestBytes)
        return status_only_response(OCSP_RESPONSE_STATUS_MALFORMEDREQUEST);
    const unsigned char* p = request_der.data();
    OcspRequestPtr req(d2i_OCSP_REQUEST(nullptr, &p, static_cast<long>(request_der.size())));
    const int count = req ? OCSP_request_onereq_count(req.get()) : 0;
    if (!req || p != request_der.data() + request_der.size() || count <= 0) {
        ossl_clear_errors();
        return status_only_response(OCSP_RESPONSE_STATUS_MALFORMEDREQUEST);
    }

    OcspBasicRespPtr basic(OCSP_BASICRESP_new());
    if (!basic) return ossl_error("OCSP_BASICRESP_new");
    KAKUIN_TRY(Asn1TimePtr this_update, to_asn1_time(now));
    KAKUIN_TRY(Asn1TimePtr next_update, to_asn1_time(now + std::chrono::minutes(ca.ocsp_validity_minutes)));

    for (int i = 0; i < count; ++i) {
        OCSP_CERTID* id = OCSP_onereq_get0_id(OCSP_request_onereq_get0(req.get(), i));
        ASN1_OCTET_STRING* name_hash = nullptr;
        ASN1_OBJECT* digest = nullptr;
        ASN1_OCTET_STRING* key_hash = nullptr;
        ASN1_INTEGER* serial = nullptr;
        if (id == nullptr || OCSP_id_get0_info(&name_hash, &digest, &key_hash, &serial, id) != 1 || serial == nullptr) {
            ossl_clear_errors();
            return status_only_response(OCSP_RESPONSE_STATUS_MALFORMEDREQUEST);
        }
        // The response copies the CertID by re-encoding it; some BER that d2i accepts (odd
        // algorithm parameters) does not survive that round trip. Such a request is malformed.
        if (std::unique_ptr<OCSP_CERTID, Deleter<OCSP_CERTID_free>> copy(OCSP_CERTID_dup(id)); !copy) {
            ossl_clear_errors();
            return status_only_response(OCSP_RESPONSE_STATUS_MALFORMEDREQUEST);
        }

        SerialStatus status;  // unknown unless the CertID names our CA and the store knows it
        if (issued_by_us(ca.issuer_hashes, digest, name_hash, key_hash)) {
            const std::string hex = serial_to_hex(serial);
            if (!hex.empty() && hex.front() != '-') {
                KAKUIN_TRY(status, lookup(hex));
            }
        }

        Asn1TimePtr revoked_at;
        int cert_status = V_OCSP_CERTSTATUS_UNKNOWN;
        int reason = -1;
        if (status.kind == SerialStatus::Kind::good) {
            cert_status = V_OCSP_CERTSTATUS_GOOD;
        } else if (status.kind == SerialStatus::Kind::revoked) {
            cert_status = V_OCSP_CERTSTATUS_REVOKED;
            reason = static_cast<int>(status.reason);
            KAKUIN_TRY(revoked_at, to_asn1_time(status.revoked_at));
        }
        if (OCSP_basic_add1_status(basic.get(), id, cert_status, reason, revoked_at.get(), this_update.get(),
                                   next_update.get()) == nullptr)
            return ossl_error("OCSP_basic_add1_status");
    }

    if (OCSP_copy_nonce(basic.get(), req.get()) <= 0) return ossl_error("OCSP_copy_nonce");
    // producedAt from the injected clock (sign_ocsp keeps OpenSSL from setting it).
    auto* produced_at = const_cast<ASN1_GENERALIZEDTIME*>(OCSP_resp_get0_produced_at(basic.get()));
    if (produced_at == nullptr || ASN1_GENERALIZEDTIME_set(produced_at, static_cast<time_t>(to_unix(now))) == nullptr)
        return ossl_error("ASN1_GENERALIZEDTIME_set(producedAt)");
    KAKUIN_TRY_STATUS(sign_ocsp(*ca.ocsp_signer, basic.get(), ca.ocsp.get()));

    OcspResponsePtr resp(OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, basic.get()));
    if (!resp) return ossl_error("OCSP_response_create");
    return to_der(resp.get(), i2d_OCSP_RESPONSE, "i2d_OCSP_RESPONSE");
}

}  // namespace kakuin::pki
