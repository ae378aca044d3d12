#include "http/response.h"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace kakuin::http {

Response Response::json(const boost::json::value& value, int status) {
    return json_text(boost::json::serialize(value), status);
}

Response Response::json_text(std::string serialized, int status) {
    return Response{status, "application/json; charset=utf-8", {}, std::move(serialized)};
}

namespace {
Response make_problem(ErrorCode code, int status, Lang lang, std::string_view detail,
                      std::string_view detail_ja) {
    const bool en = lang == Lang::en;
    std::string_view title = en ? error_message_en(code) : error_message_ja(code);
    std::string_view shown = title;
    if (!en && !detail_ja.empty()) shown = detail_ja;
    if (en && !detail.empty() && status < 500) shown = detail;

    boost::json::object o;
    o["type"] = "urn:kakuin:problem:" + std::string(error_code_name(code));
    o["title"] = title;
    o["status"] = status;
    o["code"] = error_code_name(code);
    o["detail"] = shown;
    Response r{status, "application/problem+json; charset=utf-8", {}, boost::json::serialize(o)};
    r.headers.set("Content-Language", en ? "en" : "ja");
    return r;
}
}  // namespace

Response Response::problem(ErrorCode code, Lang lang, std::string_view detail,
                           std::string_view detail_ja) {
    return make_problem(code, error_http_status(code), lang, detail, detail_ja);
}

Response Response::problem_with_status(ErrorCode code, int status, Lang lang) {
    return make_problem(code, status, lang, {}, {});
}

Response Response::problem(const Error& error, Lang lang) {
    return problem(error.code, lang, error.detail, error.detail_ja);
}

Response Response::problem(const Error& error, const Request& request) {
    return problem(error, preferred_lang(request));
}

Response Response::bytes(std::string content_type, std::string data, int status) {
    return Response{status, std::move(content_type), {}, std::move(data)};
}

}  // namespace kakuin::http
