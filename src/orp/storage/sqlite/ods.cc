// Queries: ODS reference data (ingest, #4; migration 0008_ingest). Semantics in storage/ods.h
// and store.h. Organisations and sites are the tables of 0001 with open and close dates added.
#include <fmt/format.h>

#include "orp/storage/sqlite/codec.h"
#include "orp/storage/sqlite/collect.h"
#include "orp/storage/sqlite/queries.h"

namespace orp::storage::sqlite {
namespace {

std::optional<Date> DayOrNone(const Stmt& s, int column) {
  if (s.IsNull(column)) return std::nullopt;
  return FromDayNumber(s.Int(column));
}

Stmt& BindDay(Stmt& s, int index, const std::optional<Date>& day) {
  return day ? s.Bind(index, DayNumber(*day)) : s.BindNull(index);
}

}  // namespace

Result<std::optional<OdsRecord>> Queries::FindOdsSite(std::string_view site_code) {
  return First<OdsRecord>(
      db_, "SELECT code, name, organisation, postcode, opened, closed FROM sites WHERE code = ?1",
      [&](Stmt& s) { s.Bind(1, site_code); },
      [](const Stmt& s) -> Result<OdsRecord> {
        return OdsRecord{OdsKind::kSite, s.Text(0),       s.Text(1),      s.Text(2),
                         s.Text(3),      DayOrNone(s, 4), DayOrNone(s, 5)};
      });
}

Result<std::optional<OdsLoad>> Queries::LastOdsLoad() {
  return First<OdsLoad>(
      db_,
      "SELECT loaded_at, source_sha256, loaded_by, records FROM ods_loads ORDER BY id DESC "
      "LIMIT 1",
      [](Stmt&) {},
      [](const Stmt& s) -> Result<OdsLoad> {
        return OdsLoad{domain::Instant(std::chrono::seconds(s.Int(0))), s.Text(1), s.Text(2),
                       s.Int(3)};
      });
}

Result<void> Queries::PutOdsRecords(std::span<const OdsRecord> records, const OdsLoad& load) {
  for (const OdsRecord& r : records) {
    if (r.kind == OdsKind::kOrganisation) {
      ORP_RETURN_IF_ERROR(Execute(
          db_,
          "INSERT INTO organisations (code, name, opened, closed) VALUES (?1, ?2, ?3, ?4) "
          "ON CONFLICT (code) DO UPDATE SET name = excluded.name, opened = excluded.opened, "
          "closed = excluded.closed",
          [&](Stmt& s) {
            s.Bind(1, r.code).Bind(2, r.name);
            BindDay(s, 3, r.opened);
            BindDay(s, 4, r.closed);
          }));
      continue;
    }
    auto parent = First<int64_t>(
        db_, "SELECT 1 FROM organisations WHERE code = ?1", [&](Stmt& s) { s.Bind(1, r.parent); },
        [](const Stmt&) -> Result<int64_t> { return 1; });
    if (!parent) return std::unexpected(parent.error());
    if (!*parent) {
      return InvalidArgument(fmt::format(
          "site {}: parent organisation '{}' is not in the ODS reference data (load the "
          "organisations file first)",
          r.code, r.parent));
    }
    ORP_RETURN_IF_ERROR(
        Execute(db_,
                "INSERT INTO sites (code, organisation, name, postcode, opened, closed) "
                "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (code) DO UPDATE SET "
                "organisation = excluded.organisation, name = excluded.name, "
                "postcode = excluded.postcode, opened = excluded.opened, closed = excluded.closed",
                [&](Stmt& s) {
                  s.Bind(1, r.code).Bind(2, r.parent).Bind(3, r.name).Bind(4, r.postcode);
                  BindDay(s, 5, r.opened);
                  BindDay(s, 6, r.closed);
                }));
  }
  return Execute(db_,
                 "INSERT INTO ods_loads (loaded_at, source_sha256, loaded_by, records) "
                 "VALUES (?1, ?2, ?3, ?4)",
                 [&](Stmt& s) {
                   s.Bind(1, int64_t{load.loaded_at.time_since_epoch().count()})
                       .Bind(2, load.source_sha256)
                       .Bind(3, load.loaded_by)
                       .Bind(4, load.records);
                 });
}

}  // namespace orp::storage::sqlite
