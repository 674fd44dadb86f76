#include "orp/udi/encode.h"

#include <fmt/format.h>

#include "orp/udi/ai_table.h"
#include "orp/udi/hibcc.h"

namespace orp::udi {
namespace {

void AppendPercentEncoded(std::string& out, std::string_view value) {
  for (char c : value) {
    bool plain = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                 c == '-' || c == '.' || c == '_' || c == '~';
    if (plain) {
      out.push_back(c);
    } else {
      out += fmt::format("%{:02X}", static_cast<unsigned char>(c));
    }
  }
}

}  // namespace

Result<std::string> EncodeGs1ElementString(std::span<const Gs1Field> fields,
                                           std::string_view symbology_id, char separator) {
  std::string out(symbology_id);
  for (size_t i = 0; i < fields.size(); ++i) {
    const Gs1Field& field = fields[i];
    if (FindAi(field.ai) == nullptr) {
      return InvalidArgument(fmt::format("cannot encode unknown AI {}", field.ai));
    }
    size_t fixed = size_t(PredefinedValueLength(field.ai));
    if (fixed > 0 && field.value.size() != fixed) {
      return InvalidArgument(fmt::format("AI{} needs exactly {} characters, got {}", field.ai,
                                         fixed, field.value.size()));
    }
    out.append(field.ai);
    out.append(field.value);
    if (fixed == 0 && i + 1 < fields.size()) out.push_back(separator);
  }
  return out;
}

std::string EncodeGs1Hri(std::span<const Gs1Field> fields) {
  std::string out;
  for (const Gs1Field& field : fields) {
    out.push_back('(');
    out.append(field.ai);
    out.push_back(')');
    out.append(field.value);
  }
  return out;
}

std::string FormatYymmdd(Date date) {
  std::chrono::year_month_day ymd{date};
  return fmt::format("{:02d}{:02d}{:02d}", int(ymd.year()) % 100, unsigned(ymd.month()),
                     unsigned(ymd.day()));
}

std::string EncodeDigitalLink(std::string_view domain, std::string_view gtin, std::string_view lot,
                              std::string_view serial, std::optional<Date> expiry) {
  std::string out = fmt::format("https://{}/01/{}", domain, gtin);
  if (!lot.empty()) {
    out += "/10/";
    AppendPercentEncoded(out, lot);
  }
  if (!serial.empty()) {
    out += "/21/";
    AppendPercentEncoded(out, serial);
  }
  if (expiry) out += "?17=" + FormatYymmdd(*expiry);
  return out;
}

std::string EncodeHibcPrimary(std::string_view lic, std::string_view pcn, int unit_of_measure) {
  std::string out = fmt::format("+{}{}{}", lic, pcn, unit_of_measure);
  out.push_back(HibcCheckCharacter(out));
  return out;
}

std::string EncodeHibcConcatenated(std::string_view lic, std::string_view pcn, int unit_of_measure,
                                   std::string_view lot, std::optional<Date> expiry,
                                   std::string_view serial) {
  std::string out = fmt::format("+{}{}{}/$$", lic, pcn, unit_of_measure);
  out += expiry ? "3" + FormatYymmdd(*expiry) : std::string("7");
  out.append(lot);
  if (!serial.empty()) out += fmt::format("/S{}", serial);
  out.push_back(HibcCheckCharacter(out));
  return out;
}

}  // namespace orp::udi
