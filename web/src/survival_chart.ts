// Survival curves from a SurvivalReport (the JSON of `orp survival --format json` and of
// GET /api/v1/analytics/survival; shape in src/orp/analytics/report_json.h): one step curve per
// group with its confidence band, drawn with uPlot, and the numbers at risk beneath as a table,
// which is also the chart's text alternative. Withheld estimates (null) break the curve.
import uPlot from "uplot";
import { h } from "./dom";
import { alignCurves, type AtPoint, type SurvivalReport } from "./survival_data";

export type { SurvivalReport } from "./survival_data";

// Colour-blind-safe, each at least 3:1 against white (Okabe–Ito, darkened).
const kColours = ["#0a5fa6", "#b35900", "#00795a", "#a8326a", "#5b4a9e", "#6b6b00", "#8a3b12", "#31566b"];

// One row per group; a group drawn in the chart gets the swatch of its curve (the legend).
function atRiskTable(report: SurvivalReport, shown: Map<string, number>): HTMLTableElement {
  const years = [...new Set(report.groups.flatMap((g) => g.at.map((a) => a.years)))].sort((a, b) => a - b);
  const fmt = (a: AtPoint | undefined) => {
    if (!a) return "—";
    const risk = a.n_risk === null ? "*" : String(a.n_risk);
    if (a.surv === null) return `${risk} at risk`;
    const pct = (v: number) => (v * 100).toFixed(1);
    const interval = a.lower === null || a.upper === null ? "" : ` (${pct(a.lower)}–${pct(a.upper)})`;
    return `${risk} at risk · ${pct(a.surv)}%${interval}${a.few_at_risk ? " †" : ""}`;
  };
  return h("table", { class: "at-risk", id: "at-risk" },
    h("caption", {}, "Numbers at risk and survival (95% confidence interval) at each time. * suppressed small count; † fewer than 250 at risk, interpret with care."),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, report.by || "Group"), years.map((y) => h("th", { scope: "col" }, `${y} yr`)))),
    h("tbody", {}, report.groups.map((g) => h("tr", {},
      h("th", { scope: "row" }, shown.has(g.group) ? h("span", { class: "swatch", "data-colour": String(shown.get(g.group)) }) : h("span", { class: "swatch none" }), g.group),
      years.map((y) => h("td", {}, fmt(g.at.find((a) => a.years === y))))))));
}

// Renders the chart and table into `container`; returns the uPlot instance (for tests and resize).
export function survivalChart(container: HTMLElement, report: SurvivalReport, width: number): uPlot {
  // At most as many curves as distinct colours, the largest groups first; the table has them all.
  const groups = [...report.groups].sort((a, b) => (b.n ?? 0) - (a.n ?? 0)).slice(0, kColours.length);
  const shown = new Map(groups.map((g, i) => [g.group, i]));
  const series: uPlot.Series[] = [{ label: "Years" }];
  const bands: uPlot.Band[] = [];
  groups.forEach((g, i) => {
    const colour = kColours[i % kColours.length];
    const base = 1 + i * 3;
    series.push({ label: g.group, stroke: colour, width: 2, paths: uPlot.paths.stepped!({ align: 1 }), value: (_u, v) => (v === null ? "—" : `${v.toFixed(1)}%`) });
    series.push({ label: `${g.group} lower`, stroke: colour + "55", width: 1, paths: uPlot.paths.stepped!({ align: 1 }) });
    series.push({ label: `${g.group} upper`, stroke: colour + "55", width: 1, paths: uPlot.paths.stepped!({ align: 1 }) });
    bands.push({ series: [base + 2, base + 1], fill: colour + "22" });
  });
  const note = report.groups.length > groups.length ? `The ${groups.length} largest of ${report.groups.length} groups are drawn; the table has them all.` : "";
  const chartBox = h("div", { class: "chart", role: "img", "aria-label": `Survival curves for ${groups.length} group${groups.length === 1 ? "" : "s"} by ${report.by}, with 95% confidence bands; the table below gives the values. ${note}` });
  container.replaceChildren(chartBox, note ? h("p", { class: "hint" }, note) : "", atRiskTable(report, shown));
  const data = alignCurves(groups) as uPlot.AlignedData;
  const lowest = Math.min(100, ...data.slice(1).flatMap((s) => (s as (number | null)[]).filter((v): v is number => v !== null)));
  return new uPlot({
    width,
    height: Math.round(Math.min(420, width * 0.6)),
    series,
    bands,
    scales: { x: { time: false }, y: { range: [Math.max(0, Math.floor(lowest / 5) * 5 - 5), 100] } },
    axes: [
      { label: "Years since primary", stroke: "#1a1a1a", grid: { stroke: "#e2e2e2" } },
      { label: "Implant survival (%)", stroke: "#1a1a1a", grid: { stroke: "#e2e2e2" } },
    ],
    legend: { show: false },
  }, data, chartBox);
}
