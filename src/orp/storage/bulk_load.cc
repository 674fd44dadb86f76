// AsBulkLoadWrites (storage/bulk_load_writes.h): the transactions that can defer indexes derive
// from BulkLoadWrites.
#include "orp/storage/bulk_load_writes.h"
#include "orp/storage/store.h"

namespace orp::storage {

BulkLoadWrites* AsBulkLoadWrites(Transaction& transaction) {
  return dynamic_cast<BulkLoadWrites*>(&transaction);
}

}  // namespace orp::storage
