// QueryReader<Base>: implements every Reader query of Base (Store or Transaction) on the Queries
// of a ReadLease the derived class supplies: a pooled connection outside any transaction for a
// Store (each read sees what is committed when it starts), the transaction's own connection
// and Queries for a Transaction (it sees its own writes).
#pragma once

#include <optional>
#include <utility>

#include "orp/storage/postgres/pool.h"
#include "orp/storage/postgres/queries.h"
#include "orp/storage/sql_forwarding.h"
#include "orp/storage/store.h"

namespace orp::storage::postgres {

class ReadLease {
 public:
  // Reads on a pooled connection it owns until destroyed.
  explicit ReadLease(PooledConnection connection)
      : connection_(std::move(connection)), own_(std::in_place, **connection_, false) {}
  // Reads through someone else's Queries (a transaction's).
  explicit ReadLease(Queries& queries) : borrowed_(&queries) {}
  ReadLease(ReadLease&&) = default;
  Queries& queries() { return borrowed_ ? *borrowed_ : *own_; }

 private:
  std::optional<PooledConnection> connection_;
  std::optional<Queries> own_;
  Queries* borrowed_ = nullptr;
};

template <typename Base>
class QueryReader : public sql::SharedReader<Base, Queries> {
 protected:
  virtual Result<ReadLease> AcquireReader() = 0;
  Result<void> WithReadQueries(sql::QueriesUse use) override {
    auto lease = AcquireReader();
    if (!lease) return std::unexpected(lease.error());
    return use(lease->queries());
  }

  template <typename F>
  auto Read(F f) -> decltype(f(std::declval<Queries&>())) {
    auto lease = AcquireReader();
    if (!lease) return std::unexpected(lease.error());
    return f(lease->queries());
  }
};

}  // namespace orp::storage::postgres
