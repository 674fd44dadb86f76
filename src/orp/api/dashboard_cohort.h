// The end of the data for the dashboards (funnel, CUSUM, completeness; dashboard_routes.cc).
//
// The surveillance cohort is built to today. A registry whose submissions stopped months ago
// would then be shown months of follow-up nobody has seen, so each registry is cut at its own
// end of data, as survival cuts the one registry it analyses (analytics/survival.cc): the latest
// primary, revision, removal or death among that registry's rows. Thread safety: none (a cohort
// being built).
#pragma once

#include "orp/surveillance/cohort.h"

namespace orp::api {

// Cuts each registry of `c` (built to c.data_cut) at its own end of data, never later than
// c.data_cut: clamps its rows' and implants' censored exits to that day, records the day in
// c.registry_cut, and moves c.data_cut back to the latest of those days (a cohort without rows
// keeps its data_cut). Events all lie on or before their registry's end, so only censored exits
// move.
void CutEachRegistryAtItsEndOfData(surveillance::Cohort& c);

}  // namespace orp::api
