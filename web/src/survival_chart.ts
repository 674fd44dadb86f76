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

function atRiskTable(report: SurvivalReport): HTMLTableElement {
  const years = [...new Set(report.groups.flatMap((g) => g.at.map((a) => a.years)))].sort((a, b) => a - b);
  const fmt = (a: AtPoint | undefined) => {
    if (!a) return "—";
    const risk = a.n_risk === null ? "*" : String(a.n_risk);
    if (a.surv === null) return `${risk} at risk`;
    const pct = (v: number | null) => (v === null ? "?" : (v * 100).toFixed(1));
    return `${risk} at risk · ${pct(a.surv)}% (${pct(a.lower)}–${pct(a.upper)})${a.few_at_risk ? " †" : ""}`;
  };
  return h("table", { class: "at-risk", id: "at-risk" },
    h("caption", {}, "Numbers at risk and survival (95% confidence interval) at each time. * suppressed small count; † fewer than 250 at risk, interpret with care."),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, report.by || "Group"), years.map((y) => h("th", { scope: "col" }, `${y} yr`)))),
    h("tbody", {}, report.groups.map((g, i) => h("tr", {},
      h("th", { scope: "row" }, h("span", { class: "swatch", "data-colour": String(i % kColours.length) }), g.group),
      years.map((y) => h("td", {}, fmt(g.at.find((a) => a.years === y))))))));
}

// Renders the chart and table into `container`; returns the uPlot instance (for tests and resize).
export function survivalChart(container: HTMLElement, report: SurvivalReport, width: number): uPlot {
  const groups = report.groups;
  const series: uPlot.Series[] = [{ label: "Years" }];
  const bands: uPlot.Band[] = [];
  groups.forEach((g, i) => {
    const colour = kColours[i % kColours.length];
    const base = 1 + i * 3;
    series.push({ label: g.group, stroke: colour, width: 2, paths: uPlot.paths.stepped!({ align: 1 }), value: (_u, v) => (v === null ? "—" : `${v.toFixed(1)}%`) });
    series.push({ label: `${g.group} lower`, stroke: colour + "55", width: 1, paths: uPlot.paths.stepped!({ align: 1 }), legend: false } as uPlot.Series);
    series.push({ label: `${g.group} upper`, stroke: colour + "55", width: 1, paths: uPlot.paths.stepped!({ align: 1 }), legend: false } as uPlot.Series);
    bands.push({ series: [base + 2, base + 1], fill: colour + "22" });
  });
  const chartBox = h("div", { class: "chart", role: "img", "aria-label": `Survival curves for ${groups.length} group${groups.length === 1 ? "" : "s"} by ${report.by}; the table below gives the values.` });
  container.replaceChildren(chartBox, atRiskTable(report));
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
    legend: { live: true },
  }, data, chartBox);
}
