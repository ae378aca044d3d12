#include "client/otp_step.h"

#include "client/command_input.h"

namespace kakuin::client {

ApiResult<SecretString> next_otp(SecretPrompter& prompter, Lang lang,
                                 std::optional<SecretString>& given) {
    if (given) {
        SecretString otp = std::move(*given);
        given.reset();
        return otp;
    }
    if (!prompter.interactive()) {
        return usage_failure(t(lang,
                               "ワンタイムパスワードが必要です。--otp を指定するか、端末から実行してください。",
                               "A one-time password is needed: give --otp or run on a terminal."));
    }
    std::optional<SecretString> otp =
        prompter.ask(t(lang, "ワンタイムパスワード: ", "One-time password: "));
    if (!otp || otp->empty())
        return usage_failure(t(lang, "入力が中断されました。", "Input was cancelled."));
    return std::move(*otp);
}

bool retryable_otp_failure(const Failure& f) {
    return f.kind == FailureKind::server_problem &&
           (f.code == "otp_incorrect" || f.code == "otp_reused");
}

}  // namespace kakuin::client
