// Permissions and limits per service (R15): what each user may do and up to which amount, never
// above the contract's upper limits (上限限度額). Pure: no I/O.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace kakuin {

// The services of the seeds (000, 001, 004). The names are part of the API and the store.
enum class BusinessService : int {
    balance = 0,            // 残高照会
    statements,             // 入出金明細照会
    history,                // 取引履歴照会
    transfer_own,           // 資金移動(振替)
    transfer_registered,    // 振込 事前登録
    transfer_adhoc,         // 振込 都度指定
    scheduled_inquiry,      // 資金移動予約照会
    scheduled_cancel,       // 資金移動予約取消
    bulk_transfer,          // 総合振込
    payroll,                // 給与・賞与振込
    direct_debit,           // 口座振替
    file_register,          // 外部ファイル送信 登録
    file_approve,           // 外部ファイル送信 承認
    file_send,              // 外部ファイル送信 送信
    tax_payment,            // 収納サービス
};
inline constexpr std::size_t kBusinessServiceCount = 15;

std::string_view business_service_name(BusinessService s);     // "balance", "transfer_adhoc", ...
std::string_view business_service_label_ja(BusinessService s);  // "残高照会", "振込（都度指定）", ...
std::optional<BusinessService> business_service_from_name(std::string_view name);
// Whether the service moves money (and so has amount limits); inquiries have none.
bool business_service_has_limits(BusinessService s);

// Largest amount a limit may hold: 9,999,999,999 yen.
inline constexpr std::int64_t kMaxLimitYen = 9'999'999'999;

// One service of one person. Limits in yen; 0 means "the bank's default" (seed 001).
struct ServicePermission {
    bool allowed = false;
    std::int64_t per_transaction = 0;
    std::int64_t per_day = 0;
    friend bool operator==(const ServicePermission&, const ServicePermission&) = default;
};

// Every service of one person, indexed by BusinessService. Default: nothing allowed.
struct Permissions {
    std::array<ServicePermission, kBusinessServiceCount> services{};
    ServicePermission& operator[](BusinessService s) { return services[static_cast<std::size_t>(s)]; }
    const ServicePermission& operator[](BusinessService s) const {
        return services[static_cast<std::size_t>(s)];
    }
    // Everything allowed with limits 0 (the bank's default): the administrator's own view.
    static Permissions all_allowed();
    friend bool operator==(const Permissions&, const Permissions&) = default;
};

// A contract's upper limits per service (上限限度額). 0 = no contract limit beyond kMaxLimitYen.
struct ContractLimit {
    std::int64_t per_transaction = 0;
    std::int64_t per_day = 0;
    friend bool operator==(const ContractLimit&, const ContractLimit&) = default;
};
struct ContractLimits {
    std::array<ContractLimit, kBusinessServiceCount> services{};
    ContractLimit& operator[](BusinessService s) { return services[static_cast<std::size_t>(s)]; }
    const ContractLimit& operator[](BusinessService s) const {
        return services[static_cast<std::size_t>(s)];
    }
    friend bool operator==(const ContractLimits&, const ContractLimits&) = default;
};

// Limits in [0, kMaxLimitYen]; per_transaction <= per_day when both are set.
// Errors: invalid_request with a Japanese detail naming the service.
Status check_contract_limits(const ContractLimits& limits);

// Each limit in [0, kMaxLimitYen], per_transaction <= per_day when both are set, and never
// above the contract's upper limit (when that is set). Limits on a service without amounts
// must be 0. Errors: invalid_request with a Japanese detail naming the service.
Status check_permissions(const Permissions& p, const ContractLimits& contract);

// A short summary for the user list (R12), e.g. "残高照会・振込（都度指定）" or "なし".
std::string permissions_summary_ja(const Permissions& p);

}  // namespace kakuin
