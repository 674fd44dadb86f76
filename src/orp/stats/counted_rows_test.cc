// Frequency counts (CoxData::counts, LogisticData::counts): a fit on collapsed rows with counts
// is the fit on the rows written out, which is what lets surveillance fit its case-mix models on
// covariate-pattern cells (surveillance/risk_model.cc).
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "orp/stats/cox.h"
#include "orp/stats/logistic.h"

namespace orp::stats {
namespace {

// Two factors (three and two levels, as treatment contrasts), integer times with many ties, a
// status and a binary outcome that depend on them: rows written out, and the same rows collapsed
// to (time, status, pattern) cells with counts.
struct Rows {
  std::vector<double> time;
  std::vector<int32_t> status;
  std::vector<double> outcome;
  std::vector<double> x;  // column-major, 3 columns
  std::vector<double> counts;
  size_t size() const { return time.size(); }
};

const std::vector<std::string> kNames = {"a=1", "a=2", "b=1"};

Rows Expanded() {
  Rows r;
  uint64_t state = 12345;
  auto next = [&](uint64_t bound) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (state >> 33) % bound;
  };
  std::vector<int> a, b;
  for (int i = 0; i < 600; ++i) {
    a.push_back(static_cast<int>(next(3)));
    b.push_back(static_cast<int>(next(2)));
    const uint64_t risk = 20 + 15 * static_cast<uint64_t>(a.back()) + 20 * b.back();
    r.time.push_back(static_cast<double>(1 + next(12)));
    r.status.push_back(next(100) < risk ? 1 : 0);
    r.outcome.push_back(next(100) < risk ? 1.0 : 0.0);
  }
  for (int level : {1, 2})
    for (int v : a) r.x.push_back(v == level ? 1.0 : 0.0);
  for (int v : b) r.x.push_back(v == 1 ? 1.0 : 0.0);
  return r;
}

// Collapsed on (time, status, pattern) or, with `by_time` false, on (outcome, pattern).
Rows Collapsed(const Rows& e, bool by_time) {
  const size_t n = e.size();
  std::map<std::tuple<double, double, double, double, double>, double> cells;
  for (size_t i = 0; i < n; ++i) {
    const double first = by_time ? e.time[i] : 0;
    const double second = by_time ? e.status[i] : e.outcome[i];
    cells[{first, second, e.x[i], e.x[n + i], e.x[2 * n + i]}] += 1;
  }
  Rows c;
  std::vector<double> columns[3];
  for (const auto& [key, count] : cells) {
    c.time.push_back(std::get<0>(key));
    c.status.push_back(static_cast<int32_t>(std::get<1>(key)));
    c.outcome.push_back(std::get<1>(key));
    columns[0].push_back(std::get<2>(key));
    columns[1].push_back(std::get<3>(key));
    columns[2].push_back(std::get<4>(key));
    c.counts.push_back(count);
  }
  for (const auto& column : columns) c.x.insert(c.x.end(), column.begin(), column.end());
  return c;
}

void ExpectSameCox(CoxTies ties) {
  const Rows e = Expanded(), c = Collapsed(e, true);
  ASSERT_LT(c.size(), e.size() / 3);
  CoxOptions options;
  options.ties = ties;
  auto full = FitCox({e.time, e.status, e.x, kNames, {}}, options);
  auto counted = FitCox({c.time, c.status, c.x, kNames, {}, c.counts}, options);
  ASSERT_TRUE(full && counted);
  EXPECT_EQ(counted->n, full->n);
  EXPECT_EQ(counted->events, full->events);
  EXPECT_EQ(counted->iterations, full->iterations);
  EXPECT_NEAR(counted->loglik, full->loglik, 1e-9 * std::fabs(full->loglik));
  for (size_t j = 0; j < kNames.size(); ++j) {
    EXPECT_NEAR(counted->coefficients[j].coef, full->coefficients[j].coef, 1e-10);
    EXPECT_NEAR(counted->coefficients[j].se, full->coefficients[j].se, 1e-10);
  }
}

TEST(CountedRows, CoxWithBreslowTiesFitsAsTheRowsWrittenOut) { ExpectSameCox(CoxTies::kBreslow); }

TEST(CountedRows, CoxWithEfronTiesFitsAsTheRowsWrittenOut) { ExpectSameCox(CoxTies::kEfron); }

TEST(CountedRows, CoxExpectedCountsAreThoseOfEachRowWrittenOut) {
  const Rows e = Expanded(), c = Collapsed(e, true);
  CoxOptions options;
  options.ties = CoxTies::kBreslow;
  const CoxData full_data{e.time, e.status, e.x, kNames, {}};
  const CoxData counted_data{c.time, c.status, c.x, kNames, {}, c.counts};
  auto fit = FitCox(full_data, options);
  ASSERT_TRUE(fit);
  auto full = CoxExpected(full_data, *fit);
  auto counted = CoxExpected(counted_data, *fit);
  ASSERT_TRUE(full && counted);
  const size_t n = e.size(), m = c.size();
  double total = 0;
  for (size_t i = 0; i < n; ++i) {
    for (size_t k = 0; k < m; ++k) {
      if (c.time[k] != e.time[i] || c.status[k] != e.status[i] || c.x[k] != e.x[i] ||
          c.x[m + k] != e.x[n + i] || c.x[2 * m + k] != e.x[2 * n + i])
        continue;
      EXPECT_NEAR((*counted)[k], (*full)[i], 1e-12) << "row " << i;
      total += (*counted)[k];
    }
  }
  EXPECT_NEAR(total, static_cast<double>(fit->events), 1e-9);
}

TEST(CountedRows, LogisticFitsAsTheRowsWrittenOut) {
  const Rows e = Expanded(), c = Collapsed(e, false);
  ASSERT_LE(c.size(), 12u);
  auto full = FitLogistic({e.outcome, e.x, kNames});
  auto counted = FitLogistic({c.outcome, c.x, kNames, c.counts});
  ASSERT_TRUE(full && counted);
  EXPECT_EQ(counted->n, full->n);
  EXPECT_EQ(counted->events, full->events);
  EXPECT_EQ(counted->iterations, full->iterations);
  EXPECT_NEAR(counted->deviance, full->deviance, 1e-9);
  EXPECT_NEAR(counted->null_deviance, full->null_deviance, 1e-9);
  for (size_t j = 0; j <= kNames.size(); ++j) {
    EXPECT_NEAR(counted->coefficients[j].estimate, full->coefficients[j].estimate, 1e-10);
    EXPECT_NEAR(counted->coefficients[j].se, full->coefficients[j].se, 1e-10);
  }
}

TEST(CountedRows, CountsThatAreNotWholeNumbersOfSubjectsAreRefused) {
  const std::vector<double> time = {1, 2, 3}, x = {0, 1, 1}, y = {0, 1, 0};
  const std::vector<int32_t> status = {1, 0, 1};
  const std::vector<std::string> names = {"x"};
  for (const std::vector<double>& counts :
       {std::vector<double>{1, 0, 2}, std::vector<double>{1, 1.5, 2}, std::vector<double>{1, 2}}) {
    auto cox = FitCox({time, status, x, names, {}, counts});
    ASSERT_FALSE(cox);
    EXPECT_NE(cox.error().message().find("count"), std::string::npos) << cox.error().message();
    auto logistic = FitLogistic({y, x, names, counts});
    ASSERT_FALSE(logistic);
    EXPECT_NE(logistic.error().message().find("count"), std::string::npos);
  }
}

}  // namespace
}  // namespace orp::stats
