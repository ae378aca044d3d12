#include "pki/cert_builder.h"

#include <openssl/pem.h>

#include <chrono>
#include <cstring>

#include "pki/der.h"

namespace kakuin::pki {

namespace {

Status add_entry(X509_NAME* name, const char* field, const std::string& value) {
    if (value.empty()) return {};
    if (X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(value.data()),
                                   static_cast<int>(value.size()), -1, 0) != 1)
        return ossl_error(std::string("X509_NAME_add_entry_by_txt(") + field + ")", ErrorCode::invalid_request);
    return {};
}

Result<GENERAL_NAME*> uri_name(const std::string& url) {
    GENERAL_NAME* gn = GENERAL_NAME_new();
    ASN1_IA5STRING* ia5 = ASN1_IA5STRING_new();
    if (gn == nullptr || ia5 == nullptr ||
        ASN1_STRING_set(ia5, url.data(), static_cast<int>(url.size())) != 1) {
        GENERAL_NAME_free(gn);
        ASN1_IA5STRING_free(ia5);
        return ossl_error("GENERAL_NAME (URI)");
    }
    GENERAL_NAME_set0_value(gn, GEN_URI, ia5);
    return gn;
}

template <typename T>
Result<X509ExtensionPtr> i2d_extension(int nid, T* value, std::string_view what) {
    X509ExtensionPtr ext(X509V3_EXT_i2d(nid, 0, value));
    if (!ext) return ossl_error(what);
    return ext;
}

}  // namespace

Result<X509NamePtr> make_name(const std::string& cn, const std::string& o, const std::string& ou) {
    X509NamePtr name(X509_NAME_new());
    if (!name) return ossl_error("X509_NAME_new");
    KAKUIN_TRY_STATUS(add_entry(name.get(), "O", o));
    KAKUIN_TRY_STATUS(add_entry(name.get(), "OU", ou));
    KAKUIN_TRY_STATUS(add_entry(name.get(), "CN", cn));
    return name;
}

Result<X509Ptr> new_certificate(const ASN1_INTEGER* serial, const X509_NAME* subject, const X509_NAME* issuer,
                                TimePoint not_before, TimePoint not_after, EVP_PKEY* public_key) {
    X509Ptr cert(X509_new());
    if (!cert) return ossl_error("X509_new");
    KAKUIN_TRY(Asn1TimePtr nb, to_asn1_time(not_before));
    KAKUIN_TRY(Asn1TimePtr na, to_asn1_time(not_after));
    if (X509_set_version(cert.get(), X509_VERSION_3) != 1 ||
        X509_set_serialNumber(cert.get(), const_cast<ASN1_INTEGER*>(serial)) != 1 ||
        X509_set_subject_name(cert.get(), subject) != 1 || X509_set_issuer_name(cert.get(), issuer) != 1 ||
        X509_set1_notBefore(cert.get(), nb.get()) != 1 || X509_set1_notAfter(cert.get(), na.get()) != 1 ||
        (public_key != nullptr && X509_set_pubkey(cert.get(), public_key) != 1))
        return ossl_error("X509_set_*");
    return cert;
}

