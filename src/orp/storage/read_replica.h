// ReadReplicaStore: one Store over two databases (ops, #10) — every Reader query goes to a
// read replica, every write (Begin, BeginSubmission) to the primary, so heavy analytics reads
// (`--db-read URL`) load the replica while what they record (audit entries, signals) still goes
// to the primary. Reads inside a transaction go to the primary through the transaction itself.
//
// A replica lags: a read right after a write may not see it. Use this only for reads that
// tolerate that (cohorts, survival, surveillance); sessions, tokens and idempotency keys must be
// read from the primary, so `orp serve` gives it to the analytics routes only.
// Info() and SchemaVersion() are the primary's. Thread safety: that of the two stores.
#pragma once

#include <memory>

#include "orp/storage/forwarding_reader.h"
#include "orp/storage/store.h"

namespace orp::storage {

class ReadReplicaStore : public ForwardingReader<Store> {
 public:
  // Borrows both; they must outlive this.
  ReadReplicaStore(Store& primary, Store& replica)
      : ForwardingReader<Store>(replica), primary_(primary) {}

  StoreInfo Info() const override { return primary_.Info(); }
  Result<int> SchemaVersion() override { return primary_.SchemaVersion(); }
  Result<std::unique_ptr<Transaction>> Begin() override { return primary_.Begin(); }
  Result<SubmissionStart> BeginSubmission(const SubmissionRequest& request) override {
    return primary_.BeginSubmission(request);
  }

 private:
  Store& primary_;
};

}  // namespace orp::storage
