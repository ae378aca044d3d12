// What `kakuin-cert acquire` and `renew` share in checking their command line and asking for
// secrets: the message language switch, argument shape checks, and a secret from a file or the
// terminal.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "client/problem.h"
#include "client/secret.h"
#include "client/terminal_prompt.h"

namespace kakuin::client {

// The Japanese or the English text.
inline const char* t(Lang lang, const char* ja, const char* en) { return lang == Lang::ja ? ja : en; }

bool all_digits(std::string_view s);  // non-empty, ASCII digits only
bool all_alnum(std::string_view s);   // non-empty, ASCII letters and digits only
bool readable(const std::string& path);

// The shape checks both commands make before any round trip, in this order: the contract ID
// (digits, at most 32; nullptr when not given), the user ID (letters and digits, at most 64)
// and a readable CA file. The message for the first one that fails, or nullopt.
std::optional<std::string> id_or_ca_file_problem(Lang lang, const std::string* contract_id,
                                                 const std::optional<std::string>& user_id,
                                                 const std::string& ca_file);

// "エラー: …" and, when there is one, the technical detail line, to `err`.
void print_failure(std::ostream& err, Lang lang, const Failure& f);

// A secret from `file`, or asked on the terminal with `prompt`. nullopt with `failure` set
// (a usage failure: `missing` when nobody can be asked, or the file's error) otherwise.
std::optional<SecretString> obtain_secret(SecretPrompter& prompter, Lang lang,
                                          const std::optional<std::string>& file,
                                          const char* prompt, const char* missing,
                                          std::optional<Failure>& failure);

}  // namespace kakuin::client
