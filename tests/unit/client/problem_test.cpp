#include "client/problem.h"

#include <gtest/gtest.h>

#include <set>

namespace kakuin::client {
namespace {

TEST(Problem, ParsesProblemJson) {
    Failure f = parse_problem(
        R"({"type":"about:blank","title":"Unauthorized","status":401,"code":"pin_incorrect","detail":"暗証番号が正しくありません。あと2回で利用停止になります。"})",
        401, Lang::ja);
    EXPECT_EQ(f.kind, FailureKind::server_problem);
    EXPECT_EQ(f.code, "pin_incorrect");
    EXPECT_EQ(f.http_status, 401);
    EXPECT_EQ(f.message, "暗証番号が正しくありません。あと2回で利用停止になります。");
    EXPECT_EQ(describe(f, Lang::ja), "エラー: 暗証番号が正しくありません。あと2回で利用停止になります。 (pin_incorrect)");
    EXPECT_EQ(exit_code_for(f), kExitAuthentication);
}

TEST(Problem, FallsBackToOurTextWithoutDetail) {
    Failure ja = parse_problem(R"({"code":"locked","status":423})", 423, Lang::ja);
    EXPECT_EQ(ja.message, std::string(error_message_ja(ErrorCode::locked)));
    Failure en = parse_problem(R"({"code":"locked","status":423})", 423, Lang::en);
    EXPECT_EQ(en.message, std::string(error_message_en(ErrorCode::locked)));
    EXPECT_EQ(describe(en, Lang::en), "Error: " + en.message + " (locked)");
}

TEST(Problem, UnknownCodeKeepsTheServersWordsAndIsOther) {
    Failure f = parse_problem(R"({"code":"brand_new_code","title":"Something"})", 400, Lang::ja);
    EXPECT_EQ(f.code, "brand_new_code");
    EXPECT_EQ(f.message, "Something");
    EXPECT_EQ(exit_code_for(f), kExitOther);
    Failure bare = parse_problem(R"({"code":"brand_new_code"})", 400, Lang::ja);
    EXPECT_FALSE(bare.message.empty());
}

TEST(Problem, BadBodiesAreInvalidResponses) {
    for (const char* body : {"", "not json", "[]", "{}", R"({"code":5})", R"({"detail":"x"})", "{\"code\":"}) {
        Failure f = parse_problem(body, 500, Lang::ja);
        EXPECT_EQ(f.kind, FailureKind::response_invalid) << body;
        EXPECT_EQ(f.code, "response_invalid");
        EXPECT_EQ(exit_code_for(f), kExitNetwork);
    }
}

TEST(Problem, ExitCodeForEveryNamedCode) {
    const std::pair<const char*, int> cases[] = {
        {"pin_incorrect", 3}, {"otp_incorrect", 3}, {"otp_reused", 3}, {"locked", 3},
        {"acquisition_not_registered", 4}, {"acquisition_deadline_passed", 4},
        {"acquisition_already_used", 4}, {"csr_invalid", 5}, {"csr_signature_invalid", 5},
        {"csr_trailing_data", 5}, {"csr_too_large", 5}, {"key_too_weak", 5},
        {"key_not_allowed", 5}, {"server_unreachable", 6}, {"server_untrusted", 6}, {"tls_failed", 6},
        {"timeout", 6}, {"response_invalid", 6}, {"invalid_request", 1}, {"internal_error", 1},
        {"storage_failure", 1}, {"usage", 2}, {"something_else", 1}};
    for (const auto& [code, exit] : cases) {
        EXPECT_EQ(exit_code_for_code(code), exit) << code;
        Failure f;
        f.kind = FailureKind::server_problem;
        f.code = code;
        if (std::string_view(code) != "usage") {
            EXPECT_EQ(exit_code_for(f), exit) << code;
        }
    }
    // The constants are what the help text promises.
    EXPECT_EQ(kExitUsage, 2);
    EXPECT_EQ(kExitAuthentication, 3);
    EXPECT_EQ(kExitAcquisitionState, 4);
    EXPECT_EQ(kExitCsrOrKey, 5);
    EXPECT_EQ(kExitNetwork, 6);
}

TEST(Problem, NetworkFailuresHaveTheirOwnWords) {
    const FailureKind kinds[] = {FailureKind::server_unreachable, FailureKind::server_untrusted,
                                 FailureKind::tls_failed, FailureKind::timeout,
                                 FailureKind::response_invalid};
    std::set<std::string> seen;
    for (FailureKind k : kinds) {
        Failure ja = network_failure(k, Lang::ja, "curl detail");
        Failure en = network_failure(k, Lang::en);
        EXPECT_EQ(exit_code_for(ja), kExitNetwork);
        EXPECT_EQ(ja.technical, "curl detail");
        EXPECT_NE(ja.message, en.message);
        EXPECT_TRUE(seen.insert(ja.message).second) << ja.message;
        EXPECT_EQ(ja.code, en.code);
    }
    EXPECT_NE(network_failure(FailureKind::server_untrusted, Lang::ja).message.find("--ca-file"),
              std::string::npos);
    EXPECT_NE(network_failure(FailureKind::timeout, Lang::ja).message.find("タイムアウト"), std::string::npos);
}

TEST(Problem, LocalFailuresUseTheJapaneseDetail) {
    Error e = make_error(ErrorCode::internal_error, "mkdir /x: Permission denied", "フォルダを作成できません。");
    Failure ja = local_failure(e, Lang::ja);
    EXPECT_EQ(ja.message, "フォルダを作成できません。");
    EXPECT_EQ(ja.technical, "mkdir /x: Permission denied");
    EXPECT_EQ(exit_code_for(ja), kExitOther);
    Failure en = local_failure(e, Lang::en);
    EXPECT_EQ(en.message, std::string(error_message_en(ErrorCode::internal_error)));
    Failure key = local_failure(make_error(ErrorCode::key_not_allowed), Lang::ja);
    EXPECT_EQ(exit_code_for(key), kExitCsrOrKey);
    EXPECT_EQ(exit_code_for(usage_failure("x")), kExitUsage);
}

}  // namespace
}  // namespace kakuin::client
