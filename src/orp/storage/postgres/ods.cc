// Queries: ODS reference data (ingest, #4; migration 0008_ingest). Semantics in storage/ods.h
// and store.h.
#include <fmt/format.h>

#include "orp/storage/postgres/codec.h"
#include "orp/storage/postgres/queries.h"

namespace orp::storage::postgres {
namespace {

std::optional<Date> DayOrNone(const Row& row, int column) {
  if (row.IsNull(column)) return std::nullopt;
  return FromDayNumber(row.Int(column));
}

Params& AddDay(Params& params, const std::optional<Date>& day) {
  return day ? params.Add(DayNumber(*day)) : params.AddNull();
}

}  // namespace

Result<std::optional<OdsRecord>> Queries::FindOdsSite(std::string_view site_code) {
  return First<OdsRecord>(
      db_, "SELECT code, name, organisation, postcode, opened, closed FROM sites WHERE code = $1",
      Params().Add(site_code), [](const Row& r) -> Result<OdsRecord> {
        return OdsRecord{OdsKind::kSite, r.Text(0),       r.Text(1),      r.Text(2),
                         r.Text(3),      DayOrNone(r, 4), DayOrNone(r, 5)};
      });
}

Result<std::optional<OdsLoad>> Queries::LastOdsLoad() {
  return First<OdsLoad>(
      db_,
      "SELECT loaded_at, source_sha256, loaded_by, records FROM ods_loads ORDER BY id DESC "
      "LIMIT 1",
      Params(), [](const Row& r) -> Result<OdsLoad> {
        return OdsLoad{domain::Instant(std::chrono::seconds(r.Int(0))), r.Text(1), r.Text(2),
                       r.Int(3)};
      });
}

Result<void> Queries::PutOdsRecords(std::span<const OdsRecord> records, const OdsLoad& load) {
  for (const OdsRecord& r : records) {
    if (r.kind == OdsKind::kOrganisation) {
      Params params;
      params.Add(r.code).Add(r.name);
      AddDay(params, r.opened);
      AddDay(params, r.closed);
      auto done = db_.Query(
          "INSERT INTO organisations (code, name, opened, closed) VALUES ($1, $2, $3, $4) "
          "ON CONFLICT (code) DO UPDATE SET name = excluded.name, opened = excluded.opened, "
          "closed = excluded.closed",
          params);
      if (!done) return std::unexpected(done.error());
      continue;
    }
    auto parent = db_.Query("SELECT 1 FROM organisations WHERE code = $1", Params().Add(r.parent));
    if (!parent) return std::unexpected(parent.error());
    if (parent->size() == 0) {
      return InvalidArgument(fmt::format(
          "site {}: parent organisation '{}' is not in the ODS reference data (load the "
          "organisations file first)",
          r.code, r.parent));
    }
    Params params;
    params.Add(r.code).Add(r.parent).Add(r.name).Add(r.postcode);
    AddDay(params, r.opened);
    AddDay(params, r.closed);
    auto done = db_.Query(
        "INSERT INTO sites (code, organisation, name, postcode, opened, closed) "
        "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (code) DO UPDATE SET "
        "organisation = excluded.organisation, name = excluded.name, "
        "postcode = excluded.postcode, opened = excluded.opened, closed = excluded.closed",
        params);
    if (!done) return std::unexpected(done.error());
  }
  auto recorded = db_.Query(
      "INSERT INTO ods_loads (loaded_at, source_sha256, loaded_by, records) "
      "VALUES ($1, $2, $3, $4)",
      Params()
          .Add(int64_t{load.loaded_at.time_since_epoch().count()})
          .Add(load.source_sha256)
          .Add(load.loaded_by)
          .Add(load.records));
  if (!recorded) return std::unexpected(recorded.error());
  return {};
}

}  // namespace orp::storage::postgres
