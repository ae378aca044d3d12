#include "auth/qr_svg.h"

#include <qrencode.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace kakuin::auth {
namespace {

struct QrcodeDeleter {
    void operator()(QRcode* q) const { QRcode_free(q); }
};
using QrcodePtr = std::unique_ptr<QRcode, QrcodeDeleter>;

}  // namespace

Result<std::string> qr_svg(std::string_view text, const QrSvgStyle& style) {
    if (text.empty() || text.size() > kMaxQrTextBytes)
        return make_error(ErrorCode::invalid_request, "QR text empty or too long");
    if (style.module_px < 1 || style.module_px > 64 || style.quiet_modules < 0 ||
        style.quiet_modules > 16)
        return make_error(ErrorCode::invalid_request, "QR style out of range");
    errno = 0;
    QrcodePtr qr(QRcode_encodeData(int(text.size()),
                                   reinterpret_cast<const unsigned char*>(text.data()), 0,
                                   QR_ECLEVEL_M));
    if (!qr)
        return make_error(ErrorCode::crypto_failure,
                          std::string("QRcode_encodeData: ") + std::strerror(errno));

    const int width = qr->width;
    const int side = width + 2 * style.quiet_modules;
    const std::string px = std::to_string(side * style.module_px);
    const std::string view = std::to_string(side);
    std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + px + "\" height=\"" +
                      px + "\" viewBox=\"0 0 " + view + " " + view +
                      "\" shape-rendering=\"crispEdges\">"
                      "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/><path fill=\"#000\" d=\"";
    // Bit 0 of each module byte is "dark"; the other bits describe the module's role.
    for (int y = 0; y < width; ++y) {
        for (int x = 0; x < width; ++x) {
            if ((qr->data[y * width + x] & 1) == 0) continue;
            svg += 'M';
            svg += std::to_string(x + style.quiet_modules);
            svg += ',';
            svg += std::to_string(y + style.quiet_modules);
            svg += "h1v1h-1z";
        }
    }
    svg += "\"/></svg>";
    return svg;
}

}  // namespace kakuin::auth
