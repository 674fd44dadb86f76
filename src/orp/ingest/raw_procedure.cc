#include "orp/ingest/raw_procedure.h"

#include <algorithm>
#include <array>
#include <cstring>

namespace orp::ingest {

FieldMap::FieldMap(std::initializer_list<std::pair<std::string_view, std::string_view>> values) {
  for (const auto& [name, value] : values) insert_or_assign(name, value);
}

size_t FieldMap::IndexOf(std::string_view name) const {
  // Length and first byte before the rest: most names differ in one of them.
  for (size_t i = 0; i < size_; ++i) {
    const std::string& candidate = entries_[i].first;
    if (candidate.size() == name.size() && (name.empty() || candidate[0] == name[0]) &&
        std::memcmp(candidate.data(), name.data(), name.size()) == 0) {
      return i;
    }
  }
  return size_;
}

const std::string* FieldMap::find(std::string_view name) const {
  const size_t i = IndexOf(name);
  return i < size_ ? &entries_[i].second : nullptr;
}

std::string& FieldMap::Append(std::string_view name) {
  if (size_ == entries_.size()) entries_.emplace_back();
  value_type& entry = entries_[size_++];
  entry.first.assign(name);
  entry.second.clear();
  return entry.second;
}

std::string& FieldMap::operator[](std::string_view name) {
  const size_t i = IndexOf(name);
  return i < size_ ? entries_[i].second : Append(name);
}

size_t FieldMap::erase(std::string_view name) {
  const size_t i = IndexOf(name);
  if (i == size_) return 0;
  // Keep the order of the others; the erased entry's storage moves to the spare end.
  std::rotate(entries_.begin() + static_cast<std::ptrdiff_t>(i),
              entries_.begin() + static_cast<std::ptrdiff_t>(i) + 1,
              entries_.begin() + static_cast<std::ptrdiff_t>(size_));
  --size_;
  return 1;
}

bool operator==(const FieldMap& a, const FieldMap& b) {
  if (a.size() != b.size()) return false;
  for (const auto& [name, value] : a) {
    const std::string* other = b.find(name);
    if (other == nullptr || *other != value) return false;
  }
  return true;
}

std::string_view FieldValue(const FieldMap& fields, std::string_view name) {
  const std::string* value = fields.find(name);
  return value == nullptr ? std::string_view() : std::string_view(*value);
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
