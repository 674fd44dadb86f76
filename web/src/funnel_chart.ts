// A funnel plot (observed / expected against expected) drawn with uPlot: the 95% (alert) and
// 99.8% (alarm) limits as curves, the target line at 1, every other unit as a grey point and the
// caller's own units highlighted; a table of the caller's own and the outlying units beneath
// is the chart's text alternative. Shapes in funnel_data.ts.
import uPlot from "uplot";
import { h } from "./dom";
import { alignFunnel, describeClass, outliers, type FunnelPoint, type FunnelReport } from "./funnel_data";

const kOwn = "#b35900", kOther = "#5c6670", kAlarm = "#a8326a", kAlert = "#0a5fa6";

function pointTable(report: FunnelReport, id: string): HTMLTableElement {
  const own = report.points.filter((p) => p.own);
  const rows: FunnelPoint[] = [...own, ...outliers(report).filter((p) => !p.own)];
  const name = (p: FunnelPoint) => (p.unit ?? "another unit (anonymised)") + (p.own ? " (yours)" : "");
  return h("table", { class: "data", id },
    h("caption", {}, `Your units and units outside the limits: ${report.points.length} plotted, ${report.withheld} withheld (fewer than 8 procedures), ${report.insufficient ?? 0} with too few expected events.`),
    h("thead", {}, h("tr", {}, ["Unit", "Procedures", "Observed", "Expected", "O/E", "Where"].map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, rows.length ? rows.map((p) => h("tr", { "data-own": p.own ? "true" : undefined },
      h("th", { scope: "row" }, name(p)), h("td", {}, p.procedures), h("td", {}, p.observed ?? "—"),
      h("td", {}, p.expected.toFixed(1)), h("td", {}, p.ratio.toFixed(2)), h("td", {}, describeClass(p.classification))))
      : h("tr", {}, h("td", { colspan: 6 }, "No unit of yours is on this plot, and none is outside the limits."))));
}

// Renders into `container`; returns the uPlot instance (null when there is nothing to draw).
export function funnelChart(container: HTMLElement, report: FunnelReport, width: number, id = "funnel"): uPlot | null {
  const title = `${report.metric === "mortality" ? "90-day mortality" : "Revision"} by ${report.unit_kind}, last ${report.years} years, ${report.registry}`;
  if (!report.points.length) {
    container.replaceChildren(h("p", { class: "hint" }, `${title}: nothing to plot. ${report.note ?? "Too few units with enough expected events."}`));
    return null;
  }
  const chartBox = h("div", { class: "chart", role: "img", "aria-label": `Funnel plot: ${title}. Observed over expected against expected, with 95% and 99.8% limits; ${report.points.filter((p) => p.own).length} of the points are yours. The table below lists them.` });
  container.replaceChildren(h("h3", {}, title), chartBox,
    h("p", { class: "hint legend" }, h("span", { class: "key own" }, "● your units"), " ", h("span", { class: "key other" }, "● other units"), " ",
      h("span", { class: "key alarm" }, "— 99.8% limits (alarm)"), " ", h("span", { class: "key alert" }, "— 95% limits (alert)")),
    pointTable(report, `${id}-table`));
  const data = alignFunnel(report) as uPlot.AlignedData;
  const ys = data.slice(1).flatMap((s) => (s as (number | null)[]).filter((v): v is number => v !== null && isFinite(v)));
  const top = Math.min(Math.max(2, ...report.points.map((p) => p.ratio)) * 1.1, Math.max(...ys));
  const dots = (colour: string, size: number): uPlot.Series => ({ stroke: colour, fill: colour, width: 0, paths: () => null, points: { show: true, size, stroke: colour, fill: colour } });
  return new uPlot({
    width,
    height: Math.round(Math.min(400, width * 0.55)),
    series: [
      { label: "Expected" },
      { label: "99.8% upper", stroke: kAlarm, width: 2, spanGaps: true, points: { show: false } },
      { label: "95% upper", stroke: kAlert, width: 2, dash: [6, 4], spanGaps: true, points: { show: false } },
      { label: "95% lower", stroke: kAlert, width: 2, dash: [6, 4], spanGaps: true, points: { show: false } },
      { label: "99.8% lower", stroke: kAlarm, width: 2, spanGaps: true, points: { show: false } },
      { label: "Target", stroke: "#1a1a1a", width: 1, spanGaps: true, points: { show: false } },
      { label: "Other units", ...dots(kOther, 6) },
      { label: "Your units", ...dots(kOwn, 12) },
    ],
    scales: { x: { time: false, distr: 3 }, y: { range: [0, top] } },
    axes: [
      { label: "Expected events (case-mix adjusted)", stroke: "#1a1a1a", grid: { stroke: "#e2e2e2" } },
      { label: "Observed / expected", stroke: "#1a1a1a", grid: { stroke: "#e2e2e2" } },
    ],
    legend: { show: false },
  }, data, chartBox);
}
