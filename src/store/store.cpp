#include "store/store.h"

namespace kakuin::store {

namespace {
Error unsupported(std::string_view what) {
    return make_error(ErrorCode::internal_error,
                      std::string(what) + ": not supported by this store");
}
}  // namespace

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

}  // namespace kakuin::store
