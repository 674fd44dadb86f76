#include "orp/domain/ods_code.h"

#include <fmt/format.h>

#include "orp/core/text.h"

namespace orp::domain {
namespace {

bool IsUpperAlnum(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

// Trims, upper-cases and checks the characters; `what` names the field in messages.
Result<std::string> Normalise(std::string_view text, std::string_view what) {
  std::string code = ToUpperAscii(Trim(text));
  if (code.empty()) return InvalidArgument(fmt::format("{} is empty", what));
  for (char c : code) {
    if (!IsUpperAlnum(c)) {
      return InvalidArgument(
          fmt::format("{} '{}' has the character '{}'; only letters A-Z and digits 0-9 are allowed",
                      what, Printable(text), Printable(std::string_view(&c, 1))));
    }
  }
  return code;
}

}  // namespace

Result<OdsCode> OdsCode::Parse(std::string_view text) {
  auto code = Normalise(text, "ODS organisation code");
  if (!code) return std::unexpected(code.error());
  if (code->size() != 3 && code->size() != 5) {
    return InvalidArgument(fmt::format(
        "ODS organisation code '{}' has {} characters; it must have 3 (e.g. RXF) or 5 (e.g. 8HA03)",
        *code, code->size()));
  }
  return OdsCode(std::move(*code));
}

Result<OdsSiteCode> OdsSiteCode::Parse(std::string_view text) {
  auto code = Normalise(text, "ODS site code");
  if (!code) return std::unexpected(code.error());
  if (code->size() == 3) {
    return InvalidArgument(fmt::format(
        "ODS site code '{}' has 3 characters, like an organisation code; a site code has 5 "
        "(e.g. RXF05), or use 89999 for a non-NHS UK provider without a site code",
        *code));
  }
  if (code->size() < 5 || code->size() > 9) {
    return InvalidArgument(
        fmt::format("ODS site code '{}' has {} characters; it must have 5 (e.g. RXF05), at most 9",
                    *code, code->size()));
  }
  return OdsSiteCode(std::move(*code));
}

std::optional<OdsCode> OdsSiteCode::HeuristicParentPrefix() const {
  if (code_.size() != 5 || IsDefaultCode()) return std::nullopt;
  return OdsCode::Parse(std::string_view(code_).substr(0, 3)).value();
}

}  // namespace orp::domain
