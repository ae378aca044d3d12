// The configuration template as the tests edit it: the default kakuin.toml with a passphrase
// file, and one setting's line replaced.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "cli/config.h"

namespace kakuin::cli::testing {

inline std::string with_passphrase() {
    return default_config_toml("passphrase_file = \"secrets/ca.pass\"");
}

// `s` with the first `from` replaced by `to`; a test failure when `from` is not there.
inline std::string replace(std::string s, const std::string& from, const std::string& to) {
    const auto pos = s.find(from);
    EXPECT_NE(pos, std::string::npos) << from;
    if (pos != std::string::npos) s.replace(pos, from.size(), to);
    return s;
}

}  // namespace kakuin::cli::testing
