#include "orp/analytics/svg_plot.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace orp::analytics {
namespace {

constexpr const char* kPalette[] = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
                                    "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};
constexpr double kLeft = 70, kRight = 300, kTop = 44, kBottom = 52;

struct Step {
  double day, value, lower, upper;
};

std::string Escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

double Or(double value, double fallback) { return std::isnan(value) ? fallback : value; }

std::vector<Step> StepsOf(const SurvivalGroup& g, bool aj) {
  std::vector<Step> steps = {aj ? Step{0, 0, 0, 0} : Step{0, 1, 1, 1}};
  for (const SurvivalCurvePoint& p : g.curve) {
    const double v = aj ? p.cif.value_or(std::nan("")) : p.surv;
    if (std::isnan(v)) break;
    const double lo = aj ? p.cif_lower.value_or(v) : p.lower;
    const double hi = aj ? p.cif_upper.value_or(v) : p.upper;
    steps.push_back({static_cast<double>(p.day), v, Or(lo, v), Or(hi, v)});
  }
  return steps;
}

// Frame: maps days and values to the plot area.
struct Frame {
  double width, height, max_day, y_min, y_max;
  double X(double day) const { return kLeft + (width - kLeft - kRight) * day / max_day; }
  double Y(double v) const {
    return kTop + (height - kTop - kBottom) * (y_max - v) / (y_max - y_min);
  }
};

// The vertices of a right-continuous step function through (day, value(step)).
template <typename Value>
std::vector<std::pair<double, double>> Vertices(const std::vector<Step>& steps, const Frame& f,
                                                Value value) {
  std::vector<std::pair<double, double>> v;
  for (size_t i = 0; i < steps.size(); ++i) {
    if (i > 0) v.emplace_back(f.X(steps[i].day), f.Y(value(steps[i - 1])));
    v.emplace_back(f.X(steps[i].day), f.Y(value(steps[i])));
  }
  return v;
}

std::string Points(const std::vector<std::pair<double, double>>& v) {
  std::string out;
  for (const auto& [x, y] : v) out += fmt::format("{:.1f},{:.1f} ", x, y);
  if (!out.empty()) out.pop_back();
  return out;
}

std::string Axes(const Frame& f, bool aj) {
  std::string out;
  const double x0 = f.X(0), x1 = f.X(f.max_day), y0 = f.Y(f.y_min), y1 = f.Y(f.y_max);
  out += fmt::format(
      "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"none\" "
      "stroke=\"#888\"/>\n",
      x0, y1, x1 - x0, y0 - y1);
  const double years = f.max_day / kDaysPerYear;
  const double step = years <= 6 ? 1 : years <= 16 ? 2 : years <= 40 ? 5 : 10;
  for (double t = 0; t <= years + 1e-9; t += step) {
    const double x = f.X(t * kDaysPerYear);
    out += fmt::format(
        "<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" stroke=\"#888\"/>"
        "<text x=\"{0:.1f}\" y=\"{3:.1f}\" text-anchor=\"middle\">{4}</text>\n",
        x, y0, y0 + 5, y0 + 20, t);
  }
  const double tick = f.y_max - f.y_min > 0.3 ? 0.1 : 0.05;
  const int ticks = static_cast<int>(std::lround((f.y_max - f.y_min) / tick));
  for (int i = 0; i <= ticks; ++i) {
    const double v = f.y_min + tick * i;
    out += fmt::format(
        "<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{2:.1f}\" y2=\"{1:.1f}\" stroke=\"#eee\"/>"
        "<text x=\"{3:.1f}\" y=\"{4:.1f}\" text-anchor=\"end\">{5:.2f}</text>\n",
        x0, f.Y(v), x1, x0 - 6, f.Y(v) + 4, v);
  }
  out += fmt::format(
      "<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">Years since primary</text>\n"
      "<text transform=\"translate(16,{:.1f}) rotate(-90)\" text-anchor=\"middle\">{}</text>\n",
      (x0 + x1) / 2, f.height - 10, (y0 + y1) / 2,
      aj ? "Cumulative incidence of revision" : "Implant survival (Kaplan-Meier)");
  return out;
}

std::string Legend(const std::vector<const SurvivalGroup*>& groups, const Frame& f) {
  std::string out;
  double y = kTop + 8;
  for (size_t i = 0; i < groups.size(); ++i) {
    const SurvivalGroup& g = *groups[i];
    const std::string n = g.n ? fmt::format("{}", *g.n) : "*";
    out += fmt::format(
        "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"14\" height=\"4\" fill=\"{}\"/>"
        "<text x=\"{:.1f}\" y=\"{:.1f}\">{} (n {}{})</text>\n",
        f.width - kRight + 16, y - 4, kPalette[i % 10], f.width - kRight + 36, y, Escape(g.label),
        n, g.withheld ? ", withheld" : "");
    y += 18;
  }
  return out;
}

Frame FrameFor(const std::vector<std::vector<Step>>& all, const SvgOptions& o, bool aj) {
  double max_day = 1, lo = 1, hi = 0;
  for (const auto& steps : all) {
    for (const Step& s : steps) {
      max_day = std::max(max_day, s.day);
      lo = std::min(lo, s.lower);
      hi = std::max(hi, s.upper);
    }
  }
  const double y_min = aj ? 0 : std::max(0.0, std::floor(lo * 10 - 1e-9) / 10);
  const double y_max = aj ? std::min(1.0, std::max(0.1, std::ceil(hi * 10 - 1e-9) / 10)) : 1;
  return {static_cast<double>(o.width), static_cast<double>(o.height), max_day,
          std::min(y_min, y_max - 0.1), y_max};
}

}  // namespace

