#include "orp/ingest/recycler.h"

#include <utility>

namespace orp::ingest {

std::vector<domain::Procedure> ProcedureRecycler::Exchange(std::vector<domain::Procedure> spent) {
  std::lock_guard<std::mutex> lock(mu_);
  spent_.push_back(std::move(spent));
  if (empty_.empty()) return {};
  std::vector<domain::Procedure> reused = std::move(empty_.back());
  empty_.pop_back();
  return reused;
}

void ProcedureRecycler::Drain() {
  std::vector<std::vector<domain::Procedure>> spent;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (spent_.empty()) return;
    spent.swap(spent_);
  }
  for (std::vector<domain::Procedure>& batch : spent) batch.clear();  // the frees, off the lock
  std::lock_guard<std::mutex> lock(mu_);
  for (std::vector<domain::Procedure>& batch : spent) {
    if (empty_.size() < kKeptEmpty) empty_.push_back(std::move(batch));
  }
}

}  // namespace orp::ingest
