// StoreBulkResponses (bulk.h): resolve each response's procedure and store it.
#include <fmt/format.h>

#include "orp/proms/bulk.h"

namespace orp::proms {
namespace {

domain::Finding FindingFor(const BulkResponse& r, std::string field, std::string rule,
                           std::string message) {
  return {r.row,           r.procedure_ref,          std::move(field),
          std::move(rule), domain::Severity::kError, std::move(message)};
}

// The finding that keeps `r` out of the store, if any.
std::optional<domain::Finding> CheckAgainst(const BulkResponse& r,
                                            const std::optional<domain::Procedure>& procedure) {
  if (!procedure) {
    return FindingFor(r, "procedure_ref", "procedure_ref.unknown",
                      fmt::format("{} has no procedure '{}'", r.registry, r.procedure_ref));
  }
  if (r.months == 0 && r.completed > procedure->date) {
    return FindingFor(r, "completed", "baseline.after_procedure",
                      "a months = 0 (before) questionnaire completed after the procedure");
  }
  if (r.months > 0 && r.completed < procedure->date) {
    return FindingFor(r, "completed", "completed.before_procedure",
                      "a follow-up questionnaire completed before the procedure");
  }
  return std::nullopt;
}

}  // namespace

Result<BulkReport> StoreBulkResponses(storage::Store& store, const InstrumentSet& instruments,
                                      const BulkParse& parsed, const std::string& source) {
  BulkReport report;
  report.findings = parsed.findings;
  report.rejected = parsed.rows - static_cast<int64_t>(parsed.responses.size());
  auto tx = store.Begin();
  if (!tx) return std::unexpected(tx.error());
  for (const BulkResponse& r : parsed.responses) {
    auto procedure = (*tx)->FindProcedure(r.registry, r.procedure_ref);
    if (!procedure) return std::unexpected(procedure.error());
    if (auto finding = CheckAgainst(r, *procedure)) {
      report.findings.push_back(std::move(*finding));
      ++report.rejected;
      continue;
    }
    const Instrument& instrument = *instruments.Find(r.instrument);
    storage::PromResponse response{0,
                                   std::nullopt,
                                   r.registry,
                                   (*procedure)->id,
                                   (*procedure)->patient,
                                   r.instrument,
                                   instrument.version,
                                   r.months,
                                   r.completed,
                                   FormatAnswers(instrument, r.answers),
                                   "bulk:" + source};
    auto added = (*tx)->AddPromResponse(response);
    if (!added) return std::unexpected(added.error());
    ++(*added ? report.stored : report.duplicates);
  }
  ORP_RETURN_IF_ERROR((*tx)->Commit());
  return report;
}

}  // namespace orp::proms
