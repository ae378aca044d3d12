// Four-eyes change requests of the bank's back office (issue 5, R3, R24; docs/api/bank-api.md):
// a change made by one staff member takes effect only when a *different* staff member with role
// approver approves it. Approval applies it with BankService's *_in use cases in the same store
// transaction; when applying fails with the operation's own error (e.g. the contract changed
// meanwhile), nothing of it is written and the request is marked failed with the error code.
// Every step is in the usage history (actor bank:<staff id>).
//
// Thread-safe (the store serializes writers; PostgreSQL locks the request row).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "service/bank_service.h"
#include "service/change_payload.h"
#include "service/context.h"
#include "service/staff_service.h"
#include "store/store.h"

namespace kakuin::service {

struct ChangeRequestInput {
    ChangeKind kind = ChangeKind::admin_unlock;
    std::string contract_id;
    std::string request_number;  // 依頼書番号; required for admin_certificate_reissue
    ChangePayload payload;       // contract_create / contract_change only
};

struct ChangeRequest {
    store::ChangeRequestRecord record;
    ChangeKind kind = ChangeKind::admin_unlock;
    ChangePayload payload;
};

// The approver's once-only answer: the letter's secrets are never stored.
struct ApprovalResult {
    ChangeRequest request;
    std::optional<ContractCreated> created;          // contract_create
    std::optional<BankService::PinsReset> pins;      // admin_pin_reset
    std::optional<CertificateSlot> admin_certificate;  // admin_certificate_reissue
};

class ChangeRequestService {
public:
    // The references must outlive the service.
    ChangeRequestService(const ServiceContext& ctx, BankService& bank);

    // A pending request by `by`. Errors: invalid_request (fields, payload, request number),
    // not_found (no such contract), conflict (contract_create of an existing contract).
    Result<ChangeRequest> request(const StaffIdentity& by, const ChangeRequestInput& in,
                                  const std::string& source_address);

    Result<std::vector<ChangeRequest>> list(const store::ChangeRequestQuery& q);
    // Errors: not_found.
    Result<ChangeRequest> get(std::int64_t id);

    // Errors: not_found, four_eyes_required (by the requester), forbidden (not an approver),
    // request_not_pending, and the operation's own errors (the request is then failed).
    Result<ApprovalResult> approve(const StaffIdentity& by, std::int64_t id,
                                   const std::string& source_address);
    // Errors: as approve (without the operation's), invalid_request (reason over 200 bytes).
    Result<ChangeRequest> reject(const StaffIdentity& by, std::int64_t id,
                                 const std::string& reason, const std::string& source_address);

private:
    const ServiceContext& ctx_;
    BankService& bank_;
};

}  // namespace kakuin::service
