// A QR code (libqrencode) rendered as a standalone SVG document, so the screen can show an
// otpauth:// URI without any image library.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/result.h"

namespace kakuin::auth {

// Longest text encoded; an otpauth URI with a 20-byte secret is well under 300 bytes.
inline constexpr std::size_t kMaxQrTextBytes = 1024;

struct QrSvgStyle {
    int module_px = 4;     // size of one module in the rendered image
    int quiet_modules = 4; // white border, in modules (the QR standard asks for 4)
};

// "<svg xmlns=...>...</svg>": a white background and one black path of all dark modules,
// error correction level M, 8-bit mode. Errors: invalid_request (empty text, over
// kMaxQrTextBytes, bad style), crypto_failure (libqrencode failed).
Result<std::string> qr_svg(std::string_view text, const QrSvgStyle& style = {});

}  // namespace kakuin::auth
