#include "core/policy.h"

namespace kakuin {

namespace {
constexpr std::pair<KeyType, std::string_view> kKeyTypes[] = {
    {KeyType::rsa2048, "rsa2048"}, {KeyType::rsa3072, "rsa3072"}, {KeyType::rsa4096, "rsa4096"},
    {KeyType::p256, "p256"},       {KeyType::p384, "p384"},
};
}

std::string_view key_type_name(KeyType t) {
    for (const auto& [k, n] : kKeyTypes)
        if (k == t) return n;
    return "unknown";
}

std::optional<KeyType> key_type_from_name(std::string_view s) {
    for (const auto& [k, n] : kKeyTypes)
        if (n == s) return k;
    return std::nullopt;
}

}  // namespace kakuin
