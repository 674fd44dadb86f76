// Funnel plots for analysts and the regulator (every unit named) and for anyone else with
// analytics (their own units highlighted, the rest anonymised): revision or 90-day mortality,
// by hospital or surgeon, over 5 or 10 years, with the outliers listed; and any unit's CUSUM.
import { api, describe } from "../api";
import { cusumChart } from "../cusum_chart";
import { chartWidth, field, registryField, select } from "../dash";
import { h, render } from "../dom";
import { funnelChart } from "../funnel_chart";
import { outliers, type CusumReport, type FunnelReport } from "../funnel_data";

export function funnelsPage(): void {
  const registry = registryField("funnels-registry");
  const kind = select("funnels-kind", [["hospital", "Hospitals"], ["surgeon", "Surgeons"]]);
  const metric = select("funnels-metric", [["revision", "Revision"], ["mortality", "90-day mortality"]]);
  const years = select("funnels-years", [["5", "5 years"], ["10", "10 years"]]);
  const floor = select("funnels-floor", [["1", "1 (as surveillance)"], ["0.5", "0.5"], ["0.1", "0.1 (small registries)"]]);
  const status = h("p", { id: "funnels-status", role: "status", "aria-live": "polite" });
  const area = h("div", { id: "funnels-chart", class: "card" });
  const unit = h("input", { id: "cusum-unit", class: "short", placeholder: "GMC or site" });
  const cusumArea = h("div", { id: "funnels-cusum" });
  const cusumStatus = h("p", { id: "funnels-cusum-status", role: "status", "aria-live": "polite" });
  const form = h("form", { class: "filters", "aria-label": "Funnel plot" },
    field("funnels-registry", "Registry", registry), field("funnels-kind", "Units", kind), field("funnels-metric", "Outcome", metric),
    field("funnels-years", "Window", years), field("funnels-floor", "Fewest expected events", floor), h("button", { type: "submit" }, "Show"));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    status.textContent = "Loading…";
    try {
      const q = new URLSearchParams({ registry: registry.value.trim(), unit_kind: kind.value, metric: metric.value, years: years.value, min_expected: floor.value });
      const report = await api<FunnelReport>("GET", `/api/v1/analytics/funnel?${q}`);
      funnelChart(area, report, chartWidth(area));
      const out = outliers(report);
      status.textContent = `${report.points.length} units plotted (${report.audience} audience), ${out.length} outside the 95% limits, data cut ${report.data_cut}.`;
    } catch (err) {
      status.textContent = `Could not load the funnel plot: ${describe(err)}`;
    }
  });
  const cusumForm = h("form", { class: "filters", "aria-label": "CUSUM chart" }, field("cusum-unit", "Unit for a CUSUM chart", unit), h("button", { type: "submit" }, "Chart"));
  cusumForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    cusumStatus.textContent = "Loading…";
    try {
      const q = new URLSearchParams({ registry: registry.value.trim(), unit_kind: kind.value, unit: unit.value.trim() });
      cusumChart(cusumArea, await api<CusumReport>("GET", `/api/v1/analytics/cusum?${q}`), chartWidth(area));
      cusumStatus.textContent = "";
    } catch (err) {
      cusumStatus.textContent = `Could not load the CUSUM: ${describe(err)}`;
    }
  });
  render(h("h1", {}, "Funnel plots"), form, status, area, cusumForm, cusumStatus, cusumArea);
}
