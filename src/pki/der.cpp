#include "pki/der.h"

#include <chrono>

namespace kakuin::pki::der {

bool read(std::span<const std::uint8_t> in, std::size_t& pos, Tlv& out) {
    const std::size_t start = pos;
    if (pos + 2 > in.size()) return false;
    out.tag = in[pos++];
    if ((out.tag & 0x1f) == 0x1f) return false;  // multi-byte tags: none in what we read
    std::size_t len = in[pos++];
    if (len & 0x80) {
        // DER: long form only from 128 on, in the fewest octets (no leading zero octet).
        const std::size_t n = len & 0x7f;
        if (n == 0 || n > sizeof(std::size_t) || pos + n > in.size() || in[pos] == 0) return false;
        len = 0;
        for (std::size_t i = 0; i < n; ++i) len = (len << 8) | in[pos++];
        if (len < 0x80) return false;
    }
    if (len > in.size() - pos) return false;
    out.content = in.subspan(pos, len);
    pos += len;
    out.whole = in.subspan(start, pos - start);
    return true;
}

void append_header(Bytes& out, std::uint8_t tag, std::size_t length) {
    out.push_back(tag);
    if (length < 0x80) {
        out.push_back(static_cast<std::uint8_t>(length));
        return;
    }
    std::uint8_t buf[sizeof(std::size_t)];
    std::size_t n = 0;
    for (std::size_t v = length; v != 0; v >>= 8) buf[n++] = static_cast<std::uint8_t>(v & 0xff);
    out.push_back(static_cast<std::uint8_t>(0x80 | n));
    while (n > 0) out.push_back(buf[--n]);
}

void append(Bytes& out, std::span<const std::uint8_t> bytes) { out.insert(out.end(), bytes.begin(), bytes.end()); }

namespace {
int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}
}  // namespace

bool integer_from_hex(std::string_view hex, std::uint8_t (&out)[21], std::size_t& length) {
    while (!hex.empty() && hex.front() == '0') hex.remove_prefix(1);
    if (hex.empty() || hex.size() > 40) return false;  // zero, or more than 20 octets
    std::uint8_t raw[20];
    std::size_t n = 0;
    std::size_t i = 0;
    if (hex.size() % 2 == 1) {
        const int v = hex_value(hex[0]);
        if (v < 0) return false;
        raw[n++] = static_cast<std::uint8_t>(v);
        i = 1;
    }
    for (; i < hex.size(); i += 2) {
        const int hi = hex_value(hex[i]);
        const int lo = hex_value(hex[i + 1]);
        if (hi < 0 || lo < 0) return false;
        raw[n++] = static_cast<std::uint8_t>(hi << 4 | lo);
    }
    length = 0;
    if (raw[0] & 0x80) out[length++] = 0x00;
    for (std::size_t k = 0; k < n; ++k) out[length++] = raw[k];
    return true;
}

void append_time(Bytes& out, TimePoint t) {
    using namespace std::chrono;
    const sys_days day = floor<days>(t);
    const year_month_day ymd(day);
    const hh_mm_ss<seconds> hms(t - day);
    const int y = static_cast<int>(ymd.year());
    // Called once per CRL entry: digits by hand, not snprintf.
    auto two = [&out](unsigned v) {
        out.push_back(static_cast<std::uint8_t>('0' + v / 10 % 10));
        out.push_back(static_cast<std::uint8_t>('0' + v % 10));
    };
    if (y >= 1950 && y < 2050) {
        append_header(out, 0x17, 13);  // UTCTime YYMMDDHHMMSSZ
    } else {
        append_header(out, 0x18, 15);  // GeneralizedTime YYYYMMDDHHMMSSZ
        two(static_cast<unsigned>(y / 100));
    }
    two(static_cast<unsigned>(y % 100));
    two(static_cast<unsigned>(ymd.month()));
    two(static_cast<unsigned>(ymd.day()));
    two(static_cast<unsigned>(hms.hours().count()));
    two(static_cast<unsigned>(hms.minutes().count()));
    two(static_cast<unsigned>(hms.seconds().count()));
    out.push_back('Z');
}

}  // namespace kakuin::pki::der
