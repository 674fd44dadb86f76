// Queries: the national data opt-out list (consent at ingest, #5; migration 0008_ingest),
// written once for both backends. Semantics in storage/consent.h and store.h.
//
// A list is sent in chunks of 256, then 16, then 1 pseudonyms per statement (multi-row VALUES,
// IN lists): PostgreSQL pays one round trip per statement, so a 1M-entry national list is ~4,000
// round trips rather than 1M, the batching its backend used to do with bytea arrays; SQLite
// steps fewer statements. Three chunk sizes keep to three statement texts per query in each
// connection's prepared-statement cache.
#include <fmt/format.h>

#include <array>

#include "orp/storage/sql_codec.h"
#include "orp/storage/sql_queries.h"

namespace orp::storage::sql {
namespace {

constexpr std::array<size_t, 3> kChunks = {256, 16, 1};

// `each` for "?1", "?2", … "?count", joined by ", " (each is a format string of one argument).
std::string Repeat(std::string_view each, size_t count) {
  std::string out;
  for (size_t i = 1; i <= count; ++i) {
    if (i > 1) out += ", ";
    out += fmt::format(fmt::runtime(each), i);
  }
  return out;
}

// Calls `f(chunk)` for consecutive chunks of `list`, of the sizes in kChunks, largest first.
template <typename F>
Result<void> ForEachChunk(std::span<const Pseudonym> list, F f) {
  size_t done = 0;
  for (size_t size : kChunks) {
    for (; list.size() - done >= size; done += size) {
      ORP_RETURN_IF_ERROR(f(list.subspan(done, size)));
    }
  }
  return {};
}

void BindAll(Statement& s, std::span<const Pseudonym> chunk) {
  for (size_t i = 0; i < chunk.size(); ++i)
    s.BindBlob(static_cast<int>(i + 1), PseudonymBytes(chunk[i]));
}

Result<Pseudonym> ReadPseudonym(const Statement& s) {
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
  ORP_RETURN_IF_ERROR(ForEachChunk(pseudonyms, [&](std::span<const Pseudonym> chunk) {
    return ForEachRow(
        db_,
        fmt::format("SELECT pseudonym FROM opt_outs WHERE pseudonym IN ({})",
                    Repeat("?{}", chunk.size())),
        [&](Statement& s) { BindAll(s, chunk); },
        [&](const Statement& s) -> Result<bool> {
          auto p = ReadPseudonym(s);
          if (!p) return std::unexpected(p.error());
          found.push_back(*p);
          return true;
        });
  }));
  return found;
}

// The entry count is the last load's (a load replaces the whole list), so asking costs one row
// however long the list is.
Result<OptOutListInfo> Queries::OptOutList() {
  auto last = First<OptOutListInfo>(
      db_,
      "SELECT loaded_at, source_sha256, loaded_by, entries FROM opt_out_loads "
      "ORDER BY id DESC LIMIT 1",
      [](Statement&) {},
      [](const Statement& s) -> Result<OptOutListInfo> {
        return OptOutListInfo{s.Int(3), OptOutLoad{InstantOf(s.Int(0)), s.Text(1), s.Text(2)}};
      });
  if (!last) return std::unexpected(last.error());
  return last->value_or(OptOutListInfo{});
}

Result<OptOutLoadResult> Queries::ReplaceOptOuts(std::span<const Pseudonym> list,
                                                 const OptOutLoad& load, int64_t change_seq) {
  ORP_RETURN_IF_ERROR(Execute(db_, "DELETE FROM opt_outs", [](Statement&) {}));
  OptOutLoadResult result;
  ORP_RETURN_IF_ERROR(ForEachChunk(list, [&](std::span<const Pseudonym> chunk) -> Result<void> {
    auto added = ExecuteCounting(
        db_,
        fmt::format("INSERT INTO opt_outs (pseudonym) VALUES {} ON CONFLICT DO NOTHING",
                    Repeat("(?{})", chunk.size())),
        [&](Statement& s) { BindAll(s, chunk); });
    if (!added) return std::unexpected(added.error());
    result.entries += *added;
    return {};
  }));
  // opted_out is a boolean on PostgreSQL and 0/1 on SQLite: bound, it reads as either.
  auto flagged =
      ExecuteCounting(db_,
                      "UPDATE patients SET opted_out = ?2, change_seq = ?1 WHERE "
                      "pseudonym IN (SELECT pseudonym FROM opt_outs) AND opted_out = ?3",
                      [&](Statement& s) { s.Bind(1, change_seq).Bind(2, true).Bind(3, false); });
  if (!flagged) return std::unexpected(flagged.error());
  result.patients_flagged = *flagged;
  auto cleared = ExecuteCounting(
      db_,
      "UPDATE patients SET opted_out = ?2, change_seq = ?1 WHERE opted_out = ?3 AND "
      "(pseudonym IS NULL OR pseudonym NOT IN (SELECT pseudonym FROM opt_outs))",
      [&](Statement& s) { s.Bind(1, change_seq).Bind(2, false).Bind(3, true); });
  if (!cleared) return std::unexpected(cleared.error());
  result.patients_cleared = *cleared;
  ORP_RETURN_IF_ERROR(Execute(db_,
                              "INSERT INTO opt_out_loads (loaded_at, source_sha256, loaded_by, "
                              "entries) VALUES (?1, ?2, ?3, ?4)",
                              [&](Statement& s) {
                                s.Bind(1, Seconds(load.loaded_at)).Bind(2, load.source_sha256);
                                s.Bind(3, load.loaded_by).Bind(4, result.entries);
                              }));
  return result;
}

}  // namespace orp::storage::sql
