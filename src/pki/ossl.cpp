#include "pki/ossl.h"

#include <openssl/err.h>

#include <chrono>
#include <ctime>

namespace kakuin::pki {

Error ossl_error(std::string_view call, ErrorCode code) {
    std::string detail(call);
    detail += " failed";
    bool first = true;
    while (unsigned long e = ERR_get_error()) {
        char buf[256];
        ERR_error_string_n(e, buf, sizeof buf);
        detail += first ? ": " : "; ";
        detail += buf;
        first = false;
    }
    return make_error(code, std::move(detail));
}

void ossl_clear_errors() { ERR_clear_error(); }

Result<Asn1TimePtr> to_asn1_time(TimePoint t) {
    Asn1TimePtr out(ASN1_TIME_set(nullptr, static_cast<time_t>(to_unix(t))));
    if (!out) return ossl_error("ASN1_TIME_set");
    return out;
}

Result<TimePoint> from_asn1_time(const ASN1_TIME* t) {
    struct tm tm {};
    if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return ossl_error("ASN1_TIME_to_tm");
    using namespace std::chrono;
    const year_month_day ymd{year(tm.tm_year + 1900), month(static_cast<unsigned>(tm.tm_mon + 1)),
                             day(static_cast<unsigned>(tm.tm_mday))};
    return TimePoint(sys_days(ymd)) + hours(tm.tm_hour) + minutes(tm.tm_min) +
           seconds(tm.tm_sec);
}

std::string serial_to_hex(const ASN1_INTEGER* serial) {
    BignumPtr bn(ASN1_INTEGER_to_BN(serial, nullptr));
    if (!bn) return {};
    OsslString hex(BN_bn2hex(bn.get()));
    return hex ? std::string(hex.get()) : std::string();
}

Result<Asn1IntegerPtr> serial_from_hex(std::string_view hex) {
    if (hex.empty() || hex.size() > 40)
        return make_error(ErrorCode::invalid_request, "serial must be 1-40 hex digits");
    for (char c : hex) {
        const bool ok = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
        if (!ok) return make_error(ErrorCode::invalid_request, "serial is not hex");
    }
    const std::string s(hex);
    BIGNUM* raw = nullptr;
    if (BN_hex2bn(&raw, s.c_str()) != static_cast<int>(s.size()))
        return ossl_error("BN_hex2bn", ErrorCode::invalid_request);
    BignumPtr bn(raw);
    if (BN_is_zero(bn.get()))
        return make_error(ErrorCode::invalid_request, "serial must be positive");
    Asn1IntegerPtr out(BN_to_ASN1_INTEGER(bn.get(), nullptr));
    if (!out) return ossl_error("BN_to_ASN1_INTEGER");
    return out;
}

std::string bio_to_string(BIO* bio) {
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio, &data);
    if (len <= 0 || data == nullptr) return {};
    return std::string(data, static_cast<std::size_t>(len));
}

std::string hex_lower(std::span<const unsigned char> bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (unsigned char b : bytes) {
        out.push_back(kDigits[b >> 4]);
        out.push_back(kDigits[b & 0xf]);
    }
    return out;
}

}  // namespace kakuin::pki
