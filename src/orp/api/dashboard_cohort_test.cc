#include "orp/api/dashboard_cohort.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace orp::api {
namespace {

using surveillance::Cohort;
using surveillance::kNoDeath;

constexpr int32_t kBuiltTo = 20453;  // 2025-12-31, the day the cohort was built to

// A primary of registry `r` entering on `entry`; status 1 (revised) or 2 (died) exits on `exit`,
// status 0 is censored at the build day.
void AddPrimary(Cohort& c, int32_t r, int32_t entry, int8_t status, int32_t exit = kBuiltTo) {
  c.registry.push_back(r);
  c.surgeon.push_back(0);
  c.hospital.push_back(0);
  c.entry_day.push_back(entry);
  c.exit_day.push_back(status == 0 ? kBuiltTo : exit);
  c.status.push_back(status);
  c.death_day.push_back(status == 2 ? exit : kNoDeath);
}

// An implant of class `k` (class k belongs to registry k).
void AddImplant(Cohort& c, int32_t k, int32_t entry, int8_t status, int32_t exit = kBuiltTo) {
  c.implants.model.push_back(0);
  c.implants.brand.push_back(0);
  c.implants.device_class.push_back(k);
  c.implants.entry_day.push_back(entry);
  c.implants.exit_day.push_back(status == 0 ? kBuiltTo : exit);
  c.implants.status.push_back(status);
}

// NJR submits to the end (its last event ten days before the build); BCIR's submissions stopped
// a year earlier: its last event is a death 380 days before the build.
Cohort TwoRegistries() {
  Cohort c;
  c.data_cut = Date{std::chrono::days(kBuiltTo)};
  c.registries = {"NJR", "BCIR"};
  c.implants.classes = {"NJR/acetabular_cup", "BCIR/breast_implant"};
  c.implants.class_registry = {0, 1};
  AddPrimary(c, 0, kBuiltTo - 900, 0);
  AddPrimary(c, 0, kBuiltTo - 30, 0);
  AddPrimary(c, 0, kBuiltTo - 200, 1, kBuiltTo - 10);
  AddPrimary(c, 1, kBuiltTo - 1000, 0);
  AddPrimary(c, 1, kBuiltTo - 400, 0);
  AddPrimary(c, 1, kBuiltTo - 700, 2, kBuiltTo - 380);
  AddImplant(c, 0, kBuiltTo - 30, 0);
  AddImplant(c, 1, kBuiltTo - 1000, 0);
  AddImplant(c, 1, kBuiltTo - 400, 1, kBuiltTo - 390);
  return c;
}

TEST(DashboardCohort, EachRegistryIsCutAtItsOwnEndOfData) {
  Cohort c = TwoRegistries();
  CutEachRegistryAtItsEndOfData(c);
  EXPECT_EQ(c.registry_cut, (std::vector<int32_t>{kBuiltTo - 10, kBuiltTo - 380}));
  EXPECT_EQ(surveillance::CutDayOf(c, 0), kBuiltTo - 10);
  EXPECT_EQ(surveillance::CutDayOf(c, 1), kBuiltTo - 380);
  // The cohort as a whole ends at the latest registry's end.
  EXPECT_EQ(c.data_cut, Date{std::chrono::days(kBuiltTo - 10)});
  // Censored exits move to their own registry's end; events stay where they are.
  EXPECT_EQ(c.exit_day, (std::vector<int32_t>{kBuiltTo - 10, kBuiltTo - 10, kBuiltTo - 10,
                                              kBuiltTo - 380, kBuiltTo - 380, kBuiltTo - 380}));
  EXPECT_EQ(c.status, (std::vector<int8_t>{0, 0, 1, 0, 0, 2}));
  EXPECT_EQ(c.implants.exit_day,
            (std::vector<int32_t>{kBuiltTo - 10, kBuiltTo - 380, kBuiltTo - 390}));
}

TEST(DashboardCohort, ARegistryWhoseLatestEventIsAnImplantRemovalEndsThere) {
  Cohort c = TwoRegistries();
  c.implants.exit_day.back() = kBuiltTo - 300;  // BCIR's removal after its last death
  CutEachRegistryAtItsEndOfData(c);
  EXPECT_EQ(surveillance::CutDayOf(c, 1), kBuiltTo - 300);
  EXPECT_EQ(c.exit_day[3], kBuiltTo - 300);
}

TEST(DashboardCohort, ARegistryWithAnEventOnTheBuildDayEndsThatDay) {
  Cohort c = TwoRegistries();
  c.exit_day[2] = kBuiltTo;  // NJR's revision on the build day itself
  CutEachRegistryAtItsEndOfData(c);
  EXPECT_EQ(surveillance::CutDayOf(c, 0), kBuiltTo);
  EXPECT_EQ(c.data_cut, Date{std::chrono::days(kBuiltTo)});
}

TEST(DashboardCohort, AnEmptyCohortKeepsItsCut) {
  Cohort c;
  c.data_cut = Date{std::chrono::days(kBuiltTo)};
  CutEachRegistryAtItsEndOfData(c);
  EXPECT_EQ(c.data_cut, Date{std::chrono::days(kBuiltTo)});
  EXPECT_EQ(surveillance::CutDayOf(c, 0), kBuiltTo);  // a registry it does not hold
}

}  // namespace
}  // namespace orp::api
