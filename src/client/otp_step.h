// The one-time-password step shared by `kakuin-cert acquire` and `renew`: the code given with
// --otp is tried first; on a terminal a refused code (otp_incorrect / otp_reused) is asked for
// again, at most `max_attempts` codes in all. Without a terminal nothing is asked.
#pragma once

#include <optional>
#include <ostream>
#include <string>

#include "client/api_result.h"
#include "client/problem.h"
#include "client/secret.h"
#include "client/terminal_prompt.h"

namespace kakuin::client {

// The next code to send: `given` (consumed), else asked on the terminal. A failure when
// nobody can be asked or the input was cancelled.
ApiResult<SecretString> next_otp(SecretPrompter& prompter, Lang lang,
                                 std::optional<SecretString>& given);

// otp_incorrect / otp_reused: the server keeps the step open for another code.
bool retryable_otp_failure(const Failure& f);

// Runs the step while `still_open(state)`: `send(state, otp)` answers the next state (an
// ApiResult<State>). Returns the state after the step, or the failure to show.
template <typename State, typename StillOpen, typename Send>
ApiResult<State> run_otp_step(SecretPrompter& prompter, std::ostream& err, Lang lang,
                              const std::optional<std::string>& given_otp, int max_attempts,
                              State state, StillOpen still_open, Send send) {
    std::optional<SecretString> given;
    if (given_otp) given = SecretString(*given_otp);
    for (int attempt = 1; still_open(state); ++attempt) {
        ApiResult<SecretString> otp = next_otp(prompter, lang, given);
        if (!otp.ok()) return otp.failure();
        ApiResult<State> next = send(state, *otp);
        if (next.ok()) return std::move(next).value();
        if (!retryable_otp_failure(next.failure()) || attempt >= max_attempts ||
            !prompter.interactive())
            return next.failure();
        err << describe(next.failure(), lang) << "\n";
    }
    return state;
}

}  // namespace kakuin::client
