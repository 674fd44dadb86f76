// QueryReader<Base>: implements every Reader query of Base (Store or Transaction) on the Queries
// of a ReadLease the derived class supplies: a pooled read connection or the store's locked
// writer for a Store; the transaction's own connection for a Transaction.
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>

#include "orp/storage/sql_forwarding.h"
#include "orp/storage/sqlite/queries.h"
#include "orp/storage/store.h"

namespace orp::storage::sqlite {

// Holds a store's mutex and records the holding thread, so that a thread calling back into a
// store it already holds gets an error instead of a deadlock. Invariant: `owner` is the id of the
// thread holding `mu`, or the default id when nobody does. An empty StoreLock holds nothing.
class StoreLock {
 public:
  StoreLock() = default;
  StoreLock(std::mutex& mu, std::atomic<std::thread::id>& owner) : mu_(&mu), owner_(&owner) {
    mu.lock();
    owner.store(std::this_thread::get_id());
  }
  StoreLock(StoreLock&& other) noexcept
      : mu_(std::exchange(other.mu_, nullptr)), owner_(other.owner_) {}
  StoreLock& operator=(StoreLock&&) = delete;
  ~StoreLock() { Release(); }

  void Release() {
    if (mu_ == nullptr) return;
    owner_->store(std::thread::id());
    std::exchange(mu_, nullptr)->unlock();
  }

 private:
  std::mutex* mu_ = nullptr;
  std::atomic<std::thread::id>* owner_ = nullptr;
};

// The Queries one read runs on, and whatever must be held or given back around it.
class ReadLease {
 public:
  ReadLease(Queries& queries, StoreLock lock) : queries_(&queries), lock_(std::move(lock)) {}
  ReadLease(Queries& queries, std::function<void()> give_back)
      : queries_(&queries), give_back_(std::move(give_back)) {}
  ReadLease(ReadLease&& other) noexcept
      : queries_(other.queries_),
        lock_(std::move(other.lock_)),
        give_back_(std::exchange(other.give_back_, nullptr)) {}
  ReadLease& operator=(ReadLease&&) = delete;
  ~ReadLease() {
    if (give_back_) give_back_();
  }
  Queries& queries() const { return *queries_; }

 private:
  Queries* queries_;
  StoreLock lock_;
  std::function<void()> give_back_;
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

 private:
  template <typename F>
  auto Read(F f) -> decltype(f(std::declval<Queries&>())) {
    auto lease = AcquireReader();
    if (!lease) return std::unexpected(lease.error());
    return f(lease->queries());
  }
};

}  // namespace orp::storage::sqlite
