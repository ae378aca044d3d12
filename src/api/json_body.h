// Strict JSON request bodies: an object with known fields of the expected types only.
// Every refusal is invalid_request with a Japanese detail that names the field.
#pragma once

#include <boost/json/object.hpp>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "http/request.h"

namespace kakuin::api {

// Largest JSON body any API route accepts (also the routes' body limit).
inline constexpr std::size_t kMaxJsonBodyBytes = 16 * 1024;

// Parses the body as one JSON object (Content-Type application/json when given). Fields
// outside `allowed` are refused.
Result<boost::json::object> parse_json_object(const http::Request& request,
                                              std::initializer_list<std::string_view> allowed);

// A string field; invalid_request when absent (required), not a string, empty, or longer
// than max_length bytes.
Result<std::string> required_string(const boost::json::object& o, std::string_view field,
                                    std::size_t max_length = 256);
Result<std::optional<std::string>> optional_string(const boost::json::object& o,
                                                   std::string_view field,
                                                   std::size_t max_length = 256);
Result<std::optional<bool>> optional_bool(const boost::json::object& o, std::string_view field);

// invalid_request naming `field` ("「field」の値が正しくありません。").
Error field_error(std::string_view field, std::string_view english_reason);

}  // namespace kakuin::api
