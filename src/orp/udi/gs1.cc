#include "orp/udi/gs1.h"

#include <fmt/format.h>

#include "orp/core/text.h"
#include "orp/udi/ai_table.h"
#include "orp/udi/gs1_fields.h"

namespace orp::udi {
namespace {

size_t AiLength(const AiDef& def) { return def.ai == "3nnn" ? 4 : def.ai.size(); }

// G9: with GS dropped, "10ABC123" GS "2112345" arrives as one lot "ABC1232112345". Name the
// earliest split where "21" is followed only by digits and something precedes it.
void CheckSwallowedSerial(ParsedUdi& out, int lot_position) {
  if (!out.serial.empty() || out.lot.size() < 4) return;
  const std::string& lot = out.lot;
  for (size_t i = 1; i + 2 < lot.size(); ++i) {
    if (lot[i] != '2' || lot[i + 1] != '1') continue;
    std::string_view tail = std::string_view(lot).substr(i + 2);
    if (tail.size() > 20 || !IsAsciiDigits(tail)) continue;
    out.findings.push_back(MakeFinding(
        "gs1.missing_separator", Severity::kWarning,
        fmt::format("lot '{}' may hold a serial number: it reads as (10){}(21){} if the "
                    "scanner dropped the GS separator; check the scanner's FNC1/GS setting",
                    lot, lot.substr(0, i), tail),
        "10", lot_position));
    return;
  }
}

}  // namespace

size_t Gs1SymbologyIdLength(std::string_view text) {
  for (std::string_view id : {"]C1", "]d2", "]Q3", "]e0", "]J1"}) {
    if (text.starts_with(id)) return 3;
  }
  return 0;
}

void CheckExpiry(ParsedUdi& out, const ParseOptions& options) {
  if (out.expiry && *out.expiry < options.today) {
    out.findings.push_back(
        MakeFinding("udi.expired", Severity::kWarning,
                    fmt::format("the device expired on {}", FormatIsoDate(*out.expiry)),
                    out.issuer == Issuer::kGs1 ? "17" : "expiry", -1));
  }
}

ParsedUdi ParseGs1ElementString(std::string_view text, const ParseOptions& options) {
  ParsedUdi out;
  out.issuer = Issuer::kGs1;
  out.format = Format::kGs1ElementString;
  out.raw.assign(text);
  size_t pos = Gs1SymbologyIdLength(text);
  if (pos == 0 && text.starts_with(']')) {
    out.findings.push_back(
        MakeFinding("gs1.symbology", Severity::kError,
                    fmt::format("symbology identifier '{}' does not carry GS1 data",
                                Printable(text.substr(0, 3))),
                    {}, 0));
    return out;
  }
  Gs1FieldSink sink(out, options);
  int lot_position = -1;
  bool lot_ran_to_end = false;
  while (pos < text.size()) {
    if (text[pos] == kGroupSeparator) {
      ++pos;  // leading FNC1, or a separator after a predefined-length value (allowed)
      continue;
    }
    const AiDef* def = MatchAi(text.substr(pos));
    if (def == nullptr) {
      out.findings.push_back(MakeFinding(
          "gs1.unknown_ai", Severity::kError,
          fmt::format("unknown AI {} at position {}; the rest of the label cannot be read",
                      Printable(text.substr(pos, 2)), pos),
          Printable(text.substr(pos, 2)), int(pos)));
      break;
    }
    std::string_view ai = text.substr(pos, AiLength(*def));
    size_t value_start = pos + ai.size();
    size_t fixed = size_t(PredefinedValueLength(ai));
    size_t value_end;
    if (fixed > 0) {
      value_end = std::min(text.size(), value_start + fixed);
    } else {
      value_end = text.find(kGroupSeparator, value_start);
      if (value_end == std::string_view::npos) value_end = text.size();
    }
    if (def->role == AiRole::kLot) {
      lot_position = int(pos);
      lot_ran_to_end = value_end == text.size();
    }
    sink.Add(ai, *def, text.substr(value_start, value_end - value_start), int(pos));
    pos = value_end;
  }
  sink.Finish();
  if (lot_ran_to_end) CheckSwallowedSerial(out, lot_position);
  CheckExpiry(out, options);
  return out;
}

namespace {

// Where the value starting at `from` ends in a bracketed string: at "(" digits ")" when the
// digits are a known AI, or at any "(" digits ")" when the value so far must be numeric.
size_t HriValueEnd(std::string_view text, size_t from, bool numeric) {
  for (size_t open = text.find('(', from); open != std::string_view::npos;
       open = text.find('(', open + 1)) {
    size_t close = open + 1;
    while (close < text.size() && IsAsciiDigit(text[close]) && close - open <= 4) ++close;
    size_t n = close - open - 1;
    if (close >= text.size() || text[close] != ')' || n < 2 || n > 4) continue;
    if (numeric || FindAi(text.substr(open + 1, n)) != nullptr) return open;
  }
  return text.size();
}

}  // namespace

ParsedUdi ParseGs1Hri(std::string_view text, const ParseOptions& options) {
  ParsedUdi out;
  out.issuer = Issuer::kGs1;
  out.format = Format::kGs1Hri;
  out.raw.assign(text);
  Gs1FieldSink sink(out, options);
  size_t pos = 0;
  while (pos < text.size()) {
    size_t close = text.find(')', pos);
    std::string_view ai = close == std::string_view::npos ? std::string_view()
                                                          : text.substr(pos + 1, close - pos - 1);
    if (text[pos] != '(' || ai.size() < 2 || ai.size() > 4 || !IsAsciiDigits(ai)) {
      out.findings.push_back(MakeFinding(
          "gs1.hri_syntax", Severity::kError,
          fmt::format("expected '(' AI ')' at position {} of '{}'", pos, Printable(text)), {},
          int(pos)));
      break;
    }
    const AiDef* def = FindAi(ai);
    bool numeric = def == nullptr || def->charset == AiCharset::kNumeric;
    size_t end = HriValueEnd(text, close + 1, numeric);
    std::string_view value = Trim(text.substr(close + 1, end - close - 1));
    if (def == nullptr) {
      out.findings.push_back(MakeFinding("gs1.unknown_ai", Severity::kError,
                                         fmt::format("unknown AI {}", ai), ai, int(pos)));
    } else {
      sink.Add(ai, *def, value, int(pos));
    }
    pos = end;
  }
  sink.Finish();
  CheckExpiry(out, options);
  return out;
}

}  // namespace orp::udi
