#include "orp/udi/dates.h"

#include <fmt/format.h>

namespace orp::udi {
namespace {

constexpr std::string_view kMonthNames[] = {"January",   "February", "March",    "April",
                                            "May",       "June",     "July",     "August",
                                            "September", "October",  "November", "December"};

int YearOf(Date date) { return int(std::chrono::year_month_day{date}.year()); }

unsigned LastDayOf(int year, int month) {
  using std::chrono::last;
  std::chrono::year_month_day_last ymdl{std::chrono::year{year} /
                                        std::chrono::month{unsigned(month)} / last};
  return unsigned(ymdl.day());
}

}  // namespace

int ReadNumber(std::string_view text, size_t pos, size_t count) {
  if (pos + count > text.size()) return -1;
  int value = 0;
  for (size_t i = pos; i < pos + count; ++i) {
    char c = text[i];
    if (c < '0' || c > '9') return -1;
    value = value * 10 + (c - '0');
  }
  return value;
}

int ResolveCentury(int yy, Date today) {
  int year = YearOf(today);
  int century = year - year % 100;
  int diff = yy - year % 100;
  if (diff >= 51) return century - 100 + yy;
  if (diff <= -50) return century + 100 + yy;
  return century + yy;
}

Result<Date> MakeLabelDate(int year, int month, int day) {
  if (month < 1 || month > 12) {
    return InvalidArgument(fmt::format("month {:02d} does not exist", month));
  }
  unsigned last = LastDayOf(year, month);
  if (day == 0) day = int(last);
  if (day < 1 || unsigned(day) > last) {
    return InvalidArgument(
        fmt::format("day {:02d} is not in {} {}", day, kMonthNames[month - 1], year));
  }
  return Date{std::chrono::year{year} / std::chrono::month{unsigned(month)} /
              std::chrono::day{unsigned(day)}};
}

Result<Date> ParseYymmdd(std::string_view digits, Date today) {
  int yy = ReadNumber(digits, 0, 2), mm = ReadNumber(digits, 2, 2), dd = ReadNumber(digits, 4, 2);
  if (digits.size() != 6 || yy < 0 || mm < 0 || dd < 0) {
    return InvalidArgument("a date must be 6 digits YYMMDD");
  }
  return MakeLabelDate(ResolveCentury(yy, today), mm, dd);
}

Result<Date> ParseYyjjj(std::string_view digits, Date today) {
  int yy = ReadNumber(digits, 0, 2), jjj = ReadNumber(digits, 2, 3);
  if (digits.size() != 5 || yy < 0 || jjj < 0) {
    return InvalidArgument("a Julian date must be 5 digits YYJJJ");
  }
  int year = ResolveCentury(yy, today);
  bool leap = std::chrono::year{year}.is_leap();
  if (jjj < 1 || jjj > (leap ? 366 : 365)) {
    return InvalidArgument(fmt::format("day of year {:03d} is not in {}", jjj, year));
  }
  Date first = std::chrono::sys_days{std::chrono::year{year} / std::chrono::January / 1};
  return first + std::chrono::days{jjj - 1};
}

Result<Date> ParseYyyymmdd(std::string_view digits) {
  int yyyy = ReadNumber(digits, 0, 4), mm = ReadNumber(digits, 4, 2), dd = ReadNumber(digits, 6, 2);
  if (digits.size() != 8 || yyyy < 0 || mm < 0 || dd < 0) {
    return InvalidArgument("a date must be 8 digits YYYYMMDD");
  }
  if (dd == 0) return InvalidArgument("day 00 is not allowed in YYYYMMDD");
  return MakeLabelDate(yyyy, mm, dd);
}

}  // namespace orp::udi
