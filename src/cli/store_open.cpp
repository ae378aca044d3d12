#include "cli/store_open.h"

#include "store/postgres/postgres_store.h"
#include "store/sqlite/sqlite_store.h"

namespace kakuin::cli {

Result<std::unique_ptr<store::Store>> open_store(const Config& config) {
    if (config.store_url.rfind("sqlite:", 0) == 0) {
        KAKUIN_TRY(auto s, store::sqlite::SqliteStore::open(config.store_url.substr(7)));
        return std::unique_ptr<store::Store>(std::move(s));
    }
    if (config.store_url.rfind("postgresql://", 0) == 0 ||
        config.store_url.rfind("postgres://", 0) == 0) {
        KAKUIN_TRY(auto s, store::postgres::PostgresStore::open(config.store_url,
                                                                config.store_pool_size));
        return std::unique_ptr<store::Store>(std::move(s));
    }
    return make_error(ErrorCode::config_invalid, "store.url: unknown scheme",
                      "設定ファイルの store.url に誤りがあります。");
}

}  // namespace kakuin::cli
