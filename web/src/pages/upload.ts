// Upload a file of procedures (CSV, NDJSON or a JSON array; docs/submission-format.md): a dry run
// first (POST /api/v1/submissions?dry_run=true: validated as a real submission, nothing
// stored), its findings in a table that sorts, filters and downloads as CSV, then the real
// submission with an Idempotency-Key made when the file was chosen (a second click, or a retry
// after a lost answer, returns the first receipt instead of storing the file twice).
// With ?submission=ID the page shows that stored submission's receipt and findings
// (GET /api/v1/submissions/{id}).
import { api, apiSend, describe, newIdempotencyKey, type Session } from "../api";
import { details, h, render, tableWrap } from "../dom";
import { contentTypeFor, filterFindings, findingsCsv, kFindingColumns, sortFindings, type FindingColumn, type TableFinding } from "../findings_table";

interface Receipt { submission_id?: number | null; status: string; dry_run?: boolean; procedures: { received: number; accepted: number; rejected: number }; findings?: TableFinding[] }
const kShownRows = 500;

// The findings table with its controls; `findings` is the whole list.
function findingsView(findings: TableFinding[], fileStem: string): HTMLElement {
  let column: FindingColumn = "row", ascending = true;
  const filter = h("input", { id: "findings-filter", type: "search", "aria-describedby": "findings-count" });
  const severity = h("select", { id: "findings-severity" }, h("option", { value: "" }, "Any"), h("option", { value: "error" }, "Errors"), h("option", { value: "warning" }, "Warnings"), h("option", { value: "info" }, "Information"));
  const count = h("p", { id: "findings-count", role: "status", "aria-live": "polite" });
  const headRow = h("tr", {});
  const body = h("tbody", {});
  const draw = () => {
    const shown = sortFindings(filterFindings(findings, filter.value, severity.value), column, ascending);
    count.textContent = `Showing ${Math.min(shown.length, kShownRows)} of ${shown.length} finding${shown.length === 1 ? "" : "s"}${shown.length !== findings.length ? ` (${findings.length} in all)` : ""}.`;
    body.replaceChildren(...shown.slice(0, kShownRows).map((f) => h("tr", { class: `severity-${f.severity}` }, kFindingColumns.map(([c]) => h("td", {}, String(f[c] ?? ""))))));
    headRow.replaceChildren(...kFindingColumns.map(([c, title]) =>
      h("th", { scope: "col", "aria-sort": c === column ? (ascending ? "ascending" : "descending") : "none" },
        h("button", { type: "button", class: "sort", "data-column": c, onclick: () => { ascending = c === column ? !ascending : true; column = c; draw(); } }, title, c === column ? (ascending ? " ▲" : " ▼") : ""))));
  };
  filter.addEventListener("input", draw);
  severity.addEventListener("change", draw);
  const download = h("button", { type: "button", class: "secondary", id: "findings-download", onclick: () => {
    const shown = sortFindings(filterFindings(findings, filter.value, severity.value), column, ascending);
    const url = URL.createObjectURL(new Blob([findingsCsv(shown)], { type: "text/csv" }));
    const a = h("a", { href: url, download: `${fileStem}-findings.csv` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  } }, "Download these findings (CSV)");
  draw();
  return h("section", { class: "card", "aria-labelledby": "findings-title" },
    h("h2", { id: "findings-title" }, "Findings"),
    h("div", { class: "filters" },
      h("div", { class: "field inline" }, h("label", { for: "findings-filter" }, "Contains"), filter),
      h("div", { class: "field inline" }, h("label", { for: "findings-severity" }, "Severity"), severity),
      download),
    count,
    tableWrap("Findings", h("table", { id: "findings-table" }, h("caption", { class: "visually-hidden" }, "Findings: select a column heading to sort"), h("thead", {}, headRow), body)));
}

function receiptView(r: Receipt, title: string): HTMLElement {
  return h("section", { class: "card", id: "upload-summary", "aria-labelledby": "upload-summary-title" },
    h("h2", { id: "upload-summary-title" }, title),
    details([["Outcome", r.status.replace(/_/g, " ")], ["Procedures received", r.procedures.received], ["Would be accepted" + (r.dry_run ? "" : " (accepted)"), r.procedures.accepted], ["Rejected", r.procedures.rejected], ["Submission", r.submission_id ?? (r.dry_run ? "none: a dry run stores nothing" : null)]]));
}

async function storedSubmission(id: string, area: HTMLElement): Promise<void> {
  try {
    const r = await api<{ submission: { id: number }; receipt: Receipt; findings: TableFinding[]; findings_total: number }>("GET", `/api/v1/submissions/${encodeURIComponent(id)}?limit=1000`);
    const receipt = { ...r.receipt, submission_id: r.submission.id };
    area.replaceChildren(receiptView(receipt, `Submission ${r.submission.id}`), findingsView(r.findings, `submission-${r.submission.id}`));
    if (r.findings_total > r.findings.length) area.append(h("p", { class: "hint" }, `The first ${r.findings.length} of ${r.findings_total} findings are shown.`));
  } catch (e) {
    area.replaceChildren(h("p", { class: "error", role: "alert" }, `Could not load submission ${id}: ${describe(e)}`));
  }
}

export async function uploadPage(_session: Session): Promise<void> {
  const file = h("input", { id: "upload-file", type: "file", accept: ".csv,.ndjson,.jsonl,.json", "aria-describedby": "upload-hint" });
  const dryRun = h("button", { type: "button", id: "upload-dry-run", disabled: true }, "Dry run: check without storing");
  const submit = h("button", { type: "button", id: "upload-submit", disabled: true }, "Submit for real");
  const status = h("p", { id: "upload-status", role: "status", "aria-live": "polite" });
  const area = h("div", { id: "upload-result" });
  let key = "";
  let chosen: File | null = null;

  file.addEventListener("change", () => {
    chosen = file.files?.[0] ?? null;
    area.replaceChildren();
    submit.disabled = true;
    const type = chosen ? contentTypeFor(chosen.name) : "";
    dryRun.disabled = !chosen || !type;
    key = newIdempotencyKey();  // one key per file chosen
    status.textContent = !chosen ? "" : type ? `${chosen.name} chosen (${chosen.size.toLocaleString()} bytes). Run the dry run first.` : `${chosen.name}: send a .csv, .ndjson or .json file.`;
  });
  const send = async (dry: boolean) => {
    if (!chosen) return;
    status.textContent = dry ? "Checking the file…" : "Submitting…";
    dryRun.disabled = submit.disabled = true;
    try {
      const receipt = await apiSend<Receipt>("POST", `/api/v1/submissions${dry ? "?dry_run=true" : ""}`, chosen, contentTypeFor(chosen.name), dry ? {} : { "Idempotency-Key": key });
      const findings = receipt.findings ?? [];
      const stem = chosen.name.replace(/\.[^.]+$/, "");
      area.replaceChildren(receiptView(receipt, dry ? "Dry run: nothing was stored" : `Submitted: submission ${receipt.submission_id}`), findingsView(findings, stem));
      status.textContent = dry
        ? `Dry run done: ${receipt.procedures.accepted} of ${receipt.procedures.received} procedures would be accepted, ${findings.length} finding${findings.length === 1 ? "" : "s"}.`
        : `Submitted as submission ${receipt.submission_id}: ${receipt.procedures.accepted} accepted, ${receipt.procedures.rejected} rejected.`;
      submit.disabled = !dry;
    } catch (e) {
      status.textContent = `${dry ? "The dry run failed" : "Not submitted"}: ${describe(e)}`;
      submit.disabled = dry;
    }
    dryRun.disabled = false;
  };
  dryRun.addEventListener("click", () => void send(true));
  submit.addEventListener("click", () => void send(false));

  const stored = new URLSearchParams(location.search).get("submission");
  render(
    h("h1", {}, stored ? "Submission receipt" : "Upload a file"),
    h("div", { class: "card" },
      h("div", { class: "field" }, h("label", { for: "upload-file" }, "File of procedures"), h("p", { id: "upload-hint", class: "hint" }, "CSV or NDJSON as described in the submission format. The dry run checks every procedure and stores nothing."), file),
      h("div", { class: "actions" }, dryRun, " ", submit),
      status),
    area,
  );
  if (stored) await storedSubmission(stored, area);
}
