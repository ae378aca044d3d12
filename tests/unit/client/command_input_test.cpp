#include "client/command_input.h"

#include <gtest/gtest.h>

#include <fstream>

#include "test_ca.h"

namespace kakuin::client {
namespace {

TEST(IdOrCaFileProblem, AcceptsWellFormedIdsAndAReadableCaFile) {
    testing::TempDir dir;
    const std::string ca = dir.file("ca.pem");
    std::ofstream(ca) << "x";
    const std::string contract = "00009876543";
    EXPECT_FALSE(id_or_ca_file_problem(Lang::ja, &contract, std::string("riyousya"), ca));
    EXPECT_FALSE(id_or_ca_file_problem(Lang::ja, nullptr, std::nullopt, ca));  // both optional
}

TEST(IdOrCaFileProblem, NamesTheFirstBadArgumentInEitherLanguage) {
    testing::TempDir dir;
    const std::string ca = dir.file("ca.pem");
    std::ofstream(ca) << "x";
    for (const std::string& bad : {std::string(), std::string("0000987654x"), std::string(33, '1')}) {
        auto p = id_or_ca_file_problem(Lang::ja, &bad, std::nullopt, ca);
        ASSERT_TRUE(p) << bad;
        EXPECT_NE(p->find("--contract-id"), std::string::npos) << *p;
    }
    for (const std::string& bad : {std::string(), std::string("riyou sya"), std::string(65, 'a')}) {
        auto p = id_or_ca_file_problem(Lang::en, nullptr, bad, ca);
        ASSERT_TRUE(p) << bad;
        EXPECT_EQ(*p, "--user-id must be letters and digits.");
    }
    auto missing = id_or_ca_file_problem(Lang::en, nullptr, std::nullopt, dir.file("none.pem"));
    ASSERT_TRUE(missing);
    EXPECT_NE(missing->find("--ca-file"), std::string::npos) << *missing;
    // The contract ID is checked first, the CA file last.
    const std::string bad_contract = "x";
    auto first = id_or_ca_file_problem(Lang::en, &bad_contract, std::string("a b"), dir.file("none.pem"));
    ASSERT_TRUE(first);
    EXPECT_EQ(*first, "--contract-id must be digits.");
}

}  // namespace
}  // namespace kakuin::client
