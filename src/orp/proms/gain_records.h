// The records health gain is computed from: one per procedure with both a before (months 0)
// and an after (months N) questionnaire of one instrument, each scoreable, and the case-mix
// covariates known (age at the procedure from the date of birth, sex male or female, ASA grade).
// Procedures missing any of these are counted by reason, not silently dropped.
//
// Dates of birth are identifiable: before reading any, CollectGainRecords appends one entry to
// the audit chain (security/audit.h; action "proms.gain", object "registry/<code or all>") with
// the caller's name, role, request id and purpose and the number of patients whose date of birth
// it is about to read. When the entry cannot be written nothing is read (the error is returned).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "orp/core/result.h"
#include "orp/proms/gain.h"
#include "orp/proms/instrument.h"
#include "orp/storage/store.h"

namespace orp::proms {

enum class GainGroupBy { kProvider, kClinician, kModel };
// "provider" | "clinician" | "model"; kInvalidArgument otherwise.
Result<GainGroupBy> ParseGainGroupBy(std::string_view text);

struct GainRecords {
  std::vector<GainRecord> records;
  std::map<std::string, int> excluded;  // reason -> procedures
  int pre_returned = 0;                 // before questionnaires of the instrument
  int post_returned = 0;                // after questionnaires at `months`
};

// Who asks for the dates of birth, and why (the audit entry's fields).
struct GainAudit {
  std::string actor;       // username, or security::kCommandLineActor
  std::string role;        // the grants acted under ("" on the command line)
  std::string request_id;  // the HTTP request, else ""
  std::string purpose = "case-mix adjusted health gain (age at operation)";
};

// Reads the registry's responses (empty registry: all) and joins them to procedures and
// patients. kDataLoss for stored answers that no longer parse; the audit log's errors.
Result<GainRecords> CollectGainRecords(storage::Store& store, const Instrument& instrument,
                                       const ScoreDefinition& score, std::string_view registry,
                                       int months, GainGroupBy by, const GainAudit& audit);

}  // namespace orp::proms
