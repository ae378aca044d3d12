#include "client/terminal_prompt.h"

#include <csignal>
#include <cstdio>
#include <termios.h>
#include <unistd.h>

namespace kakuin::client {
namespace {

// Saved by ask() for the signal handler; only async-signal-safe calls use it.
struct termios g_saved;
volatile sig_atomic_t g_echo_off = 0;

void restore_and_reraise(int sig) {
    if (g_echo_off) tcsetattr(STDIN_FILENO, TCSANOW, &g_saved);
    signal(sig, SIG_DFL);
    raise(sig);
}

class EchoOff {
public:
    EchoOff() {
        if (tcgetattr(STDIN_FILENO, &g_saved) != 0) return;
        struct termios quiet = g_saved;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO | ECHOE | ECHOK);
        quiet.c_lflag |= ECHONL;
        old_int_ = signal(SIGINT, restore_and_reraise);
        old_term_ = signal(SIGTERM, restore_and_reraise);
        old_hup_ = signal(SIGHUP, restore_and_reraise);
        g_echo_off = 1;
        if (tcsetattr(STDIN_FILENO, TCSANOW, &quiet) != 0) g_echo_off = 0;
        active_ = true;
    }
    ~EchoOff() {
        if (!active_) return;
        if (g_echo_off) tcsetattr(STDIN_FILENO, TCSANOW, &g_saved);
        g_echo_off = 0;
        signal(SIGINT, old_int_);
        signal(SIGTERM, old_term_);
        signal(SIGHUP, old_hup_);
    }
    EchoOff(const EchoOff&) = delete;
    EchoOff& operator=(const EchoOff&) = delete;

private:
    bool active_ = false;
    sighandler_t old_int_ = SIG_DFL;
    sighandler_t old_term_ = SIG_DFL;
    sighandler_t old_hup_ = SIG_DFL;
};

}  // namespace

bool TerminalPrompter::interactive() const { return isatty(STDIN_FILENO) == 1; }

std::optional<SecretString> TerminalPrompter::ask(std::string_view prompt) {
    if (!interactive()) return std::nullopt;
    std::fwrite(prompt.data(), 1, prompt.size(), stderr);
    std::fflush(stderr);
    SecretString out;
    EchoOff quiet;
    bool any = false;
    while (true) {
        char c = 0;
        const ssize_t n = ::read(STDIN_FILENO, &c, 1);
        if (n < 0) return std::nullopt;  // EINTR included: the person interrupted
        if (n == 0) {
            if (!any) return std::nullopt;
            break;
        }
        any = true;
        if (c == '\n' || c == '\r') break;
        if (!out.push_back(c)) {
            // Too long: drain the line and refuse it.
            while (::read(STDIN_FILENO, &c, 1) == 1 && c != '\n') {
            }
            return std::nullopt;
        }
    }
    return out;
}

}  // namespace kakuin::client
