// EventTable: the per-group tallies at each distinct exit time that Kaplan–Meier, Aalen–Johansen
// and the log-rank family are computed from, and TallyEvents, which builds them in one pass.
//
// Input is a cohort as spans (struct of arrays, one element per analysis unit):
//   exit    time of revision, death or censoring (>= 0, finite);
//   status  0 censored, 1 the event (revision), 2 the competing event (death);
//   entry   optional late entry (left truncation); empty means everyone is followed from 0;
//   group   optional dictionary code in [0, group_count); empty means one group.
// Risk sets follow R survival's counting-process convention (entry, exit]: a unit is at risk
// at time t when entry < t <= exit. So at a tied time, events and competing events leave
// before censorings do (censored units are still in the risk set at their own time), and a
// unit entering at t is not yet at risk at t.
//
// Two entry points give identical tables:
//   - SurvivalDays (integer times, e.g. days since the primary) counts per day per group:
//     O(n + groups * days) time, no sort. It falls back to the general path when the day range
//     is so sparse that the per-day arrays would dwarf the input.
//   - SurvivalTimes (doubles) sorts within group: O(n log n).
// Errors: kInvalidArgument naming the observation (1-based) and the field when spans differ
// in length, a time is negative or not finite, entry >= exit, status is not 0/1/2, or a group
// code is out of range. Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "orp/core/result.h"

namespace orp::stats {

// Status codes of a cohort (ARCHITECTURE.md, Analytics).
inline constexpr int8_t kCensored = 0;
inline constexpr int8_t kEvent = 1;
inline constexpr int8_t kCompeting = 2;

struct SurvivalTimes {
  std::span<const double> exit = {};
  std::span<const int8_t> status = {};
  std::span<const double> entry = {};   // empty: no late entry
  std::span<const int32_t> group = {};  // empty: one group (code 0)
  int32_t group_count = 1;
};

struct SurvivalDays {
  std::span<const int32_t> exit = {};
  std::span<const int8_t> status = {};
  std::span<const int32_t> entry = {};  // empty: no late entry
  std::span<const int32_t> group = {};  // empty: one group (code 0)
  int32_t group_count = 1;
};

// One group's tallies. Rows are the distinct exit times at which anything happens (an event, a
// competing event or a censoring), increasing. Invariant: n_risk[i] >= n_event[i] +
// n_competing[i] + n_censor[i] > 0 at every row.
struct EventTable {
  int64_t n = 0;       // units in the group
  int64_t events = 0;  // units with status 1
  int64_t competing = 0;
  std::vector<double> time;
  std::vector<int64_t> n_risk;  // at risk at time: entry < time <= exit
  std::vector<int64_t> n_event;
  std::vector<int64_t> n_competing;
  std::vector<int64_t> n_censor;

  size_t size() const { return time.size(); }
};

// Times that differ only by rounding error (2.3 against 0.1 + 2.2). R's survfit (timefix =
// TRUE, its default, through aeqSurv) first merges them: over the sorted distinct finite exit
// and entry times y, a gap y[i+1] - y[i] <= sqrt(machine epsilon), absolutely or relative to
// mean |y|, makes y[i+1] a tie of the run's first value. cmprsk::cuminc does not merge.
// Merging can make an entry equal its exit: that is kInvalidArgument, as it is in R.
enum class NearTies { kKeep, kMergeLikeSurvfit };

// Calls visit(group, table) for each group code in order, reusing one table's storage, for
// estimators whose result is much smaller than the table (cumulative incidence). The visitor may
// move from the table. Errors as TallyEvents, before any call.
using TableVisitor = std::function<void(int32_t group, EventTable& table)>;
Result<void> VisitEventTables(const SurvivalTimes& data, NearTies near_ties,
                              const TableVisitor& visit);
Result<void> VisitEventTables(const SurvivalDays& data, NearTies near_ties,
                              const TableVisitor& visit);

// One table per group code (group_count of them; a code with no units gives an empty table).
Result<std::vector<EventTable>> TallyEvents(const SurvivalTimes& data,
                                            NearTies near_ties = NearTies::kKeep);
Result<std::vector<EventTable>> TallyEvents(const SurvivalDays& data,
                                            NearTies near_ties = NearTies::kKeep);

}  // namespace orp::stats
