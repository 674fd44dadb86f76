// ProcedureRecycler: the ingest writer's spent procedures go back to the reading thread, which
// allocated their strings, vectors and maps, to be freed there (#4: freeing them on the writing
// thread, the bottleneck, cost about 5% of its CPU in session 8's profile), and the emptied
// vectors come back to the writer with their capacity for its next batch.
//
// Bounded: the writer gives one batch per store call; the reader drains before it hands each of
// its own batches over (validate_ahead.h), so at most a few batches wait. Whatever waits when
// the recycler is destroyed is freed then.
// Thread safety: Exchange (the writer) and Drain (the reader) may run at the same time.
#pragma once

#include <mutex>
#include <vector>

#include "orp/domain/entities.h"

namespace orp::ingest {

class ProcedureRecycler {
 public:
  // Gives `spent` to be freed; returns an empty vector, with capacity when one has been drained.
  std::vector<domain::Procedure> Exchange(std::vector<domain::Procedure> spent);
  // Frees what was given (on the calling thread), keeping a few emptied vectors for Exchange.
  void Drain();

 private:
  static constexpr size_t kKeptEmpty = 4;
  std::mutex mu_;
  std::vector<std::vector<domain::Procedure>> spent_;
  std::vector<std::vector<domain::Procedure>> empty_;
};

}  // namespace orp::ingest
