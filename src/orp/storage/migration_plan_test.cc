#include "orp/storage/migration_plan.h"

#include <gtest/gtest.h>

namespace orp::storage {
namespace {

const std::vector<KnownMigration> kKnown = {
    {1, "0001_core"}, {2, "0002_change_sequence"}, {3, "0003_catalogue"}, {4, "0004_accounts"}};

TEST(PendingMigrations, NewDatabaseNeedsEveryMigration) {
  auto pending = PendingMigrations(kKnown, {});
  ASSERT_TRUE(pending.has_value());
  EXPECT_EQ(*pending, (std::vector<int>{1, 2, 3, 4}));
}

TEST(PendingMigrations, UpToStopsEarly) {
  auto pending = PendingMigrations(kKnown, {{1, "0001_core"}}, 3);
  ASSERT_TRUE(pending.has_value());
  EXPECT_EQ(*pending, (std::vector<int>{2, 3}));
}

// A database from a branch that had 0004 but not yet 0003 still receives 0003.
TEST(PendingMigrations, AMissingLowerMigrationIsAppliedEvenBelowTheHighestRecorded) {
  RecordedMigrations recorded = {
      {1, "0001_core"}, {2, "0002_change_sequence"}, {4, "0004_accounts"}};
  auto pending = PendingMigrations(kKnown, recorded);
  ASSERT_TRUE(pending.has_value());
  EXPECT_EQ(*pending, (std::vector<int>{3}));
}

TEST(PendingMigrations, UpToDateDatabaseNeedsNothing) {
  RecordedMigrations recorded = {
      {1, "0001_core"}, {2, "0002_change_sequence"}, {3, "0003_catalogue"}, {4, "0004_accounts"}};
  auto pending = PendingMigrations(kKnown, recorded);
  ASSERT_TRUE(pending.has_value());
  EXPECT_TRUE(pending->empty());
}

TEST(PendingMigrations, RefusesAVersionThisProgramDoesNotKnowNamingIt) {
  auto pending = PendingMigrations(kKnown, {{1, "0001_core"}, {9, "0009_proms"}});
  ASSERT_FALSE(pending.has_value());
  EXPECT_EQ(pending.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(pending.error().message().find("0009_proms"), std::string::npos);
  EXPECT_NE(pending.error().message().find("1 to 4"), std::string::npos);
}

// A gap in the middle is as foreign as one past the end: version 3 is unknown here.
TEST(PendingMigrations, RefusesAnUnknownVersionBelowTheNewestKnown) {
  std::vector<KnownMigration> known = {
      {1, "0001_core"}, {2, "0002_change_sequence"}, {4, "0004_accounts"}};
  auto pending = PendingMigrations(known, {{3, "0003_other"}});
  ASSERT_FALSE(pending.has_value());
  EXPECT_NE(pending.error().message().find("0003_other"), std::string::npos);
}

TEST(PendingMigrations, RefusesAKnownVersionRecordedUnderAnotherName) {
  auto pending = PendingMigrations(kKnown, {{1, "0001_core"}, {2, "0002_something_else"}});
  ASSERT_FALSE(pending.has_value());
  EXPECT_EQ(pending.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(pending.error().message().find("0002_something_else"), std::string::npos);
  EXPECT_NE(pending.error().message().find("0002_change_sequence"), std::string::npos);
}

}  // namespace
}  // namespace orp::storage
