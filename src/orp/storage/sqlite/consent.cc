// Queries: the national data opt-out list (consent at ingest, #5; migration 0008_ingest).
// Semantics in storage/consent.h and store.h.
#include <fmt/format.h>

#include "orp/storage/sqlite/collect.h"
#include "orp/storage/sqlite/queries.h"

namespace orp::storage::sqlite {
namespace {

std::string_view Bytes(const Pseudonym& p) {
  return {reinterpret_cast<const char*>(p.bytes.data()), p.bytes.size()};
}

Result<Pseudonym> ReadPseudonym(const Stmt& s) {
  const std::string bytes = s.Blob(0);
  Pseudonym p;
  if (bytes.size() != p.bytes.size()) {
    return DataLoss(
        fmt::format("opt_outs: an entry of {} bytes, not {}", bytes.size(), p.bytes.size()));
  }
  std::copy(bytes.begin(), bytes.end(), p.bytes.begin());
  return p;
}

}  // namespace

Result<std::vector<Pseudonym>> Queries::FindOptedOut(std::span<const Pseudonym> pseudonyms) {
  std::vector<Pseudonym> found;
  for (const Pseudonym& p : pseudonyms) {
    auto hit = First<Pseudonym>(
        db_, "SELECT pseudonym FROM opt_outs WHERE pseudonym = ?1",
        [&](Stmt& s) { s.BindBlob(1, Bytes(p)); }, ReadPseudonym);
    if (!hit) return std::unexpected(hit.error());
    if (*hit) found.push_back(**hit);
  }
  return found;
}

// The entry count is the last load's (a load replaces the whole list), so asking costs one row
// however long the list is.
Result<OptOutListInfo> Queries::OptOutList() {
  auto last = First<OptOutListInfo>(
      db_,
      "SELECT loaded_at, source_sha256, loaded_by, entries FROM opt_out_loads "
      "ORDER BY id DESC LIMIT 1",
      [](Stmt&) {},
      [](const Stmt& s) -> Result<OptOutListInfo> {
        return OptOutListInfo{s.Int(3), OptOutLoad{domain::Instant(std::chrono::seconds(s.Int(0))),
                                                   s.Text(1), s.Text(2)}};
      });
  if (!last) return std::unexpected(last.error());
  return last->value_or(OptOutListInfo{});
}

Result<OptOutLoadResult> Queries::ReplaceOptOuts(std::span<const Pseudonym> list,
                                                 const OptOutLoad& load) {
  auto seq = ChangeSeq();
  if (!seq) return std::unexpected(seq.error());
  ORP_RETURN_IF_ERROR(db_.Exec("DELETE FROM opt_outs"));
  OptOutLoadResult result;
  for (const Pseudonym& p : list) {
    ORP_RETURN_IF_ERROR(Execute(db_, "INSERT OR IGNORE INTO opt_outs (pseudonym) VALUES (?1)",
                                [&](Stmt& s) { s.BindBlob(1, Bytes(p)); }));
    result.entries += db_.Changes();
  }
  ORP_RETURN_IF_ERROR(Execute(db_,
                              "UPDATE patients SET opted_out = 1, change_seq = ?1 WHERE pseudonym "
                              "IN (SELECT pseudonym FROM opt_outs) AND opted_out = 0",
                              [&](Stmt& s) { s.Bind(1, *seq); }));
  result.patients_flagged = db_.Changes();
  ORP_RETURN_IF_ERROR(Execute(db_,
                              "UPDATE patients SET opted_out = 0, change_seq = ?1 WHERE "
                              "opted_out = 1 AND (pseudonym IS NULL OR pseudonym NOT IN "
                              "(SELECT pseudonym FROM opt_outs))",
                              [&](Stmt& s) { s.Bind(1, *seq); }));
  result.patients_cleared = db_.Changes();
  ORP_RETURN_IF_ERROR(Execute(db_,
                              "INSERT INTO opt_out_loads (loaded_at, source_sha256, loaded_by, "
                              "entries) VALUES (?1, ?2, ?3, ?4)",
                              [&](Stmt& s) {
                                s.Bind(1, int64_t{load.loaded_at.time_since_epoch().count()})
                                    .Bind(2, load.source_sha256)
                                    .Bind(3, load.loaded_by)
                                    .Bind(4, result.entries);
                              }));
  return result;
}

}  // namespace orp::storage::sqlite
