// The `kakuin` subcommands, callable from tests. Each returns the process exit code and
// prints its own messages (stdout: results, stderr: errors).
#pragma once

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

}  // namespace kakuin::cli
