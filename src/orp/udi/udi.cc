#include "orp/udi/udi.h"

namespace orp::udi {

bool ParsedUdi::ok() const {
  for (const Finding& f : findings) {
    if (f.severity == Severity::kError) return false;
  }
  return true;
}

bool ParsedUdi::HasFinding(std::string_view code) const {
  for (const Finding& f : findings) {
    if (f.code == code) return true;
  }
  return false;
}

std::string_view IssuerName(Issuer issuer) {
  switch (issuer) {
    case Issuer::kGs1: return "GS1";
    case Issuer::kHibcc: return "HIBCC";
    case Issuer::kIccbba: return "ICCBBA";
    case Issuer::kUnknown: break;
  }
  return "unknown";
}

std::string_view FormatName(Format format) {
  switch (format) {
    case Format::kGs1ElementString: return "gs1-element-string";
    case Format::kGs1Hri: return "gs1-hri";
    case Format::kGs1DigitalLink: return "gs1-digital-link";
    case Format::kHibcc: return "hibcc";
    case Format::kIccbba: return "iccbba";
    case Format::kIso15434: return "iso15434";
    case Format::kUnknown: break;
  }
  return "unknown";
}

std::string_view SeverityName(Severity severity) {
  return severity == Severity::kError ? "error" : "warning";
}

Finding MakeFinding(std::string_view code, Severity severity, std::string message,
                    std::string_view field, int position) {
  return Finding{code, severity, std::move(message), std::string(field), position};
}

}  // namespace orp::udi
