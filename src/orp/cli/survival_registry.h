// `orp survival --db DB --registry R --by FIELD ...`: implant survival by group built from the
// store (analytics/survival.h), as a number-at-risk table, CSV or the API's JSON, and optionally
// a survival-curve picture (--plot FILE.svg). Internal to the survival command.
#pragma once

#include <string>

#include "orp/cli/cli.h"

namespace orp::cli {

struct RegistrySurvivalArgs {
  std::string db_read;  // --db-read: a read replica for the cohort (ops, #10)
  std::string db, registry, by = "model", method = "km", times = "1,3,5,10", data_cut;
  std::string audience = "national", purpose = "research", conf_type = "log-log";
  std::string plot, definitions, unit, format = "table";
  double conf_level = 0.95;
  int64_t flag_below = 250;
  int64_t suppress_below = 10;
};

// Runs the analysis and writes the result to stdout (and the plot), or fails the command.
void RunRegistrySurvival(const RegistrySurvivalArgs& args, const Environment& env);

}  // namespace orp::cli
