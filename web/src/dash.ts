// Pieces the dashboard pages share: a titled section with its own status line, the registry
// field (remembered for the tab), a chart width, and the signals table.
import { api, describe } from "./api";
import { h } from "./dom";
import type { SurvivalReport } from "./survival_chart";

export interface Section { card: HTMLElement; body: HTMLElement; status: HTMLElement }

export function section(id: string, title: string, intro = ""): Section {
  const status = h("p", { id: `${id}-status`, role: "status", "aria-live": "polite", class: "hint" });
  const body = h("div", { id });
  const card = h("section", { class: "card dash", "aria-labelledby": `${id}-title` }, h("h2", { id: `${id}-title` }, title), intro ? h("p", { class: "hint" }, intro) : "", status, body);
  return { card, body, status };
}

// Loads into a section: "Loading…", then the body from `fill`, or the error in the status line.
export async function fill(s: Section, load: () => Promise<string | void>): Promise<void> {
  s.status.textContent = "Loading…";
  try {
    s.status.textContent = (await load()) ?? "";
  } catch (e) {
    s.body.replaceChildren();
    s.status.textContent = `Could not load: ${describe(e)}`;
  }
}

const kRegistryKey = "orp.registry";
export function registryField(id: string): HTMLInputElement {
  const input = h("input", { id, class: "short", value: sessionStorage.getItem(kRegistryKey) ?? "MDOR", autocomplete: "off" });
  input.addEventListener("change", () => sessionStorage.setItem(kRegistryKey, input.value.trim()));
  return input;
}

export function field(id: string, label: string, control: HTMLElement): HTMLElement {
  return h("div", { class: "field inline" }, h("label", { for: id }, label), control);
}

export function select(id: string, options: [string, string][], value?: string): HTMLSelectElement {
  const s = h("select", { id }, options.map(([v, text]) => h("option", { value: v }, text)));
  if (value) s.value = value;
  return s;
}

export function chartWidth(el: HTMLElement): number {
  return Math.max(320, Math.min((el.clientWidth || document.getElementById("main")!.clientWidth || 900) - 20, 1050));
}

// Two survival reports as one: the caller's groups as "Yours: …", the national as "National: …".
export function compareReports(own: SurvivalReport, national: SurvivalReport, ownLabel = "Yours"): SurvivalReport {
  return {
    ...national,
    by: `${own.by} (${ownLabel.toLowerCase()} and national)`,
    groups: [
      ...own.groups.map((g) => ({ ...g, group: `${ownLabel}: ${g.group}` })),
      ...national.groups.map((g) => ({ ...g, group: `National: ${g.group}` })),
    ],
  };
}

export interface Signal {
  id: number; registry: string; unit_kind: string; unit: string; method: string; what: string;
  statistic: number | null; threshold: number | null; data_cut: string; first_seen: string; times_seen: number;
  status: string; status_reason: string; evidence?: unknown;
}
export interface SignalPage { items: Signal[]; next_cursor: string | null; total?: number }

export function signalTable(items: Signal[], id: string, link = true): HTMLTableElement {
  return h("table", { class: "data", id },
    h("thead", {}, h("tr", {}, ["Signal", "Registry", "About", "Method", "Finding", "Status", "First seen"].map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, items.map((s) => h("tr", {},
      h("td", {}, link ? h("a", { href: `/signals?id=${s.id}`, "data-link": true }, `#${s.id}`) : `#${s.id}`),
      h("td", {}, s.registry), h("td", {}, `${s.unit_kind} ${s.unit}`), h("td", {}, s.method),
      h("td", {}, s.what), h("td", {}, h("span", { class: "badge", "data-status": s.status }, s.status)), h("td", {}, s.first_seen)))));
}

export async function loadSignals(query: Record<string, string>): Promise<SignalPage> {
  const q = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== ""));
  return api<SignalPage>("GET", `/api/v1/signals?${q}`);
}
