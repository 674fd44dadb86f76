#include "orp/synth/proms_responses.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "orp/core/date.h"

namespace orp::synth {
namespace {

int Clamp(double x, int lo, int hi) { return std::clamp(static_cast<int>(std::lround(x)), lo, hi); }

}  // namespace

PromResponses::PromResponses(Rng& rng) : rng_(rng) {
  csv_ = "registry,procedure_ref,instrument,months,completed,pain,satisfaction\n";
}

void PromResponses::Row(const RenderedProcedure& r, int months, Date completed, int pain,
                        int satisfaction) {
  const std::string when = FormatIsoDate(completed);
  csv_ += fmt::format("{},{},PAIN-NRS,{},{},{},\n", r.core[kColRegistry], r.core[kColRef], months,
                      when, pain);
  ++rows_;
  if (satisfaction > 0) {
    csv_ += fmt::format("{},{},SATISFACTION,{},{},,{}\n", r.core[kColRegistry], r.core[kColRef],
                        months, when, satisfaction);
    ++rows_;
  }
}

void PromResponses::Add(const Episode& episode, const ProcedureRecord& p, const Patient& patient,
                        const RenderedProcedure& rendered) {
  if (p.type != ProcedureType::kPrimary) return;
  const int asa = p.asa > 0 ? p.asa : 2;
  const double age = (p.date.time_since_epoch().count() - patient.date_of_birth) / kDaysPerYear;
  const double provider = ((p.site * 37) % 7 - 3) * 0.15;
  const int pre = Clamp(rng_.Normal(6.8 - 0.2 * (asa - 2), 1.7), 0, 10);
  const double post_mean = 0.35 * pre + 1.2 + 0.4 * (asa - 1) + 0.02 * (age - 70) + provider;
  const int post = Clamp(rng_.Normal(post_mean, 1.6), 0, 10);
  const int satisfaction = Clamp(5 - std::lround(post / 2.5) + rng_.Uniform(-1.0, 1.0), 1, 5);
  const bool pre_returned = rng_.Bernoulli(0.78);
  const bool post_returned = rng_.Bernoulli(0.72);
  const Date pre_day = p.date - std::chrono::days(7 + static_cast<int>(rng_.Uniform(0, 54)));
  const Date post_day = p.date + std::chrono::days(183 + static_cast<int>(rng_.Uniform(0, 40)));
  if (pre_returned) Row(rendered, 0, pre_day, pre, 0);
  bool revised = false;
  for (const ProcedureRecord& later : episode.procedures) {
    revised = revised || (later.date > p.date && later.date <= post_day);
  }
  const bool alive = post_day.time_since_epoch().count() < patient.date_of_death;
  if (post_returned && alive && !revised && post_day <= kDataCut) {
    Row(rendered, 6, post_day, post, satisfaction);
  }
}

}  // namespace orp::synth
