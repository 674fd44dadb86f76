// RawProcedure: one submitted procedure as its source gave it — text values by field name plus
// where they came from — before any validation. Both readers (CSV, NDJSON) produce it, so both
// formats validate by exactly the same rules (docs/submission-format.md).
//
// A value that was absent, null or "" is simply not in the map: "not given" has one spelling.
// Procedure-level values (core and registry fields) are in `fields`; each device row's own values
// (device_action, device_scan, gtin, lot, serial, expiry and device-level registry fields) are in
// its RawDevice. Thread safety: plain values.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace orp::ingest {

// Text values by field name, each name at most once, in the order given. A flat list rather than
// a tree (#4): a procedure has a few dozen fields, a search by name compares lengths before
// bytes, and clear() keeps every entry's strings, so a reader that reuses one FieldMap from
// procedure to procedure stops allocating. Equality ignores the order.
class FieldMap {
 public:
  using value_type = std::pair<std::string, std::string>;
  using const_iterator = std::vector<value_type>::const_iterator;

  FieldMap() = default;
  FieldMap(const FieldMap&) = default;
  FieldMap& operator=(const FieldMap&) = default;
  FieldMap(FieldMap&& other) noexcept
      : entries_(std::move(other.entries_)), size_(std::exchange(other.size_, 0)) {}
  FieldMap& operator=(FieldMap&& other) noexcept {
    entries_ = std::move(other.entries_);
    size_ = std::exchange(other.size_, 0);
    return *this;
  }
  FieldMap(std::initializer_list<std::pair<std::string_view, std::string_view>> values);

  // The value of `name`, or nullptr.
  const std::string* find(std::string_view name) const;
  bool contains(std::string_view name) const { return find(name) != nullptr; }
  // The value of `name`, added as "" when absent.
  std::string& operator[](std::string_view name);
  // Adds `name` = `value` without looking for `name`: the caller knows it is not present (a CSV
  // header names each column once).
  void AddNew(std::string_view name, std::string_view value) { Append(name).assign(value); }
  void insert_or_assign(std::string_view name, std::string_view value) { (*this)[name] = value; }
  size_t erase(std::string_view name);
  // Empties the map, keeping the entries' storage for what is added next.
  void clear() { size_ = 0; }

  bool empty() const { return size_ == 0; }
  size_t size() const { return size_; }
  const_iterator begin() const { return entries_.begin(); }
  const_iterator end() const { return entries_.begin() + static_cast<std::ptrdiff_t>(size_); }

  friend bool operator==(const FieldMap& a, const FieldMap& b);

 private:
  // The index of `name` in [0, size_), or size_ when absent.
  size_t IndexOf(std::string_view name) const;
  std::string& Append(std::string_view name);
  std::vector<value_type> entries_;  // [0, size_) in use; the rest kept for their storage
  size_t size_ = 0;
};

// The value of `name`, or "" when not given.
std::string_view FieldValue(const FieldMap& fields, std::string_view name);

struct RawDevice {
  int64_t row = 0;  // 1-based source line of the device row (CSV) or of the procedure (NDJSON)
  FieldMap fields;
};

struct RawProcedure {
  int64_t row = 0;  // 1-based source line where the procedure starts
  FieldMap fields;
  std::vector<RawDevice> devices;

  std::string_view Get(std::string_view name) const { return FieldValue(fields, name); }
  std::string_view procedure_ref() const { return Get("procedure_ref"); }
};

// The core device columns (docs/submission-format.md): the values that belong to a device row
// rather than to its procedure.
bool IsCoreDeviceField(std::string_view name);

}  // namespace orp::ingest
