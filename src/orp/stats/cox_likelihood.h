// The Cox log partial likelihood, its score and information (internal to orp_stats; cox.h is
// the interface). The data are sorted once by (stratum, time), covariates centred and scaled
// as coxph does, and grouped into runs of tied times; each evaluation then walks the rows from
// the longest time down, keeping running sums of exp(x'b), exp(x'b) x and exp(x'b) x x' over
// the risk set, so it costs O(n p^2) and allocates nothing.
//
// Thread safety: CoxRows is immutable after PrepareCoxRows; a CoxLikelihood holds scratch
// space, so use one per thread. Rows with counts (CoxData::counts) enter every sum multiplied by
// their count, which is exactly the rows written out (Efron's d counts subjects).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "orp/stats/cox.h"

namespace orp::stats::internal {

// Rows with equal time in one stratum: [begin, end) in sorted order.
struct TieGroup {
  uint32_t begin = 0;
  uint32_t end = 0;
  bool last_in_stratum = false;  // the longest time of its stratum: risk sums restart here
};

struct CoxRows {
  int p = 0;
  size_t n = 0;
  // The sorted, centred and scaled covariates, sparsely: row r's non-zero values are
  // value[row_begin[r] .. row_begin[r + 1]), in column order (column[k] their columns). Skipping
  // exact zeros leaves every sum as the dense walk would have it, bit for bit.
  std::vector<uint32_t> row_begin;  // n + 1
  std::vector<int32_t> column;
  std::vector<double> value;
  std::vector<double> count;   // n, sorted: the subjects each row stands for (CoxData::counts)
  std::vector<uint8_t> event;  // n, sorted
  std::vector<TieGroup> groups;
  std::vector<double> mean;   // p: subtracted from each column (0 for {-1, 0, 1} columns)
  std::vector<double> scale;  // p: each centred column multiplied by this
  int64_t subjects = 0;       // sum of count
  int64_t events = 0;         // subjects with an event
  int64_t strata = 0;
};

// Sorts and transforms validated data (lengths consistent, values finite, status 0/1); with
// timefix, nearly equal times are made equal first, as coxph does (see cox.h).
CoxRows PrepareCoxRows(const CoxData& data, bool timefix);

class CoxLikelihood {
 public:
  CoxLikelihood(const CoxRows& rows, CoxTies ties);

  // Returns log PL at beta (on the scaled covariates) and fills score (p) and the upper
  // triangle of the information matrix (p x p, row-major; the lower triangle is zeroed).
  double Evaluate(std::span<const double> beta, std::span<double> score,
                  std::span<double> information);

 private:
  // Adds the d tied events' terms once the group's rows are in the sums.
  void AddEventTerms(double deaths, double& loglik, std::span<double> score,
                     std::span<double> information);

  const CoxRows& rows_;
  CoxTies ties_;
  // Risk-set sums (everyone with time > t, plus censorings at t) and the events' sums at t;
  // the p x p sums are packed lower triangles.
  double denom_ = 0, denom_events_ = 0;
  std::vector<double> sum_x_, sum_x_events_, sum_xx_, sum_xx_events_;
};

}  // namespace orp::stats::internal
