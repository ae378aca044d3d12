#include "http/tls_context.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <string>

namespace kakuin::http {

namespace {

struct BioFree {
    void operator()(BIO* p) const { BIO_free(p); }
};
struct X509Free {
    void operator()(X509* p) const { X509_free(p); }
};
struct PkeyFree {
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

// "what: reason from OpenSSL's error queue" (the queue is drained).
Error tls_error(std::string what) {
    std::string detail = std::move(what);
    char buf[256];
    while (unsigned long e = ERR_get_error()) {
        ERR_error_string_n(e, buf, sizeof buf);
        detail += ": ";
        detail += buf;
    }
    return make_error(ErrorCode::config_invalid, std::move(detail));
}

BioPtr memory_bio(const std::string& pem) {
    return BioPtr(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

// Every certificate in a PEM text, in order.
Result<std::vector<X509Ptr>> read_certificates(const std::string& pem, const char* what) {
    auto bio = memory_bio(pem);
    if (!bio) return tls_error("BIO_new_mem_buf");
    std::vector<X509Ptr> out;
    while (X509* x = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) out.emplace_back(x);
    // The loop ends with PEM_R_NO_START_LINE at the end of the text: expected.
    unsigned long last = ERR_peek_last_error();
    if (ERR_GET_LIB(last) == ERR_LIB_PEM && ERR_GET_REASON(last) == PEM_R_NO_START_LINE)
        ERR_clear_error();
    if (ERR_peek_error() != 0) return tls_error(std::string("reading ") + what);
    if (out.empty())
        return make_error(ErrorCode::config_invalid, std::string("no certificate in ") + what);
    return out;
}

int passphrase_callback(char* buf, int size, int /*rwflag*/, void* u) {
    const auto* pass = static_cast<const std::string*>(u);
    if (pass == nullptr || pass->size() > static_cast<std::size_t>(size)) return -1;
    pass->copy(buf, pass->size());
    return static_cast<int>(pass->size());
}

Status configure_common(SSL_CTX* ctx) {
    if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1)
        return tls_error("SSL_CTX_set_min_proto_version");
    SSL_CTX_set_options(
        ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
    // TLS 1.2: forward secrecy and AEAD only. TLS 1.3 suites are all AEAD: OpenSSL's default list.
    static const char kTls12Ciphers[] =
        "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
        "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
        "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
    if (SSL_CTX_set_cipher_list(ctx, kTls12Ciphers) != 1)
        return tls_error("SSL_CTX_set_cipher_list");
    if (SSL_CTX_set1_groups_list(ctx, "X25519:P-256:P-384") != 1)
        return tls_error("SSL_CTX_set1_groups_list");
    return {};
}

Status load_server_identity(SSL_CTX* ctx, const TlsMaterial& m) {
    KAKUIN_TRY(auto chain,
               read_certificates(m.certificate_chain_pem, "the server certificate chain"));
    if (SSL_CTX_use_certificate(ctx, chain[0].get()) != 1)
        return tls_error("SSL_CTX_use_certificate");
    for (std::size_t i = 1; i < chain.size(); ++i) {
        if (SSL_CTX_add1_chain_cert(ctx, chain[i].get()) != 1)
            return tls_error("SSL_CTX_add1_chain_cert");
    }
    auto bio = memory_bio(m.private_key_pem);
    if (!bio) return tls_error("BIO_new_mem_buf");
    std::string pass = m.private_key_passphrase;
    PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, passphrase_callback, &pass));
    OPENSSL_cleanse(pass.data(), pass.size());
    if (!key) return tls_error("reading the server private key (wrong passphrase?)");
    if (SSL_CTX_use_PrivateKey(ctx, key.get()) != 1) return tls_error("SSL_CTX_use_PrivateKey");
    if (SSL_CTX_check_private_key(ctx) != 1)
        return tls_error("the server key does not match its certificate");
    return {};
}

// Accepts exactly one failure: the leaf (depth 0) has expired. See
// TlsMaterial::accept_expired_client_leaf.
int accept_expired_leaf(int ok, X509_STORE_CTX* store_ctx) {
    if (ok) return 1;
    return X509_STORE_CTX_get_error(store_ctx) == X509_V_ERR_CERT_HAS_EXPIRED &&
                   X509_STORE_CTX_get_error_depth(store_ctx) == 0
               ? 1
               : 0;
}

Status require_client_certificates(SSL_CTX* ctx, const TlsMaterial& m) {
    KAKUIN_TRY(auto anchors, read_certificates(m.client_ca_pem, "the client CA chain"));
    X509_STORE* store = SSL_CTX_get_cert_store(ctx);
    STACK_OF(X509_NAME)* names = sk_X509_NAME_new_null();
    if (names == nullptr) return tls_error("sk_X509_NAME_new_null");
    for (const auto& ca : anchors) {
        if (X509_STORE_add_cert(store, ca.get()) != 1) {
            sk_X509_NAME_pop_free(names, X509_NAME_free);
            return tls_error("X509_STORE_add_cert");
        }
        X509_NAME* dup = X509_NAME_dup(X509_get_subject_name(ca.get()));
        if (dup == nullptr || sk_X509_NAME_push(names, dup) <= 0) {
            X509_NAME_free(dup);
            sk_X509_NAME_pop_free(names, X509_NAME_free);
            return tls_error("listing client CA names");
        }
    }
    // Browsers offer only certificates issued by these names.
    SSL_CTX_set_client_CA_list(ctx, names);

    X509_VERIFY_PARAM* param = SSL_CTX_get0_param(ctx);
    // The issuing CA alone is a trust anchor: the root need not be configured.
    if (X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_PARTIAL_CHAIN | X509_V_FLAG_X509_STRICT) !=
            1 ||
        X509_VERIFY_PARAM_set_purpose(param, X509_PURPOSE_SSL_CLIENT) != 1) {
        return tls_error("X509_VERIFY_PARAM");
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                       m.accept_expired_client_leaf ? accept_expired_leaf : nullptr);
    SSL_CTX_set_verify_depth(ctx, 4);

