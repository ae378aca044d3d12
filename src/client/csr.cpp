#include "client/csr.h"

#include <openssl/pem.h>

#include <climits>

namespace kakuin::client {

Result<std::string> make_csr_pem(EVP_PKEY* key, std::string_view common_name) {
    if (key == nullptr) return make_error(ErrorCode::invalid_request, "no key for the CSR");
    if (common_name.size() > 64) return make_error(ErrorCode::invalid_request, "CN too long");
    X509ReqPtr req(X509_REQ_new());
    if (!req) return client_ossl_error("X509_REQ_new");
    if (X509_REQ_set_version(req.get(), X509_REQ_VERSION_1) != 1)
        return client_ossl_error("X509_REQ_set_version");
    if (!common_name.empty()) {
        X509_NAME* name = X509_REQ_get_subject_name(req.get());
        if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                       reinterpret_cast<const unsigned char*>(common_name.data()),
                                       static_cast<int>(common_name.size()), -1, 0) != 1)
            return client_ossl_error("X509_NAME_add_entry_by_txt");
    }
    if (X509_REQ_set_pubkey(req.get(), key) != 1) return client_ossl_error("X509_REQ_set_pubkey");
    if (X509_REQ_sign(req.get(), key, EVP_sha256()) <= 0) return client_ossl_error("X509_REQ_sign");

    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio) return client_ossl_error("BIO_new");
    if (PEM_write_bio_X509_REQ(bio.get(), req.get()) != 1)
        return client_ossl_error("PEM_write_bio_X509_REQ");
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio.get(), &data);
    if (len <= 0 || data == nullptr) return client_ossl_error("BIO_get_mem_data");
    return std::string(data, static_cast<std::size_t>(len));
}

}  // namespace kakuin::client
