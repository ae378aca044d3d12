#include "client/secret.h"

#include <openssl/crypto.h>

#include <utility>

namespace kakuin::client {

SecretString::SecretString(std::string_view s) {
    for (char c : s) {
        if (!push_back(c)) break;
    }
}

SecretString::SecretString(SecretString&& o) noexcept : data_(std::move(o.data_)), size_(o.size_) {
    o.data_ = std::vector<char>(kCapacity + 1, '\0');
    o.size_ = 0;
}

SecretString& SecretString::operator=(SecretString&& o) noexcept {
    if (this != &o) {
        wipe();
        data_.swap(o.data_);
        size_ = o.size_;
        o.size_ = 0;
        o.wipe();
    }
    return *this;
}

SecretString::~SecretString() { wipe(); }

bool SecretString::push_back(char c) {
    if (size_ >= kCapacity) return false;
    data_[size_++] = c;
    data_[size_] = '\0';
    return true;
}

void SecretString::clear() {
    wipe();
    size_ = 0;
}

void SecretString::wipe() {
    if (!data_.empty()) OPENSSL_cleanse(data_.data(), data_.size());
}

SecretBytes& SecretBytes::operator=(SecretBytes&& o) noexcept {
    if (this != &o) {
        if (!data_.empty()) OPENSSL_cleanse(data_.data(), data_.size());
        data_ = std::move(o.data_);
    }
    return *this;
}

SecretBytes::~SecretBytes() {
    if (!data_.empty()) OPENSSL_cleanse(data_.data(), data_.size());
}

void SecretBytes::truncate(std::size_t n) {
    if (n >= data_.size()) return;
    OPENSSL_cleanse(data_.data() + n, data_.size() - n);
    data_.resize(n);
}

}  // namespace kakuin::client
