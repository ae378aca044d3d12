#include "client/command_input.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>

#include "client/secret_file.h"

namespace kakuin::client {

bool all_digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool all_alnum(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0;
    });
}

bool readable(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    ::close(fd);
    return true;
}

std::optional<std::string> id_or_ca_file_problem(Lang lang, const std::string* contract_id,
                                                 const std::optional<std::string>& user_id,
                                                 const std::string& ca_file) {
    if (contract_id && (!all_digits(*contract_id) || contract_id->size() > 32))
        return t(lang, "契約法人ID（--contract-id）は半角数字で指定してください。",
                 "--contract-id must be digits.");
    if (user_id && (!all_alnum(*user_id) || user_id->size() > 64))
        return t(lang, "利用者ID（--user-id）は半角英数字で指定してください。",
                 "--user-id must be letters and digits.");
    if (!readable(ca_file))
        return std::string(t(lang, "CA証明書ファイル（--ca-file）を読み込めません: ",
                             "Cannot read the CA file (--ca-file): ")) +
               ca_file;
    return std::nullopt;
}

void print_failure(std::ostream& err, Lang lang, const Failure& f) {
    err << describe(f, lang) << "\n";
    if (!f.technical.empty()) err << t(lang, "  詳細: ", "  Detail: ") << f.technical << "\n";
}

std::optional<SecretString> obtain_secret(SecretPrompter& prompter, Lang lang,
                                          const std::optional<std::string>& file,
                                          const char* prompt, const char* missing,
                                          std::optional<Failure>& failure) {
    if (file) {
        auto r = read_secret_file(*file);
        if (!r.ok()) {
            failure = usage_failure(local_failure(r.error(), lang).message);
            return std::nullopt;
        }
        return std::move(r).value();
    }
    if (!prompter.interactive()) {
        failure = usage_failure(missing);
        return std::nullopt;
    }
    auto s = prompter.ask(prompt);
    if (!s || s->empty()) {
        failure = usage_failure(t(lang, "入力が中断されました。", "Input was cancelled."));
        return std::nullopt;
    }
    return s;
}

}  // namespace kakuin::client
