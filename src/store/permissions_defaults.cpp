// Default implementations of the permission methods of store::Transaction (store.h): a store
// or decorator that does not implement them fails with internal_error.
#include <string>

#include "store/store.h"

namespace kakuin::store {

namespace {
Error not_supported(std::string_view what) {
    return make_error(ErrorCode::internal_error, std::string(what) + ": not supported by this store");
}
}  // namespace

Result<Permissions> Transaction::load_permissions(const PersonKey&) {
    return not_supported("load_permissions");
}
Status Transaction::save_permissions(const PersonKey&, const Permissions&) {
    return not_supported("save_permissions");
}
Result<ContractLimits> Transaction::load_contract_limits(const std::string&) {
    return not_supported("load_contract_limits");
}
Status Transaction::save_contract_limits(const std::string&, const ContractLimits&) {
    return not_supported("save_contract_limits");
}

}  // namespace kakuin::store
