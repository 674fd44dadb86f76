// The records health gain is computed from: one per procedure with both a before (months 0)
// and an after (months N) questionnaire of one instrument, each scoreable, and the case-mix
// covariates known (age at the procedure from the date of birth, sex male or female, ASA grade).
// Procedures missing any of these are counted by reason, not silently dropped.
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

// Reads the registry's responses (empty registry: all) and joins them to procedures and
// patients. kDataLoss for stored answers that no longer parse.
Result<GainRecords> CollectGainRecords(storage::Store& store, const Instrument& instrument,
                                       const ScoreDefinition& score, std::string_view registry,
                                       int months, GainGroupBy by);

}  // namespace orp::proms
