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
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace orp::ingest {

using FieldMap = std::map<std::string, std::string, std::less<>>;

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
