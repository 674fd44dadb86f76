// ConnectionPool: the connections of one PostgresStore to one server. A lease hands a connection
// to one caller and gives it back when destroyed — only when it is still up and outside any
// transaction (a broken connection is dropped, so a restarted server is reconnected to on the
// next lease). Up to kIdle connections are kept open between leases.
// Thread safety: Acquire may be called from any thread.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "orp/core/result.h"
#include "orp/storage/postgres/connection.h"

namespace orp::storage::postgres {

class ConnectionPool;

class PooledConnection {
 public:
  PooledConnection(ConnectionPool* pool, std::unique_ptr<Connection> connection)
      : pool_(pool), connection_(std::move(connection)) {}
  PooledConnection(PooledConnection&& other) noexcept = default;
  PooledConnection& operator=(PooledConnection&&) = delete;
  ~PooledConnection();
  Connection& operator*() const { return *connection_; }
  Connection* operator->() const { return connection_.get(); }

 private:
  ConnectionPool* pool_;
  std::unique_ptr<Connection> connection_;
};

class ConnectionPool {
 public:
  static constexpr size_t kIdle = 8;
  ConnectionPool(std::string conninfo, std::string location)
      : conninfo_(std::move(conninfo)), location_(std::move(location)) {}
  // An idle connection, or a new one (kUnavailable when the server cannot be reached).
  Result<PooledConnection> Acquire();
  void Release(std::unique_ptr<Connection> connection);
  const std::string& location() const { return location_; }

 private:
  std::string conninfo_;
  std::string location_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Connection>> idle_;
};

}  // namespace orp::storage::postgres
