// `kakuin bank ...`: the bank's back office on the command line (R1, R3, R24; issue 5), the same
// operations and rules as the bank listener's API (docs/api/bank-api.md), run directly on the
// store. `staff add` bootstraps a staff member (prints the initial PIN and TOTP secret once);
// `login` asks for the PIN, then the OTP (never echoed), and writes the session token to a file
// of mode 0600; every other command acts as that staff member. Changes become pending requests
// that a different approver applies with `approve`, which prints the letter's secrets once.
#include <fcntl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "cli/config.h"
#include "cli/files.h"
#include "cli/store_open.h"
#include "core/clock.h"
#include "core/permissions.h"
#include "pki/ca.h"
#include "service/bank_service.h"
#include "service/certificate_service.h"
#include "service/change_request_service.h"
#include "service/context.h"
#include "service/staff_service.h"

namespace kakuin::cli {

namespace {

using service::ChangeKind;
using service::ChangeRequest;

constexpr std::size_t kMaxSecretLine = 128;
constexpr std::size_t kMaxSessionFileBytes = 256;

// Everything a bank command needs, loaded from DIR.
struct BankContext {
    Config config;
    std::unique_ptr<store::Store> store;
    std::unique_ptr<pki::IssuingCa> ca;
    SystemClock clock;
    pki::OsRandom random;
    std::unique_ptr<service::ServiceContext> services;
    std::unique_ptr<service::CertificateService> certs;
    std::unique_ptr<service::BankService> bank;
    std::unique_ptr<service::StaffService> staff;
    std::unique_ptr<service::ChangeRequestService> requests;
};

Result<std::unique_ptr<BankContext>> load(const std::string& data_dir) {
    auto ctx = std::make_unique<BankContext>();
    KAKUIN_TRY(ctx->config, load_config(data_dir));
    KAKUIN_TRY(ctx->store, open_store(ctx->config));
    KAKUIN_TRY(ctx->ca, pki::IssuingCa::load(ctx->config.ca));
    const PinHashConfig& ph = ctx->config.pin_hash;
    ctx->services = std::make_unique<service::ServiceContext>(service::ServiceContext{
        *ctx->store, *ctx->ca, ctx->clock, ctx->random, ctx->config.policy,
        auth::Argon2Params{static_cast<std::uint32_t>(ph.memory_kib),
                           static_cast<std::uint32_t>(ph.iterations),
                           static_cast<std::uint32_t>(ph.parallelism)}});
    ctx->certs = std::make_unique<service::CertificateService>(
        *ctx->store, *ctx->ca, ctx->clock, ctx->random, ctx->config.policy);
    ctx->bank = std::make_unique<service::BankService>(*ctx->services, *ctx->certs);
    ctx->staff = std::make_unique<service::StaffService>(*ctx->services);
    ctx->requests = std::make_unique<service::ChangeRequestService>(*ctx->services, *ctx->bank);
    return ctx;
}

// ---- The session file. ----

std::string session_path(const BankOptions& o) {
    if (!o.session_file.empty()) return o.session_file;
    if (const char* env = std::getenv("KAKUIN_BANK_SESSION"); env != nullptr && *env != '\0')
        return env;
    const char* home = std::getenv("HOME");
    return std::string(home != nullptr ? home : ".") + "/.kakuin-bank-session";
}

Status write_session(const std::string& path, const std::string& token) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) return make_error(ErrorCode::storage_failure, "cannot write the session file " + path);
    const std::string line = token + "\n";
    const bool ok = ::fchmod(fd, 0600) == 0 &&
                    ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
    const bool closed = ::close(fd) == 0;
    if (!ok || !closed)
        return make_error(ErrorCode::storage_failure, "cannot write the session file " + path);
    return {};
}

