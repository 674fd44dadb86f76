// Device performance for the public (web, #9), no sign-in: national survival by device type,
// brand, manufacturer or model at the public audience (GET /api/v1/public/device-performance:
// small counts suppressed, others rounded to 5, estimates of small groups withheld). Never by
// hospital or surgeon. Linked from the sign-in page.
import { api } from "../api";
import { chartWidth, field, fill, section, select } from "../dash";
import { h, render } from "../dom";
import { survivalChart, type SurvivalReport } from "../survival_chart";

interface Registries { registries: { code: string; name: string }[] }

export async function publicPage(): Promise<void> {
  document.title = "Device performance · ORP";
  const registry = select("public-registry", []);
  const by = select("public-by", [["device_type", "Device type"], ["brand", "Brand"], ["manufacturer", "Manufacturer"], ["model", "Model"]]);
  const survival = section("public-survival", "Survival of implanted devices",
    "The share of implants not yet revised (replaced) at each time, Kaplan–Meier, with a 95% confidence band. Counts are rounded to 5, counts of 1–7 show as *, and estimates for small groups are withheld, so no patient can be identified.");
  const form = h("form", { class: "filters", "aria-label": "Device performance" },
    field("public-registry", "Registry", registry), field("public-by", "By", by), h("button", { type: "submit" }, "Show"));
  async function load(): Promise<void> {
    await fill(survival, async () => {
      const q = new URLSearchParams({ registry: registry.value, by: by.value });
      const report = await api<SurvivalReport>("GET", `/api/v1/public/device-performance?${q}`);
      survivalChart(survival.body, report, chartWidth(survival.card));
      return `${report.groups.length} group(s); data up to ${report.data_cut}.`;
    });
  }
  form.addEventListener("submit", (e) => { e.preventDefault(); void load(); });
  render(h("h1", {}, "How implanted devices perform"),
    h("p", {}, "National figures from the registry, open to everyone. ", h("a", { href: "/login", "data-link": true }, "Sign in"), " for your own records."),
    form, survival.card);
  try {
    const list = await api<Registries>("GET", "/api/v1/public/device-performance");
    registry.replaceChildren(...list.registries.map((r) => h("option", { value: r.code }, `${r.name} (${r.code})`)));
    // The devices registry (MDOR) first when there is one: it covers every implanted device.
    if (list.registries.some((r) => r.code === "MDOR")) registry.value = "MDOR";
  } catch {
    registry.replaceChildren(h("option", { value: "MDOR" }, "MDOR"));
  }
  void load();
}
