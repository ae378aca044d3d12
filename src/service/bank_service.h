// The bank's back office (R1, R3, R24) as use cases: register a contract with its administrator,
// unlock the administrator, register the administrator's certificate reissue from the paper
// request (依頼書), suspend / resume a contract. Each is one store transaction with its history
// record (actor: Actor::bank(staff)). Four-eyes approval comes later (issue 5); for now the
// request number is recorded in the history.
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

namespace kakuin::service {

struct ContractInput {
    std::string contract_id;   // 11 digits
    std::string name;          // company name (kanji)
    std::string name_kana;     // half-width kana
    LoginMethod login_method = LoginMethod::id_pin;
    ContractLimits upper_limits;  // 上限限度額 per service (0 = none beyond the maximum)
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

class BankService {
public:
    // The references must outlive the service.
    BankService(const ServiceContext& ctx, CertificateService& certificates);

    // R1. Errors: invalid_request (contract ID, names, limits), conflict (contract exists).
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

    // The contract's upper limits (R15). Errors: not_found.
    Result<ContractLimits> contract_limits(const std::string& contract_id);

private:
    const ServiceContext& ctx_;
    CertificateService& certificates_;
};

}  // namespace kakuin::service
