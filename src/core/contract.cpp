#include "core/contract.h"

namespace kakuin {

std::string_view login_method_name(LoginMethod m) {
    return m == LoginMethod::certificate ? "certificate" : "id_pin";
}

bool login_method_from_name(std::string_view s, LoginMethod& out) {
    if (s == "id_pin") out = LoginMethod::id_pin;
    else if (s == "certificate") out = LoginMethod::certificate;
    else return false;
    return true;
}

std::string_view authority_name(Authority a) {
    return a == Authority::approver ? "approver" : "general";
}

bool authority_from_name(std::string_view s, Authority& out) {
    if (s == "approver") out = Authority::approver;
    else if (s == "general") out = Authority::general;
    else return false;
    return true;
}

}  // namespace kakuin
