// ParsedUdi: what ORP reads from one scanned device label, whatever its issuing agency, and the
// findings that say what was wrong with it. Read this header first; the parsers are declared in
// parse.h (the sniffing entry point), gs1.h, digital_link.h and hibcc.h.
//
// A parse never fails as a call: bad labels are data. Every parser returns a ParsedUdi holding
// whatever could be read plus findings (stable code, severity, message, AI or HIBC field, byte
// position in the raw text). A label is usable when it has no error finding (ok()).
// Warnings (an expired device, a lot that looks like it swallowed a serial) do not stop use.
//
// Rules followed: ../shared/specs/uk-standards.md §3 (GS1 General Specifications, GS1 Digital
// Link, ANSI/HIBC 2.6, ISBT 128 detection only).
//
// Thread safety: plain values. The parsers are pure functions (no globals, no locale) and may run
// concurrently.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "orp/core/date.h"

namespace orp::udi {

// The UDI issuing agency whose rules the label follows.
enum class Issuer { kUnknown, kGs1, kHibcc, kIccbba };

// The carrier syntax the text was read as.
enum class Format {
  kUnknown,
  kGs1ElementString,  // AIs concatenated, GS (ASCII 29) after variable-length fields
  kGs1Hri,            // "(01)0950...(17)261231": the human-readable interpretation
  kGs1DigitalLink,    // https://<domain>/01/<gtin>/10/<lot>?17=...
  kHibcc,             // +LIC PCN U/M check, secondary and concatenated forms
  kIccbba,            // ISBT 128 (data identifiers starting '=' or '&'); kept raw
  kIso15434,          // "[)>" RS "06" ... envelope; kept raw, unsupported
};

enum class Severity { kError, kWarning };

struct Finding {
  std::string_view code;  // stable rule name, e.g. "gs1.check_digit" (always a literal)
  Severity severity = Severity::kError;
  std::string message;  // for the person who must fix the label or the scanner
  std::string field;    // the AI ("17") or HIBC field ("lot"); empty when not about one field
  int position = -1;    // byte offset in the raw text, -1 when not known
};

// An AI value that has no field of its own below (22, 235, 241, 30, 422, 8006, ...).
struct AiValue {
  std::string ai;
  std::string value;
  friend bool operator==(const AiValue&, const AiValue&) = default;
};

struct ParsedUdi {
  Issuer issuer = Issuer::kUnknown;
  Format format = Format::kUnknown;
  // The UDI-DI: GTIN-14 for GS1; LIC + PCN + U/M (no '+', no check character) for HIBCC.
  std::string di;
  std::string lot;
  std::string serial;
  std::optional<Date> expiry;                       // AI 17 (or the date of 7003), HIBC expiry
  std::optional<std::chrono::minutes> expiry_time;  // time of day from AI 7003
  std::optional<Date> production_date;              // AI 11, HIBC /16D
  std::string software_version;                     // AI 8012
  std::string additional_id;                        // AI 240: usually the REF / catalogue number
  std::vector<AiValue> other_ais;                   // in label order
  std::string raw;  // the text as scanned (after trimming line ends)
  std::vector<Finding> findings;

  bool ok() const;  // true when no finding is an error
  bool HasFinding(std::string_view code) const;
};

// What a parse needs from the outside world. `today` decides the GS1 sliding century for YY
// and whether the device has expired; inject it in tests.
struct ParseOptions {
  Date today = TodayUtc();
};

std::string_view IssuerName(Issuer issuer);        // "GS1", "HIBCC", "ICCBBA", "unknown"
std::string_view FormatName(Format format);        // "gs1-element-string", "gs1-hri", ...
std::string_view SeverityName(Severity severity);  // "error" | "warning"

// Builds a finding; the helpers keep the parsers short.
Finding MakeFinding(std::string_view code, Severity severity, std::string message,
                    std::string_view field = {}, int position = -1);

}  // namespace orp::udi
