// One patient's PROMs, for their own page (proms, #11): the questionnaires they may answer now
// (open invitations whose link has not closed) and each score of each questionnaire they
// returned, over time, per procedure. Scores are computed with the installed instruments; a
// response of an instrument that is no longer installed is left out.
//
// Cost: the patient's invitations and responses are read through the store's index by patient
// (storage/proms_reads.h, migration 0012), so a page costs the patient's rows, not the registry's.
// A reader without that read (a wrapper: storage/forwarding_reader.h) falls back to the
// registry-wide lists, with the same result.
//
// Errors: store errors as the store gives; kDataLoss for stored answers that no longer parse.
// Thread safety: a pure function of the store's committed data.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "orp/core/date.h"
#include "orp/core/result.h"
#include "orp/proms/instrument_loader.h"
#include "orp/storage/store.h"

namespace orp::proms {

struct DueQuestionnaire {
  int64_t invitation = 0;
  domain::ProcedureId procedure{};
  std::string instrument;  // code
  std::string name;        // the instrument's name, for people
  int months = 0;
  Date expires{};
};

struct ScorePoint {
  int months = 0;  // 0: before the operation
  Date completed{};
  std::optional<double> value;  // empty when the answers could not be scored
};

struct ScoreSeries {
  domain::ProcedureId procedure{};
  std::string instrument;
  std::string instrument_name;
  std::string score;
  std::string label;
  bool higher_is_better = true;
  double min = 0, max = 0;
  std::vector<ScorePoint> points;  // by months
};

struct PatientProms {
  std::vector<DueQuestionnaire> due;
  std::vector<ScoreSeries> scores;  // by (procedure, instrument, score definition order)
};

Result<PatientProms> PatientPromsOf(storage::Reader& reader, const InstrumentSet& instruments,
                                    domain::PatientId patient, Date today);

}  // namespace orp::proms
