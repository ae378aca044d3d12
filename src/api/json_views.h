// JSON shapes of the API's objects (docs/api/openapi.yaml). Times are ISO 8601 UTC strings.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <optional>

#include "core/permissions.h"
#include "service/session_info.h"
#include "service/user_admin_service.h"
#include "store/store.h"

namespace kakuin::api {

boost::json::value time_or_null(const std::optional<TimePoint>& t);

// {"state","csrf_token","person":{"contract_id","user_id","role"},"previous_login_at"}
// + "certificate":{"serial","not_after"} when made with a certificate.
boost::json::object session_json(const service::SessionInfo& s);

// `sp`: where the objects are allocated. A list built in one monotonic_resource costs a few
// allocations instead of one per object and string (GET /api/v1/users, bench row 8).
boost::json::object certificate_json(const service::CertificateSummary& c,
                                     boost::json::storage_ptr sp = {});
boost::json::object permissions_json(const Permissions& p, boost::json::storage_ptr sp = {});
boost::json::object user_summary_json(const service::UserSummary& u,
                                      boost::json::storage_ptr sp = {});
boost::json::object user_detail_json(const service::UserDetail& u);
boost::json::object history_page_json(const store::HistoryPage& page);

// {"balance":{"allowed":true,"per_transaction":0,"per_day":0}, ...}; services not named
// are not allowed. Errors: invalid_request naming the field.
Result<Permissions> parse_permissions(const boost::json::value& v);

}  // namespace kakuin::api
