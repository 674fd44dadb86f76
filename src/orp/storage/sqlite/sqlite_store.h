// The SQLite backend of storage::Store: one database file in WAL mode (or a private in-memory
// database), schema from migrations.h applied at open.
//
// Concurrency: one write connection per Store, guarded by a mutex. A transaction holds the mutex
// (and SQLite's write lock, taken by BEGIN IMMEDIATE) from Begin until Commit or destruction, so
// writers are serialised and a transaction never fails half-way for a lock. Reads on a file
// Store use a pool of read connections (up to 8 kept idle): each read sees the last committed
// state and runs beside the writer and other readers. An in-memory Store has only its one
// connection, so its reads wait for a transaction; a call on it from the thread that already
// holds it (an open transaction, or inside a ForEach callback) would wait for itself: it fails
// with kFailedPrecondition instead (read through the transaction). Several
// processes may open one file; BEGIN IMMEDIATE waits up to the busy timeout, then kUnavailable.
//
// Durability: synchronous=FULL by default (see connection.h and docs/performance.md).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "orp/core/result.h"
#include "orp/storage/sqlite/connection.h"
#include "orp/storage/store.h"

namespace orp::storage::sqlite {

// Opens or creates the database at `path` (":memory:" for an in-memory one) and migrates it.
Result<std::unique_ptr<Store>> OpenStore(const std::string& path,
                                         const ConnectionOptions& options = {});

// The storage::Opener for "sqlite:PATH" and "sqlite::memory:" (`rest` is PATH or ":memory:").
// Its read connections map up to kUrlReadMmapMib of the file (the most Debian's libsqlite3
// allows, SQLITE_MAX_MMAP_SIZE 0x7fff0000): a recall of a whole model reads about five random
// pages per implant, and mapped pages skip a read call and a copy each (docs/performance.md
// "## Recall"). Writes still go through the write connection's ordinary I/O.
inline constexpr int64_t kUrlReadMmapMib = 2047;
// Its write connection keeps up to kUrlWriterCacheMib of pages (its pooled readers keep
// ConnectionOptions' default): once a registry's indexes outgrow the cache, each random index
// insert re-reads its page through read() and a large submission spills dirty pages to the WAL
// more than once. 256 against 64 MiB: -8.5% ingest CPU and -41% system time at 1M procedures,
// peak 381 MB (docs/performance.md "## Ingest", "The writer's page cache at 1M").
inline constexpr int kUrlWriterCacheMib = 256;
Result<std::unique_ptr<Store>> OpenStoreFromUrl(std::string_view url, std::string_view rest);

// A bulk load's index rebuild (storage/bulk_load_writes.h, RestoreIndexes) holds the writer's
// page cache to kRebuildCacheKib and runs with PRAGMA threads = kRebuildThreads. SQLite's sorter
// keeps up to the cache in memory before it spills a sorted run to a temporary file (a store's
// writer keeps its temporary files on disk: connection.h temp_in_memory), and the workers sort
// those runs while the next one is read, then merge them: small runs sort in the CPU's cache, more
// of them sort on the second core, and the process stays small. At 1M procedures the seven
// rebuilds took 10-11 s sorting in memory (one run on one thread) and 4.7-5.3 s in files with this
// cache; the sqlite3 shell on the same tables took 9.5 s with a 32 MiB cache and 5.3 s with 2 MiB
// (#4, docs/performance.md "## Ingest", session 11). Four workers rather than two: the 1M
// rebuild took 4.4-5.3 s (median 4.9) against 5.4-5.9 s (5.7), four alternating runs each, peak
// memory the same (session 15). bench/ingest_bench.cc builds its indexes-after baseline the same
// way.
inline constexpr int64_t kRebuildCacheKib = 2 * 1024;
inline constexpr int kRebuildThreads = 4;

}  // namespace orp::storage::sqlite
