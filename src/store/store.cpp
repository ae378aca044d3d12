#include "store/store.h"

namespace kakuin::store {

namespace {
Error unsupported(std::string_view what) {
    return make_error(ErrorCode::internal_error,
                      std::string(what) + ": not supported by this store");
}
}  // namespace

Status Store::run_write(const std::function<bool(Transaction&)>& work) {
    KAKUIN_TRY(auto tx, begin(TxMode::write));
    if (!work(*tx)) return {};  // the transaction's destructor rolls it back
    return tx->commit();
}

std::string_view otp_token_kind_name(OtpTokenKind k) {
    return k == OtpTokenKind::hardware ? "hardware" : "software";
}

bool otp_token_kind_from_name(std::string_view s, OtpTokenKind& out) {
    if (s == "software") {
        out = OtpTokenKind::software;
        return true;
    }
    if (s == "hardware") {
        out = OtpTokenKind::hardware;
        return true;
    }
    return false;
}

Status Transaction::insert_session(const SessionRecord&) { return unsupported("insert_session"); }
Result<std::optional<SessionRecord>> Transaction::find_session(const std::string&) {
    return unsupported("find_session");
}
Status Transaction::update_session(const SessionRecord&) { return unsupported("update_session"); }
Status Transaction::delete_session(const std::string&) { return unsupported("delete_session"); }
Result<int> Transaction::delete_sessions_of(const PersonKey&, const std::string&) {
    return unsupported("delete_sessions_of");
}
Result<int> Transaction::delete_sessions_idle_since(TimePoint) {
    return unsupported("delete_sessions_idle_since");
}
Status Transaction::upsert_otp_token(const OtpToken&) { return unsupported("upsert_otp_token"); }
Result<std::optional<OtpToken>> Transaction::find_otp_token(const PersonKey&) {
    return unsupported("find_otp_token");
}
Status Transaction::delete_otp_token(const PersonKey&) { return unsupported("delete_otp_token"); }
Result<std::optional<std::int64_t>> Transaction::last_used_otp_step(const PersonKey&) {
    return unsupported("last_used_otp_step");
}
Status Transaction::record_used_otp_step(const PersonKey&, std::int64_t) {
    return unsupported("record_used_otp_step");
}
Status Transaction::insert_enrollment(const EnrollmentRecord&) {
    return unsupported("insert_enrollment");
}
Result<std::optional<EnrollmentRecord>> Transaction::find_enrollment(const std::string&) {
    return unsupported("find_enrollment");
}
Status Transaction::update_enrollment_phase(const std::string&, EnrollmentPhase) {
    return unsupported("update_enrollment_phase");
}
Result<int> Transaction::delete_expired_enrollments(TimePoint) {
    return unsupported("delete_expired_enrollments");
}
Result<bool> Transaction::person_has_certificate(const PersonKey&) {
    return unsupported("person_has_certificate");
}

// ---- Issue 5: the bank's back office. ----
std::string_view staff_role_name(StaffRole r) {
    return r == StaffRole::approver ? "approver" : "operator";
}
bool staff_role_from_name(std::string_view s, StaffRole& out) {
    if (s == "operator") out = StaffRole::operator_;
    else if (s == "approver") out = StaffRole::approver;
    else return false;
    return true;
}
std::string_view change_request_state_name(ChangeRequestState s) {
    switch (s) {
        case ChangeRequestState::pending: return "pending";
        case ChangeRequestState::applied: return "applied";
        case ChangeRequestState::rejected: return "rejected";
        case ChangeRequestState::failed: return "failed";
    }
    return "failed";
}
bool change_request_state_from_name(std::string_view s, ChangeRequestState& out) {
    if (s == "pending") out = ChangeRequestState::pending;
    else if (s == "applied") out = ChangeRequestState::applied;
    else if (s == "rejected") out = ChangeRequestState::rejected;
    else if (s == "failed") out = ChangeRequestState::failed;
    else return false;
    return true;
}
Status Transaction::update_contract_details(const Contract&) {
    return unsupported("update_contract_details");
}
Result<std::vector<Contract>> Transaction::search_contracts(const std::string&, int) {
    return unsupported("search_contracts");
}
Status Transaction::insert_staff(const StaffRecord&) { return unsupported("insert_staff"); }
Result<std::optional<StaffRecord>> Transaction::find_staff(const std::string&) {
    return unsupported("find_staff");
}
Status Transaction::update_staff(const StaffRecord&) { return unsupported("update_staff"); }
Status Transaction::insert_staff_session(const StaffSessionRecord&) {
    return unsupported("insert_staff_session");
}
Result<std::optional<StaffSessionRecord>> Transaction::find_staff_session(const std::string&) {
    return unsupported("find_staff_session");
}
Status Transaction::update_staff_session(const StaffSessionRecord&) {
    return unsupported("update_staff_session");
}
Status Transaction::delete_staff_session(const std::string&) {
    return unsupported("delete_staff_session");
}
Result<int> Transaction::delete_staff_sessions_of(const std::string&) {
    return unsupported("delete_staff_sessions_of");
}
Result<std::int64_t> Transaction::insert_change_request(const ChangeRequestRecord&) {
    return unsupported("insert_change_request");
}
Result<std::optional<ChangeRequestRecord>> Transaction::find_change_request(std::int64_t) {
    return unsupported("find_change_request");
}
Status Transaction::update_change_request(const ChangeRequestRecord&) {
    return unsupported("update_change_request");
}
Result<std::vector<ChangeRequestRecord>> Transaction::list_change_requests(
    const ChangeRequestQuery&) {
    return unsupported("list_change_requests");
}

}  // namespace kakuin::store
