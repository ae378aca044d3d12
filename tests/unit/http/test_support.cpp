#include "test_support.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "http/headers.h"

namespace kakuin::http::testing {

TempDir::TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "kakuin-http-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp");
    path_ = tmpl;
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

void write_file(const std::string& path, const std::string& data) {
    std::ofstream out(path, std::ios::binary);
    out << data;
    if (!out) throw std::runtime_error("write " + path);
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string shell_quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'') {
            out += "'\\''";
        } else {
            out += c;
        }
    }
    return out + "'";
}

CommandResult run_command(const std::string& command, bool merge_stderr) {
    CommandResult r;
    std::FILE* p = popen((merge_stderr ? command + " 2>&1" : command).c_str(), "r");
    if (p == nullptr) return r;
    char buf[4096];
    while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) r.output.append(buf, n);
    int status = pclose(p);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

CurlResult curl(const TempDir& dir, const std::vector<std::string>& args, const std::string& url) {
    static int counter = 0;
    const std::string n = std::to_string(++counter);
    const std::string body = dir.file("curl-body-" + n), headers = dir.file("curl-headers-" + n);
    std::string cmd = "curl -sS --max-time 10 -o " + shell_quote(body) + " -D " +
                      shell_quote(headers) + " -w '%{http_code}'";
    for (const auto& a : args) cmd += " " + shell_quote(a);
    cmd += " " + shell_quote(url) + " 2>" + shell_quote(dir.file("curl-stderr-" + n));
    auto result = run_command(cmd, false);
    CurlResult out;
    out.exit_code = result.exit_code;
    out.status = result.output.substr(0, 3);
    out.headers = read_file(headers);
    out.body = read_file(body);
    return out;
}

std::string header_value(const std::string& headers, const std::string& name) {
    std::istringstream in(headers);
    std::string line, found;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        auto colon = line.find(':');
        if (colon == std::string::npos) continue;
        if (iequals(line.substr(0, colon), name)) {
            auto v = line.substr(colon + 1);
            while (!v.empty() && v.front() == ' ') v.erase(0, 1);
            found = v;  // the last response's value wins (after a 100 Continue)
        }
    }
    return found;
}

RawClient::RawClient(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) throw std::runtime_error("socket");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
        throw std::runtime_error("connect");
}

RawClient::~RawClient() {
    if (fd_ >= 0) ::close(fd_);
}

bool RawClient::send(const std::string& data) {
    std::size_t sent = 0;
    while (sent < data.size()) {
        ssize_t n = ::send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) return false;
        sent += static_cast<std::size_t>(n);
    }
    return true;
}

std::string RawClient::read_all(std::chrono::milliseconds timeout, bool& closed) {
    std::string out;
    closed = false;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return out;
        pollfd p{fd_, POLLIN, 0};
        int r = ::poll(&p, 1, static_cast<int>(left.count()));
        if (r <= 0) return out;
        char buf[4096];
        ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
        if (n <= 0) {
            closed = true;
            return out;
        }
        out.append(buf, static_cast<std::size_t>(n));
    }
}

LogSink LogCapture::sink() {
    return [this](std::string_view line) {
        std::lock_guard lock(mu_);
        lines_.emplace_back(line);
    };
}

std::vector<std::string> LogCapture::lines() const {
    std::lock_guard lock(mu_);
    return lines_;
}

bool LogCapture::contains(const std::string& needle) const {
    std::lock_guard lock(mu_);
    for (const auto& l : lines_) {
        if (l.find(needle) != std::string::npos) return true;
    }
    return false;
}

}  // namespace kakuin::http::testing
