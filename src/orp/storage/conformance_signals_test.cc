// Store conformance: surveillance signals (surveil7, #7).
#include <gmock/gmock.h>

#include <cmath>

#include "orp/storage/conformance_test.h"

namespace orp::storage::conformance {
namespace {

Signal SampleSignal(const std::string& unit, const std::string& method) {
  Signal s;
  s.registry = "NJR";
  s.unit_kind = SignalUnitKind::kDeviceModel;
  s.unit = unit;
  s.method = method;
  s.what = "revision rate 3.0 x class";
  s.statistic = 3.0;
  s.threshold = 2.0;
  s.data_cut = Day(2026, 6, 30);
  s.evidence_json = R"({"ptir":1.5})";
  return s;
}

Result<SignalPutResult> Put(Store& store, const Signal& signal) {
  auto tx = store.Begin();
  if (!tx) return std::unexpected(tx.error());
  auto put = (*tx)->PutSignal(signal);
  if (!put) return put;
  ORP_RETURN_IF_ERROR((*tx)->Commit());
  return put;
}

TEST_P(StoreConformance, SignalRoundTrips) {
  auto put = Put(*store_, SampleSignal("05012341000015", "njr-ptir"));
  ASSERT_TRUE(put.has_value()) << put.error().ToString();
  EXPECT_TRUE(put->created);
  auto found = store_->FindSignal(put->id);
  ASSERT_TRUE(found.has_value() && found->has_value());
  Signal expected = SampleSignal("05012341000015", "njr-ptir");
  expected.id = put->id;
  expected.first_seen = expected.data_cut;
  EXPECT_EQ(**found, expected);
}

TEST_P(StoreConformance, SignalSeenAgainIsUpdatedNotDuplicated) {
  const auto first = Put(*store_, SampleSignal("G1", "njr-ptir"));
  ASSERT_TRUE(first.has_value());
  auto tx = store_->Begin();
  ASSERT_TRUE((*tx)->SetSignalStatus(first->id, SignalStatus::kUnderReview, "").has_value());
  ASSERT_TRUE((*tx)->Commit().has_value());

  Signal later = SampleSignal("G1", "njr-ptir");
  later.statistic = 3.4;
  later.data_cut = Day(2026, 12, 31);
  later.evidence_json = R"({"ptir":1.7})";
  auto second = Put(*store_, later);
  ASSERT_TRUE(second.has_value());
  EXPECT_FALSE(second->created);
  EXPECT_EQ(second->id, first->id);
  auto all = store_->ListSignals({});
  ASSERT_EQ(all->size(), 1u);
  const Signal& s = all->front();
  EXPECT_EQ(s.statistic, 3.4);
  EXPECT_EQ(s.data_cut, Day(2026, 12, 31));
  EXPECT_EQ(s.first_seen, Day(2026, 6, 30));
  EXPECT_EQ(s.times_seen, 2);
  EXPECT_EQ(s.status, SignalStatus::kUnderReview);  // the review survives the new run
  EXPECT_EQ(s.evidence_json, R"({"ptir":1.7})");
}

TEST_P(StoreConformance, SignalsAreFilteredByStatusAndRegistry) {
  const auto a = Put(*store_, SampleSignal("G1", "njr-ptir"));
  ASSERT_TRUE(Put(*store_, SampleSignal("G2", "njr-ptir")).has_value());
  Signal other = SampleSignal("G1", "njr-ptir");
  other.registry = "BCIR";
  ASSERT_TRUE(Put(*store_, other).has_value());
  auto tx = store_->Begin();
  ASSERT_TRUE(
      (*tx)->SetSignalStatus(a->id, SignalStatus::kDismissed, "known, recalled 2025").has_value());
  ASSERT_TRUE((*tx)->Commit().has_value());
  EXPECT_EQ(store_->ListSignals({})->size(), 3u);
  EXPECT_EQ(store_->ListSignals({"BCIR", std::nullopt})->size(), 1u);
  auto dismissed = store_->ListSignals({"", SignalStatus::kDismissed});
  ASSERT_EQ(dismissed->size(), 1u);
  EXPECT_EQ(dismissed->front().status_reason, "known, recalled 2025");
  EXPECT_EQ(store_->ListSignals({"NJR", SignalStatus::kNew})->size(), 1u);
}

TEST_P(StoreConformance, DismissingASignalNeedsAReason) {
  const auto a = Put(*store_, SampleSignal("G1", "maxsprt"));
  auto tx = store_->Begin();
  auto set = (*tx)->SetSignalStatus(a->id, SignalStatus::kDismissed, "");
  ASSERT_FALSE(set.has_value());
  EXPECT_EQ(set.error().code(), ErrorCode::kInvalidArgument);
}

TEST_P(StoreConformance, UnknownSignalIsNotFound) {
  auto tx = store_->Begin();
  auto set = (*tx)->SetSignalStatus(999, SignalStatus::kConfirmed, "");
  ASSERT_FALSE(set.has_value());
  EXPECT_EQ(set.error().code(), ErrorCode::kNotFound);
  EXPECT_FALSE(store_->FindSignal(999)->has_value());
}

TEST_P(StoreConformance, UndefinedStatisticRoundTripsAsNaN) {
  Signal s = SampleSignal("G1", "aoanjrr-screen");
  s.statistic = std::nan("");
  const auto put = Put(*store_, s);
  ASSERT_TRUE(put.has_value());
  EXPECT_TRUE(std::isnan((*store_->FindSignal(put->id))->statistic));
}

TEST_P(StoreConformance, SignalWithoutUnitIsRejected) {
  Signal s = SampleSignal("", "njr-ptir");
  auto put = Put(*store_, s);
  ASSERT_FALSE(put.has_value());
  EXPECT_EQ(put.error().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace orp::storage::conformance