std::string SurvivalSvg(const SurvivalReport& report, const SvgOptions& options) {
  const bool aj = report.method == SurvivalMethod::kAalenJohansen;
  std::vector<const SurvivalGroup*> groups;
  for (const SurvivalGroup& g : report.groups) groups.push_back(&g);
  std::stable_sort(groups.begin(), groups.end(),
                   [](const SurvivalGroup* a, const SurvivalGroup* b) {
                     return a->n.value_or(0) > b->n.value_or(0);
                   });
  const size_t left_out =
      groups.size() > options.max_groups ? groups.size() - options.max_groups : 0;
  groups.resize(groups.size() - left_out);
  std::vector<std::vector<Step>> steps;
  for (const SurvivalGroup* g : groups) steps.push_back(StepsOf(*g, aj));
  const Frame f = FrameFor(steps, options, aj);
  std::string title = options.title.empty()
                          ? fmt::format("{}: implant survival by {}", report.registry, report.by)
                          : options.title;
  if (left_out > 0)
    title += fmt::format(" (the {} largest groups; {} more not shown)", groups.size(), left_out);
  std::string out = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" "
      "viewBox=\"0 0 {0} {1}\" font-family=\"sans-serif\" font-size=\"12\">\n"
      "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      "<text x=\"{2}\" y=\"24\" font-size=\"15\">{3}</text>\n",
      options.width, options.height, kLeft, Escape(title));
  out += Axes(f, aj);
  for (size_t i = 0; i < groups.size(); ++i) {
    if (steps[i].size() < 2) continue;  // withheld or nothing to draw
    auto upper = Vertices(steps[i], f, [](const Step& s) { return s.upper; });
    auto lower = Vertices(steps[i], f, [](const Step& s) { return s.lower; });
    upper.insert(upper.end(), lower.rbegin(), lower.rend());
    out +=
        fmt::format("<polygon points=\"{}\" fill=\"{}\" fill-opacity=\"0.18\" stroke=\"none\"/>\n",
                    Points(upper), kPalette[i % 10]);
    out += fmt::format(
        "<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.6\"/>\n",
        Points(Vertices(steps[i], f, [](const Step& s) { return s.value; })), kPalette[i % 10]);
  }
  out += Legend(groups, f);
  out += "</svg>\n";
  return out;
}

}  // namespace orp::analytics