Result<std::string> read_session(const std::string& path) {
    const Error none = make_error(ErrorCode::session_expired, "no session file " + path,
                                  "ログインしていません。kakuin bank login でログインしてください。");
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return none;
    char buf[kMaxSessionFileBytes];
    const ssize_t n = ::read(fd, buf, sizeof buf);
    ::close(fd);
    if (n <= 0) return none;
    std::string token(buf, static_cast<std::size_t>(n));
    while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
    return token;
}

// ---- Secrets from the terminal (echo off) or from stdin lines. ----

class EchoOff {
public:
    EchoOff() {
        if (::tcgetattr(STDIN_FILENO, &saved_) != 0) return;
        termios t = saved_;
        t.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        active_ = ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &t) == 0;
    }
    ~EchoOff() {
        if (active_) ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_);
    }
    EchoOff(const EchoOff&) = delete;
    EchoOff& operator=(const EchoOff&) = delete;

private:
    termios saved_{};
    bool active_ = false;
};

Result<std::string> read_secret(const char* prompt) {
    const bool tty = ::isatty(STDIN_FILENO) != 0;
    std::string line;
    if (tty) {
        std::fprintf(stderr, "%s", prompt);
        std::fflush(stderr);
        EchoOff off;
        std::getline(std::cin, line);
        std::fprintf(stderr, "\n");
    } else {
        std::getline(std::cin, line);
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line.size() > kMaxSecretLine) {
        return make_error(ErrorCode::invalid_request, "no input", "入力がありません。");
    }
    return line;
}

// ---- Parsing options. ----

int report(const Status& s) {
    if (s.ok()) return 0;
    print_error(s.error());
    return 1;
}

Result<LoginMethod> parse_login_method(const std::string& s) {
    if (s == "id-pin" || s == "id_pin") return LoginMethod::id_pin;
    if (s == "certificate") return LoginMethod::certificate;
    return make_error(ErrorCode::invalid_request, "--login-method must be id-pin or certificate",
                      "ログイン方式は id-pin または certificate で指定してください。");
}

Result<std::int64_t> parse_yen(std::string_view s) {
    if (s.empty() || s.size() > 10) return make_error(ErrorCode::invalid_request, "bad amount");
    std::int64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return make_error(ErrorCode::invalid_request, "bad amount");
        v = v * 10 + (c - '0');
    }
    return v;
}

// "SERVICE=PER_TRANSACTION/PER_DAY"; the ranges are checked by the use case.
Status parse_upper_limit(const std::string& text, ContractLimits& limits) {
    const Error bad = make_error(ErrorCode::invalid_request, "--upper-limit must be SERVICE=PER_TRANSACTION/PER_DAY",
                                 "上限限度額は サービス名=1回あたり/1日あたり（円、半角数字）で指定してください。");
    const auto eq = text.find('=');
    const auto slash = text.find('/', eq == std::string::npos ? 0 : eq);
    if (eq == std::string::npos || slash == std::string::npos) return bad;
    auto service = business_service_from_name(std::string_view(text).substr(0, eq));
    if (!service) {
        return make_error(ErrorCode::invalid_request, "unknown service in --upper-limit",
                          "上限限度額のサービス名が正しくありません。");
    }
    auto per_tx = parse_yen(std::string_view(text).substr(eq + 1, slash - eq - 1));
    auto per_day = parse_yen(std::string_view(text).substr(slash + 1));
    if (!per_tx.ok() || !per_day.ok()) return bad;
    limits[*service] = ContractLimit{*per_tx, *per_day};
    return {};
}

// ---- Output. ----

void print_limits(const ContractLimits& limits) {
    for (std::size_t i = 0; i < kBusinessServiceCount; ++i) {
        const auto service = static_cast<BusinessService>(i);
        const ContractLimit& l = limits[service];
        if (l.per_transaction == 0 && l.per_day == 0) continue;
        std::printf("upper_limit: %s %lld/%lld\n", std::string(business_service_name(service)).c_str(),
                    static_cast<long long>(l.per_transaction), static_cast<long long>(l.per_day));
    }
}

