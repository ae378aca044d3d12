// The `kakuin` subcommands, callable from tests. Each returns the process exit code and
// prints its own messages (stdout: results, stderr: errors).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>

namespace kakuin::cli {

struct InitOptions {
    std::string data_dir;
    std::string passphrase_env;  // empty: generate a passphrase file under DIR/secrets
};
int run_init(const InitOptions& o);

int run_ca_crl(const std::string& data_dir, const std::string& out_file);
int run_ca_ocsp(const std::string& data_dir, const std::string& request_file,
                const std::string& out_file);

// `kakuin serve --data DIR`: runs until SIGTERM/SIGINT.
struct ServeOptions {
    std::string data_dir;
    // A clock that tests move with POST /test/clock {"advance_seconds": N} on the http listener
    // (loopback only). Refused unless the configuration has server.test_clock_allowed = true.
    bool test_clock = false;
    // Called once every listener is bound, with {"https": port, ...} (e.g. to print URLs).
    std::function<void(const std::map<std::string, std::uint16_t>&)> on_listening;
};
int run_serve(const ServeOptions& o);

// `kakuin demo --data DIR`: initialises DIR if needed, creates the demo contract and users
// once (DIR/demo-credentials.json), then serves.
int run_demo(const std::string& data_dir);

}  // namespace kakuin::cli
