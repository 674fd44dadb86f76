// The ingest pipeline: one submission file, read and validated procedure by procedure, linked
// and written to the store in one transaction, answered with a receipt.
//
//   [second thread] reader (CSV/NDJSON) -> Validator          (validate_ahead.h)
//   [this thread]   chunks of accepted procedures -> ChunkWriter (chunk_writer.h):
//                   pseudonymise -> patients (batched lookup, new ones inserted in batches,
//                   demographic linkage) -> new procedures, revisions and explants in batches
//                   (linkage::ImplantsRemovedBy when one joins, RecordRemovals after the batch);
//                   corrections one by one (PutProcedure) -> findings, FinishSubmission, Commit
//
// With --as (validator options as_ods) reading and validating stay on this thread, because the
// site-ownership check reads the submission's own transaction. Memory is bounded by the queue
// and one chunk, whatever the file's size; the receipt's findings are sorted by row.
//
// Policy: a procedure with an error finding is rejected whole (all its device rows), the others
// are accepted; with all_or_nothing a single error rejects the file (nothing but the rejected
// submission and its findings is written); dry_run validates and writes nothing. The idempotency
// key is the one given or the SHA-256 of the file: a repeated key returns the first receipt with
// status "duplicate" and writes nothing.
//
// Errors: the call fails (and writes nothing) only when the file cannot be read or the store
// fails (storage error codes); bad records are findings in the receipt.
// Thread safety: one call per thread (it starts and joins its own reader thread); the store
// serialises writers.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "orp/core/result.h"
#include "orp/domain/entities.h"
#include "orp/ingest/validator.h"
#include "orp/security/pseudonymiser.h"
#include "orp/storage/store.h"

namespace orp::ingest {

// Whether a submission is written as a bulk load (storage/bulk_load_writes.h, ADR 0009): the
// indexes ingest does not read are dropped in its transaction and built again before it commits.
enum class BulkLoad {
  kAuto,    // when the file is large against the store (BulkLoadWanted)
  kAlways,  // --bulk
  kNever,   // --no-bulk
};

struct IngestOptions {
  std::string idempotency_key;  // empty: the SHA-256 of the file
  std::string submitter;        // the principal, e.g. "operator" or an ODS code
  bool dry_run = false;
  bool all_or_nothing = false;
  // Called now and then with the procedures read so far (for a progress line).
  std::function<void(int64_t procedures)> progress;
  // (#4) After `progress`, so that callers that list the fields above in order stay valid.
  BulkLoad bulk = BulkLoad::kAuto;
  // kAuto: a bulk load when the file's estimated procedures are at least this fraction of the
  // procedures stored (and at least kBulkMinProcedures).
  double bulk_ratio = 0.5;
  // The writer keeps the patients this submission linked (ChunkWriter) up to this many, then
  // forgets them and looks them up again as met: a bound on memory for a file of a million
  // procedures (about 250 bytes each), with the same linkage.
  size_t known_patients_limit = size_t{1} << 17;
  // (#4, ADR 0010) A bulk load into a store without procedures also takes the indexes ingest
  // reads off the write path, and the writer serves its linkage from memory; false: only those
  // it does not read (ADR 0009), as in any other bulk load.
  bool bulk_every_index = true;
  // (#4, ADR 0011) The caller owns the store for the length of the submission (the `orp ingest`
  // command; never a server, whose readers would wait): a bulk load into a store without
  // procedures may then be written under a rollback journal, each page once
  // (storage::SubmissionRequest::exclusive_load).
  bool exclusive = false;
};

struct Receipt {
  std::optional<domain::SubmissionId> submission_id;  // none on a dry run
  std::string status;  // "accepted" | "partially_accepted" | "rejected" | "duplicate"
  int64_t received = 0;
  int64_t accepted = 0;
  int64_t rejected = 0;
  std::vector<domain::Finding> findings;
  // {"submission_id", "status", "procedures": {"received", "accepted", "rejected"},
  //  "findings": [{"row", "procedure_ref", "field", "rule", "severity", "message"}]}
  std::string json;
};

// kAuto's floor: below it the indexes' rebuild is not worth a schema change (every cached
// statement of the store's connections is prepared again after one).
inline constexpr int64_t kBulkMinProcedures = 20000;
// kAuto's estimate of a file's procedures: its size over this many bytes (CSV of the synthetic
// registries: ~460 bytes a procedure with 1.5 devices; NDJSON more, so this errs high).
inline constexpr int64_t kBulkBytesPerProcedure = 400;

// Whether kAuto loads a file of `file_bytes` in bulk into a store holding about
// `stored_procedures`.
bool BulkLoadWanted(int64_t file_bytes, int64_t stored_procedures, double ratio);

Result<Receipt> IngestFile(storage::Store& store, const Validator& validator,
                           const security::Pseudonymiser& pseudonymiser,
                           const std::filesystem::path& file, const IngestOptions& options);

// The deaths feed: each valid row closes follow-up for its patient (Transaction::RecordDeath).
// Counts are of death rows: accepted = recorded for a known patient or not; rejected = bad rows.
Result<Receipt> IngestDeathsFile(storage::Store& store,
                                 const security::Pseudonymiser& pseudonymiser,
                                 const std::filesystem::path& file, const IngestOptions& options,
                                 Date today = TodayUtc());

// The receipt's JSON text (pipeline.h's shape), with submission_id null when absent.
std::string ReceiptJson(const Receipt& receipt);

// The SHA-256 of a file as 64 lowercase hex digits. kNotFound / kDataLoss.
Result<std::string> FileSha256(const std::filesystem::path& file);

}  // namespace orp::ingest
