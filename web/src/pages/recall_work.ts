// A provider's recall work list: the campaigns with patients it is responsible for, and for one
// campaign each of its patients with the stage reached; a contact attempt, a review and an
// outcome are recorded from the page (PATCH /api/v1/recalls/{ref}/patients/{patient}). Patients
// are shown by registry pseudonym, a page at a time from the server; NHS numbers are not fetched
// here.
import { api, describe } from "../api";
import { field, select } from "../dash";
import { h, render } from "../dom";

interface Contact { ordinal: number; on: string; channel: string; result: string; by: string }
interface RecallPatient { patient: string; provider: string; stage: string; outcome: string | null; reviewed_on: string | null; concluded_on: string | null; contacts: Contact[] }
interface Campaign { reference: string; title: string; status: string; fsn_reference: string; counts: Record<string, number> }

const today = () => new Date().toISOString().slice(0, 10);

function updateForm(ref: string, p: RecallPatient, i: number, done: () => void): HTMLElement {
  const status = h("p", { role: "status", "aria-live": "polite", class: "hint", id: `recall-update-status-${i}` });
  const what = select(`recall-what-${i}`, [["contact", "Contact attempt"], ["review", "Reviewed"], ["outcome", "Outcome"]]);
  const on = h("input", { id: `recall-on-${i}`, type: "date", value: today(), class: "short" });
  const detail = select(`recall-detail-${i}`, [["letter:no-answer", "Letter, no answer"], ["phone:reached", "Phone, reached"], ["phone:no-answer", "Phone, no answer"],
    ["no-action", "Outcome: no action"], ["monitoring", "Outcome: monitoring"], ["explanted", "Outcome: explanted"]]);
  const form = h("form", { class: "inline-form", "aria-label": `Record work for patient ${i + 1}` },
    field(`recall-what-${i}`, "Record", what), field(`recall-on-${i}`, "On", on), field(`recall-detail-${i}`, "Detail", detail),
    h("button", { type: "submit" }, "Save"), status);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const body: Record<string, string> = {};
    if (what.value === "contact") {
      const [channel, result] = detail.value.split(":");
      if (!result) { status.textContent = "Choose a contact channel and result."; return; }
      Object.assign(body, { contacted_on: on.value, channel, contact_result: result });
    } else if (what.value === "review") body.reviewed_on = on.value;
    else {
      if (detail.value.includes(":")) { status.textContent = "Choose an outcome."; return; }
      Object.assign(body, { outcome: detail.value, outcome_on: on.value });
    }
    status.textContent = "Saving…";
    try {
      await api("PATCH", `/api/v1/recalls/${encodeURIComponent(ref)}/patients/${encodeURIComponent(p.patient)}`, body);
      status.textContent = "Saved.";
      done();
    } catch (err) {
      status.textContent = `Not saved: ${describe(err)}`;
    }
  });
  return form;
}

interface PatientsPage { reference: string; patients: RecallPatient[]; next_cursor: string | null }
// Patients per page: 50, or ?page_size=N (1–1000) in the address.
function pageSize(): number {
  const n = Number(new URLSearchParams(location.search).get("page_size"));
  return Number.isInteger(n) && n >= 1 && n <= 1000 ? n : 50;
}

// One page of the campaign's patients, fetched from the server (GET …/patients?cursor=&limit=):
// a campaign can name thousands of a provider's patients. `back` holds the cursors of the pages
// before this one, for "Previous page".
async function showCampaign(c: Campaign, area: HTMLElement, status: HTMLElement, cursor: string | null = null, back: (string | null)[] = []): Promise<void> {
  status.textContent = "Loading…";
  try {
    const size = pageSize();
    const query = `limit=${size}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    const page = await api<PatientsPage>("GET", `/api/v1/recalls/${encodeURIComponent(c.reference)}/patients?${query}`);
    const first = back.length * size;
    status.textContent = `${c.reference}: ${c.counts.patients} patient(s) you are responsible for; ${c.counts.contacted} contacted, ${c.counts.reviewed} reviewed, ${c.counts.concluded} concluded.` +
      (page.patients.length ? ` Showing ${first + 1}–${first + page.patients.length}.` : "");
    const again = () => void showCampaign(c, area, status, cursor, back);
    const pager = h("nav", { "aria-label": "Pages of patients", class: "pager" },
      back.length ? h("button", { type: "button", onclick: () => void showCampaign(c, area, status, back[back.length - 1], back.slice(0, -1)) }, "Previous page") : null,
      page.next_cursor ? h("button", { type: "button", onclick: () => void showCampaign(c, area, status, page.next_cursor, [...back, cursor]) }, "Next page") : null);
    area.replaceChildren(h("h2", {}, `${c.reference} — ${c.title}`), h("p", { class: "hint" }, `Field safety notice ${c.fsn_reference || "—"} · ${c.status}`),
      h("table", { class: "data", id: "recall-patients" },
        h("thead", {}, h("tr", {}, ["Patient (pseudonym)", "Stage", "Contacts", "Outcome", "Record work"].map((x) => h("th", { scope: "col" }, x)))),
        h("tbody", {}, page.patients.map((p, i) => h("tr", {},
          h("td", { class: "mono" }, p.patient.slice(0, 12) + "…"), h("td", {}, p.stage),
          h("td", {}, p.contacts.length ? p.contacts.map((x) => `${x.on} ${x.channel} ${x.result}`).join("; ") : "none"),
          h("td", {}, p.outcome ?? "—"),
          h("td", {}, updateForm(c.reference, p, i, again)))))),
      pager);
  } catch (e) {
    status.textContent = `Could not load the recall: ${describe(e)}`;
  }
}

export async function recallWorkPage(): Promise<void> {
  const status = h("p", { id: "recall-work-status", role: "status", "aria-live": "polite" }, "Loading…");
  const list = h("div", { id: "recall-campaigns" });
  const area = h("div", { id: "recall-campaign", class: "card" });
  render(h("h1", {}, "Recall work list"), status, list, area);
  try {
    const result = await api<{ items: Campaign[] }>("GET", "/api/v1/recalls");
    list.replaceChildren(h("ul", { class: "cards" }, result.items.map((c) => h("li", { class: "card" },
      h("h2", {}, h("a", { href: `/recall-work?ref=${encodeURIComponent(c.reference)}`, "data-link": true }, c.reference)),
      h("p", {}, c.title), h("p", { class: "hint" }, `${c.counts.patients} patient(s): ${c.counts.contacted} contacted, ${c.counts.concluded} concluded`)))));
    status.textContent = result.items.length ? `${result.items.length} recall(s) with your patients.` : "No recall has patients you are responsible for.";
    const ref = new URLSearchParams(location.search).get("ref") ?? result.items[0]?.reference;
    const chosen = result.items.find((c) => c.reference === ref);
    if (chosen) await showCampaign(chosen, area, status);
    else if (ref) status.textContent = `${ref}: no patients you are responsible for in this recall.`;
    else area.remove();
  } catch (e) {
    status.textContent = `Could not load your recalls: ${describe(e)}`;
  }
}
