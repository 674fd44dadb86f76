// A patient's own implants: what is in them, from the patient route (the server refuses any
// pseudonym but the signed-in patient's own and audits the read).
import { api, describe, type Session } from "../api";
import { h, render } from "../dom";

interface Implant {
  id: number; procedure_id: number; gtin: string | null; other_di: string | null; lot: string; serial: string;
  expiry: string | null; laterality: string | null; in_situ: boolean; removed_on: string | null;
}

export async function myImplantsPage(session: Session): Promise<void> {
  const status = h("p", { id: "implants-status", role: "status", "aria-live": "polite" }, "Loading…");
  const list = h("div", { id: "implants" });
  render(h("h1", {}, "My implants"), h("p", {}, "The devices recorded in the registry as implanted in you. If something looks wrong, tell the hospital that treated you."), status, list);
  if (!session.patient) {
    status.textContent = "Your account is not linked to a patient record.";
    return;
  }
  try {
    const result = await api<{ implants: Implant[] }>("GET", `/api/v1/patients/${session.patient}/implants`);
    status.textContent = result.implants.length ? `${result.implants.length} implant${result.implants.length > 1 ? "s" : ""} recorded.` : "No implants are recorded for you.";
    list.replaceChildren(h("ul", { class: "cards" }, result.implants.map((i) => h("li", { class: "card implant" },
      h("h2", {}, `Device ${i.gtin ?? i.other_di ?? "not identified"}`),
      h("dl", { class: "details" },
        h("dt", {}, "Side"), h("dd", {}, i.laterality ?? "—"),
        h("dt", {}, "Lot"), h("dd", {}, i.lot || "—"),
        h("dt", {}, "Serial"), h("dd", {}, i.serial || "—"),
        h("dt", {}, "Still in place"), h("dd", {}, i.in_situ ? "Yes" : `No${i.removed_on ? ", removed " + i.removed_on : ""}`))))));
  } catch (e) {
    status.textContent = `Could not load your implants: ${describe(e)}`;
  }
}
