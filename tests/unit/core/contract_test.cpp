#include "core/contract.h"
#include "core/usage_history.h"

#include <gtest/gtest.h>

namespace kakuin {
namespace {

TEST(Contract, NamesRoundTrip) {
    for (LoginMethod m : {LoginMethod::id_pin, LoginMethod::certificate}) {
        LoginMethod back{};
        ASSERT_TRUE(login_method_from_name(login_method_name(m), back));
        EXPECT_EQ(back, m);
    }
    for (Authority a : {Authority::approver, Authority::general}) {
        Authority back{};
        ASSERT_TRUE(authority_from_name(authority_name(a), back));
        EXPECT_EQ(back, a);
    }
    LoginMethod m{};
    EXPECT_FALSE(login_method_from_name("pin", m));
    Authority a{};
    EXPECT_FALSE(authority_from_name("", a));
}

TEST(Actor, Ids) {
    EXPECT_EQ(Actor::person(PersonKey::admin("00009876543")).id, "admin");
    EXPECT_EQ(Actor::person(PersonKey::user("00009876543", "riyousya")).id, "user:riyousya");
    EXPECT_EQ(Actor::bank("staff1", "10.0.0.1").id, "bank:staff1");
    EXPECT_EQ(Actor::bank("staff1", "10.0.0.1").source_address, "10.0.0.1");
    EXPECT_EQ(Actor::system().id, "system");
}

}  // namespace
}  // namespace kakuin
