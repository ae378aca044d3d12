#include "core/usage_history.h"

namespace kakuin {

Actor Actor::person(const PersonKey& p, std::optional<std::string> address) {
    return Actor{p.user_id.empty() ? std::string("admin") : "user:" + p.user_id, std::move(address)};
}

Actor Actor::bank(std::string_view staff_id, std::optional<std::string> address) {
    return Actor{"bank:" + std::string(staff_id), std::move(address)};
}

Actor Actor::system() { return Actor{"system", std::nullopt}; }

}  // namespace kakuin
