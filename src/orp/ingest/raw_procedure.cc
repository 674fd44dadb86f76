#include "orp/ingest/raw_procedure.h"

#include <array>

namespace orp::ingest {

std::string_view FieldValue(const FieldMap& fields, std::string_view name) {
  auto it = fields.find(name);
  return it == fields.end() ? std::string_view() : std::string_view(it->second);
}

bool IsCoreDeviceField(std::string_view name) {
  static constexpr std::array<std::string_view, 6> kDeviceFields = {
      "device_action", "device_scan", "gtin", "lot", "serial", "expiry"};
  for (std::string_view f : kDeviceFields) {
    if (f == name) return true;
  }
  return false;
}

}  // namespace orp::ingest
