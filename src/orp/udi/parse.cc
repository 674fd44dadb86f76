#include "orp/udi/parse.h"

#include "orp/core/text.h"
#include "orp/udi/digital_link.h"
#include "orp/udi/gs1.h"
#include "orp/udi/hibcc.h"

namespace orp::udi {
namespace {

// An AIM symbology identifier that is not one of GS1's: "]" + letter + digit.
size_t OtherSymbologyIdLength(std::string_view text) {
  if (text.size() >= 3 && text[0] == ']' &&
      ((text[1] >= 'A' && text[1] <= 'Z') || (text[1] >= 'a' && text[1] <= 'z')) &&
      text[2] >= '0' && text[2] <= '9') {
    return 3;
  }
  return 0;
}

ParsedUdi KeepRaw(std::string_view text, Issuer issuer, Format format, std::string_view code,
                  std::string message, Severity severity) {
  ParsedUdi out;
  out.issuer = issuer;
  out.format = format;
  out.raw.assign(text);
  out.findings.push_back(MakeFinding(code, severity, std::move(message)));
  return out;
}

}  // namespace

Format DetectFormat(std::string_view text) {
  text = Trim(text);
  if (text.empty()) return Format::kUnknown;
  if (Gs1SymbologyIdLength(text) > 0) return Format::kGs1ElementString;
  if (size_t n = OtherSymbologyIdLength(text)) return DetectFormat(text.substr(n));
  if (LooksLikeUri(text)) return Format::kGs1DigitalLink;
  if (text.starts_with("[)>")) return Format::kIso15434;
  char c = text[0];
  if (c == '(' && text.size() > 1 && IsAsciiDigit(text[1])) return Format::kGs1Hri;
  if (c == '\x1d' || IsAsciiDigit(c)) return Format::kGs1ElementString;
  if (c == '+' || text.starts_with("*+")) return Format::kHibcc;
  if (c == '=' || c == '&') return Format::kIccbba;
  return Format::kUnknown;
}

ParsedUdi ParseUdi(std::string_view text, const ParseOptions& options) {
  text = Trim(text);
  Format format = DetectFormat(text);
  std::string_view body = text;
  if (format != Format::kGs1ElementString) {
    if (size_t n = OtherSymbologyIdLength(body)) body = body.substr(n);
  }
  ParsedUdi out;
  switch (format) {
    case Format::kGs1ElementString: return ParseGs1ElementString(text, options);
    case Format::kGs1Hri: out = ParseGs1Hri(body, options); break;
    case Format::kGs1DigitalLink: out = ParseDigitalLink(body, options); break;
    case Format::kHibcc: out = ParseHibcc(body, options); break;
    case Format::kIccbba:
      return KeepRaw(text, Issuer::kIccbba, format, "iccbba.manual_entry",
                     "ICCBBA (ISBT 128) label: kept as scanned; enter the product code, lot and "
                     "expiry by hand",
                     Severity::kWarning);
    case Format::kIso15434:
      return KeepRaw(text, Issuer::kUnknown, format, "iso15434.unsupported",
                     "ISO/IEC 15434 envelope (ASC MH10.8.2 data identifiers) is not supported: "
                     "kept as scanned; enter the device details by hand",
                     Severity::kWarning);
    case Format::kUnknown:
      return KeepRaw(text, Issuer::kUnknown, format, "udi.unknown_format",
                     "not a GS1, HIBCC or ICCBBA label (expected a GS1 element string, "
                     "(01)..., https://.../01/..., +... or =...)",
                     Severity::kError);
  }
  out.raw.assign(text);  // keep the symbology identifier the scanner sent
  return out;
}

}  // namespace orp::udi
