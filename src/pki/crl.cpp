// IssuingCa::make_crl: a full v2 CRL.
//
// OpenSSL's template encoder needs ~60 µs per revoked entry (allocations per field, several
// encoding passes), which makes a million-entry CRL take a minute. So OpenSSL builds and
// signs a CRL without entries (version, issuer, dates, extensions, AlgorithmIdentifier);
// the revokedCertificates list is then DER-encoded here in one linear pass, spliced into
// that TBSCertList, and the result is signed again through the same Signer.
#include <algorithm>
#include <cstring>

#include "pki/der.h"
#include "pki/issuing_ca_impl.h"

namespace kakuin::pki {

namespace {

struct Entry {
    std::uint8_t serial[21];
    std::uint8_t serial_len;
    std::uint8_t reason;  // 0: no reasonCode extension
    std::int64_t revoked_at;
};

bool serial_less(const Entry& a, const Entry& b) {
    // The order X509_CRL_sort gives (ASN1_STRING_cmp: length, then bytes).
    if (a.serial_len != b.serial_len) return a.serial_len < b.serial_len;
    return std::memcmp(a.serial, b.serial, a.serial_len) < 0;
}

bool utc_time(std::int64_t t) {
    return t >= -631152000 && t < 2524608000;  // 1950-01-01 <= t < 2050-01-01
}

std::size_t entry_content_length(const Entry& e) {
    return 2 + e.serial_len + (utc_time(e.revoked_at) ? 15 : 17) + (e.reason ? 14 : 0);
}

// The CRL without entries, signed by OpenSSL: the source of every header field.
Result<Bytes> shell_crl(const IssuingCa::Impl& ca, std::int64_t crl_number, TimePoint this_update,
                        TimePoint next_update) {
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
    KAKUIN_TRY_STATUS(sign_crl(*ca.ca_signer, crl.get()));
    return to_der(crl.get(), i2d_X509_CRL, "i2d_X509_CRL");
}

Result<std::vector<Entry>> sorted_entries(std::span<const RevokedEntry> revoked) {
    std::vector<Entry> entries(revoked.size());
    for (std::size_t i = 0; i < revoked.size(); ++i) {
        Entry& e = entries[i];
        std::size_t len = 0;
        if (!der::integer_from_hex(revoked[i].serial_hex, e.serial, len))
            return make_error(ErrorCode::invalid_request, "invalid serial '" + revoked[i].serial_hex + "'");
        e.serial_len = static_cast<std::uint8_t>(len);
        const int reason = static_cast<int>(revoked[i].reason);
        if (reason < 0 || reason > 10 || reason == 7)
            return make_error(ErrorCode::invalid_request, "unknown revocation reason " + std::to_string(reason));
        // RFC 5280 5.3.1: reasonCode SHOULD be absent rather than "unspecified" (0).
        e.reason = static_cast<std::uint8_t>(reason);
        e.revoked_at = to_unix(revoked[i].revoked_at);
    }
    std::sort(entries.begin(), entries.end(), serial_less);
    return entries;
}

void append_entries(Bytes& out, const std::vector<Entry>& entries) {
    // Extensions { Extension { id-ce-cRLReasons, OCTET STRING { ENUMERATED r } } }
    static constexpr std::uint8_t kReasonPrefix[] = {0x30, 0x0c, 0x30, 0x0a, 0x06, 0x03, 0x55,
                                                     0x1d, 0x15, 0x04, 0x03, 0x0a, 0x01};
    for (const Entry& e : entries) {
        out.push_back(0x30);
        out.push_back(static_cast<std::uint8_t>(entry_content_length(e)));  // always < 128
        out.push_back(0x02);
        out.push_back(e.serial_len);
        out.insert(out.end(), e.serial, e.serial + e.serial_len);
        der::append_time(out, from_unix(e.revoked_at));
        if (e.reason) {
            out.insert(out.end(), std::begin(kReasonPrefix), std::end(kReasonPrefix));
            out.push_back(e.reason);
        }
    }
}

// Tag and length octets of a TLV with `content_length` content octets.
std::size_t header_length(std::size_t content_length) {
    if (content_length < 0x80) return 2;
    std::size_t octets = 0;
    for (std::size_t v = content_length; v != 0; v >>= 8) ++octets;
    return 2 + octets;
}

}  // namespace

Result<Bytes> IssuingCa::make_crl(std::span<const RevokedEntry> revoked, std::int64_t crl_number,
                                  TimePoint this_update, TimePoint next_update) const {
    const Impl& ca = *impl_;
    if (crl_number < 0) return make_error(ErrorCode::invalid_request, "CRL number must not be negative");
    if (next_update <= this_update) return make_error(ErrorCode::invalid_request, "nextUpdate must be after thisUpdate");
    KAKUIN_TRY(std::vector<Entry> entries, sorted_entries(revoked));
    KAKUIN_TRY(Bytes shell, shell_crl(ca, crl_number, this_update, next_update));

    // CertificateList ::= SEQUENCE { tbsCertList, signatureAlgorithm, signatureValue }
    std::size_t pos = 0;
    der::Tlv outer, tbs, alg;
    std::size_t inner = 0;
    if (!der::read(shell, pos, outer) || outer.tag != 0x30 || !der::read(outer.content, inner, tbs) ||
        tbs.tag != 0x30 || !der::read(outer.content, inner, alg) || alg.tag != 0x30)
        return make_error(ErrorCode::crypto_failure, "unexpected CRL encoding from OpenSSL");
    // revokedCertificates goes after nextUpdate, before crlExtensions [0].
    std::size_t split = 0;
    for (std::size_t p = 0; p < tbs.content.size();) {
        der::Tlv field;
        const std::size_t at = p;
        if (!der::read(tbs.content, p, field)) return make_error(ErrorCode::crypto_failure, "unexpected TBSCertList");
        split = field.tag == 0xa0 ? at : p;
        if (field.tag == 0xa0) break;
    }

    std::size_t list_length = 0;
    for (const Entry& e : entries) list_length += 2 + entry_content_length(e);
    const std::size_t revoked_tlv = entries.empty() ? 0 : header_length(list_length) + list_length;
    const std::size_t tbs_content = tbs.content.size() + revoked_tlv;
    Bytes new_tbs;
    new_tbs.reserve(header_length(tbs_content) + tbs_content);
    der::append_header(new_tbs, 0x30, tbs_content);
    der::append(new_tbs, tbs.content.first(split));
    if (!entries.empty()) {
        der::append_header(new_tbs, 0x30, list_length);
        append_entries(new_tbs, entries);
    }
    der::append(new_tbs, tbs.content.subspan(split));

    KAKUIN_TRY(EvpMdCtxPtr ctx, ca.ca_signer->start_signing());
    std::size_t sig_len = 0;
    if (EVP_DigestSign(ctx.get(), nullptr, &sig_len, new_tbs.data(), new_tbs.size()) != 1)
        return ossl_error("EVP_DigestSign (size)");
    Bytes sig(sig_len);
    if (EVP_DigestSign(ctx.get(), sig.data(), &sig_len, new_tbs.data(), new_tbs.size()) != 1)
        return ossl_error("EVP_DigestSign");
    sig.resize(sig_len);

    const std::size_t content = new_tbs.size() + alg.whole.size() + header_length(sig_len + 1) + sig_len + 1;
    Bytes out;
    out.reserve(header_length(content) + content);
    der::append_header(out, 0x30, content);
    der::append(out, new_tbs);
    der::append(out, alg.whole);
    der::append_header(out, 0x03, sig_len + 1);
    out.push_back(0x00);  // no unused bits
    der::append(out, sig);
    return out;
}

}  // namespace kakuin::pki
