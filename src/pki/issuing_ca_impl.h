// What IssuingCa::load prepares once, shared read-only by concurrent issue/CRL/OCSP calls.
#pragma once

#include <vector>

#include "pki/ca.h"
#include "pki/ossl.h"
#include "pki/signer.h"

namespace kakuin::pki {

// The issuing CA's name and key hashes under one digest, to match OCSP CertIDs.
struct IssuerHashes {
    int digest_nid;
    Bytes name_hash;
    Bytes key_hash;
};

struct IssuingCa::Impl {
    std::string crl_url;
    std::string ocsp_url;
    int ocsp_validity_minutes = 60;

    // Extension caches of these are filled at load (X509_check_purpose), so concurrent
    // readers never race to fill them.
    X509Ptr root;
    X509Ptr issuing;
    X509Ptr ocsp;
    std::unique_ptr<Signer> ca_signer;
    std::unique_ptr<Signer> ocsp_signer;

    std::string root_pem;
    std::string issuing_pem;
    std::string chain_pem;

    // Extensions every person certificate carries, built once (X509_add_ext copies them).
    std::vector<X509ExtensionPtr> leaf_extensions;
    X509ExtensionPtr key_usage_rsa;
    X509ExtensionPtr key_usage_ec;
    X509ExtensionPtr authority_key_id;

    std::vector<IssuerHashes> issuer_hashes;
};

}  // namespace kakuin::pki
