// IssuingCa: loading the CA directory and issuing person certificates.
#include <openssl/pem.h>

#include <filesystem>

#include "pki/ca_files.h"
#include "pki/cert_builder.h"
#include "pki/files.h"
#include "pki/issuing_ca_impl.h"
#include "pki/key_policy.h"

namespace kakuin::pki {

namespace {

constexpr std::size_t kMaxPemFileBytes = 64 * 1024;

std::string path_in(const std::string& dir, const std::string& name) {
    return (std::filesystem::path(dir) / name).string();
}

Result<X509Ptr> load_certificate(const std::string& path, std::string* pem_out) {
    KAKUIN_TRY(std::string pem, read_small_file(path, kMaxPemFileBytes));
    BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    if (!bio) return ossl_error("BIO_new_mem_buf");
    X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!cert) return ossl_error("PEM_read_bio_X509(" + path + ")", ErrorCode::config_invalid);
    // Fill the extension cache now: later concurrent readers must not race to fill it.
    X509_check_purpose(cert.get(), -1, 0);
    if (pem_out != nullptr) *pem_out = std::move(pem);
    return cert;
}

Status check_pair(const X509* cert, const Signer& signer, const std::string& what) {
    if (X509_check_private_key(cert, signer.public_key()) != 1) {
        ossl_clear_errors();
        return make_error(ErrorCode::config_invalid, what + " key does not match its certificate");
    }
    return {};
}

Status check_signed_by(X509* cert, X509* issuer, const std::string& what) {
    if (X509_verify(cert, X509_get0_pubkey(issuer)) != 1) {
        ossl_clear_errors();
        return make_error(ErrorCode::config_invalid, what + " is not signed by its issuer");
    }
    return {};
}

Result<IssuerHashes> issuer_hashes(X509* issuing, const EVP_MD* md) {
    IssuerHashes h{EVP_MD_get_type(md), Bytes(EVP_MAX_MD_SIZE), Bytes(EVP_MAX_MD_SIZE)};
    unsigned int name_len = 0;
    unsigned int key_len = 0;
    if (X509_NAME_digest(X509_get_subject_name(issuing), md, h.name_hash.data(), &name_len) != 1 ||
        X509_pubkey_digest(issuing, md, h.key_hash.data(), &key_len) != 1)
        return ossl_error("X509_NAME_digest / X509_pubkey_digest");
    h.name_hash.resize(name_len);
    h.key_hash.resize(key_len);
    return h;
}

Status prepare_extensions(IssuingCa::Impl& ca) {
    X509* issuer = ca.issuing.get();
    KAKUIN_TRY(X509ExtensionPtr bc, conf_extension(issuer, nullptr, NID_basic_constraints, "critical,CA:FALSE"));
    KAKUIN_TRY(X509ExtensionPtr eku, conf_extension(issuer, nullptr, NID_ext_key_usage, "clientAuth"));
    KAKUIN_TRY(ca.key_usage_rsa, conf_extension(issuer, nullptr, NID_key_usage, "critical,digitalSignature,keyEncipherment"));
    KAKUIN_TRY(ca.key_usage_ec, conf_extension(issuer, nullptr, NID_key_usage, "critical,digitalSignature"));

    // The issuer's own SKI is what verifiers match AKI against; fall back to the key hash.
    Asn1OctetStringPtr key_id;
    if (const ASN1_OCTET_STRING* ski = X509_get0_subject_key_id(issuer)) {
        key_id.reset(ASN1_OCTET_STRING_dup(ski));
        if (!key_id) return ossl_error("ASN1_OCTET_STRING_dup");
    } else {
        KAKUIN_TRY(key_id, key_identifier(issuer));
    }
    KAKUIN_TRY(ca.authority_key_id, authority_key_id_extension(key_id.get()));
    KAKUIN_TRY(X509ExtensionPtr aki, authority_key_id_extension(key_id.get()));

    ca.leaf_extensions.push_back(std::move(bc));
    ca.leaf_extensions.push_back(std::move(eku));
    ca.leaf_extensions.push_back(std::move(aki));
    if (!ca.crl_url.empty()) {
        KAKUIN_TRY(X509ExtensionPtr crldp, crl_distribution_extension(ca.crl_url));
        ca.leaf_extensions.push_back(std::move(crldp));
    }
    if (!ca.ocsp_url.empty()) {
        KAKUIN_TRY(X509ExtensionPtr aia, authority_info_access_extension(ca.ocsp_url, ""));
        ca.leaf_extensions.push_back(std::move(aia));
    }

    return {};
}

}  // namespace

