// Permissions and limits per service (R15) in the PostgreSQL store (tables of migration 0004).
#include <array>

#include "store/postgres/postgres_transaction.h"

namespace kakuin::store::postgres {

namespace {

constexpr std::string_view kPersonExists =
    "SELECT 1 FROM persons WHERE contract_id = $1 AND user_id = $2 FOR KEY SHARE";
constexpr std::string_view kContractExists =
    "SELECT 1 FROM contracts WHERE contract_id = $1 FOR KEY SHARE";
constexpr std::string_view kLoadPermissions =
    "SELECT service, allowed, per_transaction, per_day FROM person_permissions"
    " WHERE contract_id = $1 AND user_id = $2";
constexpr std::string_view kListPermissions =
    "SELECT user_id, service, allowed, per_transaction, per_day FROM person_permissions"
    " WHERE contract_id = $1";
constexpr std::string_view kDeletePermissions =
    "DELETE FROM person_permissions WHERE contract_id = $1 AND user_id = $2";
constexpr std::string_view kInsertPermission =
    "INSERT INTO person_permissions (contract_id, user_id, service, allowed, per_transaction,"
    " per_day) VALUES ($1, $2, $3, $4, $5, $6)";
constexpr std::string_view kLoadContractLimits =
    "SELECT service, per_transaction, per_day FROM contract_limits WHERE contract_id = $1";
constexpr std::string_view kDeleteContractLimits =
    "DELETE FROM contract_limits WHERE contract_id = $1";
constexpr std::string_view kInsertContractLimit =
    "INSERT INTO contract_limits (contract_id, service, per_transaction, per_day)"
    " VALUES ($1, $2, $3, $4)";

constexpr auto kAllServices = [] {
    std::array<BusinessService, kBusinessServiceCount> all{};
    for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<BusinessService>(i);
    return all;
}();

}  // namespace

Result<Permissions> PostgresTransaction::load_permissions(const PersonKey& person) {
    KAKUIN_TRY(Rows r, q("load_permissions", kLoadPermissions,
                         Params().add(person.contract_id).add(person.user_id)));
    Permissions p;
    for (int i = 0; i < r.size(); ++i) {
        auto service = business_service_from_name(r.text(i, 0));
        if (!service) continue;  // a service this build does not know (a newer schema)
        p[*service] = ServicePermission{r.boolean(i, 1), r.int64(i, 2), r.int64(i, 3)};
    }
    return p;
}

Result<std::map<std::string, Permissions>> PostgresTransaction::list_permissions(
    const std::string& contract_id) {
    KAKUIN_TRY(Rows r, q("list_permissions", kListPermissions, Params().add(contract_id)));
    std::map<std::string, Permissions> out;
    for (int i = 0; i < r.size(); ++i) {
        Permissions& p = out[r.text(i, 0)];
        auto service = business_service_from_name(r.text(i, 1));
        if (!service) continue;  // a service this build does not know (a newer schema)
        p[*service] = ServicePermission{r.boolean(i, 2), r.int64(i, 3), r.int64(i, 4)};
    }
    return out;
}

Status PostgresTransaction::save_permissions(const PersonKey& person, const Permissions& p) {
    const Params key = Params().add(person.contract_id).add(person.user_id);
    KAKUIN_TRY(Rows exists, q("person_exists", kPersonExists, key));
    if (exists.size() == 0) {
        return make_error(ErrorCode::not_found, "person " + person.contract_id + "/" + person.user_id);
    }
    KAKUIN_TRY(Rows del, q("delete_permissions", kDeletePermissions, key));
    (void)del;
    for (BusinessService service : kAllServices) {
        const ServicePermission& sp = p[service];
        KAKUIN_TRY(Rows r, q("insert_permission", kInsertPermission,
                             Params()
                                 .add(person.contract_id)
                                 .add(person.user_id)
                                 .add(business_service_name(service))
                                 .add(sp.allowed)
                                 .add(sp.per_transaction)
                                 .add(sp.per_day)));
        (void)r;
    }
    return {};
}

Result<ContractLimits> PostgresTransaction::load_contract_limits(const std::string& contract_id) {
    KAKUIN_TRY(Rows r, q("load_contract_limits", kLoadContractLimits, Params().add(contract_id)));
    ContractLimits limits;
    for (int i = 0; i < r.size(); ++i) {
        auto service = business_service_from_name(r.text(i, 0));
        if (!service) continue;
        limits[*service] = ContractLimit{r.int64(i, 1), r.int64(i, 2)};
    }
    return limits;
}

Status PostgresTransaction::save_contract_limits(const std::string& contract_id,
                                                 const ContractLimits& l) {
    KAKUIN_TRY(Rows exists, q("contract_exists", kContractExists, Params().add(contract_id)));
    if (exists.size() == 0) return make_error(ErrorCode::not_found, "contract " + contract_id);
    KAKUIN_TRY(Rows del, q("delete_contract_limits", kDeleteContractLimits, Params().add(contract_id)));
    (void)del;
    for (BusinessService service : kAllServices) {
        KAKUIN_TRY(Rows r, q("insert_contract_limit", kInsertContractLimit,
                             Params()
                                 .add(contract_id)
                                 .add(business_service_name(service))
                                 .add(l[service].per_transaction)
                                 .add(l[service].per_day)));
        (void)r;
    }
    return {};
}

}  // namespace kakuin::store::postgres
