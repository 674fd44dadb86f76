// Bulk PROM responses from other registries and paper scanning (`orp ingest-proms`).
//
// Format (docs/proms.md): CSV with a header. Required columns registry, procedure_ref,
// instrument, months (0 = before the operation) and completed (YYYY-MM-DD); every other column is
// an item code, holding the integer answer or empty for unanswered. One row is one completed
// questionnaire; a file may mix instruments (a row leaves the other instruments' items empty).
//
// Parsing never fails on a bad row: each problem is a Finding (row, field, rule, message) and the
// row is rejected whole. Rules: csv.malformed, registry.missing, procedure_ref.missing,
// instrument.unknown, months.invalid, completed.format, completed.in_future, answer.not_integer,
// answer.not_allowed, answer.not_an_item, answers.none. kInvalidArgument only for a file whose
// header lacks a required column. Messages quote answers and codes, never a patient identifier
// (the file has none: procedures are named by the submitter's procedure_ref).
#pragma once

#include <istream>
#include <string>
#include <vector>

#include "orp/core/date.h"
#include "orp/core/result.h"
#include "orp/domain/entities.h"
#include "orp/proms/instrument_loader.h"
#include "orp/proms/scoring.h"
#include "orp/storage/store.h"

namespace orp::proms {

struct BulkResponse {
  int64_t row = 0;
  std::string registry;
  std::string procedure_ref;
  std::string instrument;
  int months = 0;
  Date completed{};
  Answers answers;
};

struct BulkParse {
  std::vector<BulkResponse> responses;
  std::vector<domain::Finding> findings;
  int64_t rows = 0;
};

Result<BulkParse> ParseBulkResponses(std::istream& in, const InstrumentSet& instruments,
                                     Date today);

// "item=value;item=value" in the instrument's item order, and back (storage/proms.h answers).
std::string FormatAnswers(const Instrument& instrument, const Answers& answers);
Result<Answers> ParseAnswers(std::string_view text);

struct BulkReport {
  int64_t stored = 0;
  int64_t duplicates = 0;  // already stored for that procedure, instrument and time point
  int64_t rejected = 0;
  std::vector<domain::Finding> findings;
};

// Stores the parsed responses in one transaction, source "bulk:<source>". A response whose
// procedure is unknown (procedure_ref.unknown) or whose date contradicts its time point
// (completed.before_procedure, baseline.after_procedure) becomes a finding.
Result<BulkReport> StoreBulkResponses(storage::Store& store, const InstrumentSet& instruments,
                                      const BulkParse& parsed, const std::string& source);

}  // namespace orp::proms
