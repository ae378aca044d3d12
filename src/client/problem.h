// What went wrong, as the person running kakuin-cert is told: a server problem
// (RFC 9457 application/problem+json), a network or TLS failure, or a local failure;
// each with a message in Japanese or English and an exit code per class.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"

namespace kakuin::client {

enum class Lang { ja, en };

enum class FailureKind {
    server_problem,      // the server answered with a problem (code from the server)
    server_unreachable,  // DNS, connection refused, reset
    server_untrusted,    // the server's certificate does not verify against --ca-file
    tls_failed,          // no TLS session for another reason (protocol, wrong port)
    timeout,
    response_invalid,    // not the answer the API promises (type, size, JSON)
    local,               // key, CSR, file, NSS on this PC (code from core's ErrorCode)
    usage,               // the command line or a missing interactive input
};

// Exit codes of kakuin-cert, one per class of failure.
enum ExitCode : int {
    kExitOk = 0,
    kExitOther = 1,
    kExitUsage = 2,
    kExitAuthentication = 3,  // pin_incorrect, otp_incorrect, otp_reused, locked, ...
    kExitAcquisitionState = 4,  // acquisition_not_registered, _deadline_passed, _already_used
    kExitCsrOrKey = 5,        // csr_invalid, key_not_allowed, ...
    kExitNetwork = 6,         // unreachable, untrusted server, TLS, timeout, bad response
};

struct Failure {
    FailureKind kind = FailureKind::local;
    std::string code;     // a stable name: the server's code, or ours (e.g. "timeout")
    std::string message;  // shown to the person, already in their language
    int http_status = 0;  // server_problem only
    std::string technical;  // extra detail for the curious (never a secret); may be empty
};

// Parses a problem+json body. Missing `detail` falls back to our own text for `code`
// (or `title`); a body that is not JSON or has no `code` gives a response_invalid failure.
Failure parse_problem(std::string_view body, int http_status, Lang lang);

// Our own failures.
Failure network_failure(FailureKind kind, Lang lang, std::string technical = {});
Failure local_failure(const Error& error, Lang lang);
Failure usage_failure(std::string message);

int exit_code_for(const Failure& f);
// Exit code of a server or local error code name; kExitOther for unknown names.
int exit_code_for_code(std::string_view code);

// "エラー: <message> (<code>)" or "Error: <message> (<code>)".
std::string describe(const Failure& f, Lang lang);

}  // namespace kakuin::client
