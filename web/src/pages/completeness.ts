// Submission completeness: primaries recorded per provider per month, sorted, filtered and
// paged on the server (GET /api/v1/analytics/completeness). A month with none is marked, so a
// provider that has stopped submitting stands out.
import { api, describe } from "../api";
import { field, registryField, select } from "../dash";
import { h, render } from "../dom";

interface Row { provider: string; sites: number; total: number; last_procedure: string; months_without: number; counts: number[] }
interface Result { data_cut: string; months: string[]; total: number; items: Row[]; next_cursor: string | null }

export function completenessPage(): void {
  const registry = registryField("completeness-registry");
  const months = select("completeness-months", [["12", "12 months"], ["24", "24 months"], ["60", "5 years"]], "12");
  const filter = h("input", { id: "completeness-q", class: "short", placeholder: "ODS code" });
  const status = h("p", { id: "completeness-status", role: "status", "aria-live": "polite" });
  const table = h("div", { id: "completeness", class: "scroll" });
  const previous = h("button", { type: "button", class: "secondary", id: "completeness-previous", disabled: true }, "Previous page");
  const next = h("button", { type: "button", class: "secondary", id: "completeness-next", disabled: true }, "Next page");
  let sort = "-total";
  const cursors: (string | null)[] = [null];
  let page = 0;
  const sortButton = (key: string, label: string) => {
    const active = sort === key || sort === `-${key}`;
    const arrow = !active ? "" : sort.startsWith("-") ? " ↓" : " ↑";
    return h("button", { type: "button", class: "link", "data-sort": key, onclick: () => { sort = sort === `-${key}` ? key : `-${key}`; cursors.length = 1; page = 0; void load(); } }, label + arrow);
  };
  async function load(): Promise<void> {
    status.textContent = "Loading…";
    try {
      const q = new URLSearchParams({ registry: registry.value.trim(), months: months.value, sort, limit: "20" });
      if (filter.value.trim()) q.set("q", filter.value.trim());
      if (cursors[page]) q.set("cursor", cursors[page]!);
      const r = await api<Result>("GET", `/api/v1/analytics/completeness?${q}`);
      cursors[page + 1] = r.next_cursor;
      const ariaSort = (key: string) => (sort === key ? "ascending" : sort === `-${key}` ? "descending" : undefined);
      table.replaceChildren(h("table", { class: "data completeness" },
        h("caption", {}, `Primaries recorded per month, ${r.months[0]} to ${r.months[r.months.length - 1]}; 0 marks a month with none.`),
        h("thead", {}, h("tr", {},
          h("th", { scope: "col", "aria-sort": ariaSort("provider") }, sortButton("provider", "Provider")),
          h("th", { scope: "col" }, "Sites"),
          h("th", { scope: "col", "aria-sort": ariaSort("total") }, sortButton("total", "Total")),
          h("th", { scope: "col", "aria-sort": ariaSort("last") }, sortButton("last", "Latest")),
          h("th", { scope: "col" }, "Months with none"),
          r.months.map((m) => h("th", { scope: "col", class: "month" }, m.slice(2))))),
        h("tbody", {}, r.items.map((p) => h("tr", {},
          h("th", { scope: "row" }, p.provider), h("td", { class: "num" }, p.sites), h("td", { class: "num" }, p.total),
          h("td", {}, p.last_procedure), h("td", { class: "num" }, p.months_without),
          p.counts.map((c) => h("td", { class: c ? "num" : "num none" }, c)))))));
      status.textContent = `${r.total} provider(s); page ${page + 1}. Data cut ${r.data_cut}.`;
      previous.disabled = page === 0;
      next.disabled = !r.next_cursor;
    } catch (e) {
      status.textContent = `Could not load completeness: ${describe(e)}`;
    }
  }
  previous.addEventListener("click", () => { page--; void load(); });
  next.addEventListener("click", () => { page++; void load(); });
  const form = h("form", { class: "filters", "aria-label": "Completeness" },
    field("completeness-registry", "Registry", registry), field("completeness-months", "Period", months), field("completeness-q", "Provider", filter),
    h("button", { type: "submit" }, "Show"));
  form.addEventListener("submit", (e) => { e.preventDefault(); cursors.length = 1; page = 0; void load(); });
  render(h("h1", {}, "Submission completeness"), form, status, table, h("div", { class: "pager" }, previous, next));
  void load();
}
