// Surveillance signals: the list the caller may see, filtered and paged on the server (registry,
// status, unit kind, method; cursor paging), and one signal with its evidence. A regulator moves
// a signal through review (new → under-review → confirmed | dismissed; reopened) with a reason
// that goes to the audit log. The outlier lists are this list filtered by method.
import { api, describe, hasRole, type Session } from "../api";
import { cusumChart } from "../cusum_chart";
import { chartWidth, field, loadSignals, registryField, select, signalTable, type Signal } from "../dash";
import { h, render } from "../dom";
import type { CusumReport } from "../funnel_data";

const kMoves: Record<string, string[]> = {
  new: ["under-review", "dismissed"], "under-review": ["confirmed", "dismissed"], confirmed: ["under-review"], dismissed: ["under-review"],
};

function evidenceView(s: Signal): HTMLElement {
  const ev = (s.evidence ?? {}) as Record<string, unknown>;
  const box = h("div", { id: "signal-evidence" });
  if (Array.isArray(ev.path) && typeof ev.h === "number") {
    // A CUSUM signal carries its path: [t, cusum, vlad] every path_step primaries.
    const step = typeof ev.path_step === "number" ? ev.path_step : 1;
    const report: CusumReport = { registry: s.registry, unit: s.unit, h: ev.h, signals: (ev.signals as number[]) ?? [],
      path: (ev.path as number[][]).map(([t, c]) => ({ index: t, date: "", cusum: c })), patients: (ev.patients as number) ?? undefined };
    requestAnimationFrame(() => cusumChart(box, report, chartWidth(box)));
    box.append(h("p", { class: "hint" }, `Path drawn every ${step} primaries.`));
    return box;
  }
  const rows = Object.entries(ev).filter(([, v]) => typeof v !== "object" || v === null);
  box.append(h("dl", { class: "details" }, rows.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, typeof v === "number" ? String(Math.round(v * 1000) / 1000) : String(v))])));
  return box;
}

async function showSignal(id: string, area: HTMLElement, session: Session): Promise<void> {
  const status = h("p", { id: "signal-status", role: "status", "aria-live": "polite" }, "Loading…");
  area.replaceChildren(status);
  try {
    const s = await api<Signal>("GET", `/api/v1/signals/${encodeURIComponent(id)}`);
    status.textContent = `Signal #${s.id} is ${s.status}${s.status_reason ? ` (${s.status_reason})` : ""}.`;
    const moves = kMoves[s.status] ?? [];
    const to = select("signal-to", moves.map((m) => [m, m]));
    const reason = h("textarea", { id: "signal-reason", rows: 3, required: true, maxlength: 2000 });
    const result = h("p", { id: "signal-move-status", role: "status", "aria-live": "polite" });
    const form = h("form", { class: "card", id: "signal-move", "aria-label": "Move the signal's status" },
      h("h3", {}, "Move through review"), field("signal-to", "New status", to),
      h("div", { class: "field" }, h("label", { for: "signal-reason" }, "Reason (kept in the audit log)"), reason),
      h("button", { type: "submit" }, "Move"), result);
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      result.textContent = "Saving…";
      try {
        await api("PATCH", `/api/v1/signals/${s.id}`, { status: to.value, reason: reason.value });
        await showSignal(id, area, session);
      } catch (err) {
        result.textContent = `Not moved: ${describe(err)}`;
      }
    });
    area.append(h("h2", {}, `Signal #${s.id}: ${s.unit_kind} ${s.unit}`),
      h("dl", { class: "details" }, ...[["Registry", s.registry], ["Method", s.method], ["Finding", s.what], ["Statistic", s.statistic?.toFixed(3) ?? "—"],
        ["Threshold", s.threshold?.toFixed(3) ?? "—"], ["Data cut", s.data_cut], ["First seen", s.first_seen], ["Times seen", String(s.times_seen)]]
        .flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])),
      h("h3", {}, "Evidence"), evidenceView(s),
      hasRole(session, "regulator") && moves.length ? form : "");
  } catch (e) {
    status.textContent = `Could not load the signal: ${describe(e)}`;
  }
}

export async function signalsPage(session: Session): Promise<void> {
  const params = new URLSearchParams(location.search);
  const registry = registryField("signals-registry");
  registry.value = params.get("registry") ?? "";
  const status = select("signals-status-filter", [["", "any"], ["new", "new"], ["under-review", "under review"], ["confirmed", "confirmed"], ["dismissed", "dismissed"]]);
  const kind = select("signals-kind", [["", "any"], ["device-model", "device model"], ["brand", "brand"], ["construct", "construct"], ["surgeon", "surgeon"], ["hospital", "hospital"]], params.get("unit_kind") ?? "");
  const method = h("input", { id: "signals-method", class: "short", value: params.get("method") ?? "", placeholder: "e.g. njr-ptir" });
  // Sorted and searched on the server (web, #9).
  const sort = select("signals-sort", [["", "newest data cut"], ["-statistic", "statistic, highest first"], ["-first_seen", "first seen, newest"], ["first_seen", "first seen, oldest"], ["-times_seen", "times seen, most"], ["unit", "unit"], ["status", "status"]], params.get("sort") ?? "");
  const text = h("input", { id: "signals-q", class: "short", value: params.get("q") ?? "", placeholder: "unit or finding" });
  const listStatus = h("p", { id: "signals-list-status", role: "status", "aria-live": "polite" });
  const list = h("div", { id: "signals-list" });
  const detail = h("div", { id: "signal-detail" });
  const cursors: (string | null)[] = [null];
  let page = 0;
  const previous = h("button", { type: "button", class: "secondary", id: "signals-previous", disabled: true }, "Previous page");
  const next = h("button", { type: "button", class: "secondary", id: "signals-next", disabled: true }, "Next page");
  async function load(): Promise<void> {
    listStatus.textContent = "Loading…";
    try {
      const q: Record<string, string> = { registry: registry.value.trim(), status: status.value, unit_kind: kind.value, method: method.value.trim(), sort: sort.value, q: text.value.trim(), limit: "25" };
      if (cursors[page]) q.cursor = cursors[page]!;
      const result = await loadSignals(q);
      cursors[page + 1] = result.next_cursor;
      list.replaceChildren(result.items.length ? signalTable(result.items, "signals-table") : h("p", {}, "No signals match."));
      listStatus.textContent = `Page ${page + 1}: ${result.items.length} of ${result.total ?? result.items.length} signal(s).`;
      previous.disabled = page === 0;
      next.disabled = !result.next_cursor;
    } catch (e) {
      listStatus.textContent = `Could not load signals: ${describe(e)}`;
    }
  }
  previous.addEventListener("click", () => { page--; void load(); });
  next.addEventListener("click", () => { page++; void load(); });
  const form = h("form", { class: "filters", "aria-label": "Filter signals" },
    field("signals-registry", "Registry", registry), field("signals-status-filter", "Status", status), field("signals-kind", "About", kind),
    field("signals-method", "Method", method), field("signals-q", "Search", text), field("signals-sort", "Sort by", sort), h("button", { type: "submit" }, "Filter"));
  form.addEventListener("submit", (e) => { e.preventDefault(); cursors.length = 1; page = 0; void load(); });
  render(h("h1", {}, "Signals"), form, listStatus, list, h("div", { class: "pager" }, previous, next), detail);
  const id = params.get("id");
  await Promise.all([load(), id ? showSignal(id, detail, session) : Promise.resolve()]);
}
