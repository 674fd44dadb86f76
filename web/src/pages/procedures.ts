// Procedures you may see, newest filters first, paged by the server's cursor (the API returns only
// the rows your roles cover, whatever is asked). "Previous" goes back through the cursors seen.
import { api, describe } from "../api";
import { h, render, tableWrap } from "../dom";

interface Implant { gtin: string | null; other_di: string | null; lot: string; serial: string; laterality: string | null; in_situ: boolean }
interface Procedure {
  id: number; registry: string; procedure_ref: string; date: string; type: string;
  provider_site: string | null; laterality: string | null; indication: string; implants: Implant[];
}
interface Page { items: Procedure[]; next_cursor: string | null }

const kPageSize = 25;

export function proceduresPage(): void {
  const filters = { registry: "", site: "", from: "", to: "" };
  const cursors: (string | null)[] = [null];  // cursors[i] fetches page i
  let page = 0;
  const status = h("p", { id: "procedures-status", role: "status", "aria-live": "polite" });
  const body = h("tbody");
  const previous = h("button", { type: "button", class: "secondary", id: "previous-page", disabled: true }, "Previous page");
  const next = h("button", { type: "button", class: "secondary", id: "next-page", disabled: true }, "Next page");

  async function load(): Promise<void> {
    const q = new URLSearchParams({ limit: String(kPageSize) });
    for (const [k, v] of Object.entries(filters)) if (v) q.set(k, v);
    const cursor = cursors[page];
    if (cursor) q.set("cursor", cursor);
    status.textContent = "Loading…";
    try {
      const result = await api<Page>("GET", `/api/v1/procedures?${q}`);
      cursors[page + 1] = result.next_cursor;
      body.replaceChildren(...result.items.map((p) => h("tr", {},
        h("td", {}, p.date), h("td", {}, p.registry), h("td", {}, p.procedure_ref), h("td", {}, p.type),
        h("td", {}, p.provider_site ?? "—"), h("td", {}, p.laterality ?? "—"),
        h("td", { class: "num" }, p.implants.length))));
      status.textContent = result.items.length ? `Page ${page + 1}: ${result.items.length} procedures.` : "No procedures match.";
      previous.disabled = page === 0;
      next.disabled = !result.next_cursor;
    } catch (e) {
      status.textContent = `Could not load procedures: ${describe(e)}`;
    }
  }
  previous.addEventListener("click", () => { page = Math.max(0, page - 1); void load(); });
  next.addEventListener("click", () => { page += 1; void load(); });

  const input = (name: keyof typeof filters, label: string, type = "text") =>
    h("div", { class: "field inline" }, h("label", { for: `filter-${name}` }, label),
      h("input", { id: `filter-${name}`, type, onchange: (e: Event) => { filters[name] = (e.target as HTMLInputElement).value.trim(); } }));
  const form = h("form", { class: "filters", "aria-label": "Filter procedures" },
    input("registry", "Registry"), input("site", "Site (ODS code)"), input("from", "From", "date"), input("to", "To", "date"),
    h("button", { type: "submit" }, "Apply"));
  form.addEventListener("submit", (e) => { e.preventDefault(); cursors.length = 1; page = 0; void load(); });

  render(
    h("h1", {}, "Procedures"),
    form,
    status,
    tableWrap("Procedures",
      h("table", { id: "procedures" },
        h("caption", { class: "visually-hidden" }, "Procedures you may see, in the order the registry received them"),
        h("thead", {}, h("tr", {}, ["Date", "Registry", "Reference", "Type", "Site", "Side", "Implants"].map((c) => h("th", { scope: "col" }, c)))),
        body)),
    h("div", { class: "pager" }, previous, next),
  );
  void load();
}
