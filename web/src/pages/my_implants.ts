// A patient's own implants: what is in them, from the patient route (the server refuses any
// pseudonym but the signed-in patient's own and audits the read).
import { api, describe, type Session } from "../api";
import { h, render } from "../dom";
import { patientExtras } from "./my_implants_more";

interface Implant {
  id: number; procedure_id: number; gtin: string | null; other_di: string | null; lot: string; serial: string;
  expiry: string | null; laterality: string | null; in_situ: boolean; removed_on: string | null;
}

interface DeviceModel { manufacturer: string; brand: string; model: string }

// "Manufacturer Brand Model" per device identifier, from the catalogue; an identifier the
// catalogue does not know is shown as "Device <id>".
async function describeDevices(implants: Implant[]): Promise<Map<string, string>> {
  const ids = [...new Set(implants.map((i) => i.gtin ?? i.other_di).filter((d): d is string => !!d))];
  const names = new Map<string, string>();
  await Promise.all(ids.map(async (id) => {
    try {
      const d = (await api<{ current: DeviceModel | null }>("GET", `/api/v1/catalogue/devices/${encodeURIComponent(id)}`)).current;
      names.set(id, d ? `${d.manufacturer} ${d.brand} ${d.model}` : `Device ${id}`);
    } catch {
      names.set(id, `Device ${id}`);
    }
  }));
  return names;
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
    const devices = await describeDevices(result.implants);
    status.textContent = result.implants.length ? `${result.implants.length} implant${result.implants.length > 1 ? "s" : ""} recorded.` : "No implants are recorded for you.";
    list.replaceChildren(h("ul", { class: "cards" }, result.implants.map((i) => h("li", { class: "card implant" },
      h("h2", {}, devices.get(i.gtin ?? i.other_di ?? "") ?? "Device not identified"),
      h("dl", { class: "details" },
        h("dt", {}, "Device identifier"), h("dd", {}, i.gtin ?? i.other_di ?? "—"),
        h("dt", {}, "Side"), h("dd", {}, i.laterality ?? "—"),
        h("dt", {}, "Lot"), h("dd", {}, i.lot || "—"),
        h("dt", {}, "Serial"), h("dd", {}, i.serial || "—"),
        h("dt", {}, "Still in place"), h("dd", {}, i.in_situ ? "Yes" : `No${i.removed_on ? ", removed " + i.removed_on : ""}`))))));
  } catch (e) {
    status.textContent = `Could not load your implants: ${describe(e)}`;
  }
  await patientExtras(session.patient, document.getElementById("main")!);
}
