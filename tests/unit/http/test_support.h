// Helpers for the HTTP tests: temporary files, curl through popen, raw sockets, captured logs.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include "http/log.h"

namespace kakuin::http::testing {

class TempDir {
  public:
    TempDir();
    ~TempDir();
    const std::filesystem::path& path() const { return path_; }
    std::string file(const std::string& name) const { return (path_ / name).string(); }

  private:
    std::filesystem::path path_;
};

void write_file(const std::string& path, const std::string& data);
std::string read_file(const std::string& path);

// Runs `command` through /bin/sh; returns its exit status and stdout (and stderr, merged).
struct CommandResult {
    int exit_code = -1;
    std::string output;
};
CommandResult run_command(const std::string& command, bool merge_stderr = true);
std::string shell_quote(const std::string& s);

struct CurlResult {
    int exit_code = -1;
    std::string status;   // "%{http_code}": "000" when no response
    std::string headers;  // raw response header block(s)
    std::string body;
};
// curl -sS --max-time 10 -o <body> -D <headers> -w '%{http_code}' <args...> <url>
CurlResult curl(const TempDir& dir, const std::vector<std::string>& args, const std::string& url);

// The value of a response header in a raw header block (case-insensitive), "" when absent.
std::string header_value(const std::string& headers, const std::string& name);

// A blocking TCP client to 127.0.0.1.
class RawClient {
  public:
    explicit RawClient(std::uint16_t port);
    ~RawClient();
    bool send(const std::string& data);
    // Reads until the peer closes or `timeout` passes; `closed` tells which.
    std::string read_all(std::chrono::milliseconds timeout, bool& closed);

  private:
    int fd_ = -1;
};

// A LogSink that keeps the lines.
class LogCapture {
  public:
    LogSink sink();
    std::vector<std::string> lines() const;
    bool contains(const std::string& needle) const;

  private:
    mutable std::mutex mu_;
    std::vector<std::string> lines_;
};

}  // namespace kakuin::http::testing
