#include "core/clock.h"

#include <cstdio>

namespace kakuin {

TimePoint SystemClock::now() const {
    return std::chrono::floor<Seconds>(std::chrono::system_clock::now());
}

std::string format_iso8601(TimePoint t) {
    const auto day = std::chrono::floor<Days>(t);
    const std::chrono::year_month_day ymd{day};
    const std::chrono::hh_mm_ss hms{t - day};
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", int(ymd.year()),
                  unsigned(ymd.month()), unsigned(ymd.day()), int(hms.hours().count()),
                  int(hms.minutes().count()), int(hms.seconds().count()));
    return buf;
}

std::string format_jst_ja(TimePoint t) {
    const TimePoint jst = t + std::chrono::hours(9);
    const auto day = std::chrono::floor<Days>(jst);
    const std::chrono::year_month_day ymd{day};
    const std::chrono::hh_mm_ss hms{jst - day};
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d年%02u月%02u日 %02d時%02d分%02d秒", int(ymd.year()),
                  unsigned(ymd.month()), unsigned(ymd.day()), int(hms.hours().count()),
                  int(hms.minutes().count()), int(hms.seconds().count()));
    return buf;
}

bool parse_iso8601(const std::string& s, TimePoint& out) {
    int y, mo, d, h, mi, se;
    char z = 0;
    if (s.size() != 20 ||
        std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &se, &z) != 7 ||
        z != 'Z')
        return false;
    const std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(unsigned(mo)),
                                          std::chrono::day(unsigned(d))};
    if (!ymd.ok() || h > 23 || mi > 59 || se > 60 || h < 0 || mi < 0 || se < 0) return false;
    out = std::chrono::sys_days(ymd) + std::chrono::hours(h) + std::chrono::minutes(mi) +
          Seconds(se);
    return true;
}

}  // namespace kakuin
