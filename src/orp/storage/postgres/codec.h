// Conversions between entity fields and PostgreSQL columns: the one place that knows how a date,
// an enum, a code list or the registry-specific fields are stored (see migrations.cc). The
// encoding is the SQLite backend's, so the two schemas hold the same values: dates as INTEGER
// day numbers, instants as BIGINT seconds, identifiers as canonical text ('' for none), code
// lists ';'-joined, registry fields as jsonb. Readers return kDataLoss when a stored value no
// longer parses.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "orp/core/result.h"
#include "orp/domain/entities.h"
#include "orp/storage/postgres/connection.h"
#include "orp/storage/sql_codec.h"

namespace orp::storage::postgres {

// Day numbers and ';'-joined lists are encoded as the shared queries encode them.
using sql::DayNumber;
using sql::FromDayNumber;
using sql::JoinList;  // ';'-separated
using sql::OptionalDay;
using sql::PseudonymBytes;

// Procedure columns in SELECT order; procedure_versions stores the same under "procedure".
inline constexpr std::string_view kProcedureColumns =
    "registry, procedure_ref, provider_site, clinician_gmc, patient, date, type, opcs_codes, "
    "snomed_code, laterality, body_site, indication, asa_grade, bmi, fields, submission, version";
inline constexpr std::string_view kImplantColumns =
    "procedure, gtin, lot, serial, expiry, raw_scan, action, laterality, in_situ, removed_by, "
    "removed_on, fields";
inline constexpr std::string_view kProcedureColumnsOfP =
    "p.registry, p.procedure_ref, p.provider_site, p.clinician_gmc, p.patient, p.date, p.type, "
    "p.opcs_codes, p.snomed_code, p.laterality, p.body_site, p.indication, p.asa_grade, p.bmi, "
    "p.fields, p.submission, p.version";
using sql::kImplantColumnsOfI;  // the implant columns, id first, alias "i"
inline constexpr std::string_view kPatientColumns =
    "id, pseudonym, nhs_cipher, date_of_birth, sex, postcode, date_of_death, opted_out";

// Adds kProcedureColumns (17 values).
void AddProcedure(Params& params, const domain::Procedure& procedure);
// Reads the id at column `first` and kProcedureColumns after it. Implants are left empty.
Result<domain::Procedure> ReadProcedure(const Row& row, int first = 0);

// Adds kImplantColumns (12 values).
void AddImplant(Params& params, const domain::Implant& implant);
// Reads the id at column `first` and kImplantColumns after it.
Result<domain::Implant> ReadImplant(const Row& row, int first = 0);

// Adds kPatientColumns without the id (7 values).
void AddPatient(Params& params, const domain::Patient& patient);
Result<domain::Patient> ReadPatient(const Row& row);

std::vector<std::string> SplitList(std::string_view text, char separator = ';');
std::string EncodeFields(const std::map<std::string, std::string>& fields);  // JSON object
// Implants as the 11 parallel array parameters (kImplantColumns without procedure: gtin … fields)
// of a multi-row insert through unnest (writes.cc).
void AddImplantArrays(Params& params, const std::vector<domain::Implant>& implants);
// "{1,2,3}" (an array_agg of ids) -> the ids; "" (NULL) -> none.
std::vector<int64_t> ParseIdArray(std::string_view text);

// The DI text an implant stores in its gtin column (GTIN or other agency), if any.
std::optional<std::string> ImplantDiText(const domain::Implant& implant);

// Identifier encodings as the shared queries use them (sql_codec.h).
using sql::ParseGmc;
using sql::ParseOdsCode;
using sql::ParsePostcode;
using sql::ParseRequired;
using sql::ParseSiteCode;
using sql::ParseStored;
using sql::PostcodeText;
using sql::TextOr;

}  // namespace orp::storage::postgres
