#include <gtest/gtest.h>

#include "core/permissions.h"

namespace kakuin {
namespace {

TEST(Permissions, NamesRoundTripAndAreUnique) {
    for (std::size_t i = 0; i < kBusinessServiceCount; ++i) {
        const auto s = static_cast<BusinessService>(i);
        auto back = business_service_from_name(business_service_name(s));
        ASSERT_TRUE(back.has_value()) << business_service_name(s);
        EXPECT_EQ(*back, s);
        EXPECT_FALSE(business_service_label_ja(s).empty());
    }
    EXPECT_FALSE(business_service_from_name("").has_value());
    EXPECT_FALSE(business_service_from_name("Balance").has_value());
    EXPECT_EQ(business_service_name(BusinessService::transfer_adhoc), "transfer_adhoc");
    EXPECT_EQ(business_service_label_ja(BusinessService::balance), "残高照会");
    EXPECT_FALSE(business_service_has_limits(BusinessService::balance));
    EXPECT_TRUE(business_service_has_limits(BusinessService::payroll));
}

TEST(Permissions, DefaultIsNothingAllowedAndValid) {
    Permissions p;
    for (const auto& sp : p.services) EXPECT_FALSE(sp.allowed);
    EXPECT_TRUE(check_permissions(p, ContractLimits{}).ok());
    EXPECT_EQ(permissions_summary_ja(p), "なし");
    for (const auto& sp : Permissions::all_allowed().services) EXPECT_TRUE(sp.allowed);
}

TEST(Permissions, LimitsWithinTheContractAreAccepted) {
    ContractLimits c;
    c[BusinessService::transfer_adhoc] = {1'000'000, 5'000'000};
    Permissions p;
    p[BusinessService::transfer_adhoc] = {true, 1'000'000, 5'000'000};
    p[BusinessService::payroll] = {true, kMaxLimitYen, kMaxLimitYen};  // no contract limit set
    EXPECT_TRUE(check_permissions(p, c).ok());
    p[BusinessService::transfer_adhoc] = {true, 0, 0};  // bank default
    EXPECT_TRUE(check_permissions(p, c).ok());
}

TEST(Permissions, AboveTheContractLimitIsRefusedNamingTheService) {
    ContractLimits c;
    c[BusinessService::transfer_adhoc] = {1'000'000, 5'000'000};
    Permissions p;
    p[BusinessService::transfer_adhoc] = {true, 1'000'001, 5'000'000};
    Status s = check_permissions(p, c);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, ErrorCode::invalid_request);
    EXPECT_NE(s.error().detail_ja.find("振込（都度指定）"), std::string::npos);
    EXPECT_NE(s.error().detail_ja.find("1000000円"), std::string::npos);
    p[BusinessService::transfer_adhoc] = {true, 1'000'000, 5'000'001};
    s = check_permissions(p, c);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, ErrorCode::invalid_request);
}

TEST(Permissions, OutOfRangeAndInconsistentLimitsAreRefused) {
    Permissions p;
    p[BusinessService::payroll] = {true, -1, 0};
    EXPECT_EQ(check_permissions(p, {}).error().code, ErrorCode::invalid_request);
    p[BusinessService::payroll] = {true, 0, kMaxLimitYen + 1};
    EXPECT_EQ(check_permissions(p, {}).error().code, ErrorCode::invalid_request);
    p[BusinessService::payroll] = {true, 200, 100};  // per transaction above per day
    Status s = check_permissions(p, {});
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.error().detail_ja.find("給与・賞与振込"), std::string::npos);
    Permissions q;
    q[BusinessService::balance] = {true, 100, 0};  // an inquiry has no amounts
    EXPECT_EQ(check_permissions(q, {}).error().code, ErrorCode::invalid_request);
}

TEST(Permissions, ContractLimitsAreChecked) {
    ContractLimits c;
    EXPECT_TRUE(check_contract_limits(c).ok());
    c[BusinessService::transfer_own] = {kMaxLimitYen, kMaxLimitYen};
    EXPECT_TRUE(check_contract_limits(c).ok());
    c[BusinessService::transfer_own] = {kMaxLimitYen + 1, 0};
    EXPECT_EQ(check_contract_limits(c).error().code, ErrorCode::invalid_request);
    c[BusinessService::transfer_own] = {10, 5};
    EXPECT_EQ(check_contract_limits(c).error().code, ErrorCode::invalid_request);
    ContractLimits d;
    d[BusinessService::statements] = {1, 1};
    EXPECT_EQ(check_contract_limits(d).error().code, ErrorCode::invalid_request);
}

TEST(Permissions, SummaryListsAllowedServicesInOrder) {
    Permissions p;
    p[BusinessService::transfer_adhoc].allowed = true;
    p[BusinessService::balance].allowed = true;
    EXPECT_EQ(permissions_summary_ja(p), "残高照会・振込（都度指定）");
}

}  // namespace
}  // namespace kakuin
