// The rest of a patient's page (after "My implants"): any recall on a device they carry and what
// to do; how each of their devices performs nationally beside its class (public figures: small
// counts hidden); and who has looked at their record (roles and purposes, not staff names).
import { api } from "../api";
import { fill, section } from "../dash";
import { h } from "../dom";
import type { AtPoint, SurvivalGroup } from "../survival_data";

interface PatientRecall { reference: string; title: string; fsn_reference: string; recall_status: string; your_stage: string; outcome: string | null; responsible_provider: string; what_to_do: string }
interface Performance { registry: string; implant: number; gtin: string | null; device: string | null; device_type: string | null; model: SurvivalGroup | null; class: SurvivalGroup | null; data_cut: string }
interface AuditEntry { seq: number; at: string; role: string; action: string; purpose: string; outcome: string }

const pct = (v: number | null | undefined) => (v === null || v === undefined ? null : `${(v * 100).toFixed(1)}%`);
function atText(a: AtPoint | undefined): string {
  if (!a) return "—";
  const s = pct(a.surv);
  if (!s) return "not enough patients to say";
  return a.lower !== null && a.upper !== null ? `${s} (${pct(a.lower)} to ${pct(a.upper)})` : s;
}

function performanceTable(p: Performance, i: number): HTMLElement {
  const years = [...new Set([...(p.model?.at ?? []), ...(p.class?.at ?? [])].map((a) => a.years))].sort((a, b) => a - b);
  const row = (label: string, g: SurvivalGroup | null) => h("tr", {}, h("th", { scope: "row" }, label), years.map((y) => h("td", {}, atText(g?.at.find((a) => a.years === y)))));
  return h("div", { class: "card" },
    h("h3", {}, p.device ?? `Device ${p.gtin ?? "not identified"}`),
    h("table", { class: "data", id: `performance-${i}` },
      h("caption", {}, `Share of these implants still in place (not revised) after each number of years, with the 95% range; registry ${p.registry}, data to ${p.data_cut}.`),
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Devices"), years.map((y) => h("th", { scope: "col" }, `${y} year${y === 1 ? "" : "s"}`)))),
      h("tbody", {}, row("This model", p.model), row(`All ${p.device_type ?? "devices of this type"}`, p.class))));
}

export async function patientExtras(patient: string, into: HTMLElement): Promise<void> {
  const recalls = section("my-recalls", "Recalls", "If a device you carry is recalled, this says what to do. Most recalls need only a check at your next appointment.");
  const performance = section("my-performance", "How your devices perform", "Figures for everyone in the registry with the same device, beside all devices of its type. Small numbers are hidden to protect privacy.");
  const audit = section("my-audit", "Who has looked at my record", "Each time someone used your record: their role, what they did and why. Names of staff are not shown.");
  into.append(recalls.card, performance.card, audit.card);
  await Promise.all([
    fill(recalls, async () => {
      const r = await api<{ recalls: PatientRecall[] }>("GET", `/api/v1/patients/${patient}/recalls`);
      recalls.body.replaceChildren(r.recalls.length ? h("ul", { class: "cards", id: "my-recall-list" }, r.recalls.map((c) => h("li", { class: "card recall" },
        h("h3", {}, c.title), h("p", { class: "what-to-do" }, c.what_to_do),
        h("dl", { class: "details" }, h("dt", {}, "Reference"), h("dd", {}, c.reference), h("dt", {}, "Your hospital"), h("dd", {}, c.responsible_provider || "—"),
          h("dt", {}, "Where you are"), h("dd", {}, c.your_stage), h("dt", {}, "Outcome"), h("dd", {}, c.outcome ?? "not yet"))))) : h("p", {}, "None of your devices is recalled."));
    }),
    fill(performance, async () => {
      const r = await api<{ items: Performance[] }>("GET", `/api/v1/patients/${patient}/device-performance`);
      performance.body.replaceChildren(...(r.items.length ? r.items.map(performanceTable) : [h("p", {}, "No devices to show.")]));
    }),
    fill(audit, async () => {
      const r = await api<{ items: AuditEntry[]; next_cursor: string | null }>("GET", `/api/v1/patients/${patient}/audit?limit=50`);
      audit.body.replaceChildren(h("table", { class: "data", id: "my-audit-table" },
        h("thead", {}, h("tr", {}, ["When", "Role", "What", "Why"].map((c) => h("th", { scope: "col" }, c)))),
        h("tbody", {}, r.items.map((e) => h("tr", {}, h("td", {}, e.at.replace("T", " ").replace("Z", "")), h("td", {}, e.role), h("td", {}, e.action), h("td", {}, e.purpose || "—"))))));
      return r.next_cursor ? "The 50 oldest entries." : `${r.items.length} entries.`;
    }),
  ]);
}
