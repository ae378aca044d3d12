// Stable error codes shared by every layer; the API maps them to problem+json.
#pragma once

#include <string>
#include <string_view>

namespace kakuin {

// X(code, http_status, japanese_message, english_message)
// The code's spelling is part of the public API: never rename one.
#define KAKUIN_ERROR_CODES(X)                                                                     \
    X(invalid_request, 400, "入力内容に誤りがあります。", "The request is invalid.")               \
    X(pin_incorrect, 401, "暗証番号が正しくありません。", "The PIN is incorrect.")                 \
    X(otp_incorrect, 401, "ワンタイムパスワードが正しくありません。", "The one-time password is incorrect.") \
    X(otp_reused, 401, "このワンタイムパスワードは既に使用されています。次のワンタイムパスワードを入力してください。", \
      "This one-time password has already been used. Enter the next one.")                         \
    X(locked, 423, "IDがロックされています。管理者（管理者の場合はお取引店）に解除を依頼してください。", \
      "The ID is locked. Ask your administrator (administrators: the bank) to unlock it.")        \
    X(confirmation_pin_incorrect, 401, "契約法人確認暗証番号が正しくありません。",                 \
      "The contract confirmation PIN is incorrect.")                                               \
    X(forbidden, 403, "この操作を行う権限がありません。", "You are not allowed to do this.")       \
    X(not_found, 404, "対象が見つかりません。", "Not found.")                                      \
    X(conflict, 409, "他の操作と競合しました。もう一度お試しください。", "The operation conflicted with another. Try again.") \
    X(certificate_required, 401, "電子証明書が提示されていません。", "No client certificate was presented.") \
    X(certificate_revoked, 401, "この電子証明書は失効しています。", "This certificate has been revoked.") \
    X(certificate_expired, 401, "この電子証明書は有効期限が切れています。", "This certificate has expired.") \
    X(certificate_wrong_role, 403, "この電子証明書ではこの画面にログインできません。",            \
      "This certificate cannot log in to this portal.")                                            \
    X(certificate_not_current, 401, "この電子証明書は現在の電子証明書ではありません。新しい電子証明書を選択してください。", \
      "This is not the current certificate. Choose the new certificate.")                         \
    X(certificate_login_only, 403, "電子証明書が発行済みのため、電子証明書方式でログインしてください。", \
      "A certificate has been issued: log in with the certificate.")                               \
    X(certificate_state_invalid, 409, "電子証明書の状態により、この操作はできません。",            \
      "The certificate's state does not allow this operation.")                                    \
    X(acquisition_not_registered, 409, "電子証明書の発行データが登録されていません。",             \
      "No certificate issuance is registered for acquisition.")                                    \
    X(acquisition_deadline_passed, 409, "電子証明書の取得期限を過ぎています。管理者に再発行を依頼してください。", \
      "The acquisition deadline has passed. Ask for a reissue.")                                   \
    X(acquisition_already_used, 409, "この発行データの電子証明書は既に取得・使用されています。",   \
      "The certificate of this issuance has already been acquired and used.")                     \
    X(not_in_renewal_window, 409, "現在は電子証明書の更新期間ではありません。",                    \
      "The certificate is not in its renewal window.")                                             \
    X(csr_invalid, 400, "証明書発行要求（CSR）の形式が正しくありません。", "The CSR is malformed.") \
    X(csr_signature_invalid, 400, "証明書発行要求（CSR）の署名が正しくありません。",               \
      "The CSR's signature does not verify.")                                                      \
    X(csr_trailing_data, 400, "証明書発行要求（CSR）の後ろに余分なデータがあります。",             \
      "The CSR is followed by extra data.")                                                        \
    X(csr_too_large, 413, "証明書発行要求（CSR）が大きすぎます。", "The CSR is too large.")         \
    X(key_too_weak, 400, "鍵の長さが不足しています。", "The key is too weak.")                      \
    X(key_not_allowed, 400, "この種類の鍵は利用できません。", "This key type is not allowed.")      \
    X(ocsp_request_invalid, 400, "OCSP要求の形式が正しくありません。", "The OCSP request is malformed.") \
    X(session_expired, 401, "一定時間操作がなかったため、ログオフしました。再度ログインしてください。", \
      "Your session has ended. Log in again.")                                                     \
    X(csrf_failed, 403, "不正な画面遷移です。最初から操作をやり直してください。",                  \
      "The request was not made from this site's screens. Start again.")                          \
    X(contract_suspended, 403, "ご契約は現在ご利用いただけません。", "The contract is suspended.") \
    X(four_eyes_required, 403, "依頼者本人は承認できません。別の承認者が承認してください。",            \
      "The requester cannot approve their own request: another approver must.")                   \
    X(request_not_pending, 409, "この依頼は既に処理されています。", "The request is no longer pending.") \
    X(method_not_allowed, 405, "この操作はできません。", "This method is not allowed for this resource.") \
    X(request_too_large, 413, "送信されたデータが大きすぎます。", "The request is too large.")          \
    X(config_invalid, 500, "設定ファイルに誤りがあります。", "The configuration is invalid.")      \
    X(crypto_failure, 500, "暗号処理でエラーが発生しました。", "A cryptographic operation failed.") \
    X(storage_failure, 503, "ただいまお取扱いできません。しばらくしてから再度お試しください。",    \
      "The service is temporarily unavailable. Try again later.")                                  \
    X(internal_error, 500, "システムエラーが発生しました。", "An internal error occurred.")

enum class ErrorCode {
#define KAKUIN_X(code, status, ja, en) code,
    KAKUIN_ERROR_CODES(KAKUIN_X)
#undef KAKUIN_X
};

// The stable wire name, e.g. "pin_incorrect".
std::string_view error_code_name(ErrorCode code);
int error_http_status(ErrorCode code);
std::string_view error_message_ja(ErrorCode code);
std::string_view error_message_en(ErrorCode code);
// Inverse of error_code_name; false when the name is unknown.
bool error_code_from_name(std::string_view name, ErrorCode& out);

// An expected failure. `detail` is for logs and operators (English, never a secret);
// screens show error_message_ja(code) or a more specific Japanese text in `detail_ja`.
struct Error {
    ErrorCode code = ErrorCode::internal_error;
    std::string detail;
    std::string detail_ja;  // empty: use error_message_ja(code)
};

inline Error make_error(ErrorCode code, std::string detail = {}, std::string detail_ja = {}) {
    return Error{code, std::move(detail), std::move(detail_ja)};
}

}  // namespace kakuin
