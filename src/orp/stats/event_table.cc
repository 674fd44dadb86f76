#include "orp/stats/event_table.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

namespace orp::stats {
namespace {

// Per-day counters of one group in the integer path: exits by status, and entries.
struct DayCell {
  uint32_t count[3] = {0, 0, 0};  // indexed by status
  uint32_t entry = 0;
};

struct Observation {
  double exit;
  int8_t status;
};

template <typename Data>
Result<void> CheckShape(const Data& data) {
  const size_t n = data.exit.size();
  if (data.status.size() != n) {
    return InvalidArgument(
        fmt::format("status has {} values but exit time has {}", data.status.size(), n));
  }
  if (!data.entry.empty() && data.entry.size() != n) {
    return InvalidArgument(
        fmt::format("entry time has {} values but exit time has {}", data.entry.size(), n));
  }
  if (!data.group.empty() && data.group.size() != n) {
    return InvalidArgument(
        fmt::format("group has {} values but exit time has {}", data.group.size(), n));
  }
  if (data.group_count < 1) {
    return InvalidArgument(fmt::format("group count {} must be at least 1", data.group_count));
  }
  return {};
}

// The one message per bad field; `i` is the 0-based index, reported 1-based.
template <typename Data>
Result<void> CheckObservation(const Data& data, size_t i) {
  const auto exit = data.exit[i];
  if (!std::isfinite(static_cast<double>(exit)) || exit < 0) {
    return InvalidArgument(
        fmt::format("observation {}: exit time {} must be a finite number >= 0", i + 1, exit));
  }
  const int8_t s = data.status[i];
  if (s != kCensored && s != kEvent && s != kCompeting) {
    return InvalidArgument(fmt::format(
        "observation {}: status {} must be 0 (censored), 1 (event) or 2 (competing event)", i + 1,
        s));
  }
  if (!data.entry.empty()) {
    const auto entry = data.entry[i];
    if (!std::isfinite(static_cast<double>(entry)) || entry < 0 || !(entry < exit)) {
      return InvalidArgument(
          fmt::format("observation {}: entry time {} must be >= 0 and before the exit time {}",
                      i + 1, entry, exit));
    }
  }
  if (!data.group.empty() && (data.group[i] < 0 || data.group[i] >= data.group_count)) {
    return InvalidArgument(fmt::format("observation {}: group code {} is outside [0, {})", i + 1,
                                       data.group[i], data.group_count));
  }
  return {};
}

template <typename Data>
Result<void> Validate(const Data& data) {
  ORP_RETURN_IF_ERROR(CheckShape(data));
  for (size_t i = 0; i < data.exit.size(); ++i) {
    // The common case is valid data: test cheaply and explain only on failure.
    const auto exit = data.exit[i];
    const int8_t s = data.status[i];
    bool ok = exit >= 0 && static_cast<uint8_t>(s) <= 2;
    if constexpr (std::is_floating_point_v<std::decay_t<decltype(exit)>>) {
      ok = ok && exit < std::numeric_limits<double>::infinity();
    }
    if (!data.entry.empty()) ok = ok && data.entry[i] >= 0 && data.entry[i] < exit;
    if (!data.group.empty()) ok = ok && data.group[i] >= 0 && data.group[i] < data.group_count;
    if (!ok) return CheckObservation(data, i);
  }
  return {};
}

// Empties a table for the next group; a visitor may have moved its arrays away.
void Reset(EventTable& table) {
  table.n = table.events = table.competing = 0;
  table.time.clear();
  table.n_risk.clear();
  table.n_event.clear();
  table.n_competing.clear();
  table.n_censor.clear();
}

void AppendRow(EventTable& table, double time, int64_t at_risk, int64_t event, int64_t competing,
               int64_t censor) {
  table.time.push_back(time);
  table.n_risk.push_back(at_risk);
  table.n_event.push_back(event);
  table.n_competing.push_back(competing);
  table.n_censor.push_back(censor);
}

// One group: observations and entry times sorted by time, swept once.
void TallySorted(std::span<Observation> obs, std::span<double> entries, bool has_entry,
                 EventTable& table) {
  std::sort(obs.begin(), obs.end(),
            [](const Observation& a, const Observation& b) { return a.exit < b.exit; });
  std::sort(entries.begin(), entries.end());
  table.n = static_cast<int64_t>(obs.size());
  size_t entered = 0;
  for (size_t i = 0; i < obs.size();) {
    const double t = obs[i].exit;
    while (entered < entries.size() && entries[entered] < t) ++entered;
    const int64_t in = has_entry ? static_cast<int64_t>(entered) : table.n;
    const int64_t at_risk = in - static_cast<int64_t>(i);
    int64_t counts[3] = {0, 0, 0};
    for (; i < obs.size() && obs[i].exit == t; ++i) ++counts[obs[i].status];
    AppendRow(table, t, at_risk, counts[kEvent], counts[kCompeting], counts[kCensored]);
    table.events += counts[kEvent];
    table.competing += counts[kCompeting];
  }
}

void TallyGeneral(const SurvivalTimes& data, const TableVisitor& visit) {
  const size_t n = data.exit.size();
  const bool grouped = !data.group.empty();
  const bool has_entry = !data.entry.empty();
  // Counting sort by group, then a sort by time within each group.
  std::vector<size_t> offset(static_cast<size_t>(data.group_count) + 1, 0);
  for (size_t i = 0; i < n; ++i) ++offset[(grouped ? data.group[i] : 0) + 1];
  for (size_t g = 1; g < offset.size(); ++g) offset[g] += offset[g - 1];
  std::vector<Observation> obs(n);
  std::vector<double> entries(has_entry ? n : 0);
  std::vector<size_t> next(offset.begin(), offset.end() - 1);
  for (size_t i = 0; i < n; ++i) {
    const size_t at = next[grouped ? data.group[i] : 0]++;
    obs[at] = {data.exit[i], data.status[i]};
    if (has_entry) entries[at] = data.entry[i];
  }
  EventTable table;
  for (size_t g = 0; g + 1 < offset.size(); ++g) {
    const size_t size = offset[g + 1] - offset[g];
    std::span<Observation> group_obs(obs.data() + offset[g], size);
    std::span<double> group_entries =
        has_entry ? std::span<double>(entries.data() + offset[g], size) : std::span<double>();
    Reset(table);
    TallySorted(group_obs, group_entries, has_entry, table);
    visit(static_cast<int32_t>(g), table);
  }
}

// One group's day cells swept forward (and cleared for the next group): at day d, at risk =
// entered before d - exited before d.
void TallyDayCells(std::span<DayCell> cells, int64_t n, bool has_entry, EventTable& table) {
  table.n = n;
  size_t rows = 0;
  for (const DayCell& c : cells) rows += (c.count[0] | c.count[1] | c.count[2]) != 0;
  // Branch-free: every day writes row `row`, which advances only on days where someone
  // leaves; hence one spare element, dropped at the end.
  for (auto* v : {&table.n_risk, &table.n_event, &table.n_competing, &table.n_censor}) {
    v->resize(rows + 1);
  }
  table.time.resize(rows + 1);
  int64_t entered = has_entry ? 0 : n;
  int64_t exited = 0;
  size_t row = 0;
  for (size_t day = 0; day < cells.size(); ++day) {
    DayCell& c = cells[day];
    const int64_t leaving = int64_t{c.count[kEvent]} + c.count[kCompeting] + c.count[kCensored];
    table.time[row] = static_cast<double>(day);
    table.n_risk[row] = entered - exited;
    table.n_event[row] = c.count[kEvent];
    table.n_competing[row] = c.count[kCompeting];
    table.n_censor[row] = c.count[kCensored];
    table.events += c.count[kEvent];
    table.competing += c.count[kCompeting];
    exited += leaving;
    row += leaving > 0;
    entered += c.entry;
    c = DayCell{};
  }
  for (auto* v : {&table.n_risk, &table.n_event, &table.n_competing, &table.n_censor}) {
    v->resize(rows);
  }
  table.time.resize(rows);
}

// Two cache-friendly passes instead of one random write per unit into groups x days cells:
// a counting sort by group into packed (day << 2 | status) words, then per group a count into
// one day array small enough to stay in cache.
void TallyByDay(const SurvivalDays& data, int32_t max_day, const TableVisitor& visit) {
  const size_t n = data.exit.size();
  const size_t groups = static_cast<size_t>(data.group_count);
  const bool grouped = !data.group.empty();
  const bool has_entry = !data.entry.empty();
  std::vector<size_t> offset(groups + 1, 0);
  for (size_t i = 0; i < n; ++i) ++offset[(grouped ? data.group[i] : 0) + 1];
  for (size_t g = 1; g <= groups; ++g) offset[g] += offset[g - 1];
  std::vector<uint32_t> packed(n);
  std::vector<uint32_t> entry(has_entry ? n : 0);
  std::vector<size_t> next(offset.begin(), offset.end() - 1);
  for (size_t i = 0; i < n; ++i) {
    const size_t at = next[grouped ? data.group[i] : 0]++;
    packed[at] = static_cast<uint32_t>(data.exit[i]) << 2 | static_cast<uint32_t>(data.status[i]);
    if (has_entry) entry[at] = static_cast<uint32_t>(data.entry[i]);
  }
  EventTable table;
  std::vector<DayCell> cells(static_cast<size_t>(max_day) + 1);
  for (size_t g = 0; g < groups; ++g) {
    for (size_t k = offset[g]; k < offset[g + 1]; ++k) ++cells[packed[k] >> 2].count[packed[k] & 3];
    if (has_entry) {
      for (size_t k = offset[g]; k < offset[g + 1]; ++k) ++cells[entry[k]].entry;
    }
    Reset(table);
    TallyDayCells(cells, static_cast<int64_t>(offset[g + 1] - offset[g]), has_entry, table);
    visit(static_cast<int32_t>(g), table);
  }
}

// survival::aeqSurv: the first value of each run of near-equal sorted distinct times, or
// nothing when no two distinct times are near-equal.
std::optional<std::vector<double>> TieCuts(const SurvivalTimes& data) {
  std::vector<double> y(data.exit.begin(), data.exit.end());
  y.insert(y.end(), data.entry.begin(), data.entry.end());
  std::sort(y.begin(), y.end());
  y.erase(std::unique(y.begin(), y.end()), y.end());
  double mean_abs = 0;
  for (double v : y) mean_abs += std::abs(v);
  mean_abs /= static_cast<double>(y.size());
  const double tolerance = std::sqrt(std::numeric_limits<double>::epsilon());
  std::vector<double> cuts = {y[0]};
  for (size_t i = 1; i < y.size(); ++i) {
    const double gap = y[i] - y[i - 1];
    if (!(gap <= tolerance || gap / mean_abs <= tolerance)) cuts.push_back(y[i]);
  }
  if (cuts.size() == y.size()) return std::nullopt;
  return cuts;
}

double Snap(const std::vector<double>& cuts, double t) {
  return *(std::upper_bound(cuts.begin(), cuts.end(), t) - 1);
}

// Tallies after merging near-tied times, when there are any.
Result<void> TallyMerged(const SurvivalTimes& data, const TableVisitor& visit) {
  const auto found = TieCuts(data);
  if (!found) {
    TallyGeneral(data, visit);
    return {};
  }
  const std::vector<double>& cuts = *found;
  std::vector<double> exit(data.exit.size());
  std::vector<double> entry(data.entry.size());
  for (size_t i = 0; i < exit.size(); ++i) exit[i] = Snap(cuts, data.exit[i]);
  for (size_t i = 0; i < entry.size(); ++i) {
    entry[i] = Snap(cuts, data.entry[i]);
    if (entry[i] == exit[i]) {
      return InvalidArgument(fmt::format(
          "observation {}: entry time {} and exit time {} differ only by rounding error", i + 1,
          data.entry[i], data.exit[i]));
    }
  }
  TallyGeneral({exit, data.status, entry, data.group, data.group_count}, visit);
  return {};
}

}  // namespace

Result<void> VisitEventTables(const SurvivalTimes& data, NearTies near_ties,
                              const TableVisitor& visit) {
  ORP_RETURN_IF_ERROR(Validate(data));
  if (near_ties == NearTies::kMergeLikeSurvfit && !data.exit.empty()) {
    return TallyMerged(data, visit);
  }
  TallyGeneral(data, visit);
  return {};
}

Result<void> VisitEventTables(const SurvivalDays& data, NearTies near_ties,
                              const TableVisitor& visit) {
  ORP_RETURN_IF_ERROR(Validate(data));
  const size_t n = data.exit.size();
  int32_t max_day = 0;
  for (int32_t day : data.exit) max_day = std::max(max_day, day);
  // Per-day arrays pay off while they are not much bigger than the input; beyond that (a few
  // units spread over a huge range) sorting is cheaper. Counters are 32-bit, and a day must
  // fit beside the status in 32 bits.
  const double cells = (static_cast<double>(max_day) + 1) * data.group_count;
  const bool dense = cells <= 4.0 * static_cast<double>(n) + (1 << 20) &&
                     n < std::numeric_limits<uint32_t>::max() && max_day < (1 << 30);
  // Whole days are 1 apart, so they can be near ties only relative to a mean |time| of
  // 1 / sqrt(epsilon) (about 6.7e7 days); below that merging never changes anything.
  const bool may_merge = near_ties == NearTies::kMergeLikeSurvfit && max_day >= (1 << 26);
  if (dense && !may_merge) {
    TallyByDay(data, max_day, visit);
    return {};
  }
  std::vector<double> exit(data.exit.begin(), data.exit.end());
  std::vector<double> entry(data.entry.begin(), data.entry.end());
  return VisitEventTables(SurvivalTimes{exit, data.status, entry, data.group, data.group_count},
                          near_ties, visit);
}

template <typename Data>
Result<std::vector<EventTable>> CollectTables(const Data& data, NearTies near_ties) {
  std::vector<EventTable> tables(static_cast<size_t>(std::max(data.group_count, 0)));
  auto done = VisitEventTables(data, near_ties, [&](int32_t group, EventTable& table) {
    tables[static_cast<size_t>(group)] = std::move(table);
  });
  if (!done) return std::unexpected(done.error());
  return tables;
}

Result<std::vector<EventTable>> TallyEvents(const SurvivalTimes& data, NearTies near_ties) {
  return CollectTables(data, near_ties);
}

Result<std::vector<EventTable>> TallyEvents(const SurvivalDays& data, NearTies near_ties) {
  return CollectTables(data, near_ties);
}

}  // namespace orp::stats
