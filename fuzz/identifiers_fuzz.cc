// Feeds arbitrary bytes to every identifier Parse in orp/domain. Beyond "no crash, no
// sanitizer report", it checks that parsing is idempotent: a value's normalised form parses
// back to the same value, and an accepted SNOMED CT id passes its own Verhoeff check.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "orp/domain/clinical_dates.h"
#include "orp/domain/gmc_number.h"
#include "orp/domain/gtin.h"
#include "orp/domain/laterality.h"
#include "orp/domain/nhs_number.h"
#include "orp/domain/ods_code.h"
#include "orp/domain/opcs4_code.h"
#include "orp/domain/postcode.h"
#include "orp/domain/sex.h"
#include "orp/domain/snomed_ct_id.h"

namespace {

void Require(bool condition) {
  if (!condition) __builtin_trap();
}

// Parses `text`; when accepted, the normalised form `Form(value)` must parse to the same value.
template <typename Parser, typename Form>
void RoundTrips(std::string_view text, Parser parse, Form form) {
  auto value = parse(text);
  if (!value) {
    Require(!value.error().message().empty());
    return;
  }
  auto again = parse(form(*value));
  Require(again.has_value() && *again == *value);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace orp::domain;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  RoundTrips(
      text, [](std::string_view t) { return NhsNumber::Parse(t, true); },
      [](const NhsNumber& n) { return n.digits(); });
  RoundTrips(text, Gtin::Parse, [](const Gtin& g) { return g.digits(); });
  RoundTrips(text, OdsCode::Parse, [](const OdsCode& c) { return c.code(); });
  RoundTrips(text, OdsSiteCode::Parse, [](const OdsSiteCode& c) { return c.code(); });
  RoundTrips(text, GmcNumber::Parse, [](const GmcNumber& g) { return g.number(); });
  RoundTrips(
      text, [](std::string_view t) { return Postcode::Parse(t, true); },
      [](const Postcode& p) { return p.canonical(); });
  RoundTrips(text, Opcs4Code::Parse, [](const Opcs4Code& c) { return c.Compact(); });
  RoundTrips(text, SnomedCtId::Parse, [](const SnomedCtId& id) { return id.ToString(); });
  RoundTrips(text, ParseSex, [](Sex s) { return std::string(SexCode(s)); });
  RoundTrips(text, ParseLaterality, [](Laterality l) { return std::string(LateralityCode(l)); });
  if (auto id = SnomedCtId::Parse(text)) Require(SnomedCtId::VerhoeffValid(id->ToString()));
  if (auto date = orp::ParseIsoDate(text)) {
    Require(orp::FormatIsoDate(*date) == text);
    Require(CheckBirthBeforeProcedure(*date, *date).has_value());
  }
  return 0;
}
