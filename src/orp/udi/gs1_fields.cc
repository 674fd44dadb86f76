#include "orp/udi/gs1_fields.h"

#include <fmt/format.h>

#include "orp/core/text.h"
#include "orp/domain/gtin.h"
#include "orp/udi/dates.h"

namespace orp::udi {

void Gs1FieldSink::Error(std::string_view code, std::string message, std::string_view ai,
                         int position) {
  out_.findings.push_back(MakeFinding(code, Severity::kError, std::move(message), ai, position));
}

bool Gs1FieldSink::Seen(std::string_view ai) const {
  for (size_t i = 0; i < seen_count_; ++i) {
    if (seen_[i].ai == ai) return true;
  }
  return false;
}

void Gs1FieldSink::Add(std::string_view ai, const AiDef& def, std::string_view value,
                       int position) {
  for (size_t i = 0; i < seen_count_; ++i) {
    if (seen_[i].ai != ai) continue;
    if (seen_[i].value != value) {
      Error("gs1.duplicate_ai",
            fmt::format("AI{} appears twice with different values ('{}' and '{}')", ai,
                        Printable(seen_[i].value), Printable(value)),
            ai, position);
    }
    return;  // a repeat with the same value is allowed and adds nothing
  }
  if (seen_count_ == kMaxFields) {
    Error("gs1.too_many_ais", fmt::format("more than {} AIs in one label", kMaxFields), ai,
          position);
    return;
  }
  seen_[seen_count_++] = SeenField{ai, &def, value};
  if (CheckShape(ai, def, value, position)) Store(ai, def, value, position);
}

bool Gs1FieldSink::CheckShape(std::string_view ai, const AiDef& def, std::string_view value,
                              int position) {
  bool fixed = def.min_length == def.max_length;
  if (value.size() < def.min_length || value.size() > def.max_length) {
    std::string unit = def.charset == AiCharset::kNumeric ? "digits" : "characters";
    Error("gs1.length",
          fixed ? fmt::format("AI{} ({}) must be {} {}, got {}", ai, def.title, def.max_length,
                              unit, value.size())
                : fmt::format("AI{} ({}) length {} is outside {}..{}", ai, def.title, value.size(),
                              def.min_length, def.max_length),
          ai, position);
    return false;
  }
  for (size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    bool ok = def.charset == AiCharset::kNumeric ? (c >= '0' && c <= '9') : IsCset82(c);
    if (ok) continue;
    Error("gs1.charset",
          def.charset == AiCharset::kNumeric
              ? fmt::format("AI{} ({}) must be digits; '{}' is not", ai, def.title,
                            Printable(value.substr(i, 1)))
              : fmt::format("AI{} ({}) character '{}' is not in GS1 character set 82", ai,
                            def.title, Printable(value.substr(i, 1))),
          ai, position);
    return false;
  }
  return true;
}

void Gs1FieldSink::Store(std::string_view ai, const AiDef& def, std::string_view value,
                         int position) {
  switch (def.role) {
    case AiRole::kGtin: {
      auto gtin = domain::Gtin::Parse(value);
      if (!gtin) {
        Error("gs1.check_digit", fmt::format("AI01: {}", gtin.error().message()), ai, position);
        return;
      }
      out_.di = gtin->digits();
      if (out_.di[0] == '9') {  // indicator digit 9: a variable-measure trade item
        out_.findings.push_back(MakeFinding(
            "gs1.variable_measure", Severity::kWarning,
            fmt::format("GTIN {} has indicator digit 9 (variable-measure item), which does not "
                        "identify a device model; check the label",
                        out_.di),
            ai, position));
      }
      return;
    }
    case AiRole::kLot: out_.lot.assign(value); return;
    case AiRole::kSerial: out_.serial.assign(value); return;
    case AiRole::kSoftwareVersion: out_.software_version.assign(value); return;
    case AiRole::kAdditionalId: out_.additional_id.assign(value); return;
    case AiRole::kProductionDate:
    case AiRole::kExpiryDate:
    case AiRole::kOtherDate: StoreDate(ai, def, value, position); return;
    case AiRole::kExpiryDateTime: StoreDateTime(ai, value, position); return;
    case AiRole::kOther:
      out_.other_ais.push_back(AiValue{std::string(ai), std::string(value)});
      return;
  }
}

void Gs1FieldSink::StoreDate(std::string_view ai, const AiDef& def, std::string_view value,
                             int position) {
  auto date = ParseYymmdd(value, options_.today);
  if (!date) {
    Error("gs1.date", fmt::format("AI{} ({}) {}: {}", ai, def.title, value, date.error().message()),
          ai, position);
    return;
  }
  if (def.role == AiRole::kExpiryDate) {
    out_.expiry = *date;
  } else if (def.role == AiRole::kProductionDate) {
    out_.production_date = *date;
  } else {
    out_.other_ais.push_back(AiValue{std::string(ai), std::string(value)});
  }
}

void Gs1FieldSink::StoreDateTime(std::string_view ai, std::string_view value, int position) {
  auto date = ParseYymmdd(value.substr(0, 6), options_.today);
  int hh = ReadNumber(value, 6, 2), mm = ReadNumber(value, 8, 2);
  if (date && value[4] == '0' && value[5] == '0') {
    date = InvalidArgument("day 00 is not allowed with a time");
  }
  if (!date || hh < 0 || hh > 23 || mm < 0 || mm > 59) {
    std::string why =
        date ? fmt::format("time {:02d}:{:02d} does not exist", hh, mm) : date.error().message();
    Error("gs1.date", fmt::format("AI{} (expiration date and time) {}: {}", ai, value, why), ai,
          position);
    return;
  }
  if (!Seen("17") || !out_.expiry) out_.expiry = *date;
  out_.expiry_time = std::chrono::minutes{hh * 60 + mm};
}

void Gs1FieldSink::CheckPairing() {
  for (size_t i = 0; i < seen_count_; ++i) {
    const SeenField& field = seen_[i];
    const auto& needs = field.def->requires_any;
    if (!needs[0].empty()) {
      bool met = false;
      for (std::string_view need : needs) met = met || (!need.empty() && Seen(need));
      if (!met) {
        std::string names;  // built only when needed: this loop runs for every label
        for (std::string_view need : needs) {
          if (need.empty()) continue;
          names += names.empty() ? fmt::format("AI{}", need) : fmt::format(" or {}", need);
        }
        Error("gs1.requires",
              fmt::format("AI{} ({}) requires {}", field.ai, field.def->title, names), field.ai,
              -1);
      }
    }
    if (!field.def->excludes.empty() && Seen(field.def->excludes)) {
      Error("gs1.excludes",
            fmt::format("AI{} must not appear with AI{}", field.ai, field.def->excludes), field.ai,
            -1);
    }
  }
}

void Gs1FieldSink::Finish() {
  CheckPairing();
  if (out_.expiry && out_.production_date && *out_.expiry < *out_.production_date) {
    Error("gs1.expiry_before_production",
          fmt::format("expiry {} is before production date {}", FormatIsoDate(*out_.expiry),
                      FormatIsoDate(*out_.production_date)),
          "17", -1);
  }
}

}  // namespace orp::udi