void print_request_line(const ChangeRequest& r) {
    const store::ChangeRequestRecord& c = r.record;
    std::printf("%lld\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", static_cast<long long>(c.id),
                std::string(store::change_request_state_name(c.state)).c_str(), c.kind.c_str(),
                c.contract_id.c_str(), c.request_number.empty() ? "-" : c.request_number.c_str(),
                c.requested_by.c_str(), c.decided_by.value_or("-").c_str(),
                c.reason.empty() ? "-" : c.reason.c_str());
}

std::string kind_ja(ChangeKind k) {
    switch (k) {
        case ChangeKind::contract_create: return "契約法人の登録";
        case ChangeKind::contract_change: return "契約法人の変更";
        case ChangeKind::admin_certificate_reissue: return "管理者の電子証明書の再発行";
        case ChangeKind::admin_unlock: return "管理者のIDロック解除";
        case ChangeKind::admin_pin_reset: return "管理者の暗証番号の再設定";
        case ChangeKind::contract_suspend: return "契約法人の利用停止";
        case ChangeKind::contract_resume: return "契約法人の利用再開";
    }
    return "";
}

void print_slot(const CertificateSlot& slot) {
    const std::string deadline =
        slot.acquisition_deadline ? format_iso8601(*slot.acquisition_deadline) : std::string();
    std::printf("admin_certificate: registered for acquisition, issue %s, deadline %s\n",
                format_issue_number(slot.issue_number).c_str(), deadline.c_str());
    std::printf("管理者の電子証明書（発行番号 %s）を取得可能として登録しました。取得期限: %s\n",
                format_issue_number(slot.issue_number).c_str(), deadline.c_str());
}

// The approver's once-only answer: what goes on the bank's letter.
void print_result(const service::ApprovalResult& a) {
    const store::ChangeRequestRecord& r = a.request.record;
    std::printf("kakuin: 依頼 %lld（%s、契約法人 %s）を承認し、反映しました。\n",
                static_cast<long long>(r.id), kind_ja(a.request.kind).c_str(), r.contract_id.c_str());
    std::printf("request_id: %lld\nstate: %s\n", static_cast<long long>(r.id),
                std::string(store::change_request_state_name(r.state)).c_str());
    if (a.created) {
        const service::ContractCreated& c = *a.created;
        const LoginMethod m = c.contract.login_method;
        std::printf("kakuin: 契約法人 %s を登録しました（ログイン方式: %s）。\n",
                    c.contract.contract_id.c_str(),
                    m == LoginMethod::certificate ? "電子証明書方式" : "ID・暗証番号方式");
        std::printf("お客様へのご案内（書面）に記載してください。この画面以外には表示されません。\n");
        std::printf("contract_id: %s\n", c.contract.contract_id.c_str());
        std::printf("login_method: %s\n", std::string(login_method_name(m)).c_str());
        std::printf("admin_login_pin: %s\n", c.admin_login_pin.c_str());
        std::printf("admin_confirmation_pin: %s\n", c.admin_confirmation_pin.c_str());
        std::printf("admin_totp_secret_base32: %s\n", c.admin_totp_secret_base32.c_str());
        std::printf("admin_otpauth_uri: %s\n", c.admin_otpauth_uri.c_str());
        print_limits(a.request.payload.upper_limits.value_or(ContractLimits{}));
        if (c.admin_certificate) print_slot(*c.admin_certificate);
    }
    if (a.pins) {
        std::printf("kakuin: 契約法人 %s の管理者の暗証番号を再設定しました。書面でお客様にお知らせください。\n",
                    r.contract_id.c_str());
        std::printf("admin_login_pin: %s\n", a.pins->login_pin.c_str());
        std::printf("admin_confirmation_pin: %s\n", a.pins->confirmation_pin.c_str());
    }
    if (a.admin_certificate) {
        std::printf("kakuin: 契約法人 %s の管理者の電子証明書を失効し、再発行を登録しました（依頼書番号 %s）。\n",
                    r.contract_id.c_str(), r.request_number.c_str());
        print_slot(*a.admin_certificate);
    }
}

