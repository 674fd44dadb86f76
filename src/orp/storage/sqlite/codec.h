// Conversions between entity fields and SQLite columns: the one place that knows how a date, an
// enum, a code list or the registry-specific fields are stored (see migrations.cc). Readers
// return kDataLoss when a stored value no longer parses.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "orp/core/result.h"
#include "orp/domain/entities.h"
#include "orp/storage/sql_codec.h"
#include "orp/storage/sqlite/connection.h"

namespace orp::storage::sqlite {

// Day numbers and ';'-joined lists are encoded as the shared queries encode them.
using sql::DayNumber;
using sql::FromDayNumber;
using sql::JoinList;  // ';'-separated
using sql::PseudonymBytes;
using sql::SplitList;

// Procedure columns in SELECT order; procedure_versions stores the same under "procedure".
inline constexpr std::string_view kProcedureColumns =
    "registry, procedure_ref, provider_site, clinician_gmc, patient, date, type, opcs_codes, "
    "snomed_code, laterality, body_site, indication, asa_grade, bmi, fields, submission, version";
inline constexpr std::string_view kImplantColumns =
    "procedure, gtin, lot, serial, expiry, raw_scan, action, laterality, in_situ, removed_by, "
    "removed_on, fields";
// kProcedureColumns qualified by the alias "p".
inline constexpr std::string_view kProcedureColumnsOfP =
    "p.registry, p.procedure_ref, p.provider_site, p.clinician_gmc, p.patient, p.date, p.type, "
    "p.opcs_codes, p.snomed_code, p.laterality, p.body_site, p.indication, p.asa_grade, p.bmi, "
    "p.fields, p.submission, p.version";
// kImplantColumns with the id, qualified by the alias "i" for joins.
using sql::kImplantColumnsOfI;  // the implant columns, id first, alias "i"
inline constexpr std::string_view kPatientColumns =
    "id, pseudonym, nhs_cipher, date_of_birth, sex, postcode, date_of_death, opted_out";

// Binds kProcedureColumns (17 values) from parameter `first`.
void BindProcedure(Stmt& stmt, int first, const domain::Procedure& procedure);
// Reads the id at column 0 and kProcedureColumns from column 1. Implants are left empty.
Result<domain::Procedure> ReadProcedure(const Stmt& stmt);

// Binds kImplantColumns (12 values) from parameter `first`.
void BindImplant(Stmt& stmt, int first, const domain::Implant& implant);
// Reads the id at column 0 and kImplantColumns from column 1.
Result<domain::Implant> ReadImplant(const Stmt& stmt);

// Binds kPatientColumns without the id (7 values) from parameter `first`.
void BindPatient(Stmt& stmt, int first, const domain::Patient& patient);
Result<domain::Patient> ReadPatient(const Stmt& stmt);

// Identifier encodings as the shared queries use them (sql_codec.h).
using sql::ParseGmc;
using sql::ParseOdsCode;
using sql::ParsePostcode;
using sql::ParseRequired;
using sql::ParseSiteCode;
using sql::ParseStored;
using sql::PostcodeText;
using sql::TextOr;
using sql::ViewOr;
std::string JoinOpcs(const std::vector<domain::Opcs4Code>& codes);

// An implant as it is stored: its procedure, the procedure's side when it gives none, and never
// in situ when it records a removal (an explanted device row is not itself in situ).
void Normalise(domain::Implant& implant, const domain::Procedure& procedure);

}  // namespace orp::storage::sqlite
