// `kakuin bank ...`: the bank's back office on the command line (R1, R3, R24). Staff run these
// from a paper application; printing the initial PINs and the TOTP provisioning URI of a new
// contract is the point of `contract create` (they go on the letter to the customer).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
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
#include "service/context.h"

namespace kakuin::cli {

namespace {

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
    return ctx;
}

// The staff member recorded in the usage history: the login name, else "cli".
Actor staff_actor() {
    const char* user = std::getenv("USER");
    std::string id = user != nullptr && *user != '\0' ? std::string(user) : std::string("cli");
    if (id.size() > 32) id.resize(32);
    return Actor::bank(id);
}

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

Status contract_create(const BankContractOptions& o) {
    KAKUIN_TRY(LoginMethod method, parse_login_method(o.login_method));
    ContractLimits limits;
    for (const std::string& l : o.upper_limits) KAKUIN_TRY_STATUS(parse_upper_limit(l, limits));
    KAKUIN_TRY(auto ctx, load(o.data_dir));
    service::ContractInput in;
    in.contract_id = o.contract_id;
    in.name = o.name;
    in.name_kana = o.name_kana;
    in.login_method = method;
    in.upper_limits = limits;
    KAKUIN_TRY(service::ContractCreated c, ctx->bank->create_contract(staff_actor(), in));
    std::printf("kakuin: 契約法人 %s を登録しました（ログイン方式: %s）。\n", c.contract.contract_id.c_str(),
                method == LoginMethod::certificate ? "電子証明書方式" : "ID・暗証番号方式");
    std::printf("お客様へのご案内（書面）に記載してください。この画面以外には表示されません。\n");
    std::printf("contract_id: %s\n", c.contract.contract_id.c_str());
    std::printf("login_method: %s\n", std::string(login_method_name(method)).c_str());
    std::printf("admin_login_pin: %s\n", c.admin_login_pin.c_str());
    std::printf("admin_confirmation_pin: %s\n", c.admin_confirmation_pin.c_str());
    std::printf("admin_totp_secret_base32: %s\n", c.admin_totp_secret_base32.c_str());
    std::printf("admin_otpauth_uri: %s\n", c.admin_otpauth_uri.c_str());
    for (std::size_t i = 0; i < kBusinessServiceCount; ++i) {
        const auto service = static_cast<BusinessService>(i);
        const ContractLimit& l = limits[service];
        if (l.per_transaction == 0 && l.per_day == 0) continue;
        std::printf("upper_limit: %s %lld/%lld\n", std::string(business_service_name(service)).c_str(),
                    static_cast<long long>(l.per_transaction), static_cast<long long>(l.per_day));
    }
    if (c.admin_certificate) {
        const std::string deadline = c.admin_certificate->acquisition_deadline
                                         ? format_iso8601(*c.admin_certificate->acquisition_deadline)
                                         : std::string();
        std::printf("admin_certificate: registered for acquisition, issue %s, deadline %s\n",
                    format_issue_number(c.admin_certificate->issue_number).c_str(), deadline.c_str());
        std::printf("管理者の電子証明書（発行番号 %s）を取得可能として登録しました。取得期限: %s\n",
                    format_issue_number(c.admin_certificate->issue_number).c_str(), deadline.c_str());
    }
    return {};
}

Status admin_unlock(const std::string& data_dir, const std::string& contract_id) {
    KAKUIN_TRY(auto ctx, load(data_dir));
    KAKUIN_TRY_STATUS(ctx->bank->unlock_admin(staff_actor(), contract_id));
    std::printf("kakuin: 契約法人 %s の管理者のIDロックを解除しました。\n", contract_id.c_str());
    return {};
}

Status admin_reissue(const std::string& data_dir, const std::string& contract_id,
                     const std::string& request_number) {
    KAKUIN_TRY(auto ctx, load(data_dir));
    KAKUIN_TRY(CertificateSlot slot,
               ctx->bank->reissue_admin_certificate(staff_actor(), contract_id, request_number));
    const std::string deadline =
        slot.acquisition_deadline ? format_iso8601(*slot.acquisition_deadline) : std::string();
    std::printf("kakuin: 契約法人 %s の管理者の電子証明書を失効し、再発行（発行番号 %s）を登録しました。取得期限: %s\n",
                contract_id.c_str(), format_issue_number(slot.issue_number).c_str(), deadline.c_str());
    std::printf("admin_certificate: registered for acquisition, issue %s, deadline %s\n",
                format_issue_number(slot.issue_number).c_str(), deadline.c_str());
    return {};
}

Status admin_reset_pins(const std::string& data_dir, const std::string& contract_id) {
    KAKUIN_TRY(auto ctx, load(data_dir));
    KAKUIN_TRY(auto pins, ctx->bank->reset_admin_pins(staff_actor(), contract_id));
    std::printf("kakuin: 契約法人 %s の管理者の暗証番号を再設定しました。書面でお客様にお知らせください。\n",
                contract_id.c_str());
    std::printf("admin_login_pin: %s\n", pins.login_pin.c_str());
    std::printf("admin_confirmation_pin: %s\n", pins.confirmation_pin.c_str());
    return {};
}

Status contract_suspend(const std::string& data_dir, const std::string& contract_id, bool suspend) {
    KAKUIN_TRY(auto ctx, load(data_dir));
    KAKUIN_TRY_STATUS(ctx->bank->set_suspended(staff_actor(), contract_id, suspend));
    std::printf("kakuin: 契約法人 %s の利用を%sしました。\n", contract_id.c_str(),
                suspend ? "停止" : "再開");
    return {};
}

}  // namespace

int run_bank_admin_reset_pins(const std::string& data_dir, const std::string& contract_id) {
    return report(admin_reset_pins(data_dir, contract_id));
}

int run_bank_contract_suspend(const std::string& data_dir, const std::string& contract_id,
                              bool suspend) {
    return report(contract_suspend(data_dir, contract_id, suspend));
}

int run_bank_contract_create(const BankContractOptions& o) { return report(contract_create(o)); }

int run_bank_admin_unlock(const std::string& data_dir, const std::string& contract_id) {
    return report(admin_unlock(data_dir, contract_id));
}

int run_bank_admin_reissue(const std::string& data_dir, const std::string& contract_id,
                           const std::string& request_number) {
    return report(admin_reissue(data_dir, contract_id, request_number));
}

}  // namespace kakuin::cli
