#include "service/change_request_service.h"

#include "service/admin_support.h"
#include "service/unit_of_work.h"

namespace kakuin::service {

using store::ChangeRequestRecord;
using store::ChangeRequestState;
using store::Transaction;
using store::TxMode;

namespace {

constexpr std::size_t kMaxReasonBytes = 200;

Error no_request(std::int64_t id) {
    return make_error(ErrorCode::not_found, "no change request " + std::to_string(id),
                      "指定された依頼は登録されていません。");
}

Error no_contract(const std::string& contract_id) {
    return make_error(ErrorCode::not_found, "no contract " + contract_id,
                      "指定された契約法人は登録されていません。");
}

Error no_payload(ChangeKind kind) {
    return make_error(ErrorCode::invalid_request,
                      std::string(change_kind_name(kind)) + " takes no payload",
                      "この依頼には変更内容を指定できません。");
}

// The record of a step of request `r` (its contract; no person targeted).
UsageRecord request_usage(const std::string& staff_id, const ChangeRequestRecord& r,
                          std::string_view kind, TimePoint at, const std::string& source,
                          std::string result, std::string extra) {
    UsageRecord u;
    u.at = at;
    u.contract_id = r.contract_id;
    u.actor = Actor::bank(staff_id).id;
    u.kind = std::string(kind);
    if (!source.empty()) u.source_address = source;
    u.result = std::move(result);
    u.detail = "request " + std::to_string(r.id) + " " + r.kind;
    if (!r.request_number.empty()) u.detail += ", 依頼書 " + r.request_number;
    if (!extra.empty()) u.detail += ", " + extra;
    return u;
}

Result<ChangeRequest> from_record(ChangeRequestRecord r) {
    ChangeRequest out;
    if (!change_kind_from_name(r.kind, out.kind))
        return make_error(ErrorCode::internal_error, "stored change request kind " + r.kind);
    KAKUIN_TRY(out.payload, decode_change_payload(r.payload));
    out.record = std::move(r);
    return out;
}

ContractInput contract_input_of(const std::string& contract_id, const ChangePayload& p) {
    ContractInput in;
    in.contract_id = contract_id;
    in.name = p.name.value_or("");
    in.name_kana = p.name_kana.value_or("");
    in.login_method = p.login_method.value_or(LoginMethod::id_pin);
    in.upper_limits = p.upper_limits.value_or(ContractLimits{});
    if (p.admin_contact_email && !p.admin_contact_email->empty())
        in.admin_contact_email = p.admin_contact_email;
    return in;
}

ContractChange contract_change_of(const std::string& contract_id, const ChangePayload& p) {
    ContractChange c;
    c.contract_id = contract_id;
    c.name = p.name;
    c.name_kana = p.name_kana;
    c.login_method = p.login_method;
    c.upper_limits = p.upper_limits;
    c.admin_contact_email = p.admin_contact_email;
    return c;
}

Status check_input(const ChangeRequestInput& in) {
    KAKUIN_TRY_STATUS(check_contract_id_format(in.contract_id));
    if (in.kind == ChangeKind::admin_certificate_reissue || !in.request_number.empty())
        KAKUIN_TRY_STATUS(check_request_number(in.request_number));
    switch (in.kind) {
        case ChangeKind::contract_create:
            return check_contract_input(contract_input_of(in.contract_id, in.payload));
        case ChangeKind::contract_change:
            return check_contract_change(contract_change_of(in.contract_id, in.payload));
        default:
            if (!in.payload.empty()) return no_payload(in.kind);
            return {};
    }
}

// Who may decide on `r`: another staff member (four eyes) with role approver, still active.
Status check_decider(Transaction& tx, const StaffIdentity& by, const ChangeRequestRecord& r) {
    if (by.staff_id == r.requested_by) {
        return make_error(ErrorCode::four_eyes_required, "the requester cannot decide",
                          "依頼者本人は承認・却下できません。別の承認者に依頼してください。");
    }
    KAKUIN_TRY(auto s, tx.find_staff(by.staff_id));
    if (!s || s->locked) return make_error(ErrorCode::session_expired);
    if (s->role != store::StaffRole::approver) {
        return make_error(ErrorCode::forbidden, "role approver required",
                          "承認・却下は承認者のみが行えます。");
    }
    if (r.state != ChangeRequestState::pending) return make_error(ErrorCode::request_not_pending);
    return {};
}

// Errors that mean "this request cannot be applied" (the request fails) rather than "try again".
bool is_operation_error(ErrorCode c) {
    return c != ErrorCode::storage_failure && c != ErrorCode::internal_error &&
           c != ErrorCode::crypto_failure && c != ErrorCode::config_invalid;
}

}  // namespace

ChangeRequestService::ChangeRequestService(const ServiceContext& ctx, BankService& bank)
    : ctx_(ctx), bank_(bank) {}

Result<ChangeRequest> ChangeRequestService::request(const StaffIdentity& by,
                                                    const ChangeRequestInput& in,
                                                    const std::string& source) {
    KAKUIN_TRY_STATUS(check_input(in));
    const TimePoint now = ctx_.clock.now();
    ChangeRequestRecord r;
    r.kind = std::string(change_kind_name(in.kind));
    r.contract_id = in.contract_id;
    r.request_number = in.request_number;
    r.payload = encode_change_payload(in.payload);
    r.state = ChangeRequestState::pending;
    r.requested_by = by.staff_id;
    r.requested_at = now;
    KAKUIN_TRY(ChangeRequestRecord saved, in_transaction<ChangeRequestRecord>(
        ctx_.store, TxMode::write, [&](Transaction& tx) -> Result<ChangeRequestRecord> {
            KAKUIN_TRY(auto staff, tx.find_staff(by.staff_id));
            if (!staff || staff->locked) return make_error(ErrorCode::session_expired);
            KAKUIN_TRY(auto contract, tx.find_contract(in.contract_id));
            if (in.kind == ChangeKind::contract_create && contract) {
                return make_error(ErrorCode::conflict, "contract " + in.contract_id + " exists",
                                  "この契約法人IDは既に登録されています。");
            }
            if (in.kind != ChangeKind::contract_create && !contract) return no_contract(in.contract_id);
            ChangeRequestRecord row = r;
            KAKUIN_TRY(row.id, tx.insert_change_request(row));
            KAKUIN_TRY_STATUS(tx.append_history(request_usage(
                by.staff_id, row, bank_history_kind::request_created, now, source, "ok", "")));
            return row;
        }));
    return from_record(std::move(saved));
}

Result<std::vector<ChangeRequest>> ChangeRequestService::list(const store::ChangeRequestQuery& q) {
    KAKUIN_TRY(auto rows, in_transaction<std::vector<ChangeRequestRecord>>(
                              ctx_.store, TxMode::read,
                              [&](Transaction& tx) { return tx.list_change_requests(q); }));
    std::vector<ChangeRequest> out;
    for (auto& r : rows) {
        KAKUIN_TRY(ChangeRequest c, from_record(std::move(r)));
        out.push_back(std::move(c));
    }
    return out;
}

Result<ChangeRequest> ChangeRequestService::get(std::int64_t id) {
    KAKUIN_TRY(auto row, in_transaction<std::optional<ChangeRequestRecord>>(
                             ctx_.store, TxMode::read,
                             [&](Transaction& tx) { return tx.find_change_request(id); }));
    if (!row) return no_request(id);
    return from_record(std::move(*row));
}

Result<ApprovalResult> ChangeRequestService::approve(const StaffIdentity& by, std::int64_t id,
                                                     const std::string& source) {
    // 1. Who may approve, checked on a snapshot before any slow work.
    KAKUIN_TRY(ChangeRequest snapshot, in_transaction<ChangeRequest>(
        ctx_.store, TxMode::read, [&](Transaction& tx) -> Result<ChangeRequest> {
            KAKUIN_TRY(auto row, tx.find_change_request(id));
            if (!row) return no_request(id);
            KAKUIN_TRY_STATUS(check_decider(tx, by, *row));
            return from_record(std::move(*row));
        }));
    const std::string& contract_id = snapshot.record.contract_id;
    // 2. The letter's secrets and their Argon2 hashes, outside the write lock.
    std::optional<PreparedContract> prepared_contract;
    std::optional<PreparedPins> prepared_pins;
    if (snapshot.kind == ChangeKind::contract_create) {
        auto p = bank_.prepare_contract(contract_input_of(contract_id, snapshot.payload));
        if (!p) return p.take_error();
        prepared_contract = std::move(*p);
    } else if (snapshot.kind == ChangeKind::admin_pin_reset) {
        auto p = bank_.prepare_pins(contract_id);
        if (!p) return p.take_error();
        prepared_pins = std::move(*p);
    }
    // 3. Apply and mark applied in one transaction.
    const TimePoint now = ctx_.clock.now();
    const Actor actor = Actor::bank(by.staff_id, source.empty() ? std::nullopt
                                                                : std::optional<std::string>(source));
    Result<ApprovalResult> applied = in_transaction<ApprovalResult>(
        ctx_.store, TxMode::write, [&](Transaction& tx) -> Result<ApprovalResult> {
            KAKUIN_TRY(auto row, tx.find_change_request(id));
            if (!row) return no_request(id);
            KAKUIN_TRY_STATUS(check_decider(tx, by, *row));
            ApprovalResult out;
            switch (snapshot.kind) {
                case ChangeKind::contract_create: {
                    KAKUIN_TRY(out.created,
                               bank_.create_contract_in(tx, actor, *prepared_contract, now));
                    break;
                }
                case ChangeKind::contract_change:
                    KAKUIN_TRY_STATUS(bank_.change_contract_in(
                        tx, actor, contract_change_of(contract_id, snapshot.payload), now));
                    break;
                case ChangeKind::admin_certificate_reissue: {
                    KAKUIN_TRY(out.admin_certificate,
                               bank_.reissue_admin_certificate_in(
                                   tx, actor, contract_id, row->request_number, now));
                    break;
                }
                case ChangeKind::admin_unlock:
                    KAKUIN_TRY_STATUS(bank_.unlock_admin_in(tx, actor, contract_id, now));
                    break;
                case ChangeKind::admin_pin_reset:
                    KAKUIN_TRY_STATUS(
                        bank_.reset_admin_pins_in(tx, actor, contract_id, *prepared_pins, now));
                    out.pins = BankService::PinsReset{prepared_pins->login_pin,
                                                      prepared_pins->confirmation_pin};
                    break;
                case ChangeKind::contract_suspend:
                case ChangeKind::contract_resume:
                    KAKUIN_TRY_STATUS(bank_.set_suspended_in(
                        tx, actor, contract_id, snapshot.kind == ChangeKind::contract_suspend, now));
                    break;
            }
            row->state = ChangeRequestState::applied;
            row->decided_by = by.staff_id;
            row->decided_at = now;
            KAKUIN_TRY_STATUS(tx.update_change_request(*row));
            KAKUIN_TRY_STATUS(tx.append_history(request_usage(
                by.staff_id, *row, bank_history_kind::request_approved, now, source, "ok", "")));
            KAKUIN_TRY(out.request, from_record(std::move(*row)));
            return out;
        });
    if (applied.ok()) return applied;
    const Error error = applied.error();
    const bool decider_refused = error.code == ErrorCode::four_eyes_required ||
                                 error.code == ErrorCode::forbidden ||
                                 error.code == ErrorCode::request_not_pending ||
                                 error.code == ErrorCode::session_expired;
    if (decider_refused || !is_operation_error(error.code)) return error;
    // 4. The operation refused: nothing of it was written; the request fails with the code.
    const std::string code(error_code_name(error.code));
    Status marked = in_transaction<void>(ctx_.store, TxMode::write, [&](Transaction& tx) -> Status {
        KAKUIN_TRY(auto row, tx.find_change_request(id));
        if (!row || row->state != ChangeRequestState::pending) return {};
        row->state = ChangeRequestState::failed;
        row->decided_by = by.staff_id;
        row->decided_at = now;
        row->reason = code;
        KAKUIN_TRY_STATUS(tx.update_change_request(*row));
        KAKUIN_TRY_STATUS(tx.append_history(request_usage(
            by.staff_id, *row, bank_history_kind::request_failed, now, source, code, "")));
        return {};
    });
    if (!marked.ok()) return marked.error();
    return error;
}

Result<ChangeRequest> ChangeRequestService::reject(const StaffIdentity& by, std::int64_t id,
                                                   const std::string& reason,
                                                   const std::string& source) {
    if (reason.size() > kMaxReasonBytes) {
        return make_error(ErrorCode::invalid_request, "reason over 200 bytes",
                          "却下理由が長すぎます。");
    }
    if (!reason.empty()) KAKUIN_TRY_STATUS(check_name_text(reason, "却下理由", false));
    const TimePoint now = ctx_.clock.now();
    return in_transaction<ChangeRequest>(
        ctx_.store, TxMode::write, [&](Transaction& tx) -> Result<ChangeRequest> {
            KAKUIN_TRY(auto row, tx.find_change_request(id));
            if (!row) return no_request(id);
            KAKUIN_TRY_STATUS(check_decider(tx, by, *row));
            row->state = ChangeRequestState::rejected;
            row->decided_by = by.staff_id;
            row->decided_at = now;
            row->reason = reason;
            KAKUIN_TRY_STATUS(tx.update_change_request(*row));
            KAKUIN_TRY_STATUS(tx.append_history(request_usage(
                by.staff_id, *row, bank_history_kind::request_rejected, now, source, "ok", "")));
            return from_record(std::move(*row));
        });
}

}  // namespace kakuin::service