Status set_public_key_info(X509* cert, std::span<const std::uint8_t> spki_der) {
    auto bad = [] { return make_error(ErrorCode::invalid_request, "malformed SubjectPublicKeyInfo"); };
    std::size_t pos = 0, inner = 0;
    der::Tlv spki, alg, bits;
    if (!der::read(spki_der, pos, spki) || spki.tag != 0x30 || pos != spki_der.size() ||
        !der::read(spki.content, inner, alg) || alg.tag != 0x30 || !der::read(spki.content, inner, bits) ||
        bits.tag != 0x03 || inner != spki.content.size() || bits.content.empty() || bits.content[0] != 0)
        return bad();
    const unsigned char* p = alg.whole.data();
    std::unique_ptr<X509_ALGOR, Deleter<X509_ALGOR_free>> algor(
        d2i_X509_ALGOR(nullptr, &p, static_cast<long>(alg.whole.size())));
    if (!algor) {
        ossl_clear_errors();
        return bad();
    }
    const ASN1_OBJECT* oid = nullptr;
    int ptype = 0;
    const void* pval = nullptr;
    X509_ALGOR_get0(&oid, &ptype, &pval, algor.get());
    ASN1_OBJECT* oid_copy = OBJ_dup(oid);
    void* pval_copy = nullptr;
    if (ptype == V_ASN1_OBJECT) {
        pval_copy = OBJ_dup(static_cast<const ASN1_OBJECT*>(pval));
    } else if (ptype != V_ASN1_NULL && ptype != V_ASN1_UNDEF) {
        ASN1_OBJECT_free(oid_copy);
        return bad();
    }
    const std::size_t key_len = bits.content.size() - 1;
    auto* key_bits = static_cast<unsigned char*>(OPENSSL_malloc(key_len == 0 ? 1 : key_len));
    if (oid_copy == nullptr || (ptype == V_ASN1_OBJECT && pval_copy == nullptr) || key_bits == nullptr) {
        ASN1_OBJECT_free(oid_copy);
        ASN1_OBJECT_free(static_cast<ASN1_OBJECT*>(pval_copy));
        OPENSSL_free(key_bits);
        return ossl_error("OBJ_dup / OPENSSL_malloc");
    }
    std::memcpy(key_bits, bits.content.data() + 1, key_len);
    // On success X509_PUBKEY_set0_param owns the object, parameter and key bits.
    if (X509_PUBKEY_set0_param(X509_get_X509_PUBKEY(cert), oid_copy, ptype, pval_copy, key_bits,
                               static_cast<int>(key_len)) != 1) {
        ASN1_OBJECT_free(oid_copy);
        ASN1_OBJECT_free(static_cast<ASN1_OBJECT*>(pval_copy));
        OPENSSL_free(key_bits);
        return ossl_error("X509_PUBKEY_set0_param");
    }
    return {};
}

Result<X509ExtensionPtr> conf_extension(X509* issuer, X509* subject, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, issuer, subject, nullptr, nullptr, 0);
    X509ExtensionPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
    if (!ext) return ossl_error(std::string("X509V3_EXT_conf_nid(") + OBJ_nid2sn(nid) + ")");
    return ext;
}

Status add_conf_extension(X509* issuer, X509* subject, int nid, const char* value) {
    KAKUIN_TRY(X509ExtensionPtr ext, conf_extension(issuer, subject, nid, value));
    if (X509_add_ext(subject, ext.get(), -1) != 1) return ossl_error("X509_add_ext");
    return {};
}

Result<Asn1OctetStringPtr> key_identifier(const X509* cert) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (X509_pubkey_digest(cert, EVP_sha1(), md, &len) != 1) return ossl_error("X509_pubkey_digest");
    Asn1OctetStringPtr id(ASN1_OCTET_STRING_new());
    if (!id || ASN1_OCTET_STRING_set(id.get(), md, static_cast<int>(len)) != 1)
        return ossl_error("ASN1_OCTET_STRING_set");
    return id;
}

Status add_subject_key_id(X509* cert) {
    KAKUIN_TRY(Asn1OctetStringPtr ski, key_identifier(cert));
    if (X509_add1_ext_i2d(cert, NID_subject_key_identifier, ski.get(), 0, X509V3_ADD_DEFAULT) != 1)
        return ossl_error("X509_add1_ext_i2d(subjectKeyIdentifier)");
    return {};
}

Result<X509ExtensionPtr> authority_key_id_extension(const ASN1_OCTET_STRING* issuer_key_id) {
    std::unique_ptr<AUTHORITY_KEYID, Deleter<AUTHORITY_KEYID_free>> akid(AUTHORITY_KEYID_new());
    if (!akid) return ossl_error("AUTHORITY_KEYID_new");
    akid->keyid = ASN1_OCTET_STRING_dup(issuer_key_id);
    if (akid->keyid == nullptr) return ossl_error("ASN1_OCTET_STRING_dup");
    return i2d_extension(NID_authority_key_identifier, akid.get(), "X509V3_EXT_i2d(authorityKeyIdentifier)");
}

