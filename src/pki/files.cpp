#include "pki/files.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace kakuin::pki {

namespace {
struct Fd {
    int fd;
    ~Fd() { if (fd >= 0) ::close(fd); }
};
std::string errno_text() { return std::strerror(errno); }
}  // namespace

Result<std::string> read_small_file(const std::string& path, std::size_t max_bytes) {
    Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
    if (f.fd < 0) return make_error(ErrorCode::config_invalid, "cannot open " + path + ": " + errno_text());
    std::string out;
    char buf[8192];
    for (;;) {
        const ssize_t n = ::read(f.fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            return make_error(ErrorCode::config_invalid, "cannot read " + path + ": " + errno_text());
        }
        if (n == 0) break;
        if (out.size() + static_cast<std::size_t>(n) > max_bytes)
            return make_error(ErrorCode::config_invalid, path + " is larger than " + std::to_string(max_bytes) + " bytes");
        out.append(buf, static_cast<std::size_t>(n));
    }
    return out;
}

Status write_new_file(const std::string& path, std::string_view content, mode_t mode) {
    Fd f{::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)};
    if (f.fd < 0) return make_error(ErrorCode::storage_failure, "cannot create " + path + ": " + errno_text());
    // The umask may have narrowed or (for 0600) must not widen the mode: set it exactly.
    if (::fchmod(f.fd, mode) != 0)
        return make_error(ErrorCode::storage_failure, "cannot chmod " + path + ": " + errno_text());
    std::size_t done = 0;
    while (done < content.size()) {
        const ssize_t n = ::write(f.fd, content.data() + done, content.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            return make_error(ErrorCode::storage_failure, "cannot write " + path + ": " + errno_text());
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(f.fd) != 0)
        return make_error(ErrorCode::storage_failure, "cannot fsync " + path + ": " + errno_text());
    return {};
}

}  // namespace kakuin::pki
