// Building usage-history records for the use cases.
#pragma once

#include <string>
#include <string_view>

#include "core/usage_history.h"

namespace kakuin::service {

// A successful event done by `actor` to `target` (the record's contract is the target's).
UsageRecord usage(const Actor& actor, const PersonKey& target, std::string_view kind, TimePoint at,
                  std::string detail);

}  // namespace kakuin::service
