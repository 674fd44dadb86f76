#include "orp/stats/cox_linalg.h"

#include <cmath>
#include <cstddef>
#include <vector>

namespace orp::stats::internal {
namespace {

double& At(std::span<double> m, int p, int row, int col) {
  return m[static_cast<size_t>(row) * p + col];
}
double At(std::span<const double> m, int p, int row, int col) {
  return m[static_cast<size_t>(row) * p + col];
}

}  // namespace

int LdlFactor(std::span<double> m, int p, double toler) {
  double max_diag = 0;
  for (int i = 0; i < p; ++i) {
    if (At(m, p, i, i) > max_diag) max_diag = At(m, p, i, i);
    for (int j = i + 1; j < p; ++j) At(m, p, j, i) = At(m, p, i, j);
  }
  const double threshold = max_diag * toler;
  int rank = 0;
  bool non_negative = true;
  for (int i = 0; i < p; ++i) {
    const double pivot = At(m, p, i, i);
    if (max_diag == 0 || !std::isfinite(pivot) || pivot < threshold) {
      // A redundant column: drop it from the factorisation (zero pivot, zero multipliers), so
      // the solve and inverse behave as if the covariate were absent.
      if (pivot < -8 * threshold) non_negative = false;
      At(m, p, i, i) = 0;
      for (int j = i + 1; j < p; ++j) At(m, p, j, i) = 0;
      continue;
    }
    ++rank;
    for (int j = i + 1; j < p; ++j) {
      const double multiplier = At(m, p, j, i) / pivot;
      At(m, p, j, i) = multiplier;
      At(m, p, j, j) -= multiplier * multiplier * pivot;
      for (int k = j + 1; k < p; ++k) At(m, p, k, j) -= multiplier * At(m, p, k, i);
    }
  }
  return non_negative ? rank : -rank;
}

void LdlSolve(std::span<const double> m, int p, std::span<double> y) {
  for (int i = 0; i < p; ++i) {  // L b = y
    for (int j = 0; j < i; ++j) y[i] -= y[j] * At(m, p, i, j);
  }
  for (int i = p - 1; i >= 0; --i) {  // D L' z = b
    const double pivot = At(m, p, i, i);
    if (pivot == 0) {
      y[i] = 0;
      continue;
    }
    double value = y[i] / pivot;
    for (int j = i + 1; j < p; ++j) value -= y[j] * At(m, p, j, i);
    y[i] = value;
  }
}

void LdlInvert(std::span<double> m, int p) {
  // inverse(L D L') = inverse(L)' inverse(D) inverse(L), with 1/0 read as 0.
  std::vector<double> l_inv(static_cast<size_t>(p) * p, 0.0);
  std::span<double> li(l_inv);
  for (int col = 0; col < p; ++col) {
    At(li, p, col, col) = 1;
    for (int row = col + 1; row < p; ++row) {
      double sum = 0;
      for (int k = col; k < row; ++k) sum += At(m, p, row, k) * At(li, p, k, col);
      At(li, p, row, col) = -sum;
    }
  }
  std::vector<double> d_inv(p);
  for (int k = 0; k < p; ++k) d_inv[k] = At(m, p, k, k) > 0 ? 1 / At(m, p, k, k) : 0.0;
  for (int r = 0; r < p; ++r) {
    for (int c = r; c < p; ++c) {
      double sum = 0;
      for (int k = c; k < p; ++k) sum += At(li, p, k, r) * d_inv[k] * At(li, p, k, c);
      At(m, p, r, c) = sum;
      At(m, p, c, r) = sum;
    }
  }
}

}  // namespace orp::stats::internal
