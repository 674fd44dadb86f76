// Golden tests: Kaplan–Meier, cumulative incidence and Poisson rates against R's own output.
// The expected numbers were written by test/golden/make_survival_fixtures.R (R 4.2.2,
// survival 3.5.3, cmprsk 2.2.11; each file names its versions); this test only reads them.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "orp/stats/cumulative_incidence.h"
#include "orp/stats/golden_test_util.h"
#include "orp/stats/kaplan_meier.h"
#include "orp/stats/poisson_rate.h"

namespace orp::stats {
namespace {

using nlohmann::json;

using golden::Number;
using golden::Numbers;
using golden::ReadFixture;

std::vector<int64_t> Integers(const json& v) { return v.get<std::vector<int64_t>>(); }

// True when `a` equals `e` to `rel` relative error, NaN matching NaN and inf matching inf.
::testing::AssertionResult Close(double a, double e, double rel) {
  if (std::isnan(e) || std::isnan(a)) {
    if (std::isnan(e) && std::isnan(a)) return ::testing::AssertionSuccess();
  } else if (std::isinf(e) || std::isinf(a)) {
    if (a == e) return ::testing::AssertionSuccess();
  } else if (std::abs(a - e) <= rel * std::abs(e) || a == e) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "got " << a << ", R has " << e;
}

void ExpectAllClose(const std::vector<double>& actual, const json& expected, double rel,
                    const std::string& what) {
  const std::vector<double> e = Numbers(expected);
  ASSERT_EQ(actual.size(), e.size()) << what;
  for (size_t i = 0; i < e.size(); ++i)
    EXPECT_TRUE(Close(actual[i], e[i], rel)) << what << "[" << i << "]";
}

// The fixture's input, dictionary-encoded by sorted group label.
struct Cohort {
  std::vector<double> time;
  std::vector<double> entry;
  std::vector<int8_t> status;
  std::vector<int32_t> group;
  std::vector<std::string> labels;

