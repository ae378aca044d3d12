#include "core/identity.h"

namespace kakuin {

std::string_view role_name(Role r) { return r == Role::admin ? "admin" : "user"; }

bool is_valid_contract_id(std::string_view s) {
    if (s.size() != 11) return false;
    for (char c : s)
        if (c < '0' || c > '9') return false;
    return true;
}

bool is_valid_user_id(std::string_view s) {
    if (s.empty() || s.size() > 16) return false;
    for (char c : s) {
        const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        if (!alnum) return false;
    }
    return true;
}

}  // namespace kakuin
