// Queries: the national data opt-out list (consent at ingest, #5; migration 0008_ingest).
// Semantics in storage/consent.h and store.h. A load sends the list in arrays of kBatch entries
// (one round trip each) rather than a statement per entry.
#include <fmt/format.h>

#include <algorithm>

#include "orp/storage/postgres/codec.h"
#include "orp/storage/postgres/queries.h"

namespace orp::storage::postgres {
namespace {

constexpr size_t kBatch = 4096;

std::string HexOf(const Pseudonym& p) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out = "\\x";
  for (uint8_t c : p.bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

std::string ArrayOf(std::span<const Pseudonym> pseudonyms) {
  std::vector<std::optional<std::string>> items;
  items.reserve(pseudonyms.size());
  for (const Pseudonym& p : pseudonyms) items.emplace_back(HexOf(p));
  return ArrayLiteral(items);
}

Result<Pseudonym> ReadPseudonym(const Row& row) {
  const std::string bytes = row.Bytea(0);
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
  if (pseudonyms.empty()) return std::vector<Pseudonym>();
  return Collect<Pseudonym>(db_,
                            "SELECT pseudonym FROM opt_outs WHERE pseudonym = ANY($1::bytea[])",
                            Params().Add(ArrayOf(pseudonyms)), ReadPseudonym);
}

// The entry count is the last load's (a load replaces the whole list).
Result<OptOutListInfo> Queries::OptOutList() {
  auto rows = db_.Query(
      "SELECT loaded_at, source_sha256, loaded_by, entries FROM opt_out_loads "
      "ORDER BY id DESC LIMIT 1");
  if (!rows) return std::unexpected(rows.error());
  OptOutListInfo info;
  if (rows->size() == 0) return info;
  const Row row = (*rows)[0];
  info.last_load =
      OptOutLoad{domain::Instant(std::chrono::seconds(row.Int(0))), row.Text(1), row.Text(2)};
  info.entries = row.Int(3);
  return info;
}

Result<OptOutLoadResult> Queries::ReplaceOptOuts(std::span<const Pseudonym> list,
                                                 const OptOutLoad& load) {
  auto seq = ChangeSeq();
  if (!seq) return std::unexpected(seq.error());
  ORP_RETURN_IF_ERROR(db_.Exec("DELETE FROM opt_outs"));
  OptOutLoadResult result;
  for (size_t done = 0; done < list.size(); done += kBatch) {
    auto batch = list.subspan(done, std::min(kBatch, list.size() - done));
    auto rows = db_.Query(
        "INSERT INTO opt_outs (pseudonym) SELECT DISTINCT unnest($1::bytea[]) "
        "ON CONFLICT DO NOTHING",
        Params().Add(ArrayOf(batch)));
    if (!rows) return std::unexpected(rows.error());
    result.entries += rows->Affected();
  }
  auto flagged = db_.Query(
      "UPDATE patients SET opted_out = TRUE, change_seq = $1 WHERE pseudonym IN "
      "(SELECT pseudonym FROM opt_outs) AND NOT opted_out",
      Params().Add(*seq));
  if (!flagged) return std::unexpected(flagged.error());
  result.patients_flagged = flagged->Affected();
  auto cleared = db_.Query(
      "UPDATE patients SET opted_out = FALSE, change_seq = $1 WHERE opted_out AND "
      "(pseudonym IS NULL OR pseudonym NOT IN (SELECT pseudonym FROM opt_outs))",
      Params().Add(*seq));
  if (!cleared) return std::unexpected(cleared.error());
  result.patients_cleared = cleared->Affected();
  auto recorded = db_.Query(
      "INSERT INTO opt_out_loads (loaded_at, source_sha256, loaded_by, entries) "
      "VALUES ($1, $2, $3, $4)",
      Params()
          .Add(int64_t{load.loaded_at.time_since_epoch().count()})
          .Add(load.source_sha256)
          .Add(load.loaded_by)
          .Add(result.entries));
  if (!recorded) return std::unexpected(recorded.error());
  return result;
}

}  // namespace orp::storage::postgres
