// Theatre scan: a field for keyboard-wedge barcode scanners. A scanner types the label and
// Enter; the GS1 group separator (GS, 0x1D) arrives as the control character, as Ctrl+] on
// scanners that emulate it, or as a substitute configured here (e.g. "~" or "{GS}") for
// scanners that cannot send it. On Enter the label is parsed by the server (udi/parse), the
// device is looked up in the catalogue, and the parsed label, the device and every finding
// (unreadable, unknown device, expired, recalled or withdrawn) are shown before the item is kept
// for this procedure.
import { api, ApiError, describe } from "../api";
import { details, h, render } from "../dom";

export const GS = "\x1d";
const kSubstituteKey = "orp.gsSubstitute";

interface UdiFinding { code: string; severity: string; message: string; field: string }
export interface ParsedUdi {
  issuer: string; format: string; ok: boolean; di: string; lot: string; serial: string;
  expiry: string | null; production_date: string | null; findings: UdiFinding[];
}
export interface DeviceModel {
  di: string; agency: string; manufacturer: string; brand: string; model: string;
  catalogue_number: string; device_type: string; market_status: string; status_date: string | null;
  fsn_reference: string;
}
export interface Finding { severity: "error" | "warning" | "info"; code: string; message: string }
export interface Scanned { label: string; udi: ParsedUdi; device: DeviceModel | null; findings: Finding[] }

// The label as the server should see it: the configured substitute (if any) becomes GS.
export function normaliseLabel(raw: string, substitute: string): string {
  const text = substitute ? raw.split(substitute).join(GS) : raw;
  return text.replace(/[\r\n]+$/, "");
}

// Shows GS as the visible symbol ␝ so staff can see where the separators fell.
export function visibleLabel(label: string): string {
  return label.split(GS).join("\u241d");
}

// Findings the scan adds to the parser's: the catalogue's view of the device and the date.
export function deviceFindings(udi: ParsedUdi, device: DeviceModel | null, today: string): Finding[] {
  // The parser may report expiry itself (a warning: a label is readable whatever its date); in
  // theatre an expired device is a problem, so it is raised to an error rather than said twice.
  const out: Finding[] = udi.findings.map((f) => ({
    severity: f.severity === "error" || f.code.endsWith("expired") ? "error" : "warning",
    code: f.code,
    message: f.message,
  }));
  const expiryReported = out.some((f) => f.code.endsWith("expired"));
  if (udi.di && !device) out.push({ severity: "error", code: "catalogue.unknown_device", message: `Device ${udi.di} is not in the catalogue. Check the label or ask the data team.` });
  if (udi.expiry && udi.expiry < today && !expiryReported) out.push({ severity: "error", code: "scan.expired", message: `Expired on ${udi.expiry}. Do not implant.` });
  if (device && device.market_status === "recalled") out.push({ severity: "error", code: "catalogue.recalled", message: `Recalled${device.status_date ? " on " + device.status_date : ""}${device.fsn_reference ? " (" + device.fsn_reference + ")" : ""}. Do not implant.` });
  if (device && device.market_status === "withdrawn") out.push({ severity: "warning", code: "catalogue.withdrawn", message: `Withdrawn from the market${device.status_date ? " on " + device.status_date : ""}.` });
  return out;
}

export async function lookUp(label: string): Promise<Scanned> {
  const udi = await api<ParsedUdi>("GET", `/api/v1/udi/parse?udi=${encodeURIComponent(label)}`);
  let device: DeviceModel | null = null;
  if (udi.di) {
    try {
      device = (await api<{ current: DeviceModel | null }>("GET", `/api/v1/catalogue/devices/${encodeURIComponent(udi.di)}`)).current;
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 404)) throw e;
    }
  }
  const today = new Date().toISOString().slice(0, 10);
  return { label, udi, device, findings: deviceFindings(udi, device, today) };
}

