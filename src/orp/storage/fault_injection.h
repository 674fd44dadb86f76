// FaultInjectingStore: a Store decorator that fails the Nth write call, the storage seam through
// which tests drive failure paths (after LevelDB's ErrorEnv). Counted calls are Begin,
// BeginSubmission and every Transaction write including FinishSubmission and Commit; reads are
// never failed. The failing call returns kUnavailable ("injected fault at call N") without
// reaching the wrapped store, so the caller's transaction must roll back on its own — which is
// exactly what the tests check: nothing partial remains.
//
// Reader queries go straight to the wrapped store.
// Thread safety: the counter is atomic; otherwise that of the wrapped store.
#pragma once

#include <atomic>
#include <memory>

#include "orp/storage/forwarding_reader.h"
#include "orp/storage/store.h"

namespace orp::storage {

class FaultInjectingStore : public ForwardingReader<Store> {
 public:
  // Fails the call numbered `fail_at` (1-based) and, if `sticky`, every call after it.
  FaultInjectingStore(std::unique_ptr<Store> inner, int64_t fail_at, bool sticky = false);
  ~FaultInjectingStore() override;

  // Counted calls so far (a dry run with fail_at = 0 tells a test how many there are).
  int64_t calls() const { return calls_.load(); }
  Store& inner() { return *inner_; }

  StoreInfo Info() const override { return inner_->Info(); }
  Result<int> SchemaVersion() override { return inner_->SchemaVersion(); }
  Result<std::unique_ptr<Transaction>> Begin() override;
  Result<SubmissionStart> BeginSubmission(const SubmissionRequest& request) override;

  // Counts one call; an error when it is the one to fail. Used by the transaction wrapper.
  Result<void> Tick();

 private:
  std::unique_ptr<Store> inner_;
  int64_t fail_at_;
  bool sticky_;
  std::atomic<int64_t> calls_{0};
};

}  // namespace orp::storage
