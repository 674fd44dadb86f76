// Dense symmetric linear algebra for the Cox fit: an LDL' (square-root-free Cholesky)
// factorisation that tolerates singular matrices the way survival's cholesky2/chsolve2/chinv2
// do, so that a redundant covariate is detected (its pivot set to zero) instead of dividing by
// noise. Matrices are p x p, row-major, in a caller-owned span; p is small (covariates).
//
// Internal to orp_stats (used by cox.cc and its tests). Thread safety: pure functions.
#pragma once

#include <span>

namespace orp::stats::internal {

// Factors the symmetric matrix m = L D L' in place, reading only its upper triangle (the lower
// is overwritten): afterwards D is on the diagonal and L (unit diagonal implied) below it. A
// pivot that is not finite or is below toler * (largest diagonal) is set to zero and its row
// treated as redundant. Returns the rank, negated when a pivot was clearly negative (m not
// non-negative definite); 0 when no diagonal is positive.
int LdlFactor(std::span<double> m, int p, double toler);

// Solves m z = y in place (y becomes z) given LdlFactor's output; components on zero pivots are 0.
void LdlSolve(std::span<const double> m, int p, std::span<double> y);

// Replaces LdlFactor's output with the full symmetric inverse; rows and columns of zero pivots
// become 0 (a generalised inverse, as coxph reports for a redundant covariate).
void LdlInvert(std::span<double> m, int p);

}  // namespace orp::stats::internal
