#include "orp/ingest/opt_out_file.h"

#include <fmt/format.h>

#include "orp/ingest/reference_load.h"

namespace orp::ingest {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

}  // namespace

std::vector<domain::Finding> ParseOptOutList(
    std::string_view text, const std::function<void(const domain::NhsNumber&)>& each) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  std::vector<domain::Finding> findings;
  int64_t line = 0;
  while (!text.empty()) {
    const size_t end = text.find('\n');
    const std::string_view raw = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    ++line;
    const std::string_view value = Trim(raw);
    if (value.empty() || value.starts_with('#')) continue;
    if (line == 1 && value == "nhs_number") continue;
    Result<domain::NhsNumber> number = domain::NhsNumber::Parse(value);  // never echoed
    if (!number) {
      findings.push_back({line, "", "nhs_number", "nhs_number.invalid", domain::Severity::kError,
                          fmt::format("line {}: {}", line, number.error().message())});
      continue;
    }
    each(*number);
  }
  return findings;
}

Result<OptOutLoadReport> LoadOptOutFile(storage::Store& store,
                                        const security::Pseudonymiser& pseudonymiser,
                                        const std::filesystem::path& file,
                                        const std::string& loaded_by) {
  OptOutLoadReport report;
  Result<ReferenceFile> read = ReadReferenceFile(file);
  if (!read) return std::unexpected(read.error());
  report.source_sha256 = read->sha256;
  std::vector<domain::Pseudonym> list;
  report.findings = ParseOptOutList(read->text, [&](const domain::NhsNumber& number) {
    list.push_back(pseudonymiser.Pseudonymise(number));
  });
  if (!report.findings.empty()) return report;
  const storage::OptOutLoad load{LoadTime(), report.source_sha256, loaded_by};
  ORP_RETURN_IF_ERROR(StoreAuditedLoad(
      store,
      {load.loaded_at, loaded_by, "opt_out.load", "opt_out_list/sha256:" + report.source_sha256,
       "national data opt-out"},
      [&](storage::Transaction& txn) -> Result<std::string> {
        Result<storage::OptOutLoadResult> done = txn.ReplaceOptOuts(list, load);
        if (!done) return std::unexpected(done.error());
        report.result = *done;
        return fmt::format("ok: {} entries, {} patients flagged, {} cleared", done->entries,
                           done->patients_flagged, done->patients_cleared);
      }));
  return report;
}

}  // namespace orp::ingest
