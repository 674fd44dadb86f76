// Properties every udi parser must keep on any input, checked by the udi fuzz targets (a
// violation aborts, which libFuzzer and the corpus replay both report):
// - the raw text is kept; every finding has a code and a message and a position inside the text;
// - a GS1 DI is always a valid GTIN-14;
// - parsing is deterministic;
// - a clean GS1 parse (no findings, no other AIs) survives a round trip through the element
//   string writer with the same DI, lot, serial, dates, software version and additional id.
#pragma once

#include <cstdlib>
#include <string>
#include <string_view>

#include "orp/domain/gtin.h"
#include "orp/udi/encode.h"
#include "orp/udi/parse.h"

namespace orp::udi::fuzz {

inline void Require(bool condition) {
  if (!condition) std::abort();
}

inline ParseOptions FixedDay() {
  return ParseOptions{.today = Date{std::chrono::year{2026} / 6 / 1}};
}

inline bool SameFields(const ParsedUdi& a, const ParsedUdi& b) {
  return a.issuer == b.issuer && a.di == b.di && a.lot == b.lot && a.serial == b.serial &&
         a.expiry == b.expiry && a.production_date == b.production_date &&
         a.software_version == b.software_version && a.additional_id == b.additional_id &&
         a.other_ais == b.other_ais && a.findings.size() == b.findings.size();
}

inline void CheckRoundTrip(const ParsedUdi& u) {
  if (u.issuer != Issuer::kGs1 || !u.findings.empty() || !u.other_ais.empty() || u.di.empty() ||
      u.expiry_time) {
    return;
  }
  std::string expiry = u.expiry ? FormatYymmdd(*u.expiry) : "";
  std::string production = u.production_date ? FormatYymmdd(*u.production_date) : "";
  std::vector<Gs1Field> fields = {{"01", u.di}};
  if (!production.empty()) fields.push_back({"11", production});
  if (!expiry.empty()) fields.push_back({"17", expiry});
  if (!u.lot.empty()) fields.push_back({"10", u.lot});
  if (!u.serial.empty()) fields.push_back({"21", u.serial});
  if (!u.software_version.empty()) fields.push_back({"8012", u.software_version});
  if (!u.additional_id.empty()) fields.push_back({"240", u.additional_id});
  auto encoded = EncodeGs1ElementString(fields);
  Require(encoded.has_value());
  ParsedUdi again = ParseUdi(*encoded, FixedDay());
  Require(again.ok() && again.di == u.di && again.lot == u.lot && again.serial == u.serial &&
          again.expiry == u.expiry && again.production_date == u.production_date &&
          again.software_version == u.software_version &&
          again.additional_id == u.additional_id);
}

template <typename Parser>
void CheckParser(const uint8_t* data, size_t size, Parser parse, bool raw_is_input) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  ParsedUdi u = parse(input, FixedDay());
  if (raw_is_input) Require(u.raw == input);
  for (const Finding& f : u.findings) {
    Require(!f.code.empty() && !f.message.empty());
    Require(f.position >= -1 && f.position <= int(u.raw.size()));
  }
  if (u.issuer == Issuer::kGs1 && !u.di.empty()) {
    auto gtin = domain::Gtin::Parse(u.di);
    Require(gtin.has_value() && gtin->digits() == u.di);
  }
  Require(SameFields(u, parse(input, FixedDay())));
  CheckRoundTrip(u);
}

}  // namespace orp::udi::fuzz
