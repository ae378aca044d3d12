// libFuzzer target: CSR parsing and checking (PEM and DER), every key type allowed.
#include <cstddef>
#include <cstdint>

#include "pki/ca.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::vector<kakuin::KeyType> kAll = {kakuin::KeyType::rsa2048, kakuin::KeyType::rsa3072,
                                                      kakuin::KeyType::rsa4096, kakuin::KeyType::p256,
                                                      kakuin::KeyType::p384};
    auto result = kakuin::pki::check_csr({data, size}, kAll);
    if (result.ok() && result->public_key_der.empty()) __builtin_trap();  // a checked CSR always has a key
    return 0;
}
