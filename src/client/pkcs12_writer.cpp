#include "client/pkcs12_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace kakuin::client {
namespace {

Error io_error(std::string what, const std::string& path, int err) {
    return make_error(ErrorCode::internal_error, what + " " + path + ": " + std::strerror(err),
                      "PKCS#12ファイル（" + path + "）を書き込めません: " + std::strerror(err));
}

struct Fd {
    int fd = -1;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

Status write_all(int fd, const unsigned char* data, std::size_t len, const std::string& path) {
    while (len > 0) {
        const ssize_t n = ::write(fd, data, len);
        if (n < 0) {
            if (errno == EINTR) continue;
            return io_error("write", path, errno);
        }
        data += n;
        len -= static_cast<std::size_t>(n);
    }
    return {};
}

}  // namespace

Status write_pkcs12(const std::string& path, EVP_PKEY* key, const IssuedChain& chain,
                    const std::string& friendly_name, const SecretString& password) {
    if (password.empty())
        return make_error(ErrorCode::invalid_request, "empty PKCS#12 password",
                          "PKCS#12ファイルのパスワードが空です。");
    if (key == nullptr || !chain.leaf) return make_error(ErrorCode::invalid_request, "nothing to write");

    // mac_iter -1: no MAC yet; PKCS12_create would add a SHA-1 MAC.
    Pkcs12Ptr p12(PKCS12_create(password.c_str(), friendly_name.c_str(), key, chain.leaf.get(),
                                chain.cas.get(), NID_aes_256_cbc, NID_aes_256_cbc,
                                kPkcs12Iterations, -1, 0));
    if (!p12) return client_ossl_error("PKCS12_create");
    if (PKCS12_set_mac(p12.get(), password.c_str(), static_cast<int>(password.size()), nullptr, 0,
                       kPkcs12Iterations, EVP_sha256()) != 1)
        return client_ossl_error("PKCS12_set_mac");

    const int len = i2d_PKCS12(p12.get(), nullptr);
    if (len <= 0) return client_ossl_error("i2d_PKCS12");
    std::vector<unsigned char> der(static_cast<std::size_t>(len));
    unsigned char* p = der.data();
    if (i2d_PKCS12(p12.get(), &p) != len) return client_ossl_error("i2d_PKCS12");

    std::string tmp = path + ".tmpXXXXXX";
    Fd fd;
    fd.fd = ::mkstemp(tmp.data());  // mode 0600
    if (fd.fd < 0) return io_error("mkstemp", tmp, errno);
    Status written = write_all(fd.fd, der.data(), der.size(), tmp);
    if (written.ok() && ::fchmod(fd.fd, S_IRUSR | S_IWUSR) != 0) written = io_error("fchmod", tmp, errno);
    if (written.ok() && ::fsync(fd.fd) != 0) written = io_error("fsync", tmp, errno);
    if (written.ok()) {
        const int rc = ::close(fd.fd);
        fd.fd = -1;
        if (rc != 0) written = io_error("close", tmp, errno);
    }
    if (written.ok() && ::rename(tmp.c_str(), path.c_str()) != 0) written = io_error("rename", path, errno);
    if (!written.ok()) ::unlink(tmp.c_str());
    return written;
}

}  // namespace kakuin::client
