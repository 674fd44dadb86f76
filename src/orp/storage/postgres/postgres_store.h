// The PostgreSQL backend of storage::Store (issue #10): the registry on a PostgreSQL server that
// several `orp` processes share. Schema from migrations.h, applied at open.
//
// Connections: a pool per Store (pool.h). A Store read takes an idle connection and sees what was
// committed when it started; a transaction holds one connection from Begin to its end and sees
// its own writes (READ COMMITTED: each statement sees what others committed before it).
//
// Concurrency, with any number of processes on one database:
//   - Idempotency: BeginSubmission inserts the key with ON CONFLICT DO NOTHING. A second writer
//     with the same key waits for the first to commit (and then returns its receipt, writing
//     nothing) or to roll back (and then owns the key).
//   - Change sequence: a transaction's first change of patients, procedures or implants locks
//     the `changes` table (EXCLUSIVE: readers pass) until it ends, and takes the next number, so
//     numbers follow commit order and LastChange never passes a transaction still open. Writers
//     of registry rows are therefore serialised from their first such write to their commit, as
//     SQLite serialises all writers; catalogue, submission and audit writes do not take it.
//   - Audit chain: AppendAudit takes the chain's advisory lock until the transaction ends and
//     checks prev_hash against the last committed entry, so the chain stays one linear chain.
//   - Two such locks taken in opposite orders by two transactions is a deadlock PostgreSQL
//     breaks by failing one of them: kUnavailable, retry.
//
// Durability: COMMIT returns once the WAL is flushed (synchronous_commit = on, set on every
// connection; the server must run with fsync = on, its default). A transaction that wrote only
// audit entries commits without waiting, releasing the chain's lock at once, and Commit then
// waits for the flush before it returns (group commit across servers): it is visible to other
// sessions a moment before it is durable, and a crash in that moment loses it and every entry
// after it (WAL replays a prefix), none of whose callers had been answered.
//
// URLs: anything libpq accepts as a URI — postgresql://user:password@host:port/dbname?params or
// postgres://… — including ?host=/socket/dir and ?options=-csearch_path%3Dschema (the schema
// must exist). StoreInfo.location is the URL without its password.
//
// Errors as in store.h; a server that is down or restarting is kUnavailable (the pool drops the
// broken connection, so the next call reconnects).
// Thread safety: as store.h — a Store may be shared by threads; a Transaction belongs to one.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "orp/core/result.h"
#include "orp/storage/store.h"

namespace orp::storage::postgres {

// Connects with a libpq connection string or URI and migrates the schema.
Result<std::unique_ptr<Store>> OpenStore(const std::string& conninfo);

// The storage::Opener for "postgresql://…" and "postgres://…" (the whole URL goes to libpq).
Result<std::unique_ptr<Store>> OpenStoreFromUrl(std::string_view url, std::string_view rest);

}  // namespace orp::storage::postgres
