// Aalen–Johansen cumulative incidence of the event (revision, status 1) with the competing
// event (death, status 2), and of the competing event itself, with the variance R
// cmprsk::cuminc (2.2) reports — Gray's estimator, not the delta-method Aalen–Johansen variance
// that survfit gives with a factor status. Equal to cuminc to 1e-8.
//
// Method, for one cause k over the rows of an EventTable (distinct times t_j; n_j at risk,
// d_kj events of cause k, d_oj of the other cause; S_j the Kaplan–Meier of "any event" after
// t_j, S_0 = 1):
//   F_k(t_j) = F_k(t_{j-1}) + S_{j-1} d_kj / n_j.
// Variance (Gray, cmprsk's Fortran routine cinc): three running sums A, B, C. With
//   c(d) = 1 - (d - 1) / (n_j - 1) for d > 1, else 1 (the tie correction), and
//   w(d) = S_{j-1}^2 c(d) d / n_j^2,
// at each t_j, using F = F_k(t_j) after its jump:
//   other cause (d_oj > 0 and S_j > 0): a = 1 / S_j, b = F / S_j, weight w(d_oj);
//   cause k     (d_kj > 0):            a = 1 / S_j (0 when S_j = 0), b = 1 + a F, weight w(d_kj);
//   each adds A += b^2 w, B += a b w, C += a^2 w,
// and at cause-k times only, Var F_k(t_j) = A + F^2 C - 2 F B. As in cmprsk, the variance is
// then carried unchanged until the next cause-k time (other-cause times do not update it).
// Ties and censoring as in event_table.h (no late entry: cuminc has none). References: Gray,
// Ann. Statist. 1988; Kalbfleisch & Prentice 1980; ../shared/specs/statistics.md §2.
//
// Thread safety: pure functions; CumulativeIncidence is a plain value.
#pragma once

#include <vector>

#include "orp/core/result.h"
#include "orp/stats/event_table.h"

namespace orp::stats {

// One cause's step function: a step at each time where the cause occurs.
struct CumulativeIncidence {
  std::vector<double> time;
  std::vector<double> estimate;  // after the step
  std::vector<double> variance;
  double last_time = 0;  // the group's largest follow-up time: the curve ends there

  struct Point {
    double estimate;
    double variance;
  };
  // The value at time t as cmprsk::timepoints reads it: the last step at or before t (0 before
  // the first); NaN for t < 0 or t > last_time.
  Point At(double t) const;
};

struct CompetingRisks {
  CumulativeIncidence event;      // status 1
  CumulativeIncidence competing;  // status 2
};

CompetingRisks CumulativeIncidenceOf(const EventTable& table);

// All groups. kInvalidArgument as for TallyEvents (event_table.h), and when `entry` is given:
// cuminc has no late entry, so there is no reference to be equal to.
Result<std::vector<CompetingRisks>> CumulativeIncidenceOf(const SurvivalDays& data);
Result<std::vector<CompetingRisks>> CumulativeIncidenceOf(const SurvivalTimes& data);

}  // namespace orp::stats
