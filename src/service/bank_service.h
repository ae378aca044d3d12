// The bank's back office (R1, R3, R24) as use cases: register a contract with its administrator,
// change it, unlock the administrator, register the administrator's certificate reissue from the
// paper request (依頼書), reset the administrator's PINs, suspend / resume a contract.
//
// Each use case exists twice: a *_in(tx, ...) variant that does its work (checks, writes, history
// record with actor Actor::bank(staff)) inside a caller's write transaction — the four-eyes
// approval (change_request_service.h) applies a request with it in the approval's transaction —
// and a one-transaction wrapper. Slow work (Argon2 hashes of new PINs) is done before the
// transaction by a prepare_* step.
//
// Thread-safe (the store serializes writers).
#pragma once

#include <optional>
#include <string>

#include "core/certificate_slot.h"
#include "core/contract.h"
#include "core/permissions.h"
#include "core/result.h"
#include "core/usage_history.h"
#include "service/certificate_service.h"
#include "service/context.h"
#include "service/user_admin_service.h"

namespace kakuin::service {

struct ContractInput {
    std::string contract_id;   // 11 digits
    std::string name;          // company name (kanji)
    std::string name_kana;     // half-width kana
    LoginMethod login_method = LoginMethod::id_pin;
    ContractLimits upper_limits;  // 上限限度額 per service (0 = none beyond the maximum)
    std::optional<std::string> admin_contact_email;
};

// A change of an existing contract; unset fields stay as they are.
struct ContractChange {
    std::string contract_id;
    std::optional<std::string> name;
    std::optional<std::string> name_kana;
    std::optional<LoginMethod> login_method;
    std::optional<ContractLimits> upper_limits;
    std::optional<std::string> admin_contact_email;  // "" clears it
    bool empty() const {
        return !name && !name_kana && !login_method && !upper_limits && !admin_contact_email;
    }
};

// What the bank prints on the paper letter to the administrator. Secrets: show once, never log.
struct ContractCreated {
    Contract contract;
    std::string admin_login_pin;         // random, conforms to policy.pin
    std::string admin_confirmation_pin;  // random, conforms to policy.pin
    std::string admin_totp_secret_base32;
    std::string admin_otpauth_uri;
    // Certificate method: the administrator's issuance registered for acquisition.
    std::optional<CertificateSlot> admin_certificate;
};

// New administrator PINs with their hashes, made before the transaction that stores them.
struct PreparedPins {
    std::string login_pin;
    std::string confirmation_pin;
    std::string login_hash;
    std::string confirmation_hash;
};

// A checked contract registration with its secrets, made before the transaction.
struct PreparedContract {
    ContractInput input;
    PreparedPins pins;
    std::vector<std::uint8_t> totp_secret;
};

// The administrator's view for the bank's screens.
struct ContractOverview {
    Contract contract;
    ContractLimits upper_limits;
    bool admin_locked = false;
    int admin_failure_count = 0;
    std::optional<std::string> admin_contact_email;
    std::optional<TimePoint> admin_last_login_at;
    CertificateSummary admin_certificate;
    int users = 0;
};

// Field checks shared with the change requests. Errors: invalid_request.
Status check_contract_input(const ContractInput& in);
Status check_contract_change(const ContractChange& c);
// 依頼書番号: 1-32 of [0-9A-Za-z-]. Errors: invalid_request.
Status check_request_number(const std::string& request_number);
// invalid_request unless 11 half-width digits.
Status check_contract_id_format(const std::string& contract_id);

class BankService {
public:
    // The references must outlive the service.
    BankService(const ServiceContext& ctx, CertificateService& certificates);

    // ---- Steps before a transaction (slow; no store access). ----
    Result<PreparedContract> prepare_contract(const ContractInput& input);
    Result<PreparedPins> prepare_pins(const std::string& contract_id);

    // ---- Inside a caller's write transaction. ----
    // R1. Errors: conflict (contract exists).
    Result<ContractCreated> create_contract_in(store::Transaction& tx, const Actor& bank_actor,
                                               const PreparedContract& prepared, TimePoint now);
    // Errors: invalid_request (fields, nothing to change), not_found.
    Status change_contract_in(store::Transaction& tx, const Actor& bank_actor,
                              const ContractChange& change, TimePoint now);
    // R8. Errors: not_found.
    Status unlock_admin_in(store::Transaction& tx, const Actor& bank_actor,
                           const std::string& contract_id, TimePoint now);
    // R24. Errors: not_found, invalid_request (request number), certificate_state_invalid.
    Result<CertificateSlot> reissue_admin_certificate_in(store::Transaction& tx,
                                                         const Actor& bank_actor,
                                                         const std::string& contract_id,
                                                         const std::string& request_number,
                                                         TimePoint now);
    // R3. Errors: not_found.
    Status reset_admin_pins_in(store::Transaction& tx, const Actor& bank_actor,
                               const std::string& contract_id, const PreparedPins& pins,
                               TimePoint now);
    // R1. Errors: not_found.
    Status set_suspended_in(store::Transaction& tx, const Actor& bank_actor,
                            const std::string& contract_id, bool suspended, TimePoint now);

    // ---- One transaction each. ----
    // R1. Errors: invalid_request (contract ID, names, limits, e-mail), conflict (contract exists).
    Result<ContractCreated> create_contract(const Actor& bank_actor, const ContractInput& input);
    // R8: bank staff unlock an administrator (lock and failure count cleared).
    // Errors: not_found.
    Status unlock_admin(const Actor& bank_actor, const std::string& contract_id);
    // R24: 失効し再発行 of the administrator's certificate from the paper request
    // `request_number` (recorded in the history). Errors: not_found, invalid_request (empty
    // request number).
    Result<CertificateSlot> reissue_admin_certificate(const Actor& bank_actor,
                                                      const std::string& contract_id,
                                                      const std::string& request_number);
    // R3: new random login and confirmation PINs for the administrator (paper request), printed
    // on the bank's letter like the initial ones. Lock state is unchanged (see unlock_admin).
    // Errors: invalid_request (contract ID), not_found.
    struct PinsReset {
        std::string login_pin;
        std::string confirmation_pin;
    };
    Result<PinsReset> reset_admin_pins(const Actor& bank_actor, const std::string& contract_id);
    // R1: suspension by the bank. Errors: not_found.
    Status set_suspended(const Actor& bank_actor, const std::string& contract_id, bool suspended);

    // ---- Reads for the bank's screens. ----
    // The contract's upper limits (R15). Errors: not_found.
    Result<ContractLimits> contract_limits(const std::string& contract_id);
    // Errors: invalid_request (q longer than 60 bytes).
    Result<std::vector<Contract>> search_contracts(const std::string& q, int limit);
    // Errors: invalid_request, not_found.
    Result<ContractOverview> view_contract(const std::string& contract_id);

private:
    const ServiceContext& ctx_;
    CertificateService& certificates_;
};

}  // namespace kakuin::service
