#include "service/usage.h"

namespace kakuin::service {

UsageRecord usage(const Actor& actor, const PersonKey& target, std::string_view kind, TimePoint at,
                  std::string detail) {
    UsageRecord r;
    r.at = at;
    r.contract_id = target.contract_id;
    r.actor = actor.id;
    r.target_user_id = target.user_id;
    r.kind = std::string(kind);
    r.source_address = actor.source_address;
    r.result = "ok";
    r.detail = std::move(detail);
    return r;
}

}  // namespace kakuin::service
