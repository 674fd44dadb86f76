// Risk adjustment for the surgeon and hospital methods (statistics.md §8): the expected count of
// each primary from a model fitted on every primary of the registry in the window, so that a
// unit is compared with what its own case mix predicts.
//
//   Revision        Cox model (stats/cox.h, Breslow ties) of days from the primary to the first
//                   revision, death and the data cut censoring, on age band, sex, ASA and
//                   indication; E_i = Lambda0(T_i) exp(x_i'b) (stats::CoxExpected), so that the
//                   expected counts of all units sum to the observed revisions.
//   Binary outcome  logistic model (stats/logistic.h) on age band, sex and ASA (90-day death) or
//                   with indication too (revision within a year, for the CUSUM); E_i = p_i.
//
// Covariates are factors (an unknown value is its own level). Each factor's reference level is
// its most common one; a level with fewer than `min_level_events` events (or, for a binary
// outcome, non-events) is merged into the reference, because a level with no events has an
// infinite coefficient and would stop the fit. A factor left with one level is dropped; with no
// covariates left the model is the registry's overall rate. A fit that still fails (no
// convergence, separation) is an error naming the model and why; the caller reports it and
// raises no signal from that model, rather than falling back to something unadjusted.
//
// Thread safety: pure functions of their inputs.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "orp/core/result.h"
#include "orp/surveillance/cohort.h"

namespace orp::surveillance {

struct RiskModelOptions {
  int64_t min_level_events = 5;
};

struct RiskModel {
  std::vector<double> expected;    // per row given, in the order given
  std::vector<std::string> terms;  // the design's columns, e.g. "asa=3" (reference levels omitted)
  int iterations = 0;
  // ExpectedRevisions: exp(x_i'b) per row given (1 without covariates), so that expected /
  // relative_risk is the baseline cumulative hazard at the row's follow-up (a model kept between
  // runs, methods.h KeptModels).
  std::vector<double> relative_risk;
};

// Cox-expected revisions for `rows` (indices into the cohort's primaries).
Result<RiskModel> ExpectedRevisions(const Cohort& cohort, std::span<const size_t> rows,
                                    const RiskModelOptions& options = {});

// Logistic probabilities of `outcome` (0/1 per row of `rows`), with or without indication.
Result<RiskModel> ExpectedProbabilities(const Cohort& cohort, std::span<const size_t> rows,
                                        std::span<const double> outcome, bool with_indication,
                                        const RiskModelOptions& options = {});

}  // namespace orp::surveillance
