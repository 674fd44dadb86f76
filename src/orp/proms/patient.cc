#include "orp/proms/patient.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "orp/proms/bulk.h"
#include "orp/proms/scoring.h"
#include "orp/storage/proms_reads.h"

namespace orp::proms {
namespace {

// The patient's invitations: through the index when the reader has it, else every open one.
Result<std::vector<storage::PromInvitation>> InvitationsOf(storage::Reader& reader,
                                                           domain::PatientId patient) {
  if (storage::PromsReads* reads = storage::AsPromsReads(reader))
    return reads->PromInvitationsOfPatient(patient);
  return reader.ListPromInvitations({"", storage::PromInvitationStatus::kOpen});
}

// The patient's responses: through the index when the reader has it, else every response.
Result<std::vector<storage::PromResponse>> ResponsesOf(storage::Reader& reader,
                                                       domain::PatientId patient) {
  if (storage::PromsReads* reads = storage::AsPromsReads(reader))
    return reads->PromResponsesOfPatient(patient);
  return reader.ListPromResponses("");
}

Result<std::vector<DueQuestionnaire>> DueOf(storage::Reader& reader,
                                            const InstrumentSet& instruments,
                                            domain::PatientId patient, Date today) {
  auto invitations = InvitationsOf(reader, patient);
  if (!invitations) return std::unexpected(invitations.error());
  std::vector<DueQuestionnaire> due;
  for (const storage::PromInvitation& i : *invitations) {
    const Instrument* instrument = instruments.Find(i.instrument);
    if (i.patient != patient || i.status != storage::PromInvitationStatus::kOpen ||
        today > i.expires || !instrument)
      continue;
    due.push_back({i.id, i.procedure, i.instrument, instrument->name, i.months, i.expires});
  }
  return due;
}

}  // namespace

Result<PatientProms> PatientPromsOf(storage::Reader& reader, const InstrumentSet& instruments,
                                    domain::PatientId patient, Date today) {
  PatientProms out;
  auto due = DueOf(reader, instruments, patient, today);
  if (!due) return std::unexpected(due.error());
  out.due = std::move(*due);
  auto responses = ResponsesOf(reader, patient);
  if (!responses) return std::unexpected(responses.error());
  // (procedure, instrument, score position) -> series
  std::map<std::tuple<int64_t, std::string, size_t>, ScoreSeries> series;
  for (const storage::PromResponse& r : *responses) {
    const Instrument* instrument = instruments.Find(r.instrument);
    if (r.patient != patient || instrument == nullptr) continue;
    auto answers = ParseAnswers(r.answers);
    if (!answers) return std::unexpected(answers.error());
    for (size_t k = 0; k < instrument->scores.size(); ++k) {
      const ScoreDefinition& score = instrument->scores[k];
      ScoreSeries& s = series[{r.procedure.value, r.instrument, k}];
      if (s.points.empty()) {
        s = {r.procedure, instrument->code, instrument->name,
             score.code,  score.label,      score.higher_is_better,
             score.min,   score.max,        {}};
      }
      s.points.push_back({r.months, r.completed, ComputeScore(*instrument, score, *answers).value});
    }
  }
  for (auto& [key, s] : series) {
    std::sort(s.points.begin(), s.points.end(),
              [](const ScorePoint& a, const ScorePoint& b) { return a.months < b.months; });
    out.scores.push_back(std::move(s));
  }
  return out;
}

}  // namespace orp::proms
