// Recall status for a manufacturer (web, #9): each campaign on its own devices with its patients
// counted per stage and outcome (GET /api/v1/recall-status). No patient, provider or contact.
import { api } from "../api";
import { fill, section, type Section } from "../dash";
import { h } from "../dom";

interface Status {
  reference: string; fsn_reference: string; title: string; status: string; patients: number;
  stages: { identified: number; contacted: number; reviewed: number; concluded: number };
  outcomes: { no_action: number; monitoring: number; explanted: number };
}

export function recallStatusSection(): Section {
  const s = section("recall-status", "Recall status of your devices", "Patients in each campaign on your devices by where their follow-up stands. No patient is named.");
  void fill(s, async () => {
    const r = await api<{ items: Status[] }>("GET", "/api/v1/recall-status");
    s.body.replaceChildren(r.items.length === 0 ? h("p", {}, "No recall campaigns on your devices.") : h("table", { class: "data", id: "recall-status-table" },
      h("caption", {}, "Campaigns and patients per stage"),
      h("thead", {}, h("tr", {}, ["Campaign", "Notice", "Status", "Patients", "Identified", "Contacted", "Reviewed", "Concluded", "Explanted"].map((c) => h("th", { scope: "col" }, c)))),
      h("tbody", {}, r.items.map((c) => h("tr", {},
        h("th", { scope: "row" }, `${c.reference} ${c.title}`), h("td", {}, c.fsn_reference), h("td", {}, c.status),
        h("td", { class: "num" }, c.patients), h("td", { class: "num" }, c.stages.identified), h("td", { class: "num" }, c.stages.contacted),
        h("td", { class: "num" }, c.stages.reviewed), h("td", { class: "num" }, c.stages.concluded), h("td", { class: "num" }, c.outcomes.explanted))))));
    return `${r.items.length} campaign(s).`;
  });
  return s;
}
