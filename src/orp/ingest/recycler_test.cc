#include "orp/ingest/recycler.h"

#include <gtest/gtest.h>

#include <thread>

namespace orp::ingest {
namespace {

std::vector<domain::Procedure> Batch(size_t n, size_t capacity) {
  std::vector<domain::Procedure> batch;
  batch.reserve(capacity);
  for (size_t i = 0; i < n; ++i) {
    domain::Procedure p;
    p.procedure_ref = "REF-" + std::to_string(i) + std::string(40, 'x');  // on the heap
    batch.push_back(std::move(p));
  }
  return batch;
}

TEST(ProcedureRecycler, AnEmptiedVectorComesBackWithItsCapacityOnlyAfterADrain) {
  ProcedureRecycler recycler;
  std::vector<domain::Procedure> first = recycler.Exchange(Batch(3, 100));
  EXPECT_TRUE(first.empty());
  EXPECT_LT(first.capacity(), 100u);  // nothing drained yet: a new vector
  recycler.Drain();
  std::vector<domain::Procedure> reused = recycler.Exchange(Batch(2, 10));
  EXPECT_TRUE(reused.empty());
  EXPECT_GE(reused.capacity(), 100u);  // the first batch's storage, its procedures freed
}

TEST(ProcedureRecycler, AWriterAndAReaderExchangeAndDrainAtTheSameTime) {
  ProcedureRecycler recycler;
  std::thread reader([&] {
    for (int i = 0; i < 2000; ++i) recycler.Drain();
  });
  std::vector<domain::Procedure> batch;
  for (int i = 0; i < 2000; ++i) {
    batch = recycler.Exchange(std::move(batch));
    EXPECT_TRUE(batch.empty());
    for (domain::Procedure& p : Batch(4, 4)) batch.push_back(std::move(p));
  }
  reader.join();
  recycler.Drain();
}

}  // namespace
}  // namespace orp::ingest
