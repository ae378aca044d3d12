// `kakuin-cert acquire` (R20): authenticate, make the key pair here, send the CSR, check the
// certificate and install it. The steps are separate files (keygen, csr, issued_chain,
// nss_store, pkcs12_writer) so that `renew` can reuse them.
#pragma once

#include <optional>
#include <ostream>
#include <string>

#include "client/http_transport.h"
#include "client/problem.h"
#include "client/terminal_prompt.h"
#include "core/clock.h"
#include "core/policy.h"

namespace kakuin::client {

struct AcquireOptions {
    std::string ca_file;
    std::string contract_id;
    std::optional<std::string> user_id;  // none: the administrator
    std::optional<std::string> pin_file;
    std::optional<std::string> otp;
    std::optional<KeyType> key_type;     // none: the server's default, else rsa2048
    std::optional<std::string> nssdb;
    std::optional<std::string> p12;
    std::optional<std::string> p12_password_file;
    Lang lang = Lang::ja;
};

struct AcquireEnvironment {
    HttpTransport& transport;
    SecretPrompter& prompter;
    const Clock& clock;            // for verifying the returned chain
    std::ostream& out;             // the result
    std::ostream& err;             // failures and notes
    std::string default_nssdb;     // $HOME/.pki/nssdb
};

// The process exit code (problem.h ExitCode). Never prints a secret or the enrollment id.
int run_acquire(const AcquireOptions& options, AcquireEnvironment& env);

inline constexpr int kMaxOtpAttempts = 3;

}  // namespace kakuin::client
