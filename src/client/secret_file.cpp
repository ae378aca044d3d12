#include "client/secret_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace kakuin::client {

Result<SecretString> read_secret_file(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return make_error(ErrorCode::invalid_request, "open " + path + ": " + std::strerror(errno),
                          "ファイル（" + path + "）を読み込めません: " + std::strerror(errno));
    SecretBytes buf(kMaxSecretFileBytes + 1);
    std::size_t len = 0;
    while (len < buf.size()) {
        const ssize_t n = ::read(fd, buf.data() + len, buf.size() - len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        len += static_cast<std::size_t>(n);
    }
    ::close(fd);
    if (len > kMaxSecretFileBytes)
        return make_error(ErrorCode::invalid_request, path + " is too large",
                          "ファイル（" + path + "）が大きすぎます。");
    SecretString out;
    for (std::size_t i = 0; i < len; ++i) {
        const char c = static_cast<char>(buf.data()[i]);
        if (c == '\n' || c == '\r') break;
        if (!out.push_back(c))
            return make_error(ErrorCode::invalid_request, path + ": line too long",
                              "ファイル（" + path + "）の内容が長すぎます。");
    }
    if (out.empty())
        return make_error(ErrorCode::invalid_request, path + " is empty",
                          "ファイル（" + path + "）が空です。");
    return out;
}

}  // namespace kakuin::client
