#include "orp/storage/postgres/pool.h"

namespace orp::storage::postgres {

PooledConnection::~PooledConnection() {
  if (connection_ && pool_) pool_->Release(std::move(connection_));
}

Result<PooledConnection> ConnectionPool::Acquire() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      std::unique_ptr<Connection> connection = std::move(idle_.back());
      idle_.pop_back();
      return PooledConnection(this, std::move(connection));
    }
  }
  auto connection = Connection::Open(conninfo_, location_);
  if (!connection) return std::unexpected(connection.error());
  return PooledConnection(this, std::move(*connection));
}

void ConnectionPool::Release(std::unique_ptr<Connection> connection) {
  if (!connection->ReusableIdle()) return;  // broken or mid-transaction: close it
  std::lock_guard<std::mutex> lock(mu_);
  if (idle_.size() < kIdle) idle_.push_back(std::move(connection));
}

}  // namespace orp::storage::postgres
