// create_ca_hierarchy: root, issuing CA, OCSP signer and TLS server certificate.
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

#include "pki/ca.h"
#include "pki/ca_files.h"
#include "pki/cert_builder.h"
#include "pki/files.h"
#include "pki/key_policy.h"
#include "pki/signer.h"

namespace kakuin::pki {

namespace {

namespace fs = std::filesystem;

// Certificates are backdated so that a verifier whose clock runs a few minutes behind
// ours does not reject a CA created just now (e.g. a TLS client right after `kakuin init`).
constexpr Seconds kBackdate{5 * 60};

struct Made {
    EvpPkeyPtr key;
    X509Ptr cert;
    Asn1OctetStringPtr key_id;
};

struct CertPlan {
    std::string cn;
    int years;
    // Extensions in OpenSSL's configuration syntax.
    std::vector<std::pair<int, std::string>> conf;
    std::vector<X509ExtensionPtr> extra;
};

// Makes a key and a certificate for `plan`, signed by `issuer` (or self-signed when null).
Result<Made> make_cert(const CaHierarchySpec& spec, CertPlan plan, const Made* issuer, TimePoint now,
                       Random& random) {
    Made out;
    KAKUIN_TRY(out.key, generate_key(spec.ca_key_type));
    KAKUIN_TRY(Asn1IntegerPtr serial, serial_from_hex(random_serial_hex(random)));
    KAKUIN_TRY(X509NamePtr subject, make_name(plan.cn, spec.organization, ""));
    const X509_NAME* issuer_name = issuer ? X509_get_subject_name(issuer->cert.get()) : subject.get();
    KAKUIN_TRY(out.cert, new_certificate(serial.get(), subject.get(), issuer_name, now - kBackdate,
                                         add_years(now, plan.years), out.key.get()));
    X509* cert = out.cert.get();
    X509* issuer_cert = issuer ? issuer->cert.get() : cert;
    for (const auto& [nid, value] : plan.conf)
        KAKUIN_TRY_STATUS(add_conf_extension(issuer_cert, cert, nid, value.c_str()));
    for (const auto& ext : plan.extra)
        if (X509_add_ext(cert, ext.get(), -1) != 1) return ossl_error("X509_add_ext");
    KAKUIN_TRY(out.key_id, key_identifier(cert));
    KAKUIN_TRY_STATUS(add_subject_key_id(cert));
    KAKUIN_TRY(X509ExtensionPtr aki, authority_key_id_extension(issuer ? issuer->key_id.get() : out.key_id.get()));
    if (X509_add_ext(cert, aki.get(), -1) != 1) return ossl_error("X509_add_ext");

    EVP_PKEY* signing_key = issuer ? issuer->key.get() : out.key.get();
    if (EVP_PKEY_up_ref(signing_key) != 1) return ossl_error("EVP_PKEY_up_ref");
    auto signer = make_key_signer(EvpPkeyPtr(signing_key), spec.ca_key_type);
    KAKUIN_TRY_STATUS(sign_certificate(*signer, cert));
    return out;
}

Status write_pair(const fs::path& dir, const char* stem, const Made& made, std::string_view passphrase) {
    KAKUIN_TRY(std::string cert_pem, certificate_pem(made.cert.get()));
    KAKUIN_TRY(std::string key_pem, encrypt_private_key_pem(made.key.get(), passphrase));
    KAKUIN_TRY_STATUS(write_new_file((dir / (std::string(stem) + ".crt.pem")).string(), cert_pem, 0644));
    KAKUIN_TRY_STATUS(write_new_file((dir / (std::string(stem) + ".key.pem")).string(), key_pem, 0600));
    return {};
}

// Removes a half-built temporary directory unless released.
struct TempDirGuard {
    fs::path path;
    ~TempDirGuard() {
        if (path.empty()) return;
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

}  // namespace

Status create_ca_hierarchy(const CaSettings& settings, const CaHierarchySpec& spec, const Clock& clock,
                           Random& random) {
    if (settings.dir.empty()) return make_error(ErrorCode::config_invalid, "CA directory not set");
    if (settings.passphrase.empty()) return make_error(ErrorCode::config_invalid, "CA key passphrase is empty");
    if (spec.organization.empty()) return make_error(ErrorCode::config_invalid, "CA organization is empty");
    if (spec.tls_hosts.empty()) return make_error(ErrorCode::config_invalid, "no TLS host names");

    const fs::path dir = fs::absolute(settings.dir).lexically_normal();
    std::error_code ec;
    if (fs::exists(dir, ec) && !fs::is_empty(dir, ec))
        return make_error(ErrorCode::config_invalid,
                          "a CA (or other files) already exists in " + dir.string() + "; refusing to overwrite it");
    fs::create_directories(dir.parent_path(), ec);
    if (ec) return make_error(ErrorCode::storage_failure, "cannot create " + dir.parent_path().string() + ": " + ec.message());

    // Build everything in a private temporary directory beside DIR and rename it into
    // place, so a failure half-way never leaves a partial CA behind. mkdtemp makes it 0700.
    std::string tmpl = (dir.parent_path() / ("." + dir.filename().string() + ".tmp-XXXXXX")).string();
    if (::mkdtemp(tmpl.data()) == nullptr)
        return make_error(ErrorCode::storage_failure, "mkdtemp " + tmpl + ": " + std::strerror(errno));
    TempDirGuard guard{tmpl};
    const fs::path tmp(tmpl);

    const TimePoint now = clock.now();
    const std::string& o = spec.organization;
    const bool rsa = is_rsa(spec.ca_key_type);

    CertPlan root_plan{o + " Root CA", 20,
                       {{NID_basic_constraints, "critical,CA:TRUE,pathlen:1"},
                        {NID_key_usage, "critical,keyCertSign,cRLSign"}},
                       {}};
    KAKUIN_TRY(Made root, make_cert(spec, std::move(root_plan), nullptr, now, random));

    CertPlan issuing_plan{o + " Issuing CA 1", 10,
                          {{NID_basic_constraints, "critical,CA:TRUE,pathlen:0"},
                           {NID_key_usage, "critical,keyCertSign,cRLSign"}},
                          {}};
    KAKUIN_TRY(Made issuing, make_cert(spec, std::move(issuing_plan), &root, now, random));

    // RFC 6960 4.2.2.2: a delegated responder is certified by the CA whose certificates it
    // answers for; id-pkix-ocsp-nocheck tells clients not to check the responder itself.
    CertPlan ocsp_plan{o + " OCSP Responder", 2,
                       {{NID_basic_constraints, "critical,CA:FALSE"},
                        {NID_key_usage, "critical,digitalSignature"},
                        {NID_ext_key_usage, "OCSPSigning"},
                        {NID_id_pkix_OCSP_noCheck, "ignored"}},
                       {}};
    KAKUIN_TRY(Made ocsp, make_cert(spec, std::move(ocsp_plan), &issuing, now, random));

    // The TLS server certificate is signed by the root, not the issuing CA: every certificate
    // the issuing CA signs is then a person's (or its OCSP responder's), so the client
    // certificate listener can trust the issuing CA alone and a server certificate can never
    // be mistaken for a person's. Renewing it needs the root key, an offline operation.
    CertPlan tls_plan{spec.tls_hosts.front(), 1,
                      {{NID_basic_constraints, "critical,CA:FALSE"},
                       {NID_key_usage, rsa ? "critical,digitalSignature,keyEncipherment" : "critical,digitalSignature"},
                       {NID_ext_key_usage, "serverAuth"}},
                      {}};
    KAKUIN_TRY(X509ExtensionPtr san, subject_alt_name_extension(spec.tls_hosts));
    tls_plan.extra.push_back(std::move(san));
    KAKUIN_TRY(Made tls, make_cert(spec, std::move(tls_plan), &root, now, random));

    KAKUIN_TRY_STATUS(write_pair(tmp, kRootStem, root, settings.passphrase));
    KAKUIN_TRY_STATUS(write_pair(tmp, kIssuingStem, issuing, settings.passphrase));
    KAKUIN_TRY_STATUS(write_pair(tmp, kOcspStem, ocsp, settings.passphrase));
    KAKUIN_TRY_STATUS(write_pair(tmp, kTlsStem, tls, settings.passphrase));
    KAKUIN_TRY(std::string issuing_pem, certificate_pem(issuing.cert.get()));
    KAKUIN_TRY(std::string root_pem, certificate_pem(root.cert.get()));
    KAKUIN_TRY_STATUS(write_new_file((tmp / kChainFile).string(), issuing_pem + root_pem, 0644));

    // rename(2) replaces an empty directory and fails if DIR gained files meanwhile.
    if (::rename(tmp.c_str(), dir.c_str()) != 0)
        return make_error(ErrorCode::config_invalid, "cannot move the new CA into " + dir.string() + ": " + std::strerror(errno));
    guard.path.clear();
    if (::chmod(dir.c_str(), 0700) != 0)
        return make_error(ErrorCode::storage_failure, "cannot chmod " + dir.string() + ": " + std::strerror(errno));
    return {};
}

}  // namespace kakuin::pki
