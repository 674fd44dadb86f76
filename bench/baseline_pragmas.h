// The pragmas of the plain prepared-statement baselines (sqlite_insert_bench's BM_PlainInsert
// and ingest_bench's BM_PlainInsertSameRows, issue #4), kept in one place so that both
// baselines load under the same settings: the store's defaults (storage/sqlite/connection.h:
// synchronous FULL, foreign keys on, a 64 MiB page cache), then one transaction.
#pragma once

namespace orp::bench {

inline constexpr char kBaselinePragmas[] =
    "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
    "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY; BEGIN";

}  // namespace orp::bench
