// Use cases of contracts and persons that the certificate engine, the CLI and tests need:
// register a contract with its administrator, register a user, look them up.
// Thread-safe (the store serializes writers).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/contract.h"
#include "core/policy.h"
#include "core/result.h"
#include "core/usage_history.h"
#include "store/store.h"

namespace kakuin::service {

class ContractService {
public:
    // The references must outlive the service.
    ContractService(store::Store& store, const Clock& clock, const BankPolicy& policy);

    // Registers `contract` and its administrator (administrator.key must be
    // PersonKey::admin(contract.contract_id)). created_at fields are set from the clock.
    // Errors: invalid_request (bad contract ID or key), conflict (contract exists).
    Status register_contract(const Actor& actor, Contract contract, Person administrator);

    // Errors: invalid_request (bad user ID, or the contract already has policy.max_users
    // users), not_found (no such contract), conflict (the user ID is taken).
    Status register_user(const Actor& actor, Person user);

    // Saves a changed person (states, names, PIN hashes from the auth layer) with a history
    // record of `kind` (e.g. history_kind::user_changed) and `detail` (never a secret).
    // Errors: not_found.
    Status update_person(const Actor& actor, const Person& person, std::string_view kind,
                         std::string detail);

    // 登録抹消 (R13): deletes a user and revokes their valid certificate (cessationOfOperation)
    // in the same transaction. The administrator cannot be deleted (invalid_request).
    // Errors: not_found.
    Status delete_user(const Actor& actor, const PersonKey& user);

    // Bank suspension (R1) and WEB-FB取引停止 (R16). Errors: not_found.
    Status set_contract_flags(const Actor& actor, const std::string& contract_id, bool suspended,
                              bool transactions_stopped);

    Result<Contract> find_contract(const std::string& contract_id);
    Result<Person> find_person(const PersonKey& key);
    // The administrator first, then users by user ID. not_found when the contract is unknown.
    Result<std::vector<Person>> list_persons(const std::string& contract_id);
    Result<store::HistoryPage> history(const store::HistoryQuery& query);

private:
    store::Store& store_;
    const Clock& clock_;
    const BankPolicy& policy_;
};

}  // namespace kakuin::service
