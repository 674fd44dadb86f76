#include "orp/api/json_codec.h"

#include <fmt/format.h>

#include <charconv>

#include "orp/core/date.h"

namespace orp::api {
namespace {

Json DateOrNull(const std::optional<Date>& date) {
  return date ? Json(FormatIsoDate(*date)) : Json(nullptr);
}

template <typename T, typename F>
Json OrNull(const std::optional<T>& value, F&& f) {
  return value ? Json(f(*value)) : Json(nullptr);
}

bool ParseInt64(std::string_view text, int64_t& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

Json ImplantJson(const domain::Implant& i) {
  return {{"id", i.id.value},
          {"procedure_id", i.procedure.value},
          {"gtin", OrNull(i.gtin, [](const domain::Gtin& g) { return g.digits(); })},
          {"other_di", OrNull(i.other_di, [](const domain::DeviceId& d) { return d.text(); })},
          {"lot", i.lot},
          {"serial", i.serial},
          {"expiry", DateOrNull(i.expiry)},
          {"action", domain::Name(i.action)},
          {"laterality",
           OrNull(i.laterality, [](domain::Laterality l) { return domain::LateralityCode(l); })},
          {"in_situ", i.in_situ},
          {"removed_by", OrNull(i.removed_by, [](domain::ProcedureId p) { return p.value; })},
          {"removed_on", DateOrNull(i.removed_on)},
          {"fields", i.fields}};
}

Json ProcedureJson(const domain::Procedure& p) {
  Json opcs = Json::array();
  for (const auto& code : p.opcs_codes) opcs.push_back(code.code());
  Json implants = Json::array();
  for (const auto& implant : p.implants) implants.push_back(ImplantJson(implant));
  Json fields = Json::object();
  for (const auto& [name, value] : p.fields) fields[name] = value;
  return {{"id", p.id.value},
          {"registry", p.registry},
          {"procedure_ref", p.procedure_ref},
          {"version", p.version},
          {"date", FormatIsoDate(p.date)},
          {"type", domain::Name(p.type)},
          {"provider_site",
           OrNull(p.provider_site, [](const domain::OdsSiteCode& s) { return s.code(); })},
          {"clinician", OrNull(p.clinician, [](const domain::GmcNumber& g) { return g.number(); })},
          {"opcs_codes", opcs},
          {"laterality",
           OrNull(p.laterality, [](domain::Laterality l) { return domain::LateralityCode(l); })},
          {"body_site", p.body_site},
          {"indication", p.indication},
          {"fields", fields},
          {"submission_id", p.submission.value},
          {"implants", implants}};
}

Json DeviceModelJson(const domain::DeviceModel& m) {
  return {{"di", m.device.text()},
          {"agency", std::string(domain::Name(m.device.agency()))},
          {"manufacturer", m.manufacturer},
          {"brand", m.brand},
          {"model", m.model},
          {"catalogue_number", m.catalogue_number},
          {"device_type", m.device_type},
          {"device_class", m.device_class},
          {"registries", m.registries},
          {"valid_from", FormatIsoDate(m.valid_from)},
          {"valid_to", DateOrNull(m.valid_to)},
          {"market_status", domain::Name(m.market_status)},
          {"status_date", DateOrNull(m.status_date)},
          {"fsn_reference", m.fsn_reference},
          {"recorded_on", DateOrNull(m.recorded_on)}};
}

Json FindingJson(const domain::Finding& f) {
  return {{"row", f.row},   {"procedure_ref", f.procedure_ref},     {"field", f.field},
          {"rule", f.rule}, {"severity", domain::Name(f.severity)}, {"message", f.message}};
}

Json SubmissionJson(const domain::Submission& s) {
  return {{"id", s.id.value},
          {"status", domain::Name(s.status)},
          {"registry", s.registry},
          {"submitter", s.submitter},
          {"received_at", FormatIsoInstant(s.received_at)},
          {"procedures",
           {{"received", s.received}, {"accepted", s.accepted}, {"rejected", s.rejected}}}};
}

Json ParsedUdiJson(const udi::ParsedUdi& u) {
  Json findings = Json::array();
  for (const udi::Finding& f : u.findings) {
    findings.push_back({{"code", f.code},
                        {"severity", udi::SeverityName(f.severity)},
                        {"message", f.message},
                        {"field", f.field}});
  }
  Json other = Json::array();
  for (const udi::AiValue& v : u.other_ais) other.push_back({{"ai", v.ai}, {"value", v.value}});
  return {{"issuer", udi::IssuerName(u.issuer)},
          {"format", udi::FormatName(u.format)},
          {"ok", u.ok()},
          {"di", u.di},
          {"lot", u.lot},
          {"serial", u.serial},
          {"expiry", DateOrNull(u.expiry)},
          {"production_date", DateOrNull(u.production_date)},
          {"software_version", u.software_version},
          {"additional_id", u.additional_id},
          {"other_ais", other},
          {"findings", findings}};
}

// "<kind>.<position>" in hex-free plain text would invite editing; the cursor is the same text
// with every byte as two hex digits, which is opaque enough and trivially checked.
std::string EncodeCursor(std::string_view kind, int64_t position) {
  std::string plain = fmt::format("{}.{}", kind, position);
  std::string out;
  for (unsigned char c : plain) out += fmt::format("{:02x}", c);
  return out;
}

Result<int64_t> DecodeCursor(std::string_view kind, std::string_view cursor) {
  auto bad = [&] {
    return InvalidArgument("cursor: not a cursor from this listing; pass next_cursor unchanged");
  };
  if (cursor.size() % 2 != 0 || cursor.size() > 128) return bad();
  std::string plain;
  for (size_t i = 0; i < cursor.size(); i += 2) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(cursor.data() + i, cursor.data() + i + 2, value, 16);
    if (ec != std::errc() || end != cursor.data() + i + 2) return bad();
    plain.push_back(static_cast<char>(value));
  }
  int64_t position = 0;
  if (!plain.starts_with(kind) || plain.size() <= kind.size() + 1 || plain[kind.size()] != '.' ||
      !ParseInt64(std::string_view(plain).substr(kind.size() + 1), position) || position < 0) {
    return bad();
  }
  return position;
}

Result<int> ParseLimit(const std::optional<std::string>& text, int default_limit, int max_limit) {
  if (!text) return default_limit;
  int64_t value = 0;
  if (!ParseInt64(*text, value) || value < 1 || value > max_limit) {
    return InvalidArgument(
        fmt::format("limit: '{}' is not a whole number from 1 to {}", *text, max_limit));
  }
  return static_cast<int>(value);
}

}  // namespace orp::api
