// The full run's cohort read on a second thread (#7, a 5M run under 10 s): the store's rows are
// read and decoded on one thread while the caller's thread builds the cohort from them, so the
// SQLite work and the builder's dictionary look-ups overlap on two cores. Rows reach `visit` in
// the read's order (ForEachCohortRow: procedures in id order, a procedure's implants together),
// in batches handed over through a small bounded queue, so memory stays a few batches.
//
// Internal to surveillance/. Rows hold patients' dates (identifiable): nothing here is logged.
// Errors: the read's. Thread safety: `reader` is used by the reading thread alone until this
// returns (the caller must not use it meanwhile); `visit` runs on the caller's thread.
#pragma once

#include <functional>

#include "orp/core/date.h"
#include "orp/core/result.h"
#include "orp/storage/store.h"
#include "orp/storage/surveillance_reads.h"

namespace orp::surveillance {

Result<void> ForEachCohortRowPipelined(
    storage::Reader& reader, Date data_cut,
    const std::function<void(const storage::SurveillanceRow&)>& visit);

}  // namespace orp::surveillance