  SurvivalTimes Times() const {
    return {time, status, entry, group, static_cast<int32_t>(labels.size())};
  }
};

Cohort ReadCohort(const json& input) {
  Cohort c;
  c.time = Numbers(input["time"]);
  if (input.contains("entry")) c.entry = Numbers(input["entry"]);
  for (int s : input["status"].get<std::vector<int>>()) c.status.push_back(static_cast<int8_t>(s));
  const auto names = input["group"].get<std::vector<std::string>>();
  std::set<std::string> unique(names.begin(), names.end());
  c.labels.assign(unique.begin(), unique.end());
  for (const auto& name : names) {
    c.group.push_back(static_cast<int32_t>(
        std::lower_bound(c.labels.begin(), c.labels.end(), name) - c.labels.begin()));
  }
  return c;
}

bool AllIntegral(const std::vector<double>& v) {
  return std::all_of(v.begin(), v.end(), [](double x) { return x == std::floor(x); });
}

std::vector<int32_t> ToDays(const std::vector<double>& v) {
  return std::vector<int32_t>(v.begin(), v.end());
}

constexpr double kKmTolerance = 1e-10;

void ExpectAtRowsMatch(const std::vector<SurvivalAtTime>& rows, const json& e,
                       const std::string& what) {
  ASSERT_EQ(rows.size(), e["time"].size()) << what;
  std::vector<double> time, surv, se, lower, upper;
  std::vector<int64_t> risk, event, censor;
  for (const auto& r : rows) {
    time.push_back(r.time);
    surv.push_back(r.surv);
    se.push_back(r.std_err);
    lower.push_back(r.lower);
    upper.push_back(r.upper);
    risk.push_back(r.n_risk);
    event.push_back(r.n_event);
    censor.push_back(r.n_censor);
  }
  ExpectAllClose(time, e["time"], 0, what + " time");
  EXPECT_EQ(risk, Integers(e["n_risk"])) << what;
  EXPECT_EQ(event, Integers(e["n_event"])) << what;
  EXPECT_EQ(censor, Integers(e["n_censor"])) << what;
  ExpectAllClose(surv, e["surv"], kKmTolerance, what + " surv");
  ExpectAllClose(se, e["std_err"], kKmTolerance, what + " std_err");
  ExpectAllClose(lower, e["lower"], kKmTolerance, what + " lower");
  ExpectAllClose(upper, e["upper"], kKmTolerance, what + " upper");
}

void ExpectCurveMatches(const KaplanMeierCurve& curve, const json& g, const json& ci,
                        const std::vector<double>& times, const std::string& what) {
  const json& e = g["curve"];
  EXPECT_EQ(curve.n, g["n"].get<int64_t>()) << what;
  EXPECT_EQ(curve.events, g["events"].get<int64_t>()) << what;
  ExpectAllClose(curve.time, e["time"], 0, what + " time");
  EXPECT_EQ(curve.n_risk, Integers(e["n_risk"])) << what;
  EXPECT_EQ(curve.n_event, Integers(e["n_event"])) << what;
  EXPECT_EQ(curve.n_censor, Integers(e["n_censor"])) << what;
  ExpectAllClose(curve.surv, e["surv"], kKmTolerance, what + " surv");
  ExpectAllClose(curve.log_std_err, e["log_std_err"], kKmTolerance, what + " log_std_err");
  ExpectAllClose(curve.std_err, e["std_err"], kKmTolerance, what + " std_err");
  ExpectAllClose(curve.lower, ci["lower"], kKmTolerance, what + " lower");
  ExpectAllClose(curve.upper, ci["upper"], kKmTolerance, what + " upper");
  ExpectAtRowsMatch(SummariseAt(curve, times, false), ci["at"], what + " at");
  ExpectAtRowsMatch(SummariseAt(curve, times, true), ci["at_extend"], what + " at extend");
}

void CheckKaplanMeierFixture(const std::string& name) {
  SCOPED_TRACE(name);
  const json fixture = ReadFixture(name);
  const Cohort cohort = ReadCohort(fixture["input"]);
  const std::vector<double> times = Numbers(fixture["times"]);
  const bool integral = AllIntegral(cohort.time) && AllIntegral(cohort.entry);
  const std::vector<int32_t> exit_days = ToDays(cohort.time);
  const std::vector<int32_t> entry_days = ToDays(cohort.entry);
  const SurvivalDays days{exit_days, cohort.status, entry_days, cohort.group,
                          static_cast<int32_t>(cohort.labels.size())};
  const json& groups = fixture["groups"];
  ASSERT_EQ(groups.size(), cohort.labels.size());
  for (size_t setting = 0; setting < groups[0]["ci"].size(); ++setting) {
    const json& first = groups[0]["ci"][setting];
    KaplanMeierOptions options{*ParseConfType(first["type"].get<std::string>()),
                               Number(first["level"][0])};
    auto curves = KaplanMeier(cohort.Times(), options);
    ASSERT_TRUE(curves.has_value()) << curves.error().message();
    auto day_curves = integral ? KaplanMeier(days, options) : curves;
    ASSERT_TRUE(day_curves.has_value()) << day_curves.error().message();
    for (size_t g = 0; g < groups.size(); ++g) {
      ASSERT_EQ(groups[g]["group"], cohort.labels[g]);
      const std::string what = name + " " + cohort.labels[g] + " " +
                               std::string(ConfTypeName(options.conf_type)) + " " +
                               std::to_string(options.conf_level);
      const json& ci = groups[g]["ci"][setting];
      ExpectCurveMatches((*curves)[g], groups[g], ci, times, what);
      ExpectCurveMatches((*day_curves)[g], groups[g], ci, times, what + " (days)");
    }
  }
}

TEST(KaplanMeierGolden, MatchesSurvfitOnTheFreireichExample) {
  CheckKaplanMeierFixture("survival_freireich.json");
}
TEST(KaplanMeierGolden, MatchesSurvfitOnAml) { CheckKaplanMeierFixture("survival_aml.json"); }
TEST(KaplanMeierGolden, MatchesSurvfitOnLung) { CheckKaplanMeierFixture("survival_lung.json"); }
TEST(KaplanMeierGolden, MatchesSurvfitWithHeavyTies) {
  CheckKaplanMeierFixture("survival_ties.json");
}
TEST(KaplanMeierGolden, MatchesSurvfitWithHeavyCensoring) {
  CheckKaplanMeierFixture("survival_heavy_censoring.json");
}
TEST(KaplanMeierGolden, MatchesSurvfitOnEdgeGroups) {
  CheckKaplanMeierFixture("survival_edge_groups.json");
}
TEST(KaplanMeierGolden, MatchesSurvfitWithLateEntry) {
  CheckKaplanMeierFixture("survival_late_entry.json");
}
TEST(KaplanMeierGolden, MatchesSurvfitOnIntegerDays) {
  CheckKaplanMeierFixture("survival_integer_days.json");
}

constexpr double kCumincTolerance = 1e-8;

void ExpectCauseMatches(const CumulativeIncidence& cif, const std::vector<double>& grid,
                        const json& e, const std::string& what) {
  std::vector<double> est, var;
  for (double t : grid) {
    const auto p = cif.At(t);
    est.push_back(p.estimate);
    var.push_back(p.variance);
  }
  ExpectAllClose(est, e["est"], kCumincTolerance, what + " est");
  ExpectAllClose(var, e["var"], kCumincTolerance, what + " var");
}

void CheckCumincFixture(const std::string& name) {
  SCOPED_TRACE(name);
  const json fixture = ReadFixture(name);
  const Cohort cohort = ReadCohort(fixture["input"]);
  auto results = CumulativeIncidenceOf(cohort.Times());
  ASSERT_TRUE(results.has_value()) << results.error().message();
  std::vector<std::vector<CompetingRisks>> all = {*results};
  if (AllIntegral(cohort.time)) {
    const std::vector<int32_t> days = ToDays(cohort.time);
    auto by_day = CumulativeIncidenceOf(SurvivalDays{
        days, cohort.status, {}, cohort.group, static_cast<int32_t>(cohort.labels.size())});
    ASSERT_TRUE(by_day.has_value()) << by_day.error().message();
    all.push_back(*by_day);
  }
  const json& groups = fixture["groups"];
  ASSERT_EQ(groups.size(), cohort.labels.size());
  for (const auto& result : all) {
    for (size_t g = 0; g < groups.size(); ++g) {
      const std::vector<double> grid = Numbers(groups[g]["grid"]);
      const std::string what = name + " " + cohort.labels[g];
      ExpectCauseMatches(result[g].event, grid, groups[g]["event"], what + " event");
      ExpectCauseMatches(result[g].competing, grid, groups[g]["competing"], what + " competing");
    }
  }
}

TEST(CumulativeIncidenceGolden, MatchesCumincOnTheSpecToyData) {
  CheckCumincFixture("cuminc_toy.json");
}
TEST(CumulativeIncidenceGolden, MatchesCumincWithTies) { CheckCumincFixture("cuminc_ties.json"); }
TEST(CumulativeIncidenceGolden, MatchesCumincOnEdgeGroups) {
  CheckCumincFixture("cuminc_edge_groups.json");
}
TEST(CumulativeIncidenceGolden, MatchesCumincOnIntegerDays) {
  CheckCumincFixture("cuminc_integer_days.json");
}

constexpr double kRateTolerance = 1e-9;

TEST(PoissonRateGolden, RatesAndExactIntervalsMatchPoissonTest) {
  const json fixture = ReadFixture("rates_poisson.json");
  ASSERT_FALSE(fixture["rates"].empty());
  for (const json& c : fixture["rates"]) {
    auto r = ExactPoissonRate(c["events"][0].get<int64_t>(), Number(c["person_time"][0]), 1,
                              Number(c["level"][0]));
    ASSERT_TRUE(r.has_value()) << r.error().message();
    const std::string what = c.dump();
    EXPECT_TRUE(Close(r->rate, Number(c["rate"][0]), kRateTolerance)) << what;
    EXPECT_TRUE(Close(r->lower, Number(c["lower"][0]), kRateTolerance)) << what;
    EXPECT_TRUE(Close(r->upper, Number(c["upper"][0]), kRateTolerance)) << what;
  }
}

TEST(PoissonRateGolden, RateRatioTestMatchesTwoSamplePoissonTest) {
  const json fixture = ReadFixture("rates_poisson.json");
  ASSERT_FALSE(fixture["ratios"].empty());
  for (const json& c : fixture["ratios"]) {
    auto t = ExactRateRatioTest(c["events1"][0].get<int64_t>(), Number(c["person_time1"][0]),
                                c["events2"][0].get<int64_t>(), Number(c["person_time2"][0]),
                                Number(c["level"][0]));
    ASSERT_TRUE(t.has_value()) << t.error().message();
    const std::string what = c.dump();
    EXPECT_TRUE(Close(t->estimate, Number(c["estimate"][0]), kRateTolerance)) << what;
    EXPECT_TRUE(Close(t->lower, Number(c["lower"][0]), kRateTolerance)) << what;
    EXPECT_TRUE(Close(t->upper, Number(c["upper"][0]), kRateTolerance)) << what;
    EXPECT_TRUE(Close(t->p_value, Number(c["p_value"][0]), kRateTolerance)) << what;
  }
}

}  // namespace
}  // namespace orp::stats
