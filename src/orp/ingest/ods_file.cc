#include "orp/ingest/ods_file.h"

#include <fmt/format.h>

#include <variant>

#include "orp/core/csv_reader.h"
#include "orp/domain/ods_code.h"
#include "orp/ingest/reference_load.h"

namespace orp::ingest {
namespace {

constexpr size_t kCode = 0, kName = 1, kPostcode = 9, kOpened = 10, kClosed = 11, kParent = 14;

// YYYYMMDD, as ODS writes dates.
Result<Date> ParseOdsDate(std::string_view text) {
  if (text.size() != 8) return InvalidArgument("not a YYYYMMDD date");
  return ParseIsoDate(
      fmt::format("{}-{}-{}", text.substr(0, 4), text.substr(4, 2), text.substr(6, 2)));
}

// One line's record, or the first problem with it as (column, rule, message).
struct Problem {
  std::string column, rule, message;
};

std::variant<storage::OdsRecord, Problem> ReadLine(const CsvRecord& line, storage::OdsKind kind) {
  const size_t needed = kind == storage::OdsKind::kSite ? kParent + 1 : kClosed + 1;
  if (line.size() < needed) {
    return Problem{"", "ods.columns",
                   fmt::format("{} columns; an ODS {} file line has at least {}", line.size(),
                               kind == storage::OdsKind::kSite ? "site" : "organisation", needed)};
  }
  storage::OdsRecord r;
  r.kind = kind;
  if (kind == storage::OdsKind::kSite) {
    auto code = domain::OdsSiteCode::Parse(line[kCode]);
    if (!code) return Problem{"code", "ods.code", code.error().message()};
    r.code = code->code();
  } else {
    auto code = domain::OdsCode::Parse(line[kCode]);
    if (!code) return Problem{"code", "ods.code", code.error().message()};
    r.code = code->code();
  }
  r.name = std::string(line[kName]);
  if (r.name.empty()) return Problem{"name", "ods.name", fmt::format("{}: no name", r.code)};
  r.postcode = std::string(line[kPostcode]);
  auto opened = ParseOdsDate(line[kOpened]);
  if (!opened) {
    return Problem{"open_date", "ods.open_date",
                   fmt::format("{}: open date '{}' is not a YYYYMMDD date", r.code, line[kOpened])};
  }
  r.opened = *opened;
  if (!line[kClosed].empty()) {
    auto closed = ParseOdsDate(line[kClosed]);
    if (!closed || *closed < *opened) {
      return Problem{"close_date", "ods.close_date",
                     fmt::format("{}: close date '{}' is not a YYYYMMDD date on or after the "
                                 "open date",
                                 r.code, line[kClosed])};
    }
    r.closed = *closed;
  }
  if (kind == storage::OdsKind::kSite) {
    auto parent = domain::OdsCode::Parse(line[kParent]);
    if (!parent) {
      return Problem{
          "parent", "ods.parent",
          fmt::format("site {}: parent organisation: {}", r.code, parent.error().message())};
    }
    r.parent = parent->code();
  }
  return r;
}

}  // namespace

std::vector<domain::Finding> ParseOdsFile(std::string_view text, storage::OdsKind kind,
                                          const std::function<void(storage::OdsRecord)>& each) {
  std::vector<domain::Finding> findings;
  std::istringstream in{std::string(text)};
  CsvOptions options;
  options.has_header = false;
  CsvReader reader(in, options);
  CsvRecord line;
  while (true) {
    Result<bool> next = reader.Next(&line);
    if (!next) {
      findings.push_back({static_cast<int64_t>(reader.lines_read()), "", "", "ods.csv",
                          domain::Severity::kError, next.error().message()});
      if (reader.lines_read() == 0 || findings.size() > 1000) break;
      continue;
    }
    if (!*next) break;
    auto read = ReadLine(line, kind);
    if (auto* problem = std::get_if<Problem>(&read)) {
      findings.push_back({static_cast<int64_t>(line.line), "", problem->column, problem->rule,
                          domain::Severity::kError, problem->message});
      continue;
    }
    each(std::get<storage::OdsRecord>(std::move(read)));
  }
  return findings;
}

Result<OdsLoadReport> LoadOdsFile(storage::Store& store, const std::filesystem::path& file,
                                  storage::OdsKind kind, const std::string& loaded_by) {
  OdsLoadReport report;
  Result<ReferenceFile> read = ReadReferenceFile(file);
  if (!read) return std::unexpected(read.error());
  report.source_sha256 = read->sha256;
  std::vector<storage::OdsRecord> records;
  report.findings = ParseOdsFile(read->text, kind,
                                 [&](storage::OdsRecord r) { records.push_back(std::move(r)); });
  if (!report.findings.empty()) return report;
  report.records = static_cast<int64_t>(records.size());
  const storage::OdsLoad load{LoadTime(), report.source_sha256, loaded_by, report.records};
  Result<void> stored = StoreAuditedLoad(store,
                                         {load.loaded_at, loaded_by, "ods.load",
                                          "ods/sha256:" + report.source_sha256, "reference data"},
                                         [&](storage::Transaction& txn) -> Result<std::string> {
                                           ORP_RETURN_IF_ERROR(txn.PutOdsRecords(records, load));
                                           return fmt::format("ok: {} records", report.records);
                                         });
  if (!stored) return std::unexpected(stored.error());
  return report;
}

}  // namespace orp::ingest