// ---- Commands. ----

Status staff_unlock(const BankOptions& o) {
    KAKUIN_TRY(auto ctx, load(o.data_dir));
    KAKUIN_TRY(std::string pin, ctx->staff->unlock_staff(o.staff_id, Actor::bank("cli")));
    std::printf("kakuin: 行員 %s のロックを解除し、暗証番号を再設定しました。新しい暗証番号はこの画面にのみ表示されます。\n",
                o.staff_id.c_str());
    std::printf("staff_id: %s\n", o.staff_id.c_str());
    std::printf("pin: %s\n", pin.c_str());
    return {};
}

Result<service::StaffIdentity> signed_in(BankContext& ctx, const BankOptions& o) {
    KAKUIN_TRY(std::string token, read_session(session_path(o)));
    KAKUIN_TRY(service::StaffSessionInfo info, ctx.staff->authenticate(token, false));
    return info.staff;
}

Status staff_add(const BankOptions& o) {
    store::StaffRole role;
    if (!store::staff_role_from_name(o.role, role)) {
        return make_error(ErrorCode::invalid_request, "--role must be operator or approver",
                          "役割は operator または approver で指定してください。");
    }
    KAKUIN_TRY(auto ctx, load(o.data_dir));
    KAKUIN_TRY(service::StaffCreated c,
               ctx->staff->add_staff(o.staff_id, o.staff_name, role, Actor::bank("cli")));
    std::printf("kakuin: 行員 %s（%s）を登録しました。初期暗証番号とTOTPシークレットはこの画面にのみ表示されます。\n",
                c.staff.staff_id.c_str(), std::string(store::staff_role_name(role)).c_str());
    std::printf("staff_id: %s\n", c.staff.staff_id.c_str());
    std::printf("role: %s\n", std::string(store::staff_role_name(role)).c_str());
    std::printf("pin: %s\n", c.pin.c_str());
    std::printf("totp_secret_base32: %s\n", c.totp_secret_base32.c_str());
    std::printf("otpauth_uri: %s\n", c.otpauth_uri.c_str());
    return {};
}

Status login(const BankOptions& o) {
    KAKUIN_TRY_STATUS(service::check_staff_id(o.staff_id));
    KAKUIN_TRY(auto ctx, load(o.data_dir));
    KAKUIN_TRY(std::string pin, read_secret("暗証番号 (PIN): "));
    KAKUIN_TRY(service::NewStaffSession session, ctx->staff->login(o.staff_id, pin, ""));
    KAKUIN_TRY(std::string otp, read_secret("ワンタイムパスワード (OTP): "));
    KAKUIN_TRY(service::StaffSessionInfo info, ctx->staff->submit_otp(session.token, otp, ""));
    const std::string path = session_path(o);
    KAKUIN_TRY_STATUS(write_session(path, session.token));
    std::printf("kakuin: 行員 %s（%s）としてログインしました。セッション: %s\n",
                info.staff.staff_id.c_str(), std::string(store::staff_role_name(info.staff.role)).c_str(),
                path.c_str());
    return {};
}

Status logout(const BankOptions& o) {
    KAKUIN_TRY(auto ctx, load(o.data_dir));
    const std::string path = session_path(o);
    KAKUIN_TRY(std::string token, read_session(path));
    Status done = ctx->staff->logout(token, "");
    ::unlink(path.c_str());
    KAKUIN_TRY_STATUS(done);
    std::printf("kakuin: ログオフしました。\n");
    return {};
}

