#include "service/contract_service.h"

#include "service/unit_of_work.h"
#include "service/usage.h"

namespace kakuin::service {

using store::Transaction;
using store::TxMode;

ContractService::ContractService(store::Store& store, const Clock& clock, const BankPolicy& policy)
    : store_(store), clock_(clock), policy_(policy) {}

Status ContractService::register_contract(const Actor& actor, Contract contract,
                                          Person administrator) {
    if (!is_valid_contract_id(contract.contract_id)) {
        return make_error(ErrorCode::invalid_request, "contract ID must be 11 digits");
    }
    if (administrator.key != PersonKey::admin(contract.contract_id)) {
        return make_error(ErrorCode::invalid_request, "administrator key does not match the contract");
    }
    if (contract.name_kana.empty() || administrator.name_kana.empty()) {
        return make_error(ErrorCode::invalid_request, "kana name is required");
    }
    const TimePoint now = clock_.now();
    contract.created_at = now;
    administrator.created_at = now;
    return in_transaction<void>(store_, TxMode::write, [&](Transaction& tx) -> Status {
        KAKUIN_TRY_STATUS(tx.insert_contract(contract));
        KAKUIN_TRY_STATUS(tx.insert_person(administrator));
        KAKUIN_TRY(auto id, tx.append_history(usage(actor, administrator.key,
                                                    history_kind::contract_registered, now,
                                                    std::string(login_method_name(contract.login_method)))));
        (void)id;
        return {};
    });
}

Status ContractService::register_user(const Actor& actor, Person user) {
    if (!is_valid_user_id(user.key.user_id)) {
        return make_error(ErrorCode::invalid_request, "user ID must be 1-16 half-width alphanumerics");
    }
    if (user.name_kana.empty()) return make_error(ErrorCode::invalid_request, "kana name is required");
    const TimePoint now = clock_.now();
    user.created_at = now;
    return in_transaction<void>(store_, TxMode::write, [&](Transaction& tx) -> Status {
        KAKUIN_TRY(auto contract, tx.find_contract(user.key.contract_id));
        if (!contract) return make_error(ErrorCode::not_found, "no contract " + user.key.contract_id);
        KAKUIN_TRY(auto persons, tx.list_persons(user.key.contract_id));
        const auto users = static_cast<int>(persons.size()) - 1;  // minus the administrator
        if (users >= policy_.max_users) {
            return make_error(ErrorCode::invalid_request,
                              "the contract already has " + std::to_string(users) + " users");
        }
        KAKUIN_TRY_STATUS(tx.insert_person(user));
        KAKUIN_TRY(auto id, tx.append_history(usage(actor, user.key, history_kind::user_registered,
                                                    now, std::string(authority_name(user.authority)))));
        (void)id;
        return {};
    });
}

Result<Contract> ContractService::find_contract(const std::string& contract_id) {
    return in_transaction<Contract>(store_, TxMode::read, [&](Transaction& tx) -> Result<Contract> {
        KAKUIN_TRY(auto c, tx.find_contract(contract_id));
        if (!c) return make_error(ErrorCode::not_found, "no contract " + contract_id);
        return std::move(*c);
    });
}

Result<Person> ContractService::find_person(const PersonKey& key) {
    return in_transaction<Person>(store_, TxMode::read, [&](Transaction& tx) -> Result<Person> {
        KAKUIN_TRY(auto p, tx.find_person(key));
        if (!p) return make_error(ErrorCode::not_found, "no such person in " + key.contract_id);
        return std::move(*p);
    });
}

Result<std::vector<Person>> ContractService::list_persons(const std::string& contract_id) {
    using List = std::vector<Person>;
    return in_transaction<List>(store_, TxMode::read, [&](Transaction& tx) -> Result<List> {
        KAKUIN_TRY(auto c, tx.find_contract(contract_id));
        if (!c) return make_error(ErrorCode::not_found, "no contract " + contract_id);
        return tx.list_persons(contract_id);
    });
}

Result<store::HistoryPage> ContractService::history(const store::HistoryQuery& query) {
    return in_transaction<store::HistoryPage>(store_, TxMode::read, [&](Transaction& tx) {
        return tx.list_history(query);
    });
}

}  // namespace kakuin::service
