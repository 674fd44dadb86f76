#include "orp/storage/sqlite/codec.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>
#include <nlohmann/json.hpp>

#include "orp/storage/sql_codec.h"

namespace orp::storage::sqlite {
namespace {

using domain::Procedure;
using sql::DecodeFields;

std::optional<Date> OptionalDay(const Stmt& stmt, int column) {
  if (stmt.IsNull(column)) return std::nullopt;
  return FromDayNumber(stmt.Int(column));
}

std::optional<int64_t> OptionalDay(const std::optional<Date>& date) {
  if (!date) return std::nullopt;
  return DayNumber(*date);
}

// Plain printable ASCII without quote or backslash: copied into JSON as it is.
bool PlainJsonText(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return c >= 0x20 && c < 0x7f && c != '"' && c != '\\'; });
}

// Registry-specific fields bound as a JSON object of strings (PostgreSQL keeps the same as
// jsonb). The empty object (most implants) is bound without a copy. When every name and value is
// plain text (nearly always: codes, numbers, dates) the object is written by hand, which costs a
// tenth of building a json value, straight into a buffer SQLite takes over (no copy; #4); nlohmann
// escapes anything else, with invalid UTF-8 replaced rather than thrown.
void BindFields(Stmt& stmt, int index, const std::map<std::string, std::string>& fields) {
  if (fields.empty()) {
    stmt.BindStatic(index, "{}");
    return;
  }
  size_t size = 2;  // {}
  for (const auto& [name, value] : fields) {
    if (!PlainJsonText(name) || !PlainJsonText(value)) {
      stmt.Bind(index, nlohmann::json(fields).dump(-1, ' ', false,
                                                   nlohmann::json::error_handler_t::replace));
      return;
    }
    size += name.size() + value.size() + 6;  // "name":"value",
  }
  char* const text = static_cast<char*>(std::malloc(size));
  if (text == nullptr) throw std::bad_alloc();
  char* out = text;
  auto put = [&out](std::string_view piece) {
    std::memcpy(out, piece.data(), piece.size());
    out += piece.size();
  };
  put("{");
  for (const auto& [name, value] : fields) {
    if (out != text + 1) put(",");
    put("\"");
    put(name);
    put("\":\"");
    put(value);
    put("\"");
  }
  put("}");
  stmt.BindMalloced(index, text, static_cast<size_t>(out - text));
}

template <typename T>
Result<T> Stored(Result<T> parsed, std::string_view column) {
  if (!parsed) return DataLoss(fmt::format("stored {}: {}", column, parsed.error().message()));
  return parsed;
}

}  // namespace

std::string JoinOpcs(const std::vector<domain::Opcs4Code>& codes) {
  std::string out;
  for (const auto& code : codes) {
    if (!out.empty()) out += ';';
    out += code.code();
  }
  return out;
}

// BindProcedure, BindImplant and BindPatient bind the entity's own strings and static codes
// without a copy (Stmt::BindStatic): every caller keeps the entity alive until its Stmt is
// destroyed.
void BindProcedure(Stmt& stmt, int first, const Procedure& p) {
  int i = first;
  stmt.BindStatic(i++, p.registry);
  stmt.BindStatic(i++, p.procedure_ref);
  stmt.BindStatic(
      i++, ViewOr(p.provider_site, [](const auto& v) -> const std::string& { return v.code(); }));
  stmt.BindStatic(
      i++, ViewOr(p.clinician, [](const auto& v) -> const std::string& { return v.number(); }));
  stmt.Bind(i++, p.patient.value);
  stmt.Bind(i++, DayNumber(p.date));
  stmt.BindStatic(i++, domain::Name(p.type));
  if (p.opcs_codes.size() == 1) {
    stmt.BindStatic(i++, p.opcs_codes.front().code());
  } else {
    stmt.Bind(i++, JoinOpcs(p.opcs_codes));
  }
  stmt.Bind(i++, TextOr(p.snomed_code, [](const auto& v) { return v.ToString(); }));
  stmt.BindStatic(i++, ViewOr(p.laterality, domain::LateralityCode));
  stmt.BindStatic(i++, p.body_site);
  stmt.BindStatic(i++, p.indication);
  stmt.Bind(i++, p.asa_grade);
  stmt.Bind(i++, p.bmi);
  BindFields(stmt, i++, p.fields);
  if (p.submission.stored()) {
    stmt.Bind(i++, p.submission.value);
  } else {
    stmt.BindNull(i++);
  }
  stmt.Bind(i++, p.version);
}

