#include "orp/domain/device_id.h"

#include <fmt/format.h>

#include <algorithm>

#include "orp/core/text.h"

namespace orp::domain {
namespace {

bool UpperAlnum(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'); }

// LIC (4) + PCN (1-18) + U/M (1 digit): 6 to 23 upper-case letters and digits, a letter first.
Result<std::string> HibccText(std::string_view text) {
  if (text.starts_with('+')) text.remove_prefix(1);
  if (text.size() < 6 || text.size() > 23 || !std::all_of(text.begin(), text.end(), UpperAlnum)) {
    return InvalidArgument(fmt::format(
        "HIBCC DI '{}' must be 6 to 23 upper-case letters and digits (LIC + product code + unit "
        "of measure)",
        Printable(text)));
  }
  if (text[0] < 'A' || text[0] > 'Z') {
    return InvalidArgument(
        fmt::format("HIBCC DI '{}' must start with a letter (the labeler code)", Printable(text)));
  }
  if (text.back() < '0' || text.back() > '9') {
    return InvalidArgument(fmt::format(
        "HIBCC DI '{}' must end with the unit-of-measure digit (0-9)", Printable(text)));
  }
  return std::string(text);
}

}  // namespace

std::string_view Name(IssuingAgency agency) {
  return agency == IssuingAgency::kHibcc ? "HIBCC" : "GS1";
}

Result<IssuingAgency> ParseIssuingAgency(std::string_view text) {
  std::string upper = ToUpperAscii(Trim(text));
  if (upper == "GS1") return IssuingAgency::kGs1;
  if (upper == "HIBCC" || upper == "HIBC") return IssuingAgency::kHibcc;
  return InvalidArgument(fmt::format("issuing agency '{}' must be GS1 or HIBCC", Printable(text)));
}

DeviceId::DeviceId(const Gtin& gtin) : agency_(IssuingAgency::kGs1), text_(gtin.digits()) {}

Result<DeviceId> DeviceId::Parse(std::string_view text) {
  text = Trim(text);
  if (IsAsciiDigits(text)) return Of(IssuingAgency::kGs1, text);
  if (text.empty()) return InvalidArgument("the device identifier is empty");
  auto hibcc = HibccText(text);
  if (!hibcc) {
    return InvalidArgument(
        fmt::format("DI '{}' is neither a GTIN (8, 12, 13 or 14 digits) nor a HIBCC DI: {}",
                    Printable(text), hibcc.error().message()));
  }
  return DeviceId(IssuingAgency::kHibcc, std::move(*hibcc));
}

Result<DeviceId> DeviceId::Of(IssuingAgency agency, std::string_view text) {
  if (agency == IssuingAgency::kGs1) {
    auto gtin = Gtin::Parse(text);
    if (!gtin) return std::unexpected(gtin.error());
    return DeviceId(*gtin);
  }
  auto hibcc = HibccText(text);
  if (!hibcc) return std::unexpected(hibcc.error());
  return DeviceId(IssuingAgency::kHibcc, std::move(*hibcc));
}

std::optional<Gtin> DeviceId::gtin() const {
  if (agency_ != IssuingAgency::kGs1 || text_.empty()) return std::nullopt;
  auto gtin = Gtin::Parse(text_);
  return gtin ? std::optional<Gtin>(*gtin) : std::nullopt;
}

}  // namespace orp::domain
