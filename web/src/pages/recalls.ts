// Recall campaigns for the regulator (list, open, create; counts per provider) and for a
// manufacturer (create on its own devices; the answer has counts per provider, never patients).
import { api, describe, hasRole, type Session } from "../api";
import { h, render } from "../dom";

type Counts = Record<string, number>;
interface Campaign { reference: string; fsn_reference: string; title: string; status: string; counts?: Counts; overall?: Counts; by_provider?: Record<string, Counts>; patients?: { provider: string; stage: string }[] }

const kStages = ["patients", "contacted", "reviewed", "concluded", "explanted"];

function providerTable(byProvider: Record<string, Counts>, id: string): HTMLTableElement {
  return h("table", { class: "data", id },
    h("caption", {}, "Patients per responsible provider and how far each has got."),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Provider"), kStages.map((s) => h("th", { scope: "col" }, s)))),
    h("tbody", {}, Object.entries(byProvider).sort(([a], [b]) => a.localeCompare(b)).map(([p, c]) =>
      h("tr", {}, h("th", { scope: "row" }, p || "(none)"), kStages.map((s) => h("td", { class: "num" }, c[s] ?? 0))))));
}

// Counts per provider from a campaign's patients (the regulator sees them all).
function countByProvider(patients: { provider: string; stage: string }[]): Record<string, Counts> {
  const out: Record<string, Counts> = {};
  const order = ["identified", "contacted", "reviewed", "concluded"];
  for (const p of patients) {
    const c = (out[p.provider] ??= { patients: 0, contacted: 0, reviewed: 0, concluded: 0 });
    c.patients++;
    const reached = order.indexOf(p.stage);
    if (reached >= 1) c.contacted++;
    if (reached >= 2) c.reviewed++;
    if (reached >= 3) c.concluded++;
  }
  return out;
}

function createForm(done: (c: Campaign) => void): HTMLElement {
  const input = (id: string, label: string, hint = "") => {
    const el = h("input", { id, autocomplete: "off" });
    return [el, h("div", { class: "field" }, h("label", { for: id }, label), hint ? h("p", { class: "hint", id: `${id}-hint` }, hint) : "", el)] as const;
  };
  const [reference, f1] = input("recall-reference", "Reference", "e.g. R-2026-004");
  const [fsn, f2] = input("recall-fsn", "Field safety notice");
  const [title, f3] = input("recall-title", "Title");
  const [devices, f4] = input("recall-devices", "Device identifiers (GTIN or HIBCC DI)", "Separate several with commas.");
  const [lots, f5] = input("recall-lots", "Lots (optional)", "Separate several with commas.");
  const status = h("p", { id: "recall-create-status", role: "status", "aria-live": "polite" });
  const form = h("form", { class: "card", id: "recall-create", "aria-label": "Create a recall" }, h("h2", {}, "Create a recall"), f1, f2, f3, f4, f5, h("button", { type: "submit" }, "Create"), status);
  const list = (s: string) => s.split(",").map((x) => x.trim()).filter(Boolean);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    status.textContent = "Creating…";
    try {
      const criteria: Record<string, unknown> = { devices: list(devices.value) };
      if (list(lots.value).length) criteria.lots = list(lots.value);
      const c = await api<Campaign>("POST", "/api/v1/recalls", { reference: reference.value.trim(), fsn_reference: fsn.value.trim(), title: title.value.trim(), criteria });
      status.textContent = `Created ${c.reference}: ${c.overall?.patients ?? 0} patient(s).`;
      done(c);
    } catch (err) {
      status.textContent = `Not created: ${describe(err)}`;
    }
  });
  return form;
}

export async function recallsPage(session: Session): Promise<void> {
  const status = h("p", { id: "recalls-status", role: "status", "aria-live": "polite" });
  const list = h("div", { id: "recalls-list" });
  const detail = h("div", { id: "recalls-detail", class: "card" });
  const regulator = hasRole(session, "regulator");
  const showCreated = (c: Campaign) => {
    detail.replaceChildren(h("h2", {}, `${c.reference} — ${c.title}`), providerTable(c.by_provider ?? {}, "recall-providers"));
    if (regulator) void load();
  };
  async function open(ref: string): Promise<void> {
    try {
      const c = await api<Campaign>("GET", `/api/v1/recalls/${encodeURIComponent(ref)}`);
      detail.replaceChildren(h("h2", {}, `${c.reference} — ${c.title}`), h("p", { class: "hint" }, `Field safety notice ${c.fsn_reference || "—"} · ${c.status}`),
        providerTable(countByProvider(c.patients ?? []), "recall-providers"));
    } catch (e) {
      detail.replaceChildren(h("p", {}, `Could not open ${ref}: ${describe(e)}`));
    }
  }
  async function load(): Promise<void> {
    status.textContent = "Loading…";
    try {
      const r = await api<{ items: Campaign[] }>("GET", "/api/v1/recalls");
      list.replaceChildren(h("table", { class: "data", id: "recalls-table" },
        h("thead", {}, h("tr", {}, ["Recall", "Title", "Status", "Patients", "Contacted", "Concluded"].map((c) => h("th", { scope: "col" }, c)))),
        h("tbody", {}, r.items.map((c) => h("tr", {},
          h("td", {}, h("button", { type: "button", class: "link", onclick: () => void open(c.reference) }, c.reference)),
          h("td", {}, c.title), h("td", {}, c.status), h("td", { class: "num" }, c.counts?.patients ?? 0),
          h("td", { class: "num" }, c.counts?.contacted ?? 0), h("td", { class: "num" }, c.counts?.concluded ?? 0))))));
      status.textContent = `${r.items.length} recall campaign(s).`;
    } catch (e) {
      status.textContent = `Could not load recalls: ${describe(e)}`;
    }
  }
  render(h("h1", {}, "Recall campaigns"), status, list, detail, createForm(showCreated));
  if (regulator) await load();
  else status.textContent = "You may create a recall on your own devices; you are told how many patients each provider has, never who.";
}