Status contract_search(const BankOptions& o) {
    KAKUIN_TRY(auto ctx, load(o.data_dir));
    KAKUIN_TRY_STATUS(signed_in(*ctx, o));
    KAKUIN_TRY(auto found, ctx->bank->search_contracts(o.query, o.limit));
    for (const Contract& c : found) {
        std::printf("%s\t%s\t%s\t%s\t%s\n", c.contract_id.c_str(), c.name_kanji.c_str(),
                    c.name_kana.c_str(), std::string(login_method_name(c.login_method)).c_str(),
                    c.suspended ? "suspended" : "active");
    }
    std::printf("kakuin: %zu 件\n", found.size());
    return {};
}

Status contract_show(const BankOptions& o) {
    KAKUIN_TRY(auto ctx, load(o.data_dir));
    KAKUIN_TRY_STATUS(signed_in(*ctx, o));
    KAKUIN_TRY(service::ContractOverview v, ctx->bank->view_contract(o.contract_id));
    std::printf("contract_id: %s\nname: %s\nname_kana: %s\nlogin_method: %s\n",
                v.contract.contract_id.c_str(), v.contract.name_kanji.c_str(),
                v.contract.name_kana.c_str(),
                std::string(login_method_name(v.contract.login_method)).c_str());
    std::printf("suspended: %s\ntransactions_stopped: %s\ncreated_at: %s\n",
                v.contract.suspended ? "true" : "false",
                v.contract.transactions_stopped ? "true" : "false",
                format_iso8601(v.contract.created_at).c_str());
    print_limits(v.upper_limits);
    std::printf("admin_locked: %s\nadmin_failure_count: %d\nadmin_contact_email: %s\n",
                v.admin_locked ? "true" : "false", v.admin_failure_count,
                v.admin_contact_email.value_or("-").c_str());
    std::printf("admin_certificate: %s %s\n",
                v.admin_certificate.issue_number_text.empty() ? "-" : v.admin_certificate.issue_number_text.c_str(),
                v.admin_certificate.status_name.c_str());
    std::printf("users: %d\n", v.users);
    store::ChangeRequestQuery q;
    q.state = store::ChangeRequestState::pending;
    q.contract_id = o.contract_id;
    KAKUIN_TRY(auto pending, ctx->requests->list(q));
    for (const ChangeRequest& r : pending) {
        std::printf("pending_request: ");
        print_request_line(r);
    }
    return {};
}

Result<service::ChangeRequestInput> request_input(BankCommand command, const BankOptions& o) {
    service::ChangeRequestInput in;
    in.contract_id = o.contract_id;
    in.request_number = o.request_number;
    switch (command) {
        case BankCommand::contract_create: {
            in.kind = ChangeKind::contract_create;
            KAKUIN_TRY(LoginMethod m, parse_login_method(o.login_method));
            ContractLimits limits;
            for (const std::string& l : o.upper_limits) KAKUIN_TRY_STATUS(parse_upper_limit(l, limits));
            in.payload.name = o.name;
            in.payload.name_kana = o.name_kana;
            in.payload.login_method = m;
            in.payload.upper_limits = limits;
            if (!o.admin_contact_email.empty()) in.payload.admin_contact_email = o.admin_contact_email;
            break;
        }
        case BankCommand::contract_change: {
            in.kind = ChangeKind::contract_change;
            if (o.has_name) in.payload.name = o.name;
            if (o.has_name_kana) in.payload.name_kana = o.name_kana;
            if (o.has_login_method) {
                KAKUIN_TRY(LoginMethod m, parse_login_method(o.login_method));
                in.payload.login_method = m;
            }
            if (!o.upper_limits.empty()) {
                ContractLimits limits;
                for (const std::string& l : o.upper_limits)
                    KAKUIN_TRY_STATUS(parse_upper_limit(l, limits));
                in.payload.upper_limits = limits;
            }
            if (o.has_admin_contact_email) in.payload.admin_contact_email = o.admin_contact_email;
            break;
        }
        case BankCommand::contract_suspend: in.kind = ChangeKind::contract_suspend; break;
        case BankCommand::contract_resume: in.kind = ChangeKind::contract_resume; break;
        case BankCommand::admin_unlock: in.kind = ChangeKind::admin_unlock; break;
        case BankCommand::admin_reset_pins: in.kind = ChangeKind::admin_pin_reset; break;
        case BankCommand::admin_reissue: in.kind = ChangeKind::admin_certificate_reissue; break;
        default: return make_error(ErrorCode::internal_error, "not a change request command");
    }
    return in;
}

