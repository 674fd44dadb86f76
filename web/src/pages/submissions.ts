// Submission history and the records waiting for a fix (web, #9), for theatre and data staff:
// the organisation's submissions newest first (GET /api/v1/submissions) and the findings of
// procedures rejected and not yet sent again successfully (GET /api/v1/submissions/waiting).
// Both are keyset paged on the server; the page keeps the cursors it has seen for "Previous".
import { api, describe } from "../api";
import { h, render } from "../dom";

interface Summary {
  id: number; received_at: string; by: string | null; source: string; registry: string; status: string;
  procedures: { received: number; accepted: number; rejected: number };
  findings: { errors: number; warnings: number };
}
interface Waiting { submission: number; received_at: string; row: number; procedure_ref: string; field: string; rule: string; severity: string; message: string }
interface Page<T> { organisation: string; next_cursor: string | null; submissions?: T[]; findings?: T[] }

// A paged table: `fetchPage(cursor)` loads one page, `rows` draws it.
function pagedTable<T>(id: string, path: string, key: "submissions" | "findings", caption: string,
  head: string[], row: (item: T) => HTMLTableRowElement, empty: string): HTMLElement {
  const status = h("p", { id: `${id}-status`, role: "status", "aria-live": "polite" });
  const table = h("div", { id, class: "scroll" });
  const previous = h("button", { type: "button", class: "secondary", id: `${id}-previous`, disabled: true }, "Previous page");
  const next = h("button", { type: "button", class: "secondary", id: `${id}-next`, disabled: true }, "Next page");
  const cursors: (string | null)[] = [null];
  let page = 0;
  async function load(): Promise<void> {
    status.textContent = "Loading…";
    try {
      const q = new URLSearchParams({ limit: "20" });
      if (cursors[page]) q.set("cursor", cursors[page]!);
      const r = await api<Page<T>>("GET", `${path}?${q}`);
      cursors[page + 1] = r.next_cursor;
      const items = (r[key] ?? []) as T[];
      table.replaceChildren(items.length === 0 ? h("p", {}, empty) : h("table", { class: "data" },
        h("caption", {}, `${caption} (${r.organisation})`),
        h("thead", {}, h("tr", {}, head.map((c) => h("th", { scope: "col" }, c)))),
        h("tbody", {}, items.map(row))));
      status.textContent = `Page ${page + 1}.`;
      previous.disabled = page === 0;
      next.disabled = !r.next_cursor;
    } catch (e) {
      status.textContent = `Could not load: ${describe(e)}`;
    }
  }
  previous.addEventListener("click", () => { page--; void load(); });
  next.addEventListener("click", () => { page++; void load(); });
  void load();
  return h("div", {}, status, table, h("div", { class: "pager" }, previous, next));
}

const when = (iso: string) => iso.replace("T", " ").replace("Z", " UTC");

function historyRow(s: Summary): HTMLTableRowElement {
  return h("tr", {},
    h("th", { scope: "row" }, String(s.id)), h("td", {}, when(s.received_at)),
    h("td", {}, s.by ?? "file load"), h("td", {}, s.source), h("td", {}, s.registry || "several"),
    h("td", {}, s.status), h("td", { class: "num" }, s.procedures.accepted),
    h("td", { class: "num" }, s.procedures.rejected), h("td", { class: "num" }, s.findings.warnings));
}

function waitingRow(w: Waiting): HTMLTableRowElement {
  return h("tr", {},
    h("th", { scope: "row" }, w.procedure_ref), h("td", {}, `${w.submission} (${when(w.received_at)})`),
    h("td", { class: "num" }, w.row), h("td", {}, w.field), h("td", {}, w.severity), h("td", {}, w.message));
}

export function submissionsPage(): void {
  render(
    h("h1", {}, "Submissions"),
    h("h2", {}, "Records waiting for a fix"),
    h("p", {}, "Procedures rejected and not yet sent again successfully. Correct them and send them again with ",
      h("a", { href: "/record", "data-link": true }, "Record a procedure"), " or ", h("a", { href: "/upload", "data-link": true }, "Upload a file"), "."),
    pagedTable<Waiting>("waiting", "/api/v1/submissions/waiting", "findings", "Findings of rejected procedures",
      ["Procedure", "Submission", "Row", "Field", "Severity", "What to fix"], waitingRow, "Nothing is waiting for a fix."),
    h("h2", {}, "Submission history"),
    pagedTable<Summary>("history", "/api/v1/submissions", "submissions", "Submissions, newest first",
      ["Receipt", "Received", "By", "Source", "Registry", "Status", "Accepted", "Rejected", "Warnings"], historyRow, "No submissions yet."),
  );
}
