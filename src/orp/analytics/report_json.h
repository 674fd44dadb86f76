// The JSON of a SurvivalReport, the body of GET /api/v1/analytics/survival and of
// `orp survival --db ... --format json`. Shape (README.md in this folder has an example):
//
//   {"registry","by","unit","method":"km"|"aj","audience":"national"|"public",
//    "conf_type","conf_level","data_cut":"YYYY-MM-DD","change_seq","opt_out_applied",
//    "units","excluded":{"opted_out","after_data_cut","inconsistent_dates"},
//    "at_risk_rules":{"flag_below","suppress_below"},
//    "groups":[{"group","n","revisions","deaths","withheld",
//      "at":[{"years","days","n_risk","n_event","n_censor","few_at_risk","withheld",
//             "surv","std_err","lower","upper"[,"cif","cif_var","cif_lower","cif_upper",
//             "cif_death","cif_death_var"]}],
//      "curve":[{"day","n_risk","n_event","n_censor","surv","lower","upper"[,"cif","cif_lower","cif_upper"]}]}]}
//
// A suppressed count (disclosure control) and a withheld or undefined estimate (R's NA) are
// null; numbers have the shortest text that reads back to the same double. Thread safety: pure.
#pragma once

#include <string>

#include "orp/analytics/survival.h"

namespace orp::analytics {

std::string SurvivalReportJson(const SurvivalReport& report);

}  // namespace orp::analytics
