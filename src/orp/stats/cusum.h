// Risk-adjusted Bernoulli CUSUM (Steiner, Cook, Farewell & Treasure, Biostatistics 2000;1:441)
// and the VLAD (variable life-adjusted display): early warning that a surgeon's or hospital's
// patients fail more (or less) often than their predicted risks say.
//
// Patient t has predicted risk p_t (from the national case-mix model) and outcome y_t in {0, 1}.
// Testing odds ratio 1 against R_A, the log-likelihood-ratio weight is
//   W_t(R_A) = y_t ln R_A - ln(1 - p_t + R_A p_t).
//   Deterioration chart (R_A = 2):   X_t = max(0, X_{t-1} + W_t(2)),   signal when X_t >= h_up.
//   Improvement chart   (R_A = 0.5): Z_t = min(0, Z_{t-1} - W_t(0.5)), signal when Z_t <= -h_down.
// After a signal the chart restarts from 0 (as the CQC/Imperial alerts do).
//   VLAD V_t = sum_{i <= t} (p_i - y_i): lives saved (positive) or lost against expectation.
//
// Control limit. h is chosen so the in-control average run length (patients until a false
// signal when every p is right) equals a stated target, for the unit's own risk mix. ORP uses
// the Markov-chain approximation (Brook & Evans 1972, as Steiner et al. did): the chart on
// [0, h) is discretised into `states` cells of width h / states, values rounded to the nearest
// cell centre (0 is its own state, the reflecting barrier), the risk mix is the empirical
// distribution of the unit's p (binned into at most `risk_bins` equal-count bins, each
// represented by its mean p), and ARL = (I - Q)^{-1} 1 from state 0. The ARL grows with h, so h
// is found by bisection. A Monte Carlo run length (SimulateArl) with a fixed seed checks it:
// mt19937_64 and our own bit-to-double map, so a seed gives the same numbers on every platform.
// Reference values: ../shared/specs/statistics.md §10 (weights, a 10-patient path, and the
// simulated ARL0 ~ 4,400 / ARL1 ~ 125 at h = 4.5 for p ~ U(0.01, 0.20)).
//
// Errors: kInvalidArgument for a p outside (0, 1), an outcome other than 0/1, spans of different
// lengths, an odds ratio not > 0 and != 1, h not > 0, or an ARL target not > 1.
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "orp/core/result.h"

namespace orp::stats {

// W_t for one patient. Requires 0 < p < 1 and odds_ratio > 0 (unchecked: hot loop).
double CusumWeight(double p, bool failed, double odds_ratio);

struct CusumOptions {
  double odds_ratio_up = 2.0;
  double odds_ratio_down = 0.5;
  double h_up = 4.5;
  double h_down = 4.5;
  bool reset_after_signal = true;
};

struct CusumChart {
  std::vector<double> upper;  // X_t >= 0
  std::vector<double> lower;  // Z_t <= 0
  std::vector<double> vlad;
  std::vector<int64_t> upper_signals;  // patient indices (0-based) where X_t >= h_up
  std::vector<int64_t> lower_signals;  // where Z_t <= -h_down
};

Result<CusumChart> RiskAdjustedCusum(std::span<const double> risk, std::span<const uint8_t> failed,
                                     const CusumOptions& options);

struct MarkovArlOptions {
  int states = 400;
  int risk_bins = 200;
};

// The in-control (true_odds_ratio = 1) or out-of-control ARL of an upper chart testing
// `chart_odds_ratio` with limit h, for patients drawn from `risk_mix`. A chart testing an
// odds ratio below 1 is the improvement chart (-Z), so the same function serves both.
Result<double> MarkovChainArl(std::span<const double> risk_mix, double chart_odds_ratio, double h,
                              double true_odds_ratio, const MarkovArlOptions& options = {});

// The h whose in-control Markov ARL is `target_arl` (to 1e-4 relative in h).
Result<double> ControlLimitForArl(std::span<const double> risk_mix, double chart_odds_ratio,
                                  double target_arl, const MarkovArlOptions& options = {});

struct SimulatedArl {
  double mean = 0;
  double std_error = 0;
  int64_t replicates = 0;
};

// Mean run length over `replicates` charts, patients drawn uniformly from `risk_mix` with the
// true odds ratio applied; a run still going after `max_length` patients counts as max_length.
Result<SimulatedArl> SimulateArl(std::span<const double> risk_mix, double chart_odds_ratio,
                                 double h, double true_odds_ratio, int64_t replicates,
                                 uint64_t seed, int64_t max_length = 10'000'000);

}  // namespace orp::stats