Status make_request(BankCommand command, const BankOptions& o) {
    KAKUIN_TRY(service::ChangeRequestInput in, request_input(command, o));
    KAKUIN_TRY(auto ctx, load(o.data_dir));
    KAKUIN_TRY(service::StaffIdentity me, signed_in(*ctx, o));
    KAKUIN_TRY(ChangeRequest r, ctx->requests->request(me, in, ""));
    std::printf("kakuin: 依頼 %lld（%s、契約法人 %s）を登録しました。別の承認者が承認すると反映されます。\n",
                static_cast<long long>(r.record.id), kind_ja(r.kind).c_str(),
                r.record.contract_id.c_str());
    std::printf("request_id: %lld\n", static_cast<long long>(r.record.id));
    return {};
}

Status list_requests(const BankOptions& o) {
    store::ChangeRequestQuery q;
    if (!o.state.empty()) {
        store::ChangeRequestState st;
        if (!store::change_request_state_from_name(o.state, st)) {
            return make_error(ErrorCode::invalid_request, "--state must be pending, applied, rejected or failed",
                              "状態は pending / applied / rejected / failed で指定してください。");
        }
        q.state = st;
    }
    if (!o.contract_id.empty()) q.contract_id = o.contract_id;
    KAKUIN_TRY(auto ctx, load(o.data_dir));
    KAKUIN_TRY_STATUS(signed_in(*ctx, o));
    KAKUIN_TRY(auto list, ctx->requests->list(q));
    std::printf("# id\tstate\tkind\tcontract_id\trequest_number\trequested_by\tdecided_by\treason\n");
    for (const ChangeRequest& r : list) print_request_line(r);
    return {};
}

Status approve(const BankOptions& o) {
    KAKUIN_TRY(auto ctx, load(o.data_dir));
    KAKUIN_TRY(service::StaffIdentity me, signed_in(*ctx, o));
    KAKUIN_TRY(service::ApprovalResult a, ctx->requests->approve(me, o.request_id, ""));
    print_result(a);
    return {};
}

Status reject(const BankOptions& o) {
    KAKUIN_TRY(auto ctx, load(o.data_dir));
    KAKUIN_TRY(service::StaffIdentity me, signed_in(*ctx, o));
    KAKUIN_TRY(ChangeRequest r, ctx->requests->reject(me, o.request_id, o.reason, ""));
    std::printf("kakuin: 依頼 %lld（%s、契約法人 %s）を却下しました。\n",
                static_cast<long long>(r.record.id), kind_ja(r.kind).c_str(),
                r.record.contract_id.c_str());
    std::printf("request_id: %lld\nstate: %s\n", static_cast<long long>(r.record.id),
                std::string(store::change_request_state_name(r.record.state)).c_str());
    return {};
}

Status dispatch(BankCommand command, const BankOptions& o) {
    switch (command) {
        case BankCommand::staff_add: return staff_add(o);
        case BankCommand::staff_unlock: return staff_unlock(o);
        case BankCommand::login: return login(o);
        case BankCommand::logout: return logout(o);
        case BankCommand::contract_search: return contract_search(o);
        case BankCommand::contract_show: return contract_show(o);
        case BankCommand::requests: return list_requests(o);
        case BankCommand::approve: return approve(o);
        case BankCommand::reject: return reject(o);
        default: return make_request(command, o);
    }
}

}  // namespace

int run_bank(BankCommand command, const BankOptions& o) { return report(dispatch(command, o)); }

}  // namespace kakuin::cli
