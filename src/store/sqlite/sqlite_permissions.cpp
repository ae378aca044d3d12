// Permissions and limits per service (R15) in the SQLite store (tables of migration 0004).
#include <array>

#include "store/sqlite/connection.h"
#include "store/sqlite/sqlite_transaction.h"

namespace kakuin::store::sqlite {

namespace {

constexpr std::string_view kLoadPermissions =
    "SELECT service, allowed, per_transaction, per_day FROM person_permissions"
    " WHERE contract_id = ?1 AND user_id = ?2";
constexpr std::string_view kListPermissions =
    "SELECT user_id, service, allowed, per_transaction, per_day FROM person_permissions"
    " WHERE contract_id = ?1";
constexpr std::string_view kDeletePermissions =
    "DELETE FROM person_permissions WHERE contract_id = ?1 AND user_id = ?2";
constexpr std::string_view kInsertPermission =
    "INSERT INTO person_permissions (contract_id, user_id, service, allowed, per_transaction,"
    " per_day) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
constexpr std::string_view kLoadContractLimits =
    "SELECT service, per_transaction, per_day FROM contract_limits WHERE contract_id = ?1";
constexpr std::string_view kDeleteContractLimits =
    "DELETE FROM contract_limits WHERE contract_id = ?1";
constexpr std::string_view kInsertContractLimit =
    "INSERT INTO contract_limits (contract_id, service, per_transaction, per_day)"
    " VALUES (?1, ?2, ?3, ?4)";

constexpr auto kAllServices = [] {
    std::array<BusinessService, kBusinessServiceCount> all{};
    for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<BusinessService>(i);
    return all;
}();

}  // namespace

Result<Permissions> SqliteTransaction::load_permissions(const PersonKey& person) {
    KAKUIN_TRY(Stmt s, conn_->prepare("load_permissions", kLoadPermissions));
    s.bind(1, person.contract_id).bind(2, person.user_id);
    Permissions p;
    for (;;) {
        KAKUIN_TRY(bool row, s.step());
        if (!row) break;
        // Rows of services this build does not know (a newer schema) are skipped.
        auto service = business_service_from_name(s.text(0));
        if (!service) continue;
        p[*service] = ServicePermission{s.boolean(1), s.int64(2), s.int64(3)};
    }
    return p;
}

Result<std::map<std::string, Permissions>> SqliteTransaction::list_permissions(
    const std::string& contract_id) {
    KAKUIN_TRY(Stmt s, conn_->prepare("list_permissions", kListPermissions));
    s.bind(1, contract_id);
    std::map<std::string, Permissions> out;
    for (;;) {
        KAKUIN_TRY(bool row, s.step());
        if (!row) break;
        Permissions& p = out[s.text(0)];
        auto service = business_service_from_name(s.text(1));
        if (!service) continue;  // a service this build does not know (a newer schema)
        p[*service] = ServicePermission{s.boolean(2), s.int64(3), s.int64(4)};
    }
    return out;
}

Status SqliteTransaction::save_permissions(const PersonKey& person, const Permissions& p) {
    {
        KAKUIN_TRY(Stmt del, conn_->prepare("delete_permissions", kDeletePermissions));
        KAKUIN_TRY_STATUS(del.bind(1, person.contract_id).bind(2, person.user_id).run());
    }
    for (BusinessService service : kAllServices) {
        const ServicePermission& sp = p[service];
        KAKUIN_TRY(Stmt s, conn_->prepare("insert_permission", kInsertPermission));
        KAKUIN_TRY_STATUS(s.bind(1, person.contract_id)
                              .bind(2, person.user_id)
                              .bind(3, business_service_name(service))
                              .bind(4, sp.allowed)
                              .bind(5, sp.per_transaction)
                              .bind(6, sp.per_day)
                              .run());
    }
    return {};
}

Result<ContractLimits> SqliteTransaction::load_contract_limits(const std::string& contract_id) {
    KAKUIN_TRY(Stmt s, conn_->prepare("load_contract_limits", kLoadContractLimits));
    s.bind(1, contract_id);
    ContractLimits limits;
    for (;;) {
        KAKUIN_TRY(bool row, s.step());
        if (!row) break;
        auto service = business_service_from_name(s.text(0));
        if (!service) continue;
        limits[*service] = ContractLimit{s.int64(1), s.int64(2)};
    }
    return limits;
}

Status SqliteTransaction::save_contract_limits(const std::string& contract_id,
                                               const ContractLimits& l) {
    {
        KAKUIN_TRY(Stmt del, conn_->prepare("delete_contract_limits", kDeleteContractLimits));
        KAKUIN_TRY_STATUS(del.bind(1, contract_id).run());
    }
    for (BusinessService service : kAllServices) {
        KAKUIN_TRY(Stmt s, conn_->prepare("insert_contract_limit", kInsertContractLimit));
        KAKUIN_TRY_STATUS(s.bind(1, contract_id)
                              .bind(2, business_service_name(service))
                              .bind(3, l[service].per_transaction)
                              .bind(4, l[service].per_day)
                              .run());
    }
    return {};
}

}  // namespace kakuin::store::sqlite
