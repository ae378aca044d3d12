// TerminalPrompter on a pseudo-terminal standing in for the person's terminal.
#include "client/terminal_prompt.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <string>
#include <thread>

namespace kakuin::client {
namespace {

// Puts a pty's slave on stdin for the test's duration.
class PtyStdin {
public:
    PtyStdin() {
        master_ = posix_openpt(O_RDWR | O_NOCTTY);
        if (master_ < 0 || grantpt(master_) != 0 || unlockpt(master_) != 0) return;
        slave_ = ::open(ptsname(master_), O_RDWR | O_NOCTTY);
        saved_stdin_ = ::dup(STDIN_FILENO);
        ::dup2(slave_, STDIN_FILENO);
    }
    ~PtyStdin() {
        if (saved_stdin_ >= 0) {
            ::dup2(saved_stdin_, STDIN_FILENO);
            ::close(saved_stdin_);
        }
        if (slave_ >= 0) ::close(slave_);
        if (master_ >= 0) ::close(master_);
    }
    bool ok() const { return slave_ >= 0 && saved_stdin_ >= 0; }
    void type(const std::string& s) { ASSERT_EQ(::write(master_, s.data(), s.size()), static_cast<ssize_t>(s.size())); }
    // What the terminal shows (the echo), without waiting for more.
    std::string screen() {
        std::string out;
        char buf[256];
        pollfd p{master_, POLLIN, 0};
        while (::poll(&p, 1, 50) == 1) {
            const ssize_t n = ::read(master_, buf, sizeof buf);
            if (n <= 0) break;
            out.append(buf, static_cast<std::size_t>(n));
        }
        return out;
    }
    bool echo_on() const {
        termios t{};
        tcgetattr(slave_, &t);
        return (t.c_lflag & ECHO) != 0;
    }

private:
    int master_ = -1, slave_ = -1, saved_stdin_ = -1;
};

TEST(TerminalPrompter, ReadsALineWithoutEchoAndRestoresEcho) {
    PtyStdin pty;
    ASSERT_TRUE(pty.ok());
    ASSERT_TRUE(pty.echo_on());
    TerminalPrompter prompter;
    EXPECT_TRUE(prompter.interactive());
    auto pending = std::async(std::launch::async, [&prompter] { return prompter.ask("PIN: "); });
    // Type only once the prompter has turned echo off, as a person would after the prompt.
    for (int i = 0; i < 200 && pty.echo_on(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    EXPECT_FALSE(pty.echo_on());
    pty.type("s3cret-pin\n");
    if (pending.wait_for(std::chrono::seconds(5)) != std::future_status::ready) pty.type("\n");
    auto answer = pending.get();
    ASSERT_TRUE(answer.has_value());
    EXPECT_EQ(answer->view(), "s3cret-pin");
    EXPECT_EQ(pty.screen().find("s3cret-pin"), std::string::npos);
    EXPECT_TRUE(pty.echo_on());
}

TEST(TerminalPrompter, EndOfInputIsNoAnswer) {
    PtyStdin pty;
    ASSERT_TRUE(pty.ok());
    TerminalPrompter prompter;
    pty.type(std::string(1, '\x04'));  // Ctrl-D on an empty line
    EXPECT_FALSE(prompter.ask("PIN: ").has_value());
    EXPECT_TRUE(pty.echo_on());
}

TEST(TerminalPrompter, RefusesAnOverlongLine) {
    PtyStdin pty;
    ASSERT_TRUE(pty.ok());
    TerminalPrompter prompter;
    // Canonical mode delivers at most 4095 characters a line; more than the secret's capacity.
    pty.type(std::string(SecretString::kCapacity + 10, 'x') + "\n");
    EXPECT_FALSE(prompter.ask("PIN: ").has_value());
    pty.type("next\n");
    auto next = prompter.ask("PIN: ");
    ASSERT_TRUE(next.has_value());
    EXPECT_EQ(next->view(), "next");
}

TEST(TerminalPrompter, NotInteractiveWithoutATerminal) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    const int saved = ::dup(STDIN_FILENO);
    ::dup2(fds[0], STDIN_FILENO);
    TerminalPrompter prompter;
    EXPECT_FALSE(prompter.interactive());
    EXPECT_FALSE(prompter.ask("PIN: ").has_value());  // returns at once, never reads
    ::dup2(saved, STDIN_FILENO);
    ::close(saved);
    ::close(fds[0]);
    ::close(fds[1]);
}

}  // namespace
}  // namespace kakuin::client
