// Poisson maxSPRT (Kulldorff, Davis, Kolczak, Lewis, Lieu & Platt, Sequential Analysis 2011;
// 30:58): continuous sequential monitoring of a new device model's revisions against what its
// class would give it, with an exact critical value so the overall false-signal rate is alpha.
//
// c events observed when mu were expected under H0 (mu = class rate x the model's exposure, or a
// risk model's sum). The log-likelihood ratio is
//   LLR(c, mu) = (mu - c) + c ln(c / mu)  when c >= mu, else 0.
// H0 is rejected (a signal) the first time LLR >= CV with at least M events; monitoring ends
// without a signal when mu reaches the upper limit T (expected events). The LLR only rises at
// events, so it is evaluated at event times.
//
// Exact critical value (continuous time, as Sequential::CV.Poisson with D = 0). For each k >= M
// the boundary mu_k < k solves LLR(k, mu_k) = CV (mu_k rises with k). A signal occurs iff the
// k-th event arrives at mu-time <= min(mu_k, T) for some k >= M. Starting from P(N(0) = 0) = 1,
// the Poisson count distribution is carried from one boundary time to the next (convolution with
// Poisson(mu_k - mu_{k-1})), and at each mu_k <= T the mass at counts >= k is removed (it has
// signalled); at T the mass at counts >= k* (the first k with mu_k > T) is removed too.
// alpha(CV) = 1 - the mass left; CV is found by bisection on this decreasing function.
// Reference values: ../shared/specs/statistics.md §11 (alpha 0.05, M = 1: T = 1 -> 2.8539,
// T = 10 -> 3.4680, T = 100 -> 3.9523; published T = 1: 2.853); R cross-check in
// test/golden/make_surveillance_fixtures.R (an independent R implementation and Monte Carlo).
//
// Errors: kInvalidArgument for T not finite and > 0, alpha outside (0, 0.5), M < 1, a CV not > 0,
// negative counts or non-finite expected values. Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "orp/core/result.h"

namespace orp::stats {

double PoissonMaxSprtLlr(int64_t events, double expected);

// The exact probability of a signal by T under H0 for critical value `cv`.
Result<double> PoissonMaxSprtAlpha(double cv, double upper_limit, int64_t min_events = 1);

// The exact critical value for overall `alpha` (to 1e-7 absolute).
Result<double> PoissonMaxSprtCriticalValue(double upper_limit, double alpha,
                                           int64_t min_events = 1);

struct MaxSprtState {
  int64_t events = 0;
  double expected = 0;
  double llr = 0;
  bool signalled = false;
  int64_t signal_event = -1;   // the index into the looks where it first signalled
  double signal_expected = 0;  // mu at that look
  bool ended = false;          // mu reached T without a signal
};

// Runs the test over a sequence of looks (cumulative events, cumulative expected; both
// non-decreasing), usually one look per event. Looks after mu passes T are not evaluated.
Result<MaxSprtState> RunPoissonMaxSprt(std::span<const int64_t> cumulative_events,
                                       std::span<const double> cumulative_expected, double cv,
                                       double upper_limit, int64_t min_events = 1);

}  // namespace orp::stats
