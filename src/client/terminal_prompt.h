// Asking the person for secrets (PIN, OTP, PKCS#12 password) without echo.
#pragma once

#include <optional>
#include <string_view>

#include "client/secret.h"

namespace kakuin::client {

class SecretPrompter {
public:
    virtual ~SecretPrompter() = default;
    // False when nobody can be asked (stdin is not a terminal): the caller must fail
    // with a clear error instead of waiting.
    virtual bool interactive() const = 0;
    // nullopt on end of input or when not interactive. Never echoes.
    virtual std::optional<SecretString> ask(std::string_view prompt) = 0;
};

// Reads from standard input with the terminal's echo turned off (termios), prompting on
// standard error. Echo is restored on return and on SIGINT/SIGTERM/SIGHUP.
class TerminalPrompter final : public SecretPrompter {
public:
    bool interactive() const override;
    std::optional<SecretString> ask(std::string_view prompt) override;
};

}  // namespace kakuin::client
