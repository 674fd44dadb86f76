// ValidateAhead: overlaps reading and validating a submission with writing it. `produce` (the
// readers, the validator and the pseudonymiser, which need no store) runs on a second thread and
// hands each accepted, prepared procedure to its sink; the calling thread, which owns the store
// transaction, receives them in file order, in batches, and passes each to `consume`. A bounded
// queue between the two (kMaxBatches of kBatchSize) keeps memory flat however large the file.
//
// Errors: the first error of either side is returned once both have stopped; a failing consumer
// stops the producer at its next procedure. Thread safety: `produce` must not touch what
// `consume` uses (the transaction); a validator is safe to use from the producer thread.
#pragma once

#include <functional>

#include "orp/core/result.h"
#include "orp/ingest/chunk_writer.h"
#include "orp/ingest/validator.h"

namespace orp::ingest {

using OnAccepted = std::function<Result<void>(ValidatedProcedure&)>;
using OnPrepared = std::function<Result<void>(PreparedProcedure&)>;

inline constexpr size_t kBatchSize = 256;
inline constexpr size_t kMaxBatches = 8;

// With `recycler`, the producer drains it before it hands over each batch (recycler.h).
Result<void> ValidateAhead(const std::function<Result<void>(const OnPrepared&)>& produce,
                           const OnPrepared& consume, ProcedureRecycler* recycler = nullptr);

}  // namespace orp::ingest
