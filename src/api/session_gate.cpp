#include "api/session_gate.h"

#include "api/listener_scope.h"
#include "api/request_context.h"
#include "auth/constant_time.h"

namespace kakuin::api {

namespace {

Status check_csrf(const service::SessionInfo& session, const http::Request& request) {
    const auto sent = request.header(kCsrfHeader);
    if (!sent || sent->empty() || session.csrf_token.empty() ||
        !auth::constant_time_equal(*sent, session.csrf_token))
        return make_error(ErrorCode::csrf_failed, "missing or wrong X-CSRF-Token");
    return {};
}

}  // namespace

Result<service::SessionInfo> authenticate(ApiServices& services, const http::Request& request,
                                          Access access) {
    const std::string token = session_token(request);
    if (token.empty()) return make_error(ErrorCode::session_expired, "no session cookie");
    const bool pending_ok = access == Access::otp_step || access == Access::any_state_write;
    KAKUIN_TRY(auto session,
               services.sessions.authenticate(token, client_certificate(request), pending_ok));
    // A session made on the certificate listener lives there only; one made by ID/PIN only on
    // the https listener (the service already refuses a certificate mismatch).
    const bool on_mtls = request.listener == kMtlsListener;
    if (session.via_certificate != on_mtls)
        return make_error(ErrorCode::session_expired, "session of the other listener");
    if (access == Access::otp_step && session.active())
        return make_error(ErrorCode::invalid_request, "the OTP step is already done",
                          "ワンタイムパスワードは入力済みです。");
    if (access != Access::read) KAKUIN_TRY_STATUS(check_csrf(session, request));
    return session;
}

}  // namespace kakuin::api
