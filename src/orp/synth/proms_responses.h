// Synthetic PROM responses (`orp synth` writes proms.csv in the `orp ingest-proms` format,
// docs/proms.md): for each primary of a registry whose definition schedules PAIN-NRS, a
// before-operation pain score (returned by 78% of patients, 7-60 days before) and, for those
// alive and not revised by then, 6-month pain and satisfaction (returned by 72%).
//
// Model: pre ~ Normal(6.8 - 0.2 (ASA - 2), 1.7); post ~ Normal(0.35 pre + 1.2 + 0.4 (ASA - 1)
// + 0.02 (age - 70) + a provider effect in -0.45..0.45, 1.6); both rounded and clamped to 0..10;
// satisfaction 5 - round(post / 2.5) +/- 1, clamped to 1..5. So providers differ in gain after
// case mix, and ASA and age matter, as the case-mix model expects. Deterministic from its own
// random stream, so adding it changed no other synth file.
#pragma once

#include <string>

#include "orp/synth/episode.h"
#include "orp/synth/patients.h"
#include "orp/synth/random.h"
#include "orp/synth/render.h"

namespace orp::synth {

class PromResponses {
 public:
  explicit PromResponses(Rng& rng);
  void Add(const Episode& episode, const ProcedureRecord& p, const Patient& patient,
           const RenderedProcedure& rendered);
  const std::string& csv() const { return csv_; }
  int64_t rows() const { return rows_; }

 private:
  void Row(const RenderedProcedure& r, int months, Date completed, int pain, int satisfaction);

  Rng& rng_;
  std::string csv_;
  int64_t rows_ = 0;
};

}  // namespace orp::synth
