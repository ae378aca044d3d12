#include "cli/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

namespace kakuin::cli {

Result<std::vector<std::uint8_t>> read_file_limited(const std::string& path, std::size_t max_bytes) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return make_error(ErrorCode::invalid_request, "cannot read " + path, "ファイルを読めません: " + path);
    std::vector<std::uint8_t> data;
    char buf[65536];
    while (in) {
        in.read(buf, sizeof buf);
        const auto n = static_cast<std::size_t>(in.gcount());
        // One byte over the limit is enough to know the file is too large.
        if (data.size() + n > max_bytes) {
            data.insert(data.end(), buf, buf + (max_bytes + 1 - data.size()));
            return data;
        }
        data.insert(data.end(), buf, buf + n);
    }
    return data;
}

Status write_file(const std::string& path, const void* data, std::size_t size, unsigned mode) {
    const std::string tmp = path + ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0) return make_error(ErrorCode::internal_error, "cannot create " + tmp + ": " + std::strerror(errno));
    const auto* p = static_cast<const char*>(data);
    std::size_t left = size;
    while (left > 0) {
        const ssize_t n = ::write(fd, p, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            ::close(fd);
            ::unlink(tmp.c_str());
            return make_error(ErrorCode::internal_error, "cannot write " + tmp + ": " + std::strerror(errno));
        }
        p += n;
        left -= static_cast<std::size_t>(n);
    }
    ::fchmod(fd, mode);
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        ::unlink(tmp.c_str());
        return make_error(ErrorCode::internal_error, "cannot flush " + tmp);
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        ::unlink(tmp.c_str());
        return make_error(ErrorCode::internal_error, "cannot rename to " + path + ": " + std::strerror(errno));
    }
    return {};
}

void print_error(const Error& e) {
    const std::string_view ja = e.detail_ja.empty() ? error_message_ja(e.code) : std::string_view(e.detail_ja);
    std::fprintf(stderr, "エラー [%s]: %.*s\n", std::string(error_code_name(e.code)).c_str(),
                 static_cast<int>(ja.size()), ja.data());
    if (!e.detail.empty()) std::fprintf(stderr, "  (%s)\n", e.detail.c_str());
}

}  // namespace kakuin::cli
