#include "orp/analytics/report_json.h"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

namespace orp::analytics {
namespace {

SurvivalReport SampleReport() {
  SurvivalReport r;
  r.registry = "BCIR";
  r.by = "brand \"quoted\"";
  r.unit = "implant";
  r.method = SurvivalMethod::kAalenJohansen;
  r.audience = stats::Audience::kPublic;
  r.data_cut = Date(std::chrono::year{2025} / 12 / 31);
  r.units = 120;
  r.excluded_opted_out = std::nullopt;  // suppressed
  SurvivalGroup g;
  g.label = "Smooth";
  g.n = 120;
  g.revisions = 10;
  g.deaths = std::nullopt;
  SurvivalAtTime at;
  at.years = 1;
  at.days = 365.25;
  at.n_risk = 100;
  at.surv = 0.9;
  at.lower = std::nan("");
  at.cif = 0.1;
  g.at.push_back(at);
  SurvivalCurvePoint p;
  p.day = 30;
  p.n_risk = 120;
  p.surv = 0.95;
  g.curve.push_back(p);
  r.groups.push_back(g);
  return r;
}

TEST(SurvivalReportJson, WritesTheDocumentedShapeWithSuppressedCountsAsNull) {
  const nlohmann::json j = nlohmann::json::parse(SurvivalReportJson(SampleReport()));
  EXPECT_EQ(j["registry"], "BCIR");
  EXPECT_EQ(j["by"], "brand \"quoted\"");
  EXPECT_EQ(j["method"], "aj");
  EXPECT_EQ(j["audience"], "public");
  EXPECT_EQ(j["data_cut"], "2025-12-31");
  EXPECT_TRUE(j["excluded"]["opted_out"].is_null());
  const auto& g = j["groups"][0];
  EXPECT_EQ(g["group"], "Smooth");
  EXPECT_EQ(g["n"], 120);
  EXPECT_TRUE(g["deaths"].is_null());
  EXPECT_EQ(g["at"][0]["days"], 365.25);
  EXPECT_EQ(g["at"][0]["surv"], 0.9);
  EXPECT_TRUE(g["at"][0]["lower"].is_null());  // NaN, R's NA
  EXPECT_TRUE(g["at"][0]["upper"].is_null());  // withheld / not set
  EXPECT_EQ(g["at"][0]["cif"], 0.1);
  EXPECT_EQ(g["curve"][0]["day"], 30);
  EXPECT_TRUE(g["curve"][0].contains("cif"));
}

TEST(SurvivalReportJson, KaplanMeierRowsCarryNoIncidence) {
  SurvivalReport r = SampleReport();
  r.method = SurvivalMethod::kKaplanMeier;
  const nlohmann::json j = nlohmann::json::parse(SurvivalReportJson(r));
  EXPECT_FALSE(j["groups"][0]["at"][0].contains("cif"));
  EXPECT_FALSE(j["groups"][0]["curve"][0].contains("cif"));
}

}  // namespace
}  // namespace orp::analytics
