// `kakuin init --data DIR`: a new data directory with its configuration, CA and database.
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>

#include "cli/commands.h"
#include "cli/config.h"
#include "cli/files.h"
#include "cli/store_open.h"
#include "core/base64.h"
#include "core/clock.h"
#include "pki/ca.h"

namespace kakuin::cli {

namespace fs = std::filesystem;

namespace {

Status make_private_dir(const fs::path& p) {
    std::error_code ec;
    fs::create_directories(p, ec);
    if (ec) return make_error(ErrorCode::internal_error, "cannot create " + p.string() + ": " + ec.message());
    ::chmod(p.c_str(), 0700);
    return {};
}

Status init(const InitOptions& o) {
    if (o.data_dir.empty()) return make_error(ErrorCode::invalid_request, "--data is required");
    const fs::path dir = fs::absolute(o.data_dir);
    if (fs::exists(dir / "kakuin.toml"))
        return make_error(ErrorCode::invalid_request, dir.string() + " is already initialised",
                          "このディレクトリは初期化済みです。");
    KAKUIN_TRY_STATUS(make_private_dir(dir));

    pki::OsRandom random;
    std::string passphrase_line;
    if (!o.passphrase_env.empty()) {
        const char* v = std::getenv(o.passphrase_env.c_str());
        if (!v || std::string(v).size() < 16)
            return make_error(ErrorCode::invalid_request,
                              "environment variable " + o.passphrase_env + " must hold a passphrase of 16 or more characters");
        passphrase_line = "passphrase_env = \"" + o.passphrase_env + "\"";
    } else {
        KAKUIN_TRY_STATUS(make_private_dir(dir / "secrets"));
        std::uint8_t raw[32];
        random.fill(raw);
        KAKUIN_TRY_STATUS(write_file((dir / "secrets" / "ca.pass").string(), encode_base64url_unpadded(raw, sizeof raw) + "\n", 0600));
        passphrase_line = "passphrase_file = \"secrets/ca.pass\"";
    }

    KAKUIN_TRY_STATUS(write_file((dir / "kakuin.toml").string(), default_config_toml(passphrase_line), 0600));
    KAKUIN_TRY(Config config, load_config(dir.string()));

    SystemClock clock;
    KAKUIN_TRY_STATUS(pki::create_ca_hierarchy(config.ca, config.ca_spec, clock, random));
    KAKUIN_TRY(auto ca, pki::IssuingCa::load(config.ca));
    KAKUIN_TRY_STATUS(write_file((dir / "ca-chain.pem").string(), ca->chain_pem(), 0644));
    KAKUIN_TRY(auto store, open_store(config));
    (void)store;

    std::printf("kakuin: initialised %s\n", dir.c_str());
    std::printf("  configuration: %s (every bank setting documented in place)\n", config_path(dir.string()).c_str());
    std::printf("  CA:            %s (private keys encrypted; passphrase from %s)\n", config.ca.dir.c_str(),
                o.passphrase_env.empty() ? "secrets/ca.pass" : ("$" + o.passphrase_env).c_str());
    std::printf("  trust chain:   %s\n", (dir / "ca-chain.pem").c_str());
    std::printf("  database:      %s\n", config.store_url.c_str());
    return {};
}

}  // namespace

int run_init(const InitOptions& o) {
    Status s = init(o);
    if (!s.ok()) {
        print_error(s.error());
        return 1;
    }
    return 0;
}

}  // namespace kakuin::cli
