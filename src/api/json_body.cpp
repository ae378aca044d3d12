#include "api/json_body.h"

#include <boost/json/parse.hpp>
#include <boost/json/parse_options.hpp>
#include <boost/json/value.hpp>

#include "http/headers.h"

namespace kakuin::api {

namespace json = boost::json;

Error field_error(std::string_view field, std::string_view english_reason) {
    return make_error(ErrorCode::invalid_request,
                      "field \"" + std::string(field) + "\": " + std::string(english_reason),
                      "「" + std::string(field) + "」の値が正しくありません。");
}

Result<json::object> parse_json_object(const http::Request& request,
                                       std::initializer_list<std::string_view> allowed) {
    if (auto ct = request.header("Content-Type")) {
        const std::string_view media = ct->substr(0, ct->find(';'));
        if (!http::iequals(media, "application/json"))
            return make_error(ErrorCode::invalid_request, "Content-Type must be application/json",
                              "送信形式はapplication/jsonにしてください。");
    }
    if (request.body.size() > kMaxJsonBodyBytes)
        return make_error(ErrorCode::request_too_large, "JSON body too large");
    json::parse_options options;
    options.max_depth = 8;
    boost::system::error_code ec;
    json::value v = json::parse(request.body, ec, {}, options);
    if (ec)
        return make_error(ErrorCode::invalid_request, "the body is not valid JSON",
                          "送信されたデータの形式（JSON）が正しくありません。");
    if (!v.is_object())
        return make_error(ErrorCode::invalid_request, "the body must be a JSON object",
                          "送信されたデータはJSONオブジェクトである必要があります。");
    json::object o = std::move(v.as_object());
    for (const auto& kv : o) {
        bool known = false;
        for (auto a : allowed) known = known || kv.key() == a;
        if (!known) {
            // Only a printable-ASCII key is echoed, cut short, never the value.
            std::string key(kv.key().substr(0, 40));
            for (char& c : key)
                if (c < 0x20 || c > 0x7e) c = '?';
            return make_error(ErrorCode::invalid_request, "unknown field \"" + key + "\"",
                              "「" + key + "」は指定できない項目です。");
        }
    }
    return o;
}

Result<std::optional<std::string>> optional_string(const json::object& o, std::string_view field,
                                                   std::size_t max_length) {
    const json::value* v = o.if_contains(field);
    if (!v || v->is_null()) return std::optional<std::string>{};
    if (!v->is_string()) return field_error(field, "must be a string");
    const auto& s = v->get_string();
    if (s.empty()) return field_error(field, "must not be empty");
    if (s.size() > max_length) return field_error(field, "too long");
    return std::optional<std::string>{std::string(s)};
}

Result<std::string> required_string(const json::object& o, std::string_view field,
                                    std::size_t max_length) {
    KAKUIN_TRY(auto s, optional_string(o, field, max_length));
    if (!s)
        return make_error(ErrorCode::invalid_request,
                          "field \"" + std::string(field) + "\" is required",
                          "「" + std::string(field) + "」を入力してください。");
    return std::move(*s);
}

Result<std::optional<bool>> optional_bool(const json::object& o, std::string_view field) {
    const json::value* v = o.if_contains(field);
    if (!v || v->is_null()) return std::optional<bool>{};
    if (!v->is_bool()) return field_error(field, "must be true or false");
    return std::optional<bool>{v->get_bool()};
}

}  // namespace kakuin::api
