#include "orp/udi/hibcc.h"

#include <fmt/format.h>

#include "orp/core/text.h"
#include "orp/udi/dates.h"
#include "orp/udi/gs1.h"

namespace orp::udi {
namespace {

constexpr std::string_view kHibcChars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-. $/+%";

bool IsAlnumUpper(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'); }

class HibcParser {
 public:
  HibcParser(ParsedUdi& out, const ParseOptions& options) : out_(out), options_(options) {}

  void Primary(std::string_view primary);
  void Secondary(std::string_view secondary);
  void Error(std::string_view code, std::string message, std::string_view field = {}) {
    out_.findings.push_back(MakeFinding(code, Severity::kError, std::move(message), field));
  }

 private:
  void SecondaryMain(std::string_view data);
  void Supplement(std::string_view data);
  size_t DatedLot(std::string_view data);  // after "$$": quantity, date flag; returns used
  void SetDate(Result<Date> date, std::string_view what, std::string_view text);

  ParsedUdi& out_;
  const ParseOptions& options_;
};

void HibcParser::Primary(std::string_view primary) {
  if (primary.size() < 6 || !(primary[0] >= 'A' && primary[0] <= 'Z')) {
    return Error("hibc.syntax",
                 fmt::format("HIBC primary '{}' must be LIC (4 characters, the first a letter), "
                             "product code (1-18) and unit of measure (1 digit)",
                             Printable(primary)),
                 "lic");
  }
  for (char c : primary) {
    if (!IsAlnumUpper(c)) {
      return Error("hibc.syntax",
                   fmt::format("HIBC primary '{}': '{}' is not a letter or digit",
                               Printable(primary), Printable(std::string_view(&c, 1))),
                   "pcn");
    }
  }
  if (primary.size() > 4 + 18 + 1 || primary.back() < '0' || primary.back() > '9') {
    return Error("hibc.syntax",
                 fmt::format("HIBC primary '{}': product code must be 1-18 characters followed "
                             "by a one-digit unit of measure",
                             Printable(primary)),
                 "pcn");
  }
  out_.di.assign(primary);
}

void HibcParser::SetDate(Result<Date> date, std::string_view what, std::string_view text) {
  if (!date) {
    return Error("hibc.date",
                 fmt::format("HIBC {} '{}': {}", what, Printable(text), date.error().message()),
                 what);
  }
  if (what == "production date") {
    out_.production_date = *date;
  } else {
    out_.expiry = *date;
  }
}

size_t HibcParser::DatedLot(std::string_view data) {
  size_t pos = 0;
  if (!data.empty() && (data[0] == '8' || data[0] == '9')) {
    size_t digits = data[0] == '8' ? 2 : 5;
    if (ReadNumber(data, 1, digits) < 0) {
      Error("hibc.syntax", "HIBC quantity after '$$8' / '$$9' must be 2 / 5 digits", "quantity");
      return data.size();
    }
    out_.other_ais.push_back(AiValue{"hibc-quantity", std::string(data.substr(1, digits))});
    pos = 1 + digits;
  }
  char flag = pos < data.size() ? data[pos] : '\0';
  std::string_view rest = data.substr(std::min(pos + 1, data.size()));
  auto take = [&](size_t n) { return rest.substr(0, std::min(n, rest.size())); };
  Date today = options_.today;
  switch (flag) {
    case '0':
    case '1': {  // MMYY with no flag character: the flag is the month's first digit
      std::string_view mmyy = data.substr(pos, std::min<size_t>(4, data.size() - pos));
      int mm = ReadNumber(mmyy, 0, 2), yy = ReadNumber(mmyy, 2, 2);
      SetDate(mm < 0 || yy < 0 ? Result<Date>(InvalidArgument("MMYY must be 4 digits"))
                               : MakeLabelDate(ResolveCentury(yy, today), mm, 0),
              "expiry", mmyy);
      return pos + 4;
    }
    case '2': {
      std::string_view d = take(6);
      SetDate(ParseYymmdd(d.size() == 6 ? std::string(d.substr(4, 2)) + std::string(d.substr(0, 4))
                                        : std::string(d),
                          today),
              "expiry", d);
      return pos + 7;
    }
    case '3': SetDate(ParseYymmdd(take(6), today), "expiry", take(6)); return pos + 7;
    case '4': SetDate(ParseYymmdd(take(6), today), "expiry", take(8)); return pos + 9;
    case '5': SetDate(ParseYyjjj(take(5), today), "expiry", take(5)); return pos + 6;
    case '6': SetDate(ParseYyjjj(take(5), today), "expiry", take(7)); return pos + 8;
    case '7': return pos + 1;
    default:
      Error("hibc.date_flag",
            fmt::format("HIBC date format flag '{}' after '$$' must be 0-7",
                        Printable(std::string_view(&flag, flag ? 1 : 0))),
            "expiry");
      return data.size();
  }
}

void HibcParser::SecondaryMain(std::string_view data) {
  if (!data.empty() && data[0] >= '0' && data[0] <= '9') {  // legacy "+YYJJJ lot"
    SetDate(ParseYyjjj(data.substr(0, 5), options_.today), "expiry", data.substr(0, 5));
    out_.lot.assign(data.substr(std::min<size_t>(5, data.size())));
    return;
  }
  if (!data.starts_with('$')) {
    return Error("hibc.syntax",
                 fmt::format("HIBC secondary '{}' must start with '$'", Printable(data)));
  }
  bool dated = data.starts_with("$$");
  std::string_view rest = data.substr(dated ? 2 : 1);
  bool serial = rest.starts_with('+');
  if (serial) rest.remove_prefix(1);
  if (dated) rest.remove_prefix(std::min(DatedLot(rest), rest.size()));
  (serial ? out_.serial : out_.lot).assign(rest);
  if (rest.size() > 18) {
    Error("hibc.syntax",
          fmt::format("HIBC {} '{}' is longer than 18 characters", serial ? "serial" : "lot",
                      Printable(rest)),
          serial ? "serial" : "lot");
  }
}

void HibcParser::Supplement(std::string_view data) {
  if (data.starts_with("14D")) {
    SetDate(ParseYyyymmdd(data.substr(3)), "expiry", data.substr(3));
  } else if (data.starts_with("16D")) {
    SetDate(ParseYyyymmdd(data.substr(3)), "production date", data.substr(3));
  } else if (data.starts_with('S')) {
    out_.serial.assign(data.substr(1));
  } else {
    out_.findings.push_back(MakeFinding(
        "hibc.unknown_supplement", Severity::kWarning,
        fmt::format("HIBC supplemental field '/{}' is not understood; kept in the raw text",
                    Printable(data))));
  }
}

void HibcParser::Secondary(std::string_view secondary) {
  std::vector<std::string_view> parts = Split(secondary, '/');
  SecondaryMain(parts[0]);
  for (size_t i = 1; i < parts.size(); ++i) Supplement(parts[i]);
}

}  // namespace

int HibcValue(char c) {
  size_t i = kHibcChars.find(c);
  return c == '\0' || i == std::string_view::npos ? -1 : int(i);
}

char HibcCheckCharacter(std::string_view data) {
  int sum = 0;
  for (char c : data) {
    int v = HibcValue(c);
    if (v < 0) return '\0';
    sum += v;
  }
  return kHibcChars[size_t(sum % 43)];
}

ParsedUdi ParseHibcc(std::string_view text, const ParseOptions& options) {
  ParsedUdi out;
  out.issuer = Issuer::kHibcc;
  out.format = Format::kHibcc;
  out.raw.assign(text);
  if (text.size() >= 2 && text.front() == '*' && text.back() == '*') {
    text = text.substr(1, text.size() - 2);  // Code 39 start/stop characters
  }
  HibcParser parser(out, options);
  if (text.size() < 3 || text[0] != '+') {
    parser.Error("hibc.syntax", "a HIBC label starts with '+' and ends with a check character");
    return out;
  }
  std::string_view data = text.substr(0, text.size() - 1);
  char expected = HibcCheckCharacter(data);
  if (expected == '\0') {
    for (char c : data) {
      if (HibcValue(c) < 0) {
        parser.Error("hibc.charset",
                     fmt::format("'{}' is not a HIBC character (0-9, A-Z, - . space $ / + %)",
                                 Printable(std::string_view(&c, 1))));
        return out;
      }
    }
  }
  if (expected != text.back()) {
    parser.Error("hibc.check_char",
                 fmt::format("HIBC check character should be '{}', not '{}'", expected,
                             Printable(text.substr(text.size() - 1))),
                 "check");
  }
  std::string_view body = data.substr(1);
  if (body.starts_with('$') || (!body.empty() && body[0] >= '0' && body[0] <= '9')) {
    // A standalone secondary ends with the link character (the primary's check character).
    parser.Secondary(body.substr(0, body.size() - 1));
    out.findings.push_back(MakeFinding(
        "hibc.secondary_only", Severity::kWarning,
        fmt::format("HIBC secondary label (link character '{}') has no device identifier; scan "
                    "the primary label too",
                    Printable(body.substr(body.size() - 1)))));
  } else {
    size_t slash = body.find('/');
    parser.Primary(body.substr(0, slash));
    if (slash != std::string_view::npos) parser.Secondary(body.substr(slash + 1));
  }
  CheckExpiry(out, options);
  return out;
}

}  // namespace orp::udi
