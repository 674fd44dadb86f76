// A risk-adjusted CUSUM chart drawn with uPlot: the path after each primary and the control
// limit h; crossings are listed beneath (the text alternative). Shape in funnel_data.ts.
import uPlot from "uplot";
import { h } from "./dom";
import type { CusumReport } from "./funnel_data";

export function cusumChart(container: HTMLElement, report: CusumReport, width: number): uPlot | null {
  const title = `CUSUM of revision within a year: ${report.unit}, ${report.registry}`;
  if (!report.path.length || report.h === null) {
    container.replaceChildren(h("p", { class: "hint" }, `${title}: nothing to chart. ${report.note ?? "No primaries with a year of follow-up."}`));
    return null;
  }
  const crossings = report.signals.length;
  const last = report.path[report.path.length - 1];
  const chartBox = h("div", { class: "chart", role: "img", "aria-label": `${title}. The path over ${report.patients ?? report.path.length} primaries against the control limit ${report.h.toFixed(2)}; it crossed the limit ${crossings} time(s).` });
  container.replaceChildren(h("h3", {}, title), chartBox,
    h("p", { class: "cusum-summary" }, crossings
      ? `The chart crossed the control limit h = ${report.h.toFixed(2)} ${crossings} time(s); it restarts from zero after each crossing. Latest value ${last.cusum.toFixed(2)} on ${last.date}.`
      : `The chart stayed below the control limit h = ${report.h.toFixed(2)}; latest value ${last.cusum.toFixed(2)} on ${last.date}.`),
    crossings ? h("ul", { class: "crossings" }, report.signals.map((i) => {
      const p = report.path.find((q) => q.index === i);
      return h("li", {}, `Crossed at primary ${i + 1}${p ? ` (${p.date})` : ""}`);
    })) : "");
  const x = report.path.map((p) => p.index + 1);
  const data: uPlot.AlignedData = [x, report.path.map((p) => p.cusum), x.map(() => report.h)];
  return new uPlot({
    width,
    height: Math.round(Math.min(320, width * 0.45)),
    series: [
      { label: "Primary" },
      { label: "CUSUM", stroke: "#0a5fa6", width: 2, points: { show: false } },
      { label: "Control limit", stroke: "#a8326a", width: 2, dash: [6, 4], points: { show: false } },
    ],
    scales: { x: { time: false }, y: { range: [0, Math.max(report.h * 1.2, ...report.path.map((p) => p.cusum))] } },
    axes: [
      { label: "Primaries in order of operation", stroke: "#1a1a1a", grid: { stroke: "#e2e2e2" } },
      { label: "CUSUM", stroke: "#1a1a1a", grid: { stroke: "#e2e2e2" } },
    ],
    legend: { show: false },
  }, data, chartBox);
}
