// The patient page's read (patient_reads.h), written once for both SQL backends.
#include <fmt/format.h>

#include "orp/storage/patient_reads.h"
#include "orp/storage/sql_codec.h"
#include "orp/storage/sql_queries.h"

namespace orp::storage {

PatientReads* AsPatientReads(Reader& reader) { return dynamic_cast<PatientReads*>(&reader); }

}  // namespace orp::storage

namespace orp::storage::sql {

// Through implants_by_patient (patient, in_situ), each implant's procedure by its key. A bare
// `i.in_situ` reads as true in both dialects (SQLite's 0/1 integer, PostgreSQL's boolean).
Result<std::vector<PatientImplantRow>> Queries::PatientImplantsInSitu(PatientId patient) {
  static const std::string kSql = fmt::format(
      "SELECT {}, p.registry, p.date, p.provider_site, p.clinician_gmc FROM implants i "
      "JOIN procedures p ON p.id = i.procedure WHERE i.patient = ?1 AND i.in_situ "
      "AND i.action = 'implanted' ORDER BY p.date DESC, i.id DESC",
      kImplantColumnsOfI);
  return Collect<PatientImplantRow>(
      db_, kSql, [&](Statement& s) { s.Bind(1, patient.value); },
      [](const Statement& s) -> Result<PatientImplantRow> {
        PatientImplantRow row;
        auto implant = ReadImplantColumns(s, 0);
        if (!implant) return std::unexpected(implant.error());
        row.implant = std::move(*implant);
        row.registry = s.Text(13);
        row.procedure_date = FromDayNumber(s.Int(14));
        auto site = ParseStored<domain::OdsSiteCode>(s.Text(15), ParseSiteCode, "provider_site");
        if (!site) return std::unexpected(site.error());
        row.provider_site = std::move(*site);
        auto clinician = ParseStored<domain::GmcNumber>(s.Text(16), ParseGmc, "clinician_gmc");
        if (!clinician) return std::unexpected(clinician.error());
        row.clinician = std::move(*clinician);
        return row;
      });
}

}  // namespace orp::storage::sql
