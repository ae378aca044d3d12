// What the NSS code of kakuin-cert shares: owning pointers for NSS's handles and an Error
// naming the NSS call that failed (with NSS's error name).
#pragma once

#include <cert.h>
#include <keyhi.h>
#include <nss.h>
#include <pk11pub.h>

#include <memory>
#include <string>
#include <string_view>

#include "core/error.h"

namespace kakuin::client::nss {

struct ContextCloser {
    void operator()(NSSInitContext* c) const { NSS_ShutdownContext(c); }
};
struct SlotFree {
    void operator()(PK11SlotInfo* s) const { PK11_FreeSlot(s); }
};
struct CertDestroy {
    void operator()(CERTCertificate* c) const { CERT_DestroyCertificate(c); }
};
struct CertListDestroy {
    void operator()(CERTCertList* l) const { CERT_DestroyCertList(l); }
};
struct PrivKeyDestroy {
    void operator()(SECKEYPrivateKey* k) const { SECKEY_DestroyPrivateKey(k); }
};
struct PubKeyDestroy {
    void operator()(SECKEYPublicKey* k) const { SECKEY_DestroyPublicKey(k); }
};
using ContextPtr = std::unique_ptr<NSSInitContext, ContextCloser>;
using SlotPtr = std::unique_ptr<PK11SlotInfo, SlotFree>;
using CertPtr = std::unique_ptr<CERTCertificate, CertDestroy>;
using CertListPtr = std::unique_ptr<CERTCertList, CertListDestroy>;
using PrivKeyPtr = std::unique_ptr<SECKEYPrivateKey, PrivKeyDestroy>;
using PubKeyPtr = std::unique_ptr<SECKEYPublicKey, PubKeyDestroy>;

// internal_error "<call> failed: <NSS error name>" with `detail_ja` for the screen.
Error nss_error(std::string_view call, std::string detail_ja);

}  // namespace kakuin::client::nss
