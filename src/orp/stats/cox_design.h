// The design matrix of a Cox model from named columns: numeric covariates as they are, and
// factors expanded into treatment contrasts (one 0/1 column per level but the first), as R's
// model.matrix does for coxph.
//
// Levels are sorted as R sorts them when it reads a CSV: numerically when every label is a
// number (a column R would read as numeric), otherwise byte by byte (R's sort in the C
// locale). The first level is the reference; the column of level L of factor f is named "f=L"
// (R: "fL"). Numeric covariates come first, in the order given, then the factors' columns.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "orp/core/result.h"

namespace orp::stats {

struct NumericCovariate {
  std::string name;
  std::span<const double> values;  // n
};

// A categorical column, dictionary-encoded: row i has the label levels[codes[i]]. The levels
// may come in any order (BuildCoxDesign sorts them); EncodeLevels makes both from labels.
struct FactorCovariate {
  std::string name;
  std::span<const int32_t> codes;       // n
  std::span<const std::string> levels;  // distinct labels
};

// Distinct labels in R's order (see above) and each row's index into them.
struct FactorLevels {
  std::vector<std::string> levels;
  std::vector<int32_t> codes;  // n
};

struct CoxDesign {
  std::vector<std::string> names;             // one per column
  std::vector<double> matrix;                 // n x names.size(), column-major
  std::vector<std::string> reference_levels;  // per factor, in the order given
};

// Sorted levels and codes of a label column (also how strata are coded).
FactorLevels EncodeLevels(std::span<const std::string> labels);

// kInvalidArgument when a column's length is not n, a name repeats, a factor code is out of
// range, a factor label is empty or a factor has fewer than two levels (naming the column).
Result<CoxDesign> BuildCoxDesign(size_t n, std::span<const NumericCovariate> numeric,
                                 std::span<const FactorCovariate> factors);

}  // namespace orp::stats