Result<X509ExtensionPtr> crl_distribution_extension(const std::string& url) {
    std::unique_ptr<CRL_DIST_POINTS, Deleter<CRL_DIST_POINTS_free>> points(CRL_DIST_POINTS_new());
    DIST_POINT* dp = DIST_POINT_new();
    if (!points || dp == nullptr) {
        DIST_POINT_free(dp);
        return ossl_error("CRL_DIST_POINTS_new");
    }
    if (sk_DIST_POINT_push(points.get(), dp) <= 0) {
        DIST_POINT_free(dp);
        return ossl_error("sk_DIST_POINT_push");
    }
    dp->distpoint = DIST_POINT_NAME_new();
    if (dp->distpoint == nullptr) return ossl_error("DIST_POINT_NAME_new");
    dp->distpoint->type = 0;  // fullName
    dp->distpoint->name.fullname = GENERAL_NAMES_new();
    if (dp->distpoint->name.fullname == nullptr) return ossl_error("GENERAL_NAMES_new");
    KAKUIN_TRY(GENERAL_NAME * gn, uri_name(url));
    if (sk_GENERAL_NAME_push(dp->distpoint->name.fullname, gn) <= 0) {
        GENERAL_NAME_free(gn);
        return ossl_error("sk_GENERAL_NAME_push");
    }
    return i2d_extension(NID_crl_distribution_points, points.get(), "X509V3_EXT_i2d(crlDistributionPoints)");
}

Result<X509ExtensionPtr> authority_info_access_extension(const std::string& ocsp_url,
                                                         const std::string& ca_issuers_url) {
    std::unique_ptr<AUTHORITY_INFO_ACCESS, Deleter<AUTHORITY_INFO_ACCESS_free>> aia(AUTHORITY_INFO_ACCESS_new());
    if (!aia) return ossl_error("AUTHORITY_INFO_ACCESS_new");
    const std::pair<int, const std::string*> entries[] = {{NID_ad_OCSP, &ocsp_url}, {NID_ad_ca_issuers, &ca_issuers_url}};
    for (const auto& [method, url] : entries) {
        if (url->empty()) continue;
        ACCESS_DESCRIPTION* ad = ACCESS_DESCRIPTION_new();
        if (ad == nullptr || sk_ACCESS_DESCRIPTION_push(aia.get(), ad) <= 0) {
            ACCESS_DESCRIPTION_free(ad);
            return ossl_error("ACCESS_DESCRIPTION_new");
        }
        ASN1_OBJECT_free(ad->method);
        ad->method = OBJ_nid2obj(method);
        KAKUIN_TRY(GENERAL_NAME * gn, uri_name(*url));
        GENERAL_NAME_free(ad->location);
        ad->location = gn;
    }
    return i2d_extension(NID_info_access, aia.get(), "X509V3_EXT_i2d(authorityInfoAccess)");
}

Result<X509ExtensionPtr> subject_alt_name_extension(const std::vector<std::string>& hosts) {
    GeneralNamesPtr names(GENERAL_NAMES_new());
    if (!names) return ossl_error("GENERAL_NAMES_new");
    for (const std::string& host : hosts) {
        GENERAL_NAME* gn = nullptr;
        if (ASN1_OCTET_STRING* ip = a2i_IPADDRESS(host.c_str())) {
            gn = GENERAL_NAME_new();
            if (gn != nullptr) GENERAL_NAME_set0_value(gn, GEN_IPADD, ip);
            else ASN1_OCTET_STRING_free(ip);
        } else {
            ossl_clear_errors();
            ASN1_IA5STRING* dns = ASN1_IA5STRING_new();
            gn = GENERAL_NAME_new();
            if (gn == nullptr || dns == nullptr || ASN1_STRING_set(dns, host.data(), static_cast<int>(host.size())) != 1) {
                GENERAL_NAME_free(gn);
                ASN1_IA5STRING_free(dns);
                gn = nullptr;
            } else {
                GENERAL_NAME_set0_value(gn, GEN_DNS, dns);
            }
        }
        if (gn == nullptr) return ossl_error("GENERAL_NAME for " + host);
        if (sk_GENERAL_NAME_push(names.get(), gn) <= 0) {
            GENERAL_NAME_free(gn);
            return ossl_error("sk_GENERAL_NAME_push");
        }
    }
    return i2d_extension(NID_subject_alt_name, names.get(), "X509V3_EXT_i2d(subjectAltName)");
}

Result<std::string> certificate_pem(const X509* cert) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio) return ossl_error("BIO_new");
    if (PEM_write_bio_X509(bio.get(), cert) != 1) return ossl_error("PEM_write_bio_X509");
    return bio_to_string(bio.get());
}

TimePoint add_years(TimePoint t, int n) {
    using namespace std::chrono;
    const sys_days day = floor<days>(t);
    year_month_day ymd(day);
    ymd += years(n);
    if (!ymd.ok()) ymd = ymd.year() / ymd.month() / last;
    return TimePoint(sys_days(ymd)) + (t - day);
}

}  // namespace kakuin::pki
