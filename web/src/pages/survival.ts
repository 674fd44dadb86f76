// Survival by group: the chart and numbers at risk for a registry, from the analytics route, or
// from a saved report file (`orp survival --db … --format json > report.json`) opened here.
import { api, describe } from "../api";
import { h, render } from "../dom";
import { survivalChart, type SurvivalReport } from "../survival_chart";

export function survivalPage(): void {
  const status = h("p", { id: "survival-status", role: "status", "aria-live": "polite" });
  const area = h("div", { id: "survival-chart" });
  const registry = h("input", { id: "survival-registry", value: "MDOR", class: "short" });
  const by = h("select", { id: "survival-by" }, ["model", "brand", "manufacturer", "provider", "site"].map((b) => h("option", { value: b }, b)));
  const file = h("input", { id: "survival-file", type: "file", accept: ".json,application/json" });

  const show = (report: SurvivalReport, source: string) => {
    if (!Array.isArray(report.groups)) throw new Error("not a survival report: it has no groups");
    status.textContent = `${report.groups.length} group${report.groups.length === 1 ? "" : "s"} by ${report.by}, registry ${report.registry}, data cut ${report.data_cut} (${source}).`;
    survivalChart(area, report, Math.max(320, Math.min(area.clientWidth || 900, 1100)));
  };
  const form = h("form", { class: "filters", "aria-label": "Survival analysis" },
    h("div", { class: "field inline" }, h("label", { for: "survival-registry" }, "Registry"), registry),
    h("div", { class: "field inline" }, h("label", { for: "survival-by" }, "By"), by),
    h("button", { type: "submit" }, "Show"));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    status.textContent = "Loading…";
    try {
      const q = new URLSearchParams({ registry: registry.value.trim(), by: by.value });
      show(await api<SurvivalReport>("GET", `/api/v1/analytics/survival?${q}`), "from the registry");
    } catch (err) {
      status.textContent = `Could not load the analysis: ${describe(err)}`;
    }
  });
  file.addEventListener("change", async () => {
    const f = file.files?.[0];
    if (!f) return;
    try {
      show(JSON.parse(await f.text()) as SurvivalReport, `from ${f.name}`);
    } catch (err) {
      status.textContent = `Could not read ${f.name}: ${describe(err)}`;
    }
  });
  render(
    h("h1", {}, "Implant survival"),
    form,
    h("div", { class: "field" }, h("label", { for: "survival-file" }, "Or open a saved report (orp survival --format json)"), file),
    status,
    area,
  );
}
