#include "orp/stats/maxsprt.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

namespace orp::stats {
namespace {

// statistics.md §11: alpha = 0.05, M = 1, continuous time.
TEST(MaxSprt, CriticalValuesMatchThePublishedTable) {
  const std::vector<std::pair<double, double>> table = {{1, 2.8539},  {2, 3.0470},  {5, 3.2972},
                                                        {10, 3.4680}, {20, 3.6281}, {50, 3.8199},
                                                        {100, 3.9523}};
  for (const auto& [t, cv] : table) {
    auto got = PoissonMaxSprtCriticalValue(t, 0.05);
    ASSERT_TRUE(got.has_value()) << t;
    EXPECT_NEAR(*got, cv, 5e-5) << "T = " << t;
  }
}

TEST(MaxSprt, AlphaAtTheCriticalValueIsTheTarget) {
  auto cv = PoissonMaxSprtCriticalValue(10, 0.05);
  EXPECT_NEAR(*PoissonMaxSprtAlpha(*cv, 10), 0.05, 1e-7);
  EXPECT_GT(*PoissonMaxSprtAlpha(*cv - 0.1, 10), 0.05);
}

TEST(MaxSprt, MinimumEventsLowerTheCriticalValue) {
  // Requiring 4 events before a signal removes early signals, so a lower CV keeps alpha 0.05.
  EXPECT_LT(*PoissonMaxSprtCriticalValue(10, 0.05, 4), *PoissonMaxSprtCriticalValue(10, 0.05, 1));
}

TEST(MaxSprt, LogLikelihoodRatioIsZeroAtOrBelowExpectation) {
  EXPECT_EQ(PoissonMaxSprtLlr(2, 3.0), 0.0);
  EXPECT_EQ(PoissonMaxSprtLlr(0, 0.5), 0.0);
  EXPECT_NEAR(PoissonMaxSprtLlr(6, 2.0), 2.0 - 6 + 6 * std::log(3.0), 1e-12);
}

// Monte Carlo under H0 with a fixed seed: the share of sequences that signal is alpha.
TEST(MaxSprt, SimulatedFalseSignalRateIsAlpha) {
  const double t = 10;
  const double cv = *PoissonMaxSprtCriticalValue(t, 0.05);
  std::mt19937_64 rng(11);
  std::exponential_distribution<double> gap(1.0);
  int signals = 0;
  const int kRuns = 20000;
  for (int r = 0; r < kRuns; ++r) {
    double mu = 0;
    for (int64_t c = 1;; ++c) {
      mu += gap(rng);
      if (mu > t) break;
      if (PoissonMaxSprtLlr(c, mu) >= cv) {
        ++signals;
        break;
      }
    }
  }
  const double rate = static_cast<double>(signals) / kRuns;
  EXPECT_NEAR(rate, 0.05, 4 * std::sqrt(0.05 * 0.95 / kRuns));
}

TEST(MaxSprt, RunSignalsAtTheFirstLookOverTheCriticalValue) {
  const std::vector<int64_t> events = {1, 2, 3, 4, 5};
  const std::vector<double> expected = {0.5, 0.8, 1.0, 1.1, 1.2};
  auto state = RunPoissonMaxSprt(events, expected, 3.4680, 10);
  ASSERT_TRUE(state.has_value());
  // The LLR climbs to 3.336 at the fifth look, still below the CV.
  EXPECT_FALSE(state->signalled);
  const std::vector<int64_t> more = {1, 2, 3, 4, 5, 6};
  const std::vector<double> more_expected = {0.5, 0.8, 1.0, 1.1, 1.2, 1.3};
  state = RunPoissonMaxSprt(more, more_expected, 3.4680, 10);
  EXPECT_TRUE(state->signalled);
  EXPECT_EQ(state->signal_event, 5);
}

TEST(MaxSprt, RunEndsWhenExpectedPassesTheUpperLimit) {
  const std::vector<int64_t> events = {1, 2, 30};
  const std::vector<double> expected = {4, 9, 11};
  auto state = RunPoissonMaxSprt(events, expected, 3.4680, 10);
  EXPECT_FALSE(state->signalled);
  EXPECT_TRUE(state->ended);
}

TEST(MaxSprt, RejectsBadDesigns) {
  EXPECT_FALSE(PoissonMaxSprtCriticalValue(0, 0.05).has_value());
  EXPECT_FALSE(PoissonMaxSprtCriticalValue(10, 0.7).has_value());
  EXPECT_FALSE(PoissonMaxSprtCriticalValue(10, 0.05, 0).has_value());
  const std::vector<int64_t> falling = {2, 1};
  const std::vector<double> expected = {1, 2};
  EXPECT_FALSE(RunPoissonMaxSprt(falling, expected, 3, 10).has_value());
}

}  // namespace
}  // namespace orp::stats
