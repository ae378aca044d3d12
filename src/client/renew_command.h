// `kakuin-cert renew` (R22, seed 003): presents the current certificate on the certificate
// listener (:8444), logs on with the login PIN (and the OTP when asked), makes a new key pair
// here, sends its CSR to POST /api/v1/renewals and installs the new certificate where the old
// one was. The old certificate is then revoked by the server (superseded) and the session ends.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "client/http_transport.h"
#include "client/problem.h"
#include "client/secret.h"
#include "client/terminal_prompt.h"
#include "core/clock.h"
#include "core/policy.h"

namespace kakuin::client {

struct RenewOptions {
    std::string ca_file;
    std::string role = "user";                // "user" or "admin": the portal to log on to
    std::optional<std::string> nssdb;         // take the certificate from this NSS database
    std::optional<std::string> nickname;      // ... this one (else the newest of the role)
    std::optional<std::string> contract_id;   // ... or narrowed to this person
    std::optional<std::string> user_id;
    std::optional<std::string> p12;           // or from this PKCS#12 file
    std::optional<std::string> p12_password_file;
    std::optional<std::string> out;           // PKCS#12: write the new one here (else over --p12,
                                              // keeping the old one as <p12>.old)
    std::optional<std::string> pin_file;
    std::optional<std::string> otp;
    std::optional<KeyType> key_type;          // none: the current key's type
    Lang lang = Lang::ja;
};

// The client certificate the transport presents: the leaf PEM and the PKCS#8 DER key.
struct ClientIdentity {
    const std::string& certificate_pem;
    const SecretBytes& key_der;
};
// Makes the HTTPS transport to the certificate listener presenting `identity` (which outlives it).
using TransportFactory = std::function<std::unique_ptr<HttpTransport>(const ClientIdentity& identity)>;

struct RenewEnvironment {
    TransportFactory make_transport;
    SecretPrompter& prompter;
    const Clock& clock;
    std::ostream& out;
    std::ostream& err;
    std::string default_nssdb;  // $HOME/.pki/nssdb
    std::string pk12util = "pk12util";
};

// The process exit code (problem.h ExitCode). Never prints a secret.
int run_renew(const RenewOptions& options, RenewEnvironment& env);

}  // namespace kakuin::client
