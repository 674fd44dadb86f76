#include "orp/storage/postgres/codec.h"

#include <fmt/format.h>

#include <cstring>
#include <nlohmann/json.hpp>

#include "orp/storage/sql_codec.h"

namespace orp::storage::postgres {
namespace {

using domain::Procedure;
using sql::DecodeFields;

std::optional<Date> ReadDay(const Row& row, int column) {
  if (row.IsNull(column)) return std::nullopt;
  return FromDayNumber(row.Int(column));
}

template <typename T>
Result<T> Stored(Result<T> parsed, std::string_view column) {
  if (!parsed) return DataLoss(fmt::format("stored {}: {}", column, parsed.error().message()));
  return parsed;
}

std::optional<int64_t> IdOr(const std::optional<domain::ProcedureId>& id) {
  if (!id) return std::nullopt;
  return id->value;
}

}  // namespace

std::string EncodeFields(const std::map<std::string, std::string>& fields) {
  if (fields.empty()) return "{}";
  return nlohmann::json(fields).dump();
}

std::optional<std::string> ImplantDiText(const domain::Implant& m) {
  if (m.gtin) return m.gtin->digits();
  if (m.other_di) return m.other_di->text();
  return std::nullopt;
}

std::vector<std::string> SplitList(std::string_view text, char separator) {
  std::vector<std::string> out;
  while (!text.empty()) {
    size_t semi = text.find(separator);
    out.emplace_back(text.substr(0, semi));
    if (semi == std::string_view::npos) break;
    text.remove_prefix(semi + 1);
  }
  return out;
}

void AddProcedure(Params& params, const Procedure& p) {
  std::vector<std::string> opcs;
  for (const auto& code : p.opcs_codes) opcs.emplace_back(code.code());
  params.Add(p.registry).Add(p.procedure_ref);
  params.Add(TextOr(p.provider_site, [](const auto& v) { return v.code(); }));
  params.Add(TextOr(p.clinician, [](const auto& v) { return v.number(); }));
  params.Add(p.patient.value).Add(DayNumber(p.date)).Add(domain::Name(p.type));
  params.Add(JoinList(opcs));
  params.Add(TextOr(p.snomed_code, [](const auto& v) { return v.ToString(); }));
  params.Add(TextOr(p.laterality, domain::LateralityCode));
  params.Add(p.body_site).Add(p.indication).Add(p.asa_grade).Add(p.bmi);
  params.Add(EncodeFields(p.fields));
  p.submission.stored() ? params.Add(p.submission.value) : params.AddNull();
  params.Add(p.version);
}

Result<Procedure> ReadProcedure(const Row& row, int first) {
  const int c = first;
  Procedure p;
  p.id.value = row.Int(c);
  p.registry = row.Text(c + 1);
  p.procedure_ref = row.Text(c + 2);
  auto site = ParseStored<domain::OdsSiteCode>(row.Text(c + 3), ParseSiteCode, "provider_site");
  auto clinician = ParseStored<domain::GmcNumber>(
      row.Text(c + 4), [](std::string_view t) { return domain::GmcNumber::Parse(t); },
      "clinician_gmc");
  if (!site) return std::unexpected(site.error());
  if (!clinician) return std::unexpected(clinician.error());
  p.provider_site = std::move(*site);
  p.clinician = std::move(*clinician);
  p.patient.value = row.Int(c + 5);
  p.date = FromDayNumber(row.Int(c + 6));
  auto type = Stored(domain::ParseProcedureType(row.View(c + 7)), "procedure type");
  if (!type) return std::unexpected(type.error());
  p.type = *type;
  for (const std::string& code : SplitList(row.View(c + 8))) {
    auto opcs = ParseRequired<domain::Opcs4Code>(code, domain::Opcs4Code::Parse, "opcs_codes");
    if (!opcs) return std::unexpected(opcs.error());
    p.opcs_codes.push_back(std::move(*opcs));
  }
  auto snomed =
      ParseStored<domain::SnomedCtId>(row.Text(c + 9), domain::SnomedCtId::Parse, "snomed_code");
  auto laterality =
      ParseStored<domain::Laterality>(row.Text(c + 10), domain::ParseLaterality, "laterality");
  if (!snomed) return std::unexpected(snomed.error());
  if (!laterality) return std::unexpected(laterality.error());
  p.snomed_code = *snomed;
  p.laterality = *laterality;
  p.body_site = row.Text(c + 11);
  p.indication = row.Text(c + 12);
  if (!row.IsNull(c + 13)) p.asa_grade = static_cast<int>(row.Int(c + 13));
  if (!row.IsNull(c + 14)) p.bmi = row.Real(c + 14);
  auto fields = DecodeFields(row.Text(c + 15));
  if (!fields) return std::unexpected(fields.error());
  p.fields = std::move(*fields);
  p.submission.value = row.IsNull(c + 16) ? 0 : row.Int(c + 16);
  p.version = static_cast<int>(row.Int(c + 17));
  return p;
}

void AddImplant(Params& params, const domain::Implant& m) {
  params.Add(m.procedure.value);
  params.Add(ImplantDiText(m));
  params.Add(m.lot).Add(m.serial).Add(OptionalDay(m.expiry)).Add(m.raw_scan);
  params.Add(domain::Name(m.action)).Add(TextOr(m.laterality, domain::LateralityCode));
  params.Add(m.in_situ).Add(IdOr(m.removed_by)).Add(OptionalDay(m.removed_on));
  params.Add(EncodeFields(m.fields));
}

Result<domain::Implant> ReadImplant(const Row& row, int first) {
  return sql::DecodeImplant(row, first);
}

void AddPatient(Params& params, const domain::Patient& p) {
  p.pseudonym ? params.AddBytea(PseudonymBytes(*p.pseudonym)) : params.AddNull();
  p.nhs_number ? params.AddBytea(p.nhs_number->bytes) : params.AddNull();
  params.Add(OptionalDay(p.date_of_birth)).Add(TextOr(p.sex, domain::SexCode));
  params.Add(TextOr(p.postcode, PostcodeText)).Add(OptionalDay(p.date_of_death));
  params.Add(p.opted_out);
}

Result<domain::Patient> ReadPatient(const Row& row) {
  domain::Patient p;
  p.id.value = row.Int(0);
  if (!row.IsNull(1)) {
    std::string bytes = row.Bytea(1);
    if (bytes.size() != 32) return DataLoss("stored pseudonym is not 32 bytes");
    domain::Pseudonym pseudonym;
    std::memcpy(pseudonym.bytes.data(), bytes.data(), 32);
    p.pseudonym = pseudonym;
  }
  if (!row.IsNull(2)) p.nhs_number = domain::EncryptedNhsNumber{row.Bytea(2)};
  p.date_of_birth = ReadDay(row, 3);
  auto sex = ParseStored<domain::Sex>(row.Text(4), domain::ParseSex, "sex");
  auto postcode = ParseStored<domain::Postcode>(row.Text(5), ParsePostcode, "postcode");
  if (!sex) return std::unexpected(sex.error());
  if (!postcode) return std::unexpected(postcode.error());
  p.sex = *sex;
  p.postcode = std::move(*postcode);
  p.date_of_death = ReadDay(row, 6);
  p.opted_out = row.Bool(7);
  return p;
}

}  // namespace orp::storage::postgres
