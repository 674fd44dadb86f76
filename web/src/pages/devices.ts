// A manufacturer's devices: survival of each of its models beside its class (every implant of
// that registry and device type, public audience), and the signals about its devices. No
// patient data: the survival route gives a manufacturer its own devices with disclosure control.
import { api } from "../api";
import { chartWidth, compareReports, field, fill, loadSignals, registryField, section, select, signalTable } from "../dash";
import { h, render } from "../dom";
import { survivalChart, type SurvivalReport } from "../survival_chart";
import { recallStatusSection } from "./recall_status";

export function devicesPage(): void {
  const registry = registryField("devices-registry");
  const by = select("devices-by", [["model", "Model"], ["brand", "Brand"]]);
  const survival = section("devices-survival", "Your devices against their class", "Kaplan–Meier survival of your devices beside every device of the same type in the registry; counts rounded to 5, 1–7 shown as *.");
  const signals = section("devices-signals", "Signals about your devices", "Outlier findings on your models and brands (NJR PTIR, AOANJRR screen, maxSPRT) and where each is in review.");
  const form = h("form", { class: "filters", "aria-label": "Device performance" }, field("devices-registry", "Registry", registry), field("devices-by", "By", by), h("button", { type: "submit" }, "Show"));
  async function load(): Promise<void> {
    const r = registry.value.trim();
    await Promise.all([
      fill(survival, async () => {
        const [mine, nation] = await Promise.all([
          api<SurvivalReport>("GET", `/api/v1/analytics/survival?${new URLSearchParams({ registry: r, by: by.value })}`),
          api<SurvivalReport>("GET", `/api/v1/analytics/benchmark?${new URLSearchParams({ registry: r, by: "device_type" })}`),
        ]);
        survivalChart(survival.body, compareReports(mine, nation), chartWidth(survival.card));
        return `${mine.groups.length} of your ${by.value}s; data cut ${nation.data_cut}.`;
      }),
      fill(signals, async () => {
        const [models, brands] = await Promise.all([loadSignals({ registry: r, unit_kind: "device-model", limit: "50" }), loadSignals({ registry: r, unit_kind: "brand", limit: "50" })]);
        const items = [...models.items, ...brands.items];
        signals.body.replaceChildren(items.length ? signalTable(items, "devices-signal-table") : h("p", {}, "No signals about your devices."));
        return `${items.length} signal(s).`;
      }),
    ]);
  }
  form.addEventListener("submit", (e) => { e.preventDefault(); void load(); });
  render(h("h1", {}, "Your devices"), form, survival.card, signals.card, recallStatusSection().card);
  void load();
}
