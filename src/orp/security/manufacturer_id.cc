#include "orp/security/manufacturer_id.h"

namespace orp::security {

std::string ManufacturerId(std::string_view name) {
  constexpr size_t kMaxLength = 64;
  std::string id;
  bool gap = false;
  for (char c : name) {
    const bool lower = c >= 'a' && c <= 'z', upper = c >= 'A' && c <= 'Z';
    const bool digit = c >= '0' && c <= '9';
    if (!lower && !upper && !digit) {
      gap = true;
      continue;
    }
    if (gap && !id.empty()) id += '-';
    gap = false;
    id += upper ? static_cast<char>(c - 'A' + 'a') : c;
  }
  if (id.size() > kMaxLength) id.resize(kMaxLength);
  while (!id.empty() && id.back() == '-') id.pop_back();
  return id;
}

}  // namespace orp::security
