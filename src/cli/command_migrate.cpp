// `kakuin migrate --from DIR --to postgresql://...`: SQLite to PostgreSQL, every table.
#include <cstdio>

#include "cli/commands.h"
#include "cli/config.h"
#include "cli/files.h"
#include "store/postgres/pg_import.h"

namespace kakuin::cli {

int run_migrate(const std::string& data_dir, const std::string& pg_url) {
    auto config = load_config(data_dir);
    if (!config.ok()) {
        print_error(config.error());
        return 1;
    }
    if (config->store_url.rfind("sqlite:", 0) != 0) {
        print_error(make_error(ErrorCode::config_invalid,
                               "store.url of " + data_dir + " is not a sqlite: database"));
        return 1;
    }
    if (pg_url.rfind("postgresql://", 0) != 0 && pg_url.rfind("postgres://", 0) != 0) {
        print_error(make_error(ErrorCode::invalid_request, "--to must be a postgresql:// URL"));
        return 1;
    }
    auto copied = store::postgres::copy_sqlite_to_postgres(config->store_url.substr(7), pg_url);
    if (!copied.ok()) {
        print_error(copied.error());
        return 1;
    }
    for (const auto& [table, rows] : *copied) {
        std::printf("%-20s %lld rows\n", table.c_str(), static_cast<long long>(rows));
    }
    std::printf("copied. Set store.url to the PostgreSQL URL in %s/kakuin.toml.\n",
                data_dir.c_str());
    return 0;
}

}  // namespace kakuin::cli
