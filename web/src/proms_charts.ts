// PROMs on the surgeon and hospital pages (proms, #11): the response rate to questionnaires and
// the case-mix adjusted health gain of the caller's units, each a funnel plot around the country
// drawn with uPlot as the other dashboards draw theirs, with a table beneath as the chart's text
// alternative. Counts follow the server's disclosure control (1-7 withheld, others rounded to 5
// for anyone but national roles). Shapes in proms_data.ts.
import uPlot from "uplot";
import { api } from "./api";
import { chartWidth, fill, section, type Section } from "./dash";
import { h } from "./dom";
import { alignPromsFunnel, gainFunnel, participationFunnel, type Gain, type Participation, type PromsFunnel } from "./proms_data";

const kPoint = "#b35900", kAlarm = "#a8326a", kAlert = "#0a5fa6";

function pointTable(f: PromsFunnel, id: string): HTMLTableElement {
  const fmt = (y: number) => (f.percent ? `${y.toFixed(1)}%` : y.toFixed(2));
  return h("table", { class: "data", id },
    h("caption", {}, `${f.points.length} plotted${f.withheld.length ? `; without a point (too few patients or counts withheld): ${f.withheld.join(", ")}` : ""}. The country: ${f.target === null ? "withheld" : fmt(f.target)}.`),
    h("thead", {}, h("tr", {}, [f.xLabel, "Unit", f.yLabel, "Where"].map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, f.points.length ? f.points.map((p) => h("tr", {},
      h("td", { class: "num" }, p.x), h("th", { scope: "row" }, p.label), h("td", { class: "num" }, fmt(p.y)), h("td", {}, p.where)))
      : h("tr", {}, h("td", { colspan: 4 }, "No unit of yours has enough answers to plot."))));
}

// Renders into `container`; returns the uPlot instance (null when there is nothing to draw).
export function promsFunnelChart(container: HTMLElement, f: PromsFunnel, width: number, id: string): uPlot | null {
  if (!f.curve.length) {
    container.replaceChildren(h("p", { class: "hint" }, `${f.title}: nothing to plot yet.`), pointTable(f, `${id}-table`));
    return null;
  }
  const box = h("div", { class: "chart", role: "img", "aria-label": `Funnel plot: ${f.title}. ${f.yLabel} against ${f.xLabel.toLowerCase()}, with 95% and 99.8% limits around the country. The table below lists the points.` });
  container.replaceChildren(h("h3", {}, f.title), box,
    h("p", { class: "hint legend" }, h("span", { class: "key own" }, "● your units"), " ",
      h("span", { class: "key alarm" }, "— 99.8% limits"), " ", h("span", { class: "key alert" }, "— 95% limits"), " ", h("span", { class: "key" }, "— the country")),
    pointTable(f, `${id}-table`));
  const data = alignPromsFunnel(f) as uPlot.AlignedData;
  const ys = data.slice(1).flatMap((s) => (s as (number | null)[]).filter((v): v is number => v !== null && isFinite(v)));
  const range: uPlot.Range.MinMax = f.percent ? [0, 100] : [Math.min(...ys), Math.max(...ys)];
  const line = (label: string, stroke: string, dash?: number[]): uPlot.Series => ({ label, stroke, width: 2, dash, spanGaps: true, points: { show: false } });
  return new uPlot({
    width,
    height: Math.round(Math.min(360, width * 0.5)),
    series: [
      { label: f.xLabel },
      line("99.8% upper", kAlarm), line("95% upper", kAlert, [6, 4]), line("95% lower", kAlert, [6, 4]), line("99.8% lower", kAlarm),
      line("The country", "#1a1a1a"),
      { label: "Your units", stroke: kPoint, fill: kPoint, width: 0, paths: () => null, points: { show: true, size: 10, stroke: kPoint, fill: kPoint } },
    ],
    scales: { x: { time: false, distr: 3 }, y: { range } },
    axes: [
      { label: f.xLabel, stroke: "#1a1a1a", grid: { stroke: "#e2e2e2" } },
      { label: f.yLabel, stroke: "#1a1a1a", grid: { stroke: "#e2e2e2" } },
    ],
    legend: { show: false },
  }, data, box);
}

// The two PROMs sections of the feedback report: their cards, and a loader for a registry and
// unit kind ("hospital" or "surgeon").
export function promsSections(): { cards: HTMLElement[]; load: (registry: string, kind: string) => Promise<void> } {
  const participation: Section = section("results-proms-participation", "PROMs: how many of your patients answer", "The share of questionnaires sent after the operation that patients answered, for your hospital against the country. Counts of 1–7 are withheld and others rounded to 5.");
  const gain: Section = section("results-proms-gain", "PROMs: your patients' health gain", "Pain before the operation and 6 months after, adjusted for the pre-operative score, age, sex and ASA grade, against the country. Units with fewer than 30 patients are listed without a value.");
  const load = async (registry: string, kind: string) => {
    await Promise.all([
      fill(participation, async () => {
        const p = await api<Participation>("GET", `/api/v1/proms/participation?${new URLSearchParams({ registry })}`);
        promsFunnelChart(participation.body, participationFunnel(p), chartWidth(participation.card), "proms-participation");
        return `Audience: ${p.audience}.`;
      }),
      fill(gain, async () => {
        const by = kind === "surgeon" ? "clinician" : "provider";
        const g = await api<Gain>("GET", `/api/v1/proms/gain?${new URLSearchParams({ instrument: "PAIN-NRS", by, months: "6", registry })}`);
        promsFunnelChart(gain.body, gainFunnel(g), chartWidth(gain.card), "proms-gain");
        return `${g.national.n} patients in the country's model.`;
      }),
    ]);
  };
  return { cards: [participation.card, gain.card], load };
}
