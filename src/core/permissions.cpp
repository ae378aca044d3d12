#include "core/permissions.h"

namespace kakuin {

namespace {

struct ServiceInfo {
    std::string_view name;
    std::string_view label_ja;
    bool has_limits;
};

constexpr std::array<ServiceInfo, kBusinessServiceCount> kServices = {{
    {"balance", "残高照会", false},
    {"statements", "入出金明細照会", false},
    {"history", "取引履歴照会", false},
    {"transfer_own", "資金移動（振替）", true},
    {"transfer_registered", "振込（事前登録）", true},
    {"transfer_adhoc", "振込（都度指定）", true},
    {"scheduled_inquiry", "資金移動予約照会", false},
    {"scheduled_cancel", "資金移動予約取消", false},
    {"bulk_transfer", "総合振込", true},
    {"payroll", "給与・賞与振込", true},
    {"direct_debit", "口座振替", true},
    {"file_register", "外部ファイル送信（登録）", false},
    {"file_approve", "外部ファイル送信（承認）", true},
    {"file_send", "外部ファイル送信（送信）", false},
    {"tax_payment", "収納サービス", true},
}};

const ServiceInfo& info(BusinessService s) { return kServices[static_cast<std::size_t>(s)]; }

Error limit_error(BusinessService s, const std::string& what_en, const std::string& what_ja) {
    return make_error(ErrorCode::invalid_request,
                      std::string(business_service_name(s)) + ": " + what_en,
                      std::string(business_service_label_ja(s)) + "の" + what_ja);
}

bool in_range(std::int64_t v) { return v >= 0 && v <= kMaxLimitYen; }

}  // namespace

std::string_view business_service_name(BusinessService s) { return info(s).name; }
std::string_view business_service_label_ja(BusinessService s) { return info(s).label_ja; }
bool business_service_has_limits(BusinessService s) { return info(s).has_limits; }

std::optional<BusinessService> business_service_from_name(std::string_view name) {
    for (std::size_t i = 0; i < kServices.size(); ++i) {
        if (kServices[i].name == name) return static_cast<BusinessService>(i);
    }
    return std::nullopt;
}

Permissions Permissions::all_allowed() {
    Permissions p;
    for (auto& sp : p.services) sp.allowed = true;
    return p;
}

Status check_contract_limits(const ContractLimits& limits) {
    for (std::size_t i = 0; i < kBusinessServiceCount; ++i) {
        const auto s = static_cast<BusinessService>(i);
        const ContractLimit& l = limits[s];
        if (!in_range(l.per_transaction) || !in_range(l.per_day)) {
            return limit_error(s, "upper limit out of range 0..9999999999",
                               "上限限度額は0円から9,999,999,999円までで指定してください。");
        }
        if (!business_service_has_limits(s) && (l.per_transaction != 0 || l.per_day != 0)) {
            return limit_error(s, "this service has no amount limits",
                               "限度額は指定できません。");
        }
        if (l.per_transaction != 0 && l.per_day != 0 && l.per_transaction > l.per_day) {
            return limit_error(s, "per-transaction upper limit above the per-day one",
                               "1回あたりの上限限度額が1日あたりの上限限度額を超えています。");
        }
    }
    return {};
}

Status check_permissions(const Permissions& p, const ContractLimits& contract) {
    for (std::size_t i = 0; i < kBusinessServiceCount; ++i) {
        const auto s = static_cast<BusinessService>(i);
        const ServicePermission& sp = p[s];
        if (!in_range(sp.per_transaction) || !in_range(sp.per_day)) {
            return limit_error(s, "limit out of range 0..9999999999",
                               "限度額は0円から9,999,999,999円までで指定してください。");
        }
        if (!business_service_has_limits(s) && (sp.per_transaction != 0 || sp.per_day != 0)) {
            return limit_error(s, "this service has no amount limits", "限度額は指定できません。");
        }
        if (sp.per_transaction != 0 && sp.per_day != 0 && sp.per_transaction > sp.per_day) {
            return limit_error(s, "per-transaction limit above the per-day limit",
                               "1回あたりの限度額が1日あたりの限度額を超えています。");
        }
        const ContractLimit& c = contract[s];
        if (c.per_transaction != 0 && sp.per_transaction > c.per_transaction) {
            return limit_error(s, "per-transaction limit above the contract's upper limit",
                               "1回あたりの限度額が契約の上限限度額（" +
                                   std::to_string(c.per_transaction) + "円）を超えています。");
        }
        if (c.per_day != 0 && sp.per_day > c.per_day) {
            return limit_error(s, "per-day limit above the contract's upper limit",
                               "1日あたりの限度額が契約の上限限度額（" +
                                   std::to_string(c.per_day) + "円）を超えています。");
        }
    }
    return {};
}

std::string permissions_summary_ja(const Permissions& p) {
    std::string out;
    for (std::size_t i = 0; i < kBusinessServiceCount; ++i) {
        const auto s = static_cast<BusinessService>(i);
        if (!p[s].allowed) continue;
        if (!out.empty()) out += "・";
        out += business_service_label_ja(s);
    }
    return out.empty() ? std::string("なし") : out;
}

}  // namespace kakuin
