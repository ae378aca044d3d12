// Who a person is: a contract's administrator or one of its users.
#pragma once

#include <string>
#include <string_view>

namespace kakuin {

enum class Role { admin, user };

std::string_view role_name(Role r);  // "admin" / "user"

// A contract ID is 11 half-width digits (printed on the お客様カード).
bool is_valid_contract_id(std::string_view s);
// A user ID is 1..16 half-width alphanumerics, chosen by the administrator.
bool is_valid_user_id(std::string_view s);

// Identifies one person. The administrator has an empty user_id.
struct PersonKey {
    std::string contract_id;
    std::string user_id;

    Role role() const { return user_id.empty() ? Role::admin : Role::user; }
    static PersonKey admin(std::string contract) { return {std::move(contract), {}}; }
    static PersonKey user(std::string contract, std::string user) {
        return {std::move(contract), std::move(user)};
    }
    friend bool operator==(const PersonKey&, const PersonKey&) = default;
};

}  // namespace kakuin
