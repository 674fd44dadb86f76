#include "orp/stats/event_table.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace orp::stats {
namespace {

TEST(EventTable, CountsEventsBeforeCensoringsAtTiedTimes) {
  std::vector<double> exit = {2, 2, 2, 5, 5, 7};
  std::vector<int8_t> status = {1, 0, 2, 1, 1, 0};
  auto tables = TallyEvents(SurvivalTimes{exit, status});
  ASSERT_TRUE(tables.has_value());
  const EventTable& t = (*tables)[0];
  EXPECT_EQ(t.n, 6);
  EXPECT_EQ(t.events, 3);
  EXPECT_EQ(t.competing, 1);
  EXPECT_EQ(t.time, (std::vector<double>{2, 5, 7}));
  // The unit censored at 2 is still at risk at 2.
  EXPECT_EQ(t.n_risk, (std::vector<int64_t>{6, 3, 1}));
  EXPECT_EQ(t.n_event, (std::vector<int64_t>{1, 2, 0}));
  EXPECT_EQ(t.n_competing, (std::vector<int64_t>{1, 0, 0}));
  EXPECT_EQ(t.n_censor, (std::vector<int64_t>{1, 0, 1}));
}

TEST(EventTable, LateEntrantsJoinTheRiskSetAfterTheirEntryTime) {
  // (entry, exit]: the unit entering at 3 is not at risk at 3, but is at 4.
  std::vector<double> entry = {0, 0, 3, 1};
  std::vector<double> exit = {3, 4, 6, 2};
  std::vector<int8_t> status = {1, 1, 0, 1};
  auto tables = TallyEvents(SurvivalTimes{exit, status, entry});
  ASSERT_TRUE(tables.has_value());
  EXPECT_EQ((*tables)[0].time, (std::vector<double>{2, 3, 4, 6}));
  EXPECT_EQ((*tables)[0].n_risk, (std::vector<int64_t>{3, 2, 2, 1}));
}

TEST(EventTable, DayCountingGivesTheSameTablesAsSorting) {
  std::vector<int32_t> days = {0, 5, 5, 3, 9, 9, 9, 1, 4, 4};
  std::vector<int32_t> entry = {0, 1, 0, 0, 2, 4, 0, 0, 3, 0};
  std::vector<int8_t> status = {1, 0, 1, 2, 1, 0, 1, 1, 2, 0};
  std::vector<int32_t> group = {0, 1, 0, 1, 0, 2, 2, 0, 1, 1};
  // Entry at 0 with exit at 0 is not allowed, so the late-entry case drops the first unit.
  for (bool late : {false, true}) {
    size_t from = late ? 1 : 0;
    std::vector<int32_t> d(days.begin() + from, days.end());
    std::vector<int32_t> e =
        late ? std::vector<int32_t>(entry.begin() + 1, entry.end()) : std::vector<int32_t>{};
    std::vector<int8_t> s(status.begin() + from, status.end());
    std::vector<int32_t> g(group.begin() + from, group.end());
    std::vector<double> dd(d.begin(), d.end()), ed(e.begin(), e.end());
    auto by_day = TallyEvents(SurvivalDays{d, s, e, g, 4});
    auto by_sort = TallyEvents(SurvivalTimes{dd, s, ed, g, 4});
    ASSERT_TRUE(by_day.has_value() && by_sort.has_value());
    for (size_t k = 0; k < 4; ++k) {
      EXPECT_EQ((*by_day)[k].time, (*by_sort)[k].time);
      EXPECT_EQ((*by_day)[k].n_risk, (*by_sort)[k].n_risk);
      EXPECT_EQ((*by_day)[k].n_event, (*by_sort)[k].n_event);
      EXPECT_EQ((*by_day)[k].n_competing, (*by_sort)[k].n_competing);
      EXPECT_EQ((*by_day)[k].n_censor, (*by_sort)[k].n_censor);
      EXPECT_EQ((*by_day)[k].n, (*by_sort)[k].n);
    }
    EXPECT_EQ((*by_day)[3].size(), 0u);  // an unused group code gives an empty table
  }
}

TEST(EventTable, SparseDaysFallBackToSortingWithTheSameResult) {
  std::vector<int32_t> days = {2000000000, 7, 7};
  std::vector<int8_t> status = {1, 1, 0};
  auto tables = TallyEvents(SurvivalDays{days, status});
  ASSERT_TRUE(tables.has_value());
  EXPECT_EQ((*tables)[0].time, (std::vector<double>{7, 2000000000}));
  EXPECT_EQ((*tables)[0].n_risk, (std::vector<int64_t>{3, 1}));
}

TEST(EventTable, VisitsEachGroupInOrderWithTheSameTablesAsTallyEvents) {
  std::vector<int32_t> days = {3, 1, 4, 1, 5, 9, 2, 6};
  std::vector<int8_t> status = {1, 0, 2, 1, 0, 1, 1, 0};
  std::vector<int32_t> group = {2, 0, 2, 1, 0, 2, 1, 0};
  const SurvivalDays data{days, status, {}, group, 3};
  auto all = TallyEvents(data);
  ASSERT_TRUE(all.has_value());
  std::vector<int32_t> order;
  auto done = VisitEventTables(data, NearTies::kKeep, [&](int32_t g, EventTable& table) {
    order.push_back(g);
    EXPECT_EQ(table.time, (*all)[g].time);
    EXPECT_EQ(table.n_risk, (*all)[g].n_risk);
    EXPECT_EQ(table.n_event, (*all)[g].n_event);
    EXPECT_EQ(table.n, (*all)[g].n);
  });
  ASSERT_TRUE(done.has_value());
  EXPECT_EQ(order, (std::vector<int32_t>{0, 1, 2}));
}

TEST(EventTable, MergesTimesThatDifferOnlyByRoundingLikeSurvfit) {
  std::vector<double> exit = {0.1 + 0.2, 0.3, 1.0};
  std::vector<int8_t> status = {1, 1, 0};
  auto kept = TallyEvents(SurvivalTimes{exit, status});
  auto merged = TallyEvents(SurvivalTimes{exit, status}, NearTies::kMergeLikeSurvfit);
  ASSERT_TRUE(kept.has_value() && merged.has_value());
  EXPECT_EQ((*kept)[0].size(), 3u);
  EXPECT_EQ((*merged)[0].size(), 2u);
  EXPECT_EQ((*merged)[0].n_event[0], 2);
}

TEST(EventTable, NamesTheObservationAndFieldThatIsWrong) {
  std::vector<double> exit = {1, -2};
  std::vector<int8_t> status = {1, 0};
  EXPECT_EQ(TallyEvents(SurvivalTimes{exit, status}).error().message(),
            "observation 2: exit time -2 must be a finite number >= 0");
  std::vector<double> ok_exit = {1, 2};
  std::vector<int8_t> bad_status = {1, 3};
  EXPECT_EQ(TallyEvents(SurvivalTimes{ok_exit, bad_status}).error().message(),
            "observation 2: status 3 must be 0 (censored), 1 (event) or 2 (competing event)");
  std::vector<double> entry = {0, 2};
  EXPECT_EQ(TallyEvents(SurvivalTimes{ok_exit, status, entry}).error().message(),
            "observation 2: entry time 2 must be >= 0 and before the exit time 2");
  std::vector<int32_t> group = {0, 5};
  EXPECT_EQ(TallyEvents(SurvivalTimes{ok_exit, status, {}, group, 2}).error().message(),
            "observation 2: group code 5 is outside [0, 2)");
  std::vector<double> nan_exit = {1, std::nan("")};
  EXPECT_FALSE(TallyEvents(SurvivalTimes{nan_exit, status}).has_value());
  std::vector<int8_t> short_status = {1};
  EXPECT_EQ(TallyEvents(SurvivalTimes{ok_exit, short_status}).error().code(),
            ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace orp::stats
