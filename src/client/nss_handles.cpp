#include "client/nss_handles.h"

#include <prerror.h>

namespace kakuin::client::nss {

Error nss_error(std::string_view call, std::string detail_ja) {
    const PRErrorCode code = PR_GetError();
    const char* name = PR_ErrorToName(code);
    std::string detail(call);
    detail += " failed: ";
    detail += name ? name : std::to_string(code);
    return make_error(ErrorCode::internal_error, std::move(detail), std::move(detail_ja));
}

}  // namespace kakuin::client::nss
