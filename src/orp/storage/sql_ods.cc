// Queries: ODS reference data (ingest, #4; migration 0008_ingest), written once for both
// backends. Semantics in storage/ods.h and store.h. Organisations and sites are the tables of
// 0001 with open and close dates added.
#include <fmt/format.h>

#include "orp/storage/sql_codec.h"
#include "orp/storage/sql_queries.h"

namespace orp::storage::sql {
namespace {

Result<void> PutOrganisationRecord(Database& db, const OdsRecord& r) {
  return Execute(db,
                 "INSERT INTO organisations (code, name, opened, closed) VALUES (?1, ?2, ?3, ?4) "
                 "ON CONFLICT (code) DO UPDATE SET name = excluded.name, opened = excluded.opened, "
                 "closed = excluded.closed",
                 [&](Statement& s) {
                   s.Bind(1, r.code).Bind(2, r.name);
                   s.Bind(3, OptionalDay(r.opened)).Bind(4, OptionalDay(r.closed));
                 });
}

Result<void> PutSiteRecord(Database& db, const OdsRecord& r) {
  auto parent = First<int64_t>(
      db, "SELECT 1 FROM organisations WHERE code = ?1", [&](Statement& s) { s.Bind(1, r.parent); },
      [](const Statement&) -> Result<int64_t> { return 1; });
  if (!parent) return std::unexpected(parent.error());
  if (!*parent) {
    return InvalidArgument(
        fmt::format("site {}: parent organisation '{}' is not in the ODS reference data (load the "
                    "organisations file first)",
                    r.code, r.parent));
  }
  return Execute(db,
                 "INSERT INTO sites (code, organisation, name, postcode, opened, closed) "
                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (code) DO UPDATE SET "
                 "organisation = excluded.organisation, name = excluded.name, "
                 "postcode = excluded.postcode, opened = excluded.opened, closed = excluded.closed",
                 [&](Statement& s) {
                   s.Bind(1, r.code).Bind(2, r.parent).Bind(3, r.name).Bind(4, r.postcode);
                   s.Bind(5, OptionalDay(r.opened)).Bind(6, OptionalDay(r.closed));
                 });
}

}  // namespace

Result<std::optional<OdsRecord>> Queries::FindOdsSite(std::string_view site_code) {
  return First<OdsRecord>(
      db_, "SELECT code, name, organisation, postcode, opened, closed FROM sites WHERE code = ?1",
      [&](Statement& s) { s.Bind(1, site_code); },
      [](const Statement& s) -> Result<OdsRecord> {
        return OdsRecord{OdsKind::kSite, s.Text(0),          s.Text(1),         s.Text(2),
                         s.Text(3),      OptionalDate(s, 4), OptionalDate(s, 5)};
      });
}

Result<std::optional<OdsLoad>> Queries::LastOdsLoad() {
  return First<OdsLoad>(
      db_,
      "SELECT loaded_at, source_sha256, loaded_by, records FROM ods_loads ORDER BY id DESC "
      "LIMIT 1",
      [](Statement&) {},
      [](const Statement& s) -> Result<OdsLoad> {
        return OdsLoad{InstantOf(s.Int(0)), s.Text(1), s.Text(2), s.Int(3)};
      });
}

Result<void> Queries::PutOdsRecords(std::span<const OdsRecord> records, const OdsLoad& load) {
  for (const OdsRecord& r : records) {
    ORP_RETURN_IF_ERROR(r.kind == OdsKind::kOrganisation ? PutOrganisationRecord(db_, r)
                                                         : PutSiteRecord(db_, r));
  }
  return Execute(db_,
                 "INSERT INTO ods_loads (loaded_at, source_sha256, loaded_by, records) "
                 "VALUES (?1, ?2, ?3, ?4)",
                 [&](Statement& s) {
                   s.Bind(1, Seconds(load.loaded_at)).Bind(2, load.source_sha256);
                   s.Bind(3, load.loaded_by).Bind(4, load.records);
                 });
}

}  // namespace orp::storage::sql