export function resultView(s: Scanned, onKeep: () => void): HTMLElement {
  const errors = s.findings.filter((f) => f.severity === "error").length;
  return h(
    "section",
    { class: "card", "aria-labelledby": "scan-result-title", id: "scan-result" },
    h("h2", { id: "scan-result-title" }, errors ? `Label read with ${errors} problem${errors > 1 ? "s" : ""}` : "Label read"),
    h("p", { class: "label-text" }, "Scanned: ", h("code", {}, visibleLabel(s.label))),
    h("div", { class: "columns" },
      h("div", {}, h("h3", {}, "Label"), details([["Issuer", s.udi.issuer], ["Format", s.udi.format], ["Device identifier", s.udi.di], ["Lot", s.udi.lot], ["Serial", s.udi.serial], ["Expiry", s.udi.expiry], ["Made on", s.udi.production_date]])),
      h("div", {}, h("h3", {}, "Device"), s.device
        ? details([["Manufacturer", s.device.manufacturer], ["Brand", s.device.brand], ["Model", s.device.model], ["Catalogue number", s.device.catalogue_number], ["Type", s.device.device_type], ["Market status", s.device.market_status]])
        : h("p", {}, "Not found in the catalogue."))),
    h("h3", {}, "Findings"),
    s.findings.length
      ? h("ul", { class: "findings", id: "scan-findings" }, s.findings.map((f) => h("li", { class: `finding ${f.severity}` }, h("strong", {}, f.severity === "error" ? "Problem: " : "Check: "), f.message, " ", h("span", { class: "code" }, `(${f.code})`))))
      : h("p", { id: "scan-findings", class: "ok" }, "No findings."),
    h("button", { type: "button", id: "keep", onclick: onKeep }, errors ? "Keep anyway, marked for review" : "Keep for this procedure"),
  );
}

export function scanPage(): void {
  const substitute = h("input", { id: "gs-substitute", value: localStorage.getItem(kSubstituteKey) ?? "", maxlength: 8, "aria-describedby": "gs-hint", class: "short" });
  substitute.addEventListener("change", () => localStorage.setItem(kSubstituteKey, substitute.value));
  const field = h("input", { id: "scan-field", autocomplete: "off", spellcheck: "false", autocapitalize: "none", "aria-describedby": "scan-hint", class: "scan" });
  const status = h("p", { id: "scan-status", role: "status", "aria-live": "polite" });
  const result = h("div", { id: "scan-result-area" });
  const kept: Scanned[] = [];
  const keptList = h("ol", { id: "kept", class: "kept" });
  const keptEmpty = h("p", { class: "hint" }, "Nothing kept yet.");

  // A wedge scanner's GS may arrive as the control character or as Ctrl+]: put GS in the field.
  field.addEventListener("keydown", async (event) => {
    if (event.key === GS || (event.ctrlKey && (event.key === "]" || event.code === "BracketRight"))) {
      event.preventDefault();
      const at = field.selectionStart ?? field.value.length;
      field.setRangeText(GS, at, field.selectionEnd ?? at, "end");
      return;
    }
    if (event.key !== "Enter") return;
    event.preventDefault();
    const label = normaliseLabel(field.value, substitute.value);
    if (!label) return;
    status.textContent = "Reading the label…";
    result.replaceChildren();
    try {
      const scanned = await lookUp(label);
      status.textContent = scanned.findings.some((f) => f.severity === "error") ? "Label read: see the problems below." : "Label read.";
      result.replaceChildren(resultView(scanned, () => {
        kept.push(scanned);
        keptEmpty.remove();
        keptList.append(h("li", {}, `${scanned.device ? scanned.device.brand + " " + scanned.device.model : scanned.udi.di || "unknown device"} · lot ${scanned.udi.lot || "—"} · serial ${scanned.udi.serial || "—"}`));
        result.replaceChildren();
        status.textContent = `Kept. ${kept.length} item${kept.length > 1 ? "s" : ""} for this procedure.`;
        field.focus();
      }));
      field.value = "";
    } catch (e) {
      status.textContent = `Could not read the label: ${describe(e)}`;
    }
  });

  render(
    h("h1", {}, "Theatre scan"),
    h("div", { class: "card" },
      h("div", { class: "field" },
        h("label", { for: "scan-field" }, "Scan a label"),
        h("p", { id: "scan-hint", class: "hint" }, "Put the cursor here and scan. Or type the label and press Enter."),
        field),
      h("details", {},
        h("summary", {}, "Scanner settings"),
        h("div", { class: "field" },
          h("label", { for: "gs-substitute" }, "Group separator substitute"),
          h("p", { id: "gs-hint", class: "hint" }, "If your scanner cannot send the GS character, set it to send this text instead (for example ~). Leave empty otherwise."),
          substitute)),
      status),
    result,
    h("section", { class: "card", "aria-labelledby": "kept-title" }, h("h2", { id: "kept-title" }, "Items for this procedure"), keptEmpty, keptList,
      h("p", { class: "hint" }, "To save a procedure with its devices, use ", h("a", { href: "/record", "data-link": true }, "Record a procedure"), ", which has this scan field too.")),
  );
  field.focus();
}