IssuingCa::IssuingCa(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
IssuingCa::~IssuingCa() = default;

Result<std::unique_ptr<IssuingCa>> IssuingCa::load(const CaSettings& settings) {
    auto ca = std::make_unique<Impl>();
    ca->crl_url = settings.crl_url;
    ca->ocsp_url = settings.ocsp_url;
    ca->ocsp_validity_minutes = settings.ocsp_validity_minutes;
    if (ca->ocsp_validity_minutes <= 0)
        return make_error(ErrorCode::config_invalid, "ocsp_validity_minutes must be positive");

    const std::string& dir = settings.dir;
    const std::string stem_root = kRootStem, stem_issuing = kIssuingStem, stem_ocsp = kOcspStem;
    KAKUIN_TRY(ca->root, load_certificate(path_in(dir, stem_root + ".crt.pem"), &ca->root_pem));
    KAKUIN_TRY(ca->issuing, load_certificate(path_in(dir, stem_issuing + ".crt.pem"), &ca->issuing_pem));
    KAKUIN_TRY(ca->ocsp, load_certificate(path_in(dir, stem_ocsp + ".crt.pem"), nullptr));
    ca->chain_pem = ca->issuing_pem + ca->root_pem;

    KAKUIN_TRY(ca->ca_signer, load_file_signer(path_in(dir, stem_issuing + ".key.pem"), settings.passphrase));
    KAKUIN_TRY(ca->ocsp_signer, load_file_signer(path_in(dir, stem_ocsp + ".key.pem"), settings.passphrase));
    KAKUIN_TRY_STATUS(check_pair(ca->issuing.get(), *ca->ca_signer, "issuing CA"));
    KAKUIN_TRY_STATUS(check_pair(ca->ocsp.get(), *ca->ocsp_signer, "OCSP signer"));
    KAKUIN_TRY_STATUS(check_signed_by(ca->issuing.get(), ca->root.get(), "issuing CA certificate"));
    KAKUIN_TRY_STATUS(check_signed_by(ca->ocsp.get(), ca->issuing.get(), "OCSP signer certificate"));

    KAKUIN_TRY_STATUS(prepare_extensions(*ca));
    for (const EVP_MD* md : {EVP_sha1(), EVP_sha256(), EVP_sha384(), EVP_sha512()}) {
        KAKUIN_TRY(IssuerHashes h, issuer_hashes(ca->issuing.get(), md));
        ca->issuer_hashes.push_back(std::move(h));
    }
    return std::unique_ptr<IssuingCa>(new IssuingCa(std::move(ca)));
}

Result<IssuedCertificate> IssuingCa::issue(const IssueRequest& request) const {
    const Impl& ca = *impl_;
    if (request.csr == nullptr) return make_error(ErrorCode::internal_error, "issue() without a CSR");
    if (request.subject.common_name.empty()) return make_error(ErrorCode::invalid_request, "empty common name");
    if (request.not_after <= request.not_before)
        return make_error(ErrorCode::invalid_request, "not_after must be after not_before");

    KAKUIN_TRY(Asn1IntegerPtr serial, serial_from_hex(request.serial_hex));
    const SubjectSpec& s = request.subject;
    KAKUIN_TRY(X509NamePtr subject, make_name(s.common_name, s.organization, s.organizational_unit));
    KAKUIN_TRY(X509Ptr cert, new_certificate(serial.get(), subject.get(), X509_get_subject_name(ca.issuing.get()),
                                             request.not_before, request.not_after, nullptr));
    X509* c = cert.get();
    KAKUIN_TRY_STATUS(set_public_key_info(c, request.csr->public_key_der));
    const X509_EXTENSION* ku = is_rsa(request.csr->key_type) ? ca.key_usage_rsa.get() : ca.key_usage_ec.get();
    if (X509_add_ext(c, const_cast<X509_EXTENSION*>(ku), -1) != 1) return ossl_error("X509_add_ext(keyUsage)");
    for (const auto& ext : ca.leaf_extensions)
        if (X509_add_ext(c, ext.get(), -1) != 1) return ossl_error("X509_add_ext");
    KAKUIN_TRY_STATUS(add_subject_key_id(c));
    KAKUIN_TRY_STATUS(sign_certificate(*ca.ca_signer, c));

    IssuedCertificate out;
    out.serial_hex = serial_to_hex(serial.get());
    KAKUIN_TRY(out.der, to_der(c, i2d_X509, "i2d_X509"));
    KAKUIN_TRY(out.pem, certificate_pem(c));
    out.not_before = request.not_before;
    out.not_after = request.not_after;
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    if (EVP_Digest(out.der.data(), out.der.size(), md, &md_len, EVP_sha256(), nullptr) != 1)
        return ossl_error("EVP_Digest(SHA-256)");
    out.sha256_fingerprint_hex = hex_lower({md, md_len});
    return out;
}

const std::string& IssuingCa::chain_pem() const { return impl_->chain_pem; }
const std::string& IssuingCa::root_pem() const { return impl_->root_pem; }
const std::string& IssuingCa::issuing_pem() const { return impl_->issuing_pem; }

}  // namespace kakuin::pki
