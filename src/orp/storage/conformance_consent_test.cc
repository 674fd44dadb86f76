// Store conformance: the national data opt-out list (consent at ingest, #5).
#include <gmock/gmock.h>

#include <algorithm>

#include "orp/storage/conformance_test.h"

namespace orp::storage::conformance {
namespace {

using ::testing::UnorderedElementsAre;

Pseudonym Key(uint8_t seed) {
  Pseudonym p;
  p.bytes.fill(seed);
  return p;
}

OptOutLoad OptOutLoadAt(int64_t at) {
  return {domain::Instant(std::chrono::seconds(at)), std::string(64, 'a'), "operator"};
}

Result<PatientId> StorePatient(Store& store, uint8_t seed) {
  auto tx = store.Begin();
  if (!tx) return std::unexpected(tx.error());
  auto id = (*tx)->PutPatient(SamplePatient(seed));
  if (!id) return id;
  ORP_RETURN_IF_ERROR((*tx)->Commit());
  return id;
}

Result<OptOutLoadResult> Replace(Store& store, std::vector<Pseudonym> list, int64_t at) {
  auto tx = store.Begin();
  if (!tx) return std::unexpected(tx.error());
  auto result = (*tx)->ReplaceOptOuts(list, OptOutLoadAt(at));
  if (!result) return result;
  ORP_RETURN_IF_ERROR((*tx)->Commit());
  return result;
}

TEST_P(StoreConformance, OptOutListIsEmptyBeforeTheFirstLoad) {
  auto info = store_->OptOutList();
  ASSERT_TRUE(info.has_value()) << info.error().ToString();
  EXPECT_EQ(info->entries, 0);
  EXPECT_FALSE(info->last_load.has_value());
  std::vector<Pseudonym> asked = {Key(1)};
  EXPECT_TRUE(store_->FindOptedOut(asked)->empty());
}

TEST_P(StoreConformance, OptOutLoadFindsListedPseudonymsAndCountsRepeatsOnce) {
  auto result = Replace(*store_, {Key(1), Key(2), Key(2)}, 1000);
  ASSERT_TRUE(result.has_value()) << result.error().ToString();
  EXPECT_EQ(result->entries, 2);
  std::vector<Pseudonym> asked = {Key(1), Key(3), Key(2)};
  auto found = store_->FindOptedOut(asked);
  ASSERT_TRUE(found.has_value());
  EXPECT_THAT(*found, UnorderedElementsAre(Key(1), Key(2)));
  auto info = store_->OptOutList();
  EXPECT_EQ(info->entries, 2);
  ASSERT_TRUE(info->last_load.has_value());
  EXPECT_EQ(*info->last_load, OptOutLoadAt(1000));
}

TEST_P(StoreConformance, OptOutLoadFlagsStoredPatientsAndAReloadClearsThoseWhoLeftTheList) {
  auto a = StorePatient(*store_, 1);
  auto b = StorePatient(*store_, 2);
  ASSERT_TRUE(a.has_value() && b.has_value());
  const int64_t before = *store_->LastChange();

  auto first = Replace(*store_, {Key(1), Key(9)}, 1000);
  ASSERT_TRUE(first.has_value()) << first.error().ToString();
  EXPECT_EQ(first->patients_flagged, 1);
  EXPECT_EQ(first->patients_cleared, 0);
  EXPECT_TRUE((*store_->FindPatient(*a))->opted_out);
  EXPECT_FALSE((*store_->FindPatient(*b))->opted_out);
  // The flag change is in the change sequence, so a cohort refresh sees it.
  std::vector<PatientId> changed;
  ASSERT_TRUE(store_
                  ->ForEachPatient(before,
                                   [&](const Patient& p) {
                                     changed.push_back(p.id);
                                     return true;
                                   })
                  .has_value());
  EXPECT_EQ(changed, std::vector<PatientId>{*a});

  auto second = Replace(*store_, {Key(2)}, 2000);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->entries, 1);
  EXPECT_EQ(second->patients_flagged, 1);
  EXPECT_EQ(second->patients_cleared, 1);
  EXPECT_FALSE((*store_->FindPatient(*a))->opted_out);
  EXPECT_TRUE((*store_->FindPatient(*b))->opted_out);
  std::vector<Pseudonym> asked = {Key(1), Key(9)};
  EXPECT_TRUE(store_->FindOptedOut(asked)->empty());
  EXPECT_EQ(store_->OptOutList()->last_load->loaded_at,
            domain::Instant(std::chrono::seconds(2000)));
}

TEST_P(StoreConformance, OptOutLoadRolledBackLeavesTheEarlierList) {
  ASSERT_TRUE(Replace(*store_, {Key(1)}, 1000).has_value());
  {
    auto tx = store_->Begin();
    ASSERT_TRUE(tx.has_value());
    std::vector<Pseudonym> list = {Key(5)};
    ASSERT_TRUE((*tx)->ReplaceOptOuts(list, OptOutLoadAt(2000)).has_value());
  }  // no Commit
  std::vector<Pseudonym> asked = {Key(1), Key(5)};
  EXPECT_THAT(*store_->FindOptedOut(asked), UnorderedElementsAre(Key(1)));
  EXPECT_EQ(store_->OptOutList()->entries, 1);
}

}  // namespace
}  // namespace orp::storage::conformance
