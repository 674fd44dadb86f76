#include "orp/analytics/svg_plot.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>

namespace orp::analytics {
namespace {

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

SurvivalGroup Group(std::string label, int64_t n) {
  SurvivalGroup g;
  g.label = std::move(label);
  g.n = n;
  SurvivalCurvePoint a;
  a.day = 365;
  a.surv = 0.9;
  a.lower = 0.8;
  a.upper = 0.95;
  SurvivalCurvePoint b = a;
  b.day = 730;
  b.surv = 0.5;
  b.lower = 0.4;
  b.upper = 0.6;
  g.curve = {a, b};
  return g;
}

SurvivalReport Report() {
  SurvivalReport r;
  r.registry = "BCIR";
  r.by = "model";
  r.groups = {Group("A<&>", 10), Group("B", 20)};
  return r;
}

TEST(SurvivalSvg, DrawsAStepCurveAndABandPerGroup) {
  const std::string svg = SurvivalSvg(Report(), {});
  EXPECT_EQ(svg.rfind("<svg ", 0), 0u);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
  EXPECT_EQ(Count(svg, "<polyline "), 2u);
  EXPECT_EQ(Count(svg, "<polygon "), 2u);
  EXPECT_NE(svg.find("A&lt;&amp;&gt; (n 10)"), std::string::npos);
}

TEST(SurvivalSvg, StepsHoldTheValueUntilTheNextTime) {
  SvgOptions o;
  o.width = 240 + 70 + 730;  // one pixel per day
  o.height = 44 + 52 + 100;  // y from 0.3 to 1: 100 px
  SurvivalReport r = Report();
  r.groups.resize(1);
  const std::string svg = SurvivalSvg(r, o);
  // From (day 0, S 1) to day 365 at S 1, drop to 0.9, hold to day 730, drop to 0.5. The y axis
  // runs from 0.3 (below the lowest bound 0.4) to 1.
  const auto y = [](double s) { return 44 + 100 * (1 - s) / 0.7; };
  const std::string expected =
      fmt::format("70.0,{:.1f} 435.0,{:.1f} 435.0,{:.1f} 800.0,{:.1f} 800.0,{:.1f}", y(1), y(1),
                  y(0.9), y(0.9), y(0.5));
  EXPECT_NE(svg.find("<polyline points=\"" + expected + "\""), std::string::npos) << svg;
}

TEST(SurvivalSvg, KeepsTheLargestGroupsAndSaysHowManyAreLeftOut) {
  SvgOptions o;
  o.max_groups = 1;
  const std::string svg = SurvivalSvg(Report(), o);
  EXPECT_EQ(Count(svg, "<polyline "), 1u);
  EXPECT_NE(svg.find("B (n 20)"), std::string::npos);
  EXPECT_NE(svg.find("1 more not shown"), std::string::npos);
}

TEST(SurvivalSvg, AWithheldGroupIsListedButNotDrawn) {
  SurvivalReport r = Report();
  r.groups[0].withheld = true;
  r.groups[0].curve.clear();
  r.groups[0].n = std::nullopt;
  const std::string svg = SurvivalSvg(r, {});
  EXPECT_EQ(Count(svg, "<polyline "), 1u);
  EXPECT_NE(svg.find("(n *, withheld)"), std::string::npos);
}

}  // namespace
}  // namespace orp::analytics