Result<Procedure> ReadProcedure(const Stmt& stmt) {
  Procedure p;
  p.id.value = stmt.Int(0);
  p.registry = stmt.Text(1);
  p.procedure_ref = stmt.Text(2);
  auto site = ParseStored<domain::OdsSiteCode>(stmt.Text(3), ParseSiteCode, "provider_site");
  auto clinician = ParseStored<domain::GmcNumber>(stmt.Text(4), ParseGmc, "clinician_gmc");
  if (!site) return std::unexpected(site.error());
  if (!clinician) return std::unexpected(clinician.error());
  p.provider_site = std::move(*site);
  p.clinician = std::move(*clinician);
  p.patient.value = stmt.Int(5);
  p.date = FromDayNumber(stmt.Int(6));
  auto type = Stored(domain::ParseProcedureType(stmt.Text(7)), "procedure type");
  if (!type) return std::unexpected(type.error());
  p.type = *type;
  for (const std::string& code : SplitList(stmt.Text(8))) {
    auto opcs = ParseRequired<domain::Opcs4Code>(code, domain::Opcs4Code::Parse, "opcs_codes");
    if (!opcs) return std::unexpected(opcs.error());
    p.opcs_codes.push_back(std::move(*opcs));
  }
  auto snomed =
      ParseStored<domain::SnomedCtId>(stmt.Text(9), domain::SnomedCtId::Parse, "snomed_code");
  auto laterality =
      ParseStored<domain::Laterality>(stmt.Text(10), domain::ParseLaterality, "laterality");
  if (!snomed) return std::unexpected(snomed.error());
  if (!laterality) return std::unexpected(laterality.error());
  p.snomed_code = *snomed;
  p.laterality = *laterality;
  p.body_site = stmt.Text(11);
  p.indication = stmt.Text(12);
  if (!stmt.IsNull(13)) p.asa_grade = static_cast<int>(stmt.Int(13));
  if (!stmt.IsNull(14)) p.bmi = stmt.Real(14);
  auto fields = DecodeFields(stmt.Text(15));
  if (!fields) return std::unexpected(fields.error());
  p.fields = std::move(*fields);
  p.submission.value = stmt.IsNull(16) ? 0 : stmt.Int(16);
  p.version = static_cast<int>(stmt.Int(17));
  return p;
}

void BindImplant(Stmt& stmt, int first, const domain::Implant& m) {
  int i = first;
  stmt.Bind(i++, m.procedure.value);
  // The gtin column holds the DI of any agency: the GTIN, else a HIBCC DI (other_di).
  if (m.gtin) {
    stmt.BindStatic(i++, m.gtin->digits());
  } else if (m.other_di) {
    stmt.BindStatic(i++, m.other_di->text());
  } else {
    stmt.BindNull(i++);
  }
  stmt.BindStatic(i++, m.lot);
  stmt.BindStatic(i++, m.serial);
  stmt.Bind(i++, OptionalDay(m.expiry));
  stmt.BindStatic(i++, m.raw_scan);
  stmt.BindStatic(i++, domain::Name(m.action));
  stmt.BindStatic(i++, ViewOr(m.laterality, domain::LateralityCode));
  stmt.Bind(i++, int64_t{m.in_situ});
  if (m.removed_by) {
    stmt.Bind(i++, m.removed_by->value);
  } else {
    stmt.BindNull(i++);
  }
  stmt.Bind(i++, OptionalDay(m.removed_on));
  BindFields(stmt, i++, m.fields);
}

Result<domain::Implant> ReadImplant(const Stmt& stmt) { return sql::DecodeImplant(stmt); }

void BindPatient(Stmt& stmt, int first, const domain::Patient& p) {
  int i = first;
  if (p.pseudonym) {
    const auto& b = p.pseudonym->bytes;
    stmt.BindBlobStatic(i++, std::string_view(reinterpret_cast<const char*>(b.data()), b.size()));
  } else {
    stmt.BindNull(i++);
  }
  if (p.nhs_number) {
    stmt.BindBlobStatic(i++, p.nhs_number->bytes);
  } else {
    stmt.BindNull(i++);
  }
  stmt.Bind(i++, OptionalDay(p.date_of_birth));
  stmt.BindStatic(i++, ViewOr(p.sex, domain::SexCode));
  stmt.BindStatic(i++, ViewOr(p.postcode, PostcodeText));
  stmt.Bind(i++, OptionalDay(p.date_of_death));
  stmt.Bind(i++, int64_t{p.opted_out});
}

Result<domain::Patient> ReadPatient(const Stmt& stmt) {
  domain::Patient p;
  p.id.value = stmt.Int(0);
  if (!stmt.IsNull(1)) {
    std::string bytes = stmt.Blob(1);
    if (bytes.size() != 32) return DataLoss("stored pseudonym is not 32 bytes");
    domain::Pseudonym pseudonym;
    std::memcpy(pseudonym.bytes.data(), bytes.data(), 32);
    p.pseudonym = pseudonym;
  }
  if (!stmt.IsNull(2)) p.nhs_number = domain::EncryptedNhsNumber{stmt.Blob(2)};
  p.date_of_birth = OptionalDay(stmt, 3);
  auto sex = ParseStored<domain::Sex>(stmt.Text(4), domain::ParseSex, "sex");
  auto postcode = ParseStored<domain::Postcode>(stmt.Text(5), ParsePostcode, "postcode");
  if (!sex) return std::unexpected(sex.error());
  if (!postcode) return std::unexpected(postcode.error());
  p.sex = *sex;
  p.postcode = std::move(*postcode);
  p.date_of_death = OptionalDay(stmt, 6);
  p.opted_out = stmt.Int(7) != 0;
  return p;
}

void Normalise(domain::Implant& implant, const domain::Procedure& procedure) {
  implant.procedure = procedure.id;
  if (!implant.laterality) implant.laterality = procedure.laterality;
  if (implant.action == domain::DeviceAction::kExplanted) implant.in_situ = false;
}

}  // namespace orp::storage::sqlite
