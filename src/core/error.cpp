#include "core/error.h"

namespace kakuin {

namespace {
struct ErrorInfo {
    std::string_view name;
    int status;
    std::string_view ja;
    std::string_view en;
};
constexpr ErrorInfo kErrors[] = {
#define KAKUIN_X(code, status, ja, en) {#code, status, ja, en},
    KAKUIN_ERROR_CODES(KAKUIN_X)
#undef KAKUIN_X
};
const ErrorInfo& info(ErrorCode code) { return kErrors[static_cast<int>(code)]; }
}  // namespace

std::string_view error_code_name(ErrorCode code) { return info(code).name; }
int error_http_status(ErrorCode code) { return info(code).status; }
std::string_view error_message_ja(ErrorCode code) { return info(code).ja; }
std::string_view error_message_en(ErrorCode code) { return info(code).en; }

bool error_code_from_name(std::string_view name, ErrorCode& out) {
    for (std::size_t i = 0; i < std::size(kErrors); ++i) {
        if (kErrors[i].name == name) {
            out = static_cast<ErrorCode>(i);
            return true;
        }
    }
    return false;
}

}  // namespace kakuin
