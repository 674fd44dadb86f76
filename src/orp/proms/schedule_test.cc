#include "orp/proms/schedule.h"

#include <gtest/gtest.h>

#include "orp/proms/proms_test_util.h"

namespace orp::proms {
namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::year;

Date D(int y, unsigned m, unsigned d) {
  return Date(std::chrono::year_month_day(year(y), month(m), day(d)));
}

domain::RegistryDefinition Registry() {
  domain::RegistryDefinition r;
  r.code = "TEST";
  domain::FollowUpSchedule pain;
  pain.instrument = "PAIN-NRS";
  pain.baseline = true;
  pain.months = {6, 12};
  pain.window_days = 60;
  domain::FollowUpSchedule licensed;
  licensed.instrument = "EQ-5D-5L";  // not installed: never scheduled
  licensed.months = {6};
  r.follow_up = {pain, licensed};
  return r;
}

InstrumentSet Installed() {
  auto set = LoadInstruments(testing::SourceDir() / "instruments");
  EXPECT_TRUE(set.has_value());
  return set ? *set : InstrumentSet();
}

TEST(AddMonths, KeepsTheDayOrClampsToTheEndOfAShorterMonth) {
  EXPECT_EQ(AddMonths(D(2025, 1, 15), 6), D(2025, 7, 15));
  EXPECT_EQ(AddMonths(D(2025, 8, 31), 6), D(2026, 2, 28));
  EXPECT_EQ(AddMonths(D(2023, 8, 31), 6), D(2024, 2, 29));
  EXPECT_EQ(AddMonths(D(2025, 11, 30), 48), D(2029, 11, 30));
}

TEST(DueTimePoints, InvitesOnTheDueDayAndUntilTheWindowCloses) {
  ProcedureFacts facts;
  facts.procedure_date = D(2025, 1, 15);
  const auto registry = Registry();
  const auto instruments = Installed();
  EXPECT_TRUE(DueTimePoints(registry, instruments, facts, D(2025, 7, 14)).empty());
  auto due = DueTimePoints(registry, instruments, facts, D(2025, 7, 15));
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].instrument, "PAIN-NRS");
  EXPECT_EQ(due[0].months, 6);
  EXPECT_EQ(due[0].expires, D(2025, 9, 13));
  EXPECT_EQ(DueTimePoints(registry, instruments, facts, D(2025, 9, 12)).size(), 1u);
  EXPECT_TRUE(DueTimePoints(registry, instruments, facts, D(2025, 9, 13)).empty());
  EXPECT_EQ(DueTimePoints(registry, instruments, facts, D(2026, 1, 15))[0].months, 12);
}

TEST(DueTimePoints, NobodyWhoDiedOptedOutOrLostTheImplantIsInvited) {
  const auto registry = Registry();
  const auto instruments = Installed();
  ProcedureFacts base;
  base.procedure_date = D(2025, 1, 15);
  base.had_implants = true;
  const Date today = D(2025, 7, 20);
  ProcedureFacts died = base;
  died.died = D(2025, 3, 1);
  ProcedureFacts opted_out = base;
  opted_out.opted_out = true;
  ProcedureFacts removed = base;
  removed.all_implants_removed = D(2025, 5, 1);
  ProcedureFacts revision = base;
  revision.type = domain::ProcedureType::kRevision;
  EXPECT_EQ(CheckEligible(died, today), Ineligible::kDied);
  EXPECT_EQ(CheckEligible(opted_out, today), Ineligible::kOptedOut);
  EXPECT_EQ(CheckEligible(removed, today), Ineligible::kImplantRemoved);
  EXPECT_EQ(CheckEligible(revision, today), Ineligible::kNotPrimary);
  for (const auto& facts : {died, opted_out, removed, revision}) {
    EXPECT_TRUE(DueTimePoints(registry, instruments, facts, today).empty());
  }
  EXPECT_EQ(DueTimePoints(registry, instruments, base, today).size(), 1u);
}

TEST(ReminderDue, RemindsOnTheScheduledDaysOneAtATime) {
  domain::FollowUpSchedule schedule;
  schedule.reminder_days = {14, 28};
  const Date invited = D(2025, 7, 15);
  EXPECT_EQ(ReminderDue(schedule, invited, 0, D(2025, 7, 28)), 0);
  EXPECT_EQ(ReminderDue(schedule, invited, 0, D(2025, 7, 29)), 1);
  EXPECT_EQ(ReminderDue(schedule, invited, 1, D(2025, 8, 11)), 0);
  EXPECT_EQ(ReminderDue(schedule, invited, 1, D(2025, 8, 12)), 2);
  EXPECT_EQ(ReminderDue(schedule, invited, 2, D(2025, 9, 30)), 0);
}

TEST(RetryPolicy, BacksOffGeometricallyUpToTheCapAndThenGivesUp) {
  RetryPolicy policy;
  EXPECT_EQ(policy.DelayAfter(1), std::chrono::seconds(300));
  EXPECT_EQ(policy.DelayAfter(2), std::chrono::seconds(1200));
  EXPECT_EQ(policy.DelayAfter(3), std::chrono::seconds(4800));
  EXPECT_EQ(policy.DelayAfter(9), std::chrono::hours(24));
  EXPECT_FALSE(policy.Exhausted(5));
  EXPECT_TRUE(policy.Exhausted(6));
}

}  // namespace
}  // namespace orp::proms