    // No resumption on this listener: a resumed session skips chain verification, so a
    // certificate that expired (by the injected clock) since the first handshake would still
    // get in. Every new connection therefore does a full handshake; keep-alive amortises it.
    // Revocation is the application's per-login store lookup, independent of this choice.
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
    if (SSL_CTX_set_num_tickets(ctx, 0) != 1) return tls_error("SSL_CTX_set_num_tickets");
    static const unsigned char kContext[] = "kakuin-mtls";
    if (SSL_CTX_set_session_id_context(ctx, kContext, sizeof kContext - 1) != 1) {
        return tls_error("SSL_CTX_set_session_id_context");
    }
    return {};
}

std::string to_hex(const unsigned char* p, std::size_t n) {
    static const char kDigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(n * 2);
    for (std::size_t i = 0; i < n; ++i) {
        out.push_back(kDigits[p[i] >> 4]);
        out.push_back(kDigits[p[i] & 0xf]);
    }
    return out;
}

}  // namespace

Result<SslCtxPtr> make_server_tls_context(const TlsMaterial& material, bool require_client_cert) {
    ERR_clear_error();
    SslCtxPtr ctx(SSL_CTX_new(TLS_server_method()));
    if (!ctx) return tls_error("SSL_CTX_new");
    KAKUIN_TRY_STATUS(configure_common(ctx.get()));
    KAKUIN_TRY_STATUS(load_server_identity(ctx.get(), material));
    if (require_client_cert) {
        KAKUIN_TRY_STATUS(require_client_certificates(ctx.get(), material));
    } else {
        // Resumption (tickets, TLS 1.2 cache and 1.3 tickets) stays on: OpenSSL's default.
        SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
    }
    return ctx;
}

bool set_verify_time(SSL* ssl, TimePoint now) {
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    if (param == nullptr) return false;
    X509_VERIFY_PARAM_set_time(param, static_cast<time_t>(to_unix(now)));
    return true;
}

std::optional<ClientCertificate> verified_peer_certificate(SSL* ssl) {
    X509* leaf = SSL_get0_peer_certificate(ssl);
    // An expired leaf got through only if the listener accepts it (accept_expired_leaf refused
    // every other failure during the handshake); the application then refuses it by name.
    const long result = SSL_get_verify_result(ssl);
    if (leaf == nullptr || (result != X509_V_OK && result != X509_V_ERR_CERT_HAS_EXPIRED))
        return std::nullopt;
    // A server that does not ask for certificates never has one: the mode check is for clarity.
    if ((SSL_get_verify_mode(ssl) & SSL_VERIFY_PEER) == 0) return std::nullopt;

    ClientCertificate out;
    int len = i2d_X509(leaf, nullptr);
    if (len <= 0) return std::nullopt;
    out.der.resize(static_cast<std::size_t>(len));
    unsigned char* p = out.der.data();
    if (i2d_X509(leaf, &p) != len) return std::nullopt;

    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    if (X509_digest(leaf, EVP_sha256(), md, &md_len) != 1) return std::nullopt;
    out.sha256_hex = to_hex(md, md_len);

    BIGNUM* bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(leaf), nullptr);
    if (bn == nullptr) return std::nullopt;
    char* hex = BN_bn2hex(bn);
    BN_free(bn);
    if (hex == nullptr) return std::nullopt;
    out.serial_hex = hex;
    OPENSSL_free(hex);

    X509_NAME* subject = X509_get_subject_name(leaf);
    int idx = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
    if (idx >= 0) {
        ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, idx));
        unsigned char* utf8 = nullptr;
        int n = ASN1_STRING_to_UTF8(&utf8, data);
        if (n < 0) return std::nullopt;
        out.subject_cn.assign(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(n));
        OPENSSL_free(utf8);
    }

    struct tm tm {};
    if (ASN1_TIME_to_tm(X509_get0_notAfter(leaf), &tm) != 1) return std::nullopt;
    out.not_after = from_unix(static_cast<std::int64_t>(timegm(&tm)));
    return out;
}

std::string handshake_failure_reason(SSL* ssl) {
    long v = SSL_get_verify_result(ssl);
    if (v != X509_V_OK)
        return std::string("certificate verify: ") + X509_verify_cert_error_string(v);
    return {};
}

}  // namespace kakuin::http
