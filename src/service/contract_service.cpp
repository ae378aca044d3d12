#include "service/contract_service.h"

#include "core/certificate_slot.h"
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
        KAKUIN_TRY_STATUS(tx.append_history(usage(actor, administrator.key,
                                                  history_kind::contract_registered, now,
                                                  std::string(login_method_name(contract.login_method)))));
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
        KAKUIN_TRY_STATUS(tx.append_history(usage(actor, user.key, history_kind::user_registered,
                                                  now, std::string(authority_name(user.authority)))));
        return {};
    });
}

Status ContractService::update_person(const Actor& actor, const Person& person,
                                      std::string_view kind, std::string detail) {
    const TimePoint now = clock_.now();
    return in_transaction<void>(store_, TxMode::write, [&](Transaction& tx) -> Status {
        KAKUIN_TRY_STATUS(tx.update_person(person));
        KAKUIN_TRY_STATUS(tx.append_history(usage(actor, person.key, kind, now, std::move(detail))));
        return {};
    });
}

Status ContractService::delete_user(const Actor& actor, const PersonKey& user) {
    if (user.role() == Role::admin) {
        return make_error(ErrorCode::invalid_request, "the administrator cannot be deleted");
    }
    const TimePoint now = clock_.now();
    return in_transaction<void>(store_, TxMode::write, [&](Transaction& tx) -> Status {
        KAKUIN_TRY(CertificateSlot slot, tx.load_slot_for_update(user));
        std::string detail;
        if (slot.status_at(now) == SlotStatus::valid) {
            KAKUIN_TRY(Transition t, revoke(slot, now, CrlReason::cessation_of_operation));
            KAKUIN_TRY_STATUS(tx.mark_certificate_revoked(t.revoke->serial_hex, now, t.revoke->reason));
            detail = "revoked serial " + t.revoke->serial_hex;
        }
        KAKUIN_TRY_STATUS(tx.delete_person(user));
        KAKUIN_TRY_STATUS(tx.append_history(usage(actor, user, history_kind::user_deleted, now,
                                                  std::move(detail))));
        return {};
    });
}

Status ContractService::set_contract_flags(const Actor& actor, const std::string& contract_id,
                                           bool suspended, bool transactions_stopped) {
    const TimePoint now = clock_.now();
    return in_transaction<void>(store_, TxMode::write, [&](Transaction& tx) -> Status {
        KAKUIN_TRY_STATUS(tx.update_contract_flags(contract_id, suspended, transactions_stopped));
        UsageRecord r = usage(actor, PersonKey::admin(contract_id), history_kind::contract_changed,
                              now, std::string("suspended=") + (suspended ? "1" : "0") +
                                       " transactions_stopped=" + (transactions_stopped ? "1" : "0"));
        r.target_user_id.reset();  // the contract itself, not a person
        KAKUIN_TRY_STATUS(tx.append_history(r));
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
