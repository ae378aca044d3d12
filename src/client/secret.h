// Secrets held in memory (PIN, OTP, passwords, private key DER): wiped with OPENSSL_cleanse
// when destroyed. Move-only, so no forgotten copy outlives the original.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kakuin::client {

class SecretString {
public:
    SecretString() = default;
    explicit SecretString(std::string_view s);
    SecretString(SecretString&& o) noexcept;
    SecretString& operator=(SecretString&& o) noexcept;
    SecretString(const SecretString&) = delete;
    SecretString& operator=(const SecretString&) = delete;
    ~SecretString();

    // Appends one character. The buffer is reserved up front (kCapacity) so that it never
    // reallocates and leaves an unwiped copy behind; characters beyond kCapacity are refused.
    bool push_back(char c);
    void clear();
    std::string_view view() const { return {data_.data(), size_}; }
    const char* c_str() const { return data_.data(); }  // NUL-terminated
    std::size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }

    static constexpr std::size_t kCapacity = 1024;

private:
    void wipe();
    std::vector<char> data_ = std::vector<char>(kCapacity + 1, '\0');
    std::size_t size_ = 0;
};

class SecretBytes {
public:
    SecretBytes() = default;
    explicit SecretBytes(std::size_t n) : data_(n) {}
    SecretBytes(SecretBytes&& o) noexcept = default;
    SecretBytes& operator=(SecretBytes&& o) noexcept;
    SecretBytes(const SecretBytes&) = delete;
    SecretBytes& operator=(const SecretBytes&) = delete;
    ~SecretBytes();

    std::uint8_t* data() { return data_.data(); }
    const std::uint8_t* data() const { return data_.data(); }
    std::size_t size() const { return data_.size(); }
    // Shrinks without reallocating (the tail is wiped first).
    void truncate(std::size_t n);

private:
    std::vector<std::uint8_t> data_;
};

}  // namespace kakuin::client
