// Health gain from before to after the operation, case-mix adjusted by a linear model
// (statistics.md §12, DH 2012 PROMs methodology).
//
// Model: ordinary least squares of the post-operative score on the pre-operative score, age,
// sex (male vs female) and ASA grade as a factor (each grade present against the lowest), fitted
// by the normal equations with Gaussian elimination and partial pivoting (p is at most 8; the
// covariates are of modest scale, so the conditioning is far from where this loses digits;
// checked against R lm to 1e-8 in gain_test.cc). Standard errors: sqrt(diag(sigma^2 (X'X)^-1)),
// sigma^2 = RSS / (n - p).
// Gain per patient = post - pre, negated when lower scores are better. A group's adjusted gain =
// national mean gain + (the group's mean observed post - its mean predicted post), i.e. what
// its patients gained beyond what their case mix predicts, on the national scale.
//
// Errors: kInvalidArgument when there are no more records than model terms, or the design is
// singular (e.g. every patient the same sex), naming the problem. Thread safety: pure functions.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "orp/core/result.h"

namespace orp::proms {

struct GainRecord {
  std::string group;  // provider, clinician or device model
  double pre = 0;
  double post = 0;
  double age = 0;
  bool male = false;
  int asa = 1;  // 1-5
};

struct LinearModel {
  std::vector<std::string> terms;  // "(Intercept)", "pre", "age", "sexM", "asa2", ...
  std::vector<double> coefficients;
  std::vector<double> std_errors;
  double sigma = 0;  // residual standard error
  int n = 0;
};

struct GroupGain {
  std::string group;
  int n = 0;
  double mean_pre = 0;
  double mean_post = 0;
  double observed_gain = 0;  // mean post - pre
  double expected_post = 0;  // mean predicted post
  double adjusted_gain = 0;
};

struct GainReport {
  LinearModel model;
  double national_gain = 0;
  std::vector<GroupGain> groups;  // by group name
};

Result<LinearModel> FitCaseMix(std::span<const GainRecord> records);

Result<GainReport> CaseMixAdjustedGain(std::span<const GainRecord> records, bool higher_is_better);

}  // namespace orp::proms
