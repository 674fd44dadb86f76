// The feedback report for a surgeon or a hospital (provider@, clinician@): survival of their
// implants beside the national curve of each device class, with numbers at risk; their place on
// the funnel plots of revision and 90-day mortality; the CUSUM of each of their units; signals
// about them; their recall work. Prints cleanly to PDF (print CSS in style.css: no navigation or
// controls, sections kept whole).
import { api, hasRole, type Session } from "../api";
import { cusumChart } from "../cusum_chart";
import { chartWidth, compareReports, field, fill, loadSignals, registryField, section, select, signalTable } from "../dash";
import { h, render } from "../dom";
import { funnelChart } from "../funnel_chart";
import type { CusumReport, FunnelReport } from "../funnel_data";
import { survivalChart, type SurvivalReport } from "../survival_chart";
import { promsSections } from "../proms_charts";

interface RecallSummary { reference: string; title: string; status: string; counts: Record<string, number> }

export function resultsPage(session: Session): void {
  const clinician = hasRole(session, "clinician") && !hasRole(session, "provider");
  const registry = registryField("results-registry");
  const kind = select("results-kind", [["hospital", "Hospital (site)"], ["surgeon", "Surgeon"]], clinician ? "surgeon" : "hospital");
  const years = select("results-years", [["5", "Last 5 years"], ["10", "Last 10 years"]]);
  const floor = select("results-floor", [["1", "1 (as surveillance)"], ["0.1", "0.1 (small registries)"]]);
  const survival = section("results-survival", "Survival of your implants against the nation", "Kaplan–Meier implant survival of your implants by device class beside every implant of that class in the registry, with 95% confidence bands; numbers at risk beneath. Counts are rounded to 5, 1–7 shown as *.");
  const revision = section("results-funnel-revision", "Revision: your place on the funnel plot", "Observed revisions over those expected for your case mix (age, sex, ASA grade, indication). Other units are anonymised.");
  const mortality = section("results-funnel-mortality", "90-day mortality: your place on the funnel plot", "Observed deaths within 90 days over those expected for your case mix (age, sex, ASA grade).");
  const cusum = section("results-cusum", "CUSUM of revision within a year", "A running sum that rises with each early revision more than expected and falls otherwise; crossing the limit h calls for a look.");
  const signals = section("results-signals", "Signals about you", "Findings of the registry's surveillance about your units, and where each is in review.");
  const recalls = section("results-recalls", "Your recall work", "Recall campaigns with patients you are responsible for.");
  const proms = promsSections();  // proms (#11): participation and health gain
  const stamp = h("p", { id: "results-stamp", class: "hint" });
  const form = h("form", { class: "filters", "aria-label": "Report options" },
    field("results-registry", "Registry", registry), field("results-kind", "Units", kind), field("results-years", "Window", years), field("results-floor", "Fewest expected events", floor),
    h("button", { type: "submit" }, "Show"), " ",
    h("button", { type: "button", class: "secondary", id: "results-print", onclick: () => window.print() }, "Print or save as PDF"));

  async function load(): Promise<void> {
    const r = registry.value.trim();
    stamp.textContent = `Registry ${r} · report made ${new Date().toISOString().slice(0, 10)} for ${session.username} (${session.roles.join(", ")})`;
    const funnel = (metric: string) => api<FunnelReport>("GET", `/api/v1/analytics/funnel?${new URLSearchParams({ registry: r, unit_kind: kind.value, metric, years: years.value, min_expected: floor.value })}`);
    const own: string[] = [];
    await Promise.all([
      proms.load(r, kind.value),
      fill(survival, async () => {
        const [mine, nation] = await Promise.all([
          api<SurvivalReport>("GET", `/api/v1/analytics/survival?${new URLSearchParams({ registry: r, by: "device_type", times: "1,3,5,10" })}`),
          api<SurvivalReport>("GET", `/api/v1/analytics/benchmark?${new URLSearchParams({ registry: r, by: "device_type" })}`),
        ]);
        survivalChart(survival.body, compareReports(mine, nation), chartWidth(survival.card));
        return `Data cut ${nation.data_cut}.`;
      }),
      fill(revision, async () => {
        const f = await funnel("revision");
        f.points.filter((p) => p.own && p.unit).forEach((p) => own.push(p.unit!));
        funnelChart(revision.body, f, chartWidth(revision.card), "funnel-revision");
        return `${f.points.length} units plotted, data cut ${f.data_cut}.`;
      }),
      fill(mortality, async () => {
        const f = await funnel("mortality");
        funnelChart(mortality.body, f, chartWidth(mortality.card), "funnel-mortality");
        return `${f.points.length} units plotted, data cut ${f.data_cut}.`;
      }),
      fill(signals, async () => {
        const page = await loadSignals({ registry: r, unit_kind: kind.value, limit: "50" });
        signals.body.replaceChildren(page.items.length ? signalTable(page.items, "results-signal-table") : h("p", {}, "No signals about your units."));
        return `${page.items.length}${page.next_cursor ? "+" : ""} signal(s).`;
      }),
      fill(recalls, async () => {
        if (!hasRole(session, "provider")) {
          recalls.body.replaceChildren(h("p", {}, "Recall work lists are kept by providers (hospital trusts)."));
          return;
        }
        const list = await api<{ items: RecallSummary[] }>("GET", "/api/v1/recalls");
        recalls.body.replaceChildren(list.items.length ? h("table", { class: "data" },
          h("thead", {}, h("tr", {}, ["Recall", "Title", "Status", "Your patients", "Contacted", "Reviewed", "Concluded"].map((c) => h("th", { scope: "col" }, c)))),
          h("tbody", {}, list.items.map((c) => h("tr", {},
            h("td", {}, h("a", { href: `/recall-work?ref=${encodeURIComponent(c.reference)}`, "data-link": true }, c.reference)),
            h("td", {}, c.title), h("td", {}, c.status), h("td", { class: "num" }, c.counts.patients), h("td", { class: "num" }, c.counts.contacted),
            h("td", { class: "num" }, c.counts.reviewed), h("td", { class: "num" }, c.counts.concluded)))))
          : h("p", {}, "No recall has patients you are responsible for."));
      }),
    ]);
    await fill(cusum, async () => {
      const gmc = session.roles.find((x) => x.startsWith("clinician@"))?.slice("clinician@".length);
      const units = own.length ? own : kind.value === "surgeon" && gmc ? [gmc] : [];
      if (!units.length) {
        cusum.body.replaceChildren(h("p", {}, "None of your units is on the funnel plot, so there is no chart to show."));
        return;
      }
      const charts = await Promise.all(units.slice(0, 6).map((u) =>
        api<CusumReport>("GET", `/api/v1/analytics/cusum?${new URLSearchParams({ registry: r, unit_kind: kind.value, unit: u })}`)));
      cusum.body.replaceChildren(...charts.map((c, i) => {
        const box = h("div", { class: "cusum", id: `cusum-${i}` });
        cusumChart(box, c, chartWidth(cusum.card));
        return box;
      }));
      return units.length > 6 ? `The first 6 of your ${units.length} units.` : "";
    });
  }
  form.addEventListener("submit", (e) => { e.preventDefault(); void load(); });
  render(h("h1", {}, "Feedback report"), stamp, form, survival.card, revision.card, mortality.card, cusum.card, signals.card, recalls.card, ...proms.cards);
  void load();
}
