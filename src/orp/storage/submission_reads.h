// A provider's submission history and its records waiting for a fix (web, #9): the reads behind
// GET /api/v1/submissions and /api/v1/submissions/waiting.
//
// It is a side interface, not a Reader method (as surveillance_reads.h): both SQL backends'
// readers, stores and transactions implement it (sql_forwarding.h, SharedReader; the queries are
// written once in sql_submission_reads.cc), and a caller asks for it with
// AsSubmissionReads(reader). Wrappers (ForwardingReader, ReadReplicaStore, FaultInjectingStore)
// answer nullptr; the caller then reports the list as unavailable. Kept out of store.h on
// purpose: every file of the project includes store.h.
//
// Holds no patient data: counts, procedure references and findings (whose messages never name a
// patient identifier, ingest's rule).
// Thread safety: as the reader it comes from.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "orp/core/result.h"
#include "orp/domain/entities.h"

namespace orp::storage {

class Reader;

// One submission of the history, with its finding counts.
struct SubmissionSummary {
  domain::Submission submission;  // receipt_json left empty (the list does not need it)
  int64_t errors = 0;             // findings of severity error
  int64_t warnings = 0;           // findings of severity warning
};

// A finding of a procedure that was rejected and has not been fixed since: no later submission
// by the same submitter wrote the procedure_ref, and no later one rejected it again (the latest
// rejection is the one to fix).
struct WaitingFinding {
  int64_t submission = 0;
  int64_t ordinal = 0;  // the finding's place in its submission (the page key with submission)
  domain::Instant received_at{};
  domain::Finding finding;
};

class SubmissionReads {
 public:
  // Up to `limit` submissions by `submitter` with id below `before_id` (0: no bound), newest
  // (highest id) first. kInvalidArgument when limit < 1.
  virtual Result<std::vector<SubmissionSummary>> ListSubmissions(std::string_view submitter,
                                                                 int64_t before_id, int limit) = 0;

  // Up to `limit` findings (every severity) of `submitter`'s rejected procedures still waiting
  // for a fix, newest submission first, in finding order within one; after the key
  // (after_submission, after_ordinal) when after_submission > 0. Only procedures with a
  // non-empty procedure_ref can be told apart, so whole-file findings are left out.
  virtual Result<std::vector<WaitingFinding>> ListWaitingForFix(std::string_view submitter,
                                                                int64_t after_submission,
                                                                int64_t after_ordinal,
                                                                int limit) = 0;

 protected:
  ~SubmissionReads() = default;
};

// The reader's submission reads, or nullptr when it has none.
SubmissionReads* AsSubmissionReads(Reader& reader);

}  // namespace orp::storage
