// The findings of a submission as a table people can sort, filter and download (pages/upload.ts).
// Pure functions, so node's test runner covers them (test/unit.test.ts).
export interface TableFinding { row: number; procedure_ref: string; field: string; rule: string; severity: string; message: string }
export type FindingColumn = keyof TableFinding;
export const kFindingColumns: [FindingColumn, string][] = [
  ["row", "Row"], ["procedure_ref", "Procedure"], ["field", "Field"], ["rule", "Rule"], ["severity", "Severity"], ["message", "Message"],
];

const kSeverityOrder: Record<string, number> = { error: 0, warning: 1, info: 2 };

// A new array sorted by `column` (rows numerically, severity most serious first, text by
// locale), ties kept in row order.
export function sortFindings(findings: TableFinding[], column: FindingColumn, ascending: boolean): TableFinding[] {
  const key = (f: TableFinding): number | string =>
    column === "row" ? f.row : column === "severity" ? (kSeverityOrder[f.severity] ?? 9) : String(f[column] ?? "");
  const sign = ascending ? 1 : -1;
  return findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => {
      const x = key(a.f), y = key(b.f);
      const c = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
      return c !== 0 ? sign * c : a.i - b.i;
    })
    .map(({ f }) => f);
}

// Findings whose severity is `severity` (empty: any) and whose text contains `text`
// (case-insensitive, in any column).
export function filterFindings(findings: TableFinding[], text: string, severity: string): TableFinding[] {
  const needle = text.trim().toLowerCase();
  return findings.filter((f) =>
    (!severity || f.severity === severity) &&
    (!needle || kFindingColumns.some(([c]) => String(f[c] ?? "").toLowerCase().includes(needle))));
}

// RFC 4180 CSV with a header row; a cell starting with = + - @ gets a leading apostrophe so a
// spreadsheet does not run it as a formula (CSV injection).
export function findingsCsv(findings: TableFinding[]): string {
  const cell = (v: unknown) => {
    let s = v === null || v === undefined ? "" : String(v);
    if (/^[=+\-@\t\r]/.test(s)) s = "'" + s;
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [kFindingColumns.map(([c]) => c).join(",")];
  for (const f of findings) lines.push(kFindingColumns.map(([c]) => cell(f[c])).join(","));
  return lines.join("\r\n") + "\r\n";
}

// The Content-Type a file is sent with, from its name; empty when the server takes no such file.
export function contentTypeFor(name: string): string {
  const n = name.toLowerCase();
  if (n.endsWith(".csv")) return "text/csv";
  if (n.endsWith(".ndjson") || n.endsWith(".jsonl")) return "application/x-ndjson";
  if (n.endsWith(".json")) return "application/json";
  return "";
}
