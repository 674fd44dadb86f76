// Record a procedure: a form generated from the registry definition (GET /api/v1/registries/
// {code}), with the theatre scan field for its devices. Each field is checked as it is left
// (record_form.ts: required, type, range, value set); each scanned label shows the parsed UDI,
// the catalogue device and its findings (unknown, expired, recalled, withdrawn, wrong side)
// before it is kept. "Check with the registry" sends the procedure as a dry run
// (POST /api/v1/submissions?dry_run=true) so the server's rules (conditional requirements,
// compatibility of the devices together) are seen before saving; "Save" submits it with an
// Idempotency-Key kept for this procedure until the server accepts or rejects it, so a retry
// after a lost answer cannot store it twice. The server's findings are shown next to the fields
// they name.
import { api, apiSend, describe, newIdempotencyKey, type Session } from "../api";
import { h, render } from "../dom";
import { buildSubmission, checkValue, coreFields, crossChecks, placeFindings, wrongSide, type FieldSpec, type FormDevice, type RegistryDefinition, type ServerFinding } from "../record_form";
import { GS, lookUp, normaliseLabel, resultView, visibleLabel, type Finding, type Scanned } from "./scan";

interface Receipt { submission_id?: number; status: string; dry_run?: boolean; procedures: { received: number; accepted: number; rejected: number }; findings: ServerFinding[] }
interface Control { spec: FieldSpec; input: HTMLInputElement | HTMLSelectElement; error: HTMLElement; wrapper: HTMLElement }

function control(spec: FieldSpec, id: string): Control {
  const hintId = `${id}-hint`, errorId = `${id}-error`;
  const hints = [spec.description, spec.unit ? `Unit: ${spec.unit}` : "", spec.required_when ? `Required when ${spec.required_when}` : ""].filter(Boolean).join(". ");
  let input: HTMLInputElement | HTMLSelectElement;
  if (spec.type === "code" || spec.type === "boolean") {
    const values = spec.type === "boolean" ? [{ code: "true", label: "Yes" }, { code: "false", label: "No" }] : spec.values;
    input = h("select", { id }, h("option", { value: "" }, spec.required ? "Choose…" : "Not given"), values.map((v) => h("option", { value: v.code }, v.label && v.label !== v.code ? `${v.label} (${v.code})` : v.code)));
  } else {
    const type = spec.type === "date" ? "date" : "text";
    input = h("input", { id, type, autocomplete: "off", inputmode: spec.type === "integer" || spec.type === "decimal" ? "decimal" : undefined });
  }
  input.dataset.field = spec.name;
  if (spec.required) input.setAttribute("aria-required", "true");
  input.setAttribute("aria-describedby", [hints ? hintId : "", errorId].filter(Boolean).join(" "));
  const error = h("p", { id: errorId, class: "error field-error" });
  const wrapper = h("div", { class: "field" }, h("label", { for: id }, spec.label, spec.required ? h("span", { class: "required" }, " (required)") : null), hints ? h("p", { id: hintId, class: "hint" }, hints) : null, input, error);
  return { spec, input, error, wrapper };
}

// `invalid` false: a warning, shown beside the field without marking it wrong.
function showError(c: Control, messages: string[], invalid = true): void {
  c.error.textContent = messages.join(" ");
  c.error.classList.toggle("warning-text", !invalid);
  if (messages.length && invalid) c.input.setAttribute("aria-invalid", "true");
  else c.input.removeAttribute("aria-invalid");
}

const findingItem = (f: { severity: string; message: string; code?: string; rule?: string }) =>
  h("li", { class: `finding ${f.severity}` }, h("strong", {}, f.severity === "error" ? "Problem: " : "Check: "), f.message, " ", h("span", { class: "code" }, `(${f.code ?? f.rule})`));

export async function recordPage(_session: Session): Promise<void> {
  const status = h("p", { id: "record-status", role: "status", "aria-live": "polite" }, "Loading the registries…");
  const registrySelect = h("select", { id: "record-registry" });
  const formArea = h("div", { id: "record-form-area" });
  render(
    h("h1", {}, "Record a procedure"),
    h("div", { class: "card" }, h("div", { class: "field" }, h("label", { for: "record-registry" }, "Registry"), registrySelect), status),
    formArea,
  );
  let list: { items: { code: string; name: string; kind: string }[] };
  try {
    list = await api("GET", "/api/v1/registries");
  } catch (e) {
    status.textContent = `Could not load the registries: ${describe(e)}`;
    return;
  }
  registrySelect.replaceChildren(...list.items.map((r) => h("option", { value: r.code }, `${r.name} (${r.code})`)));
  const load = async () => {
    status.textContent = "Loading the registry definition…";
    try {
      const def = await api<RegistryDefinition>("GET", `/api/v1/registries/${encodeURIComponent(registrySelect.value)}`);
      status.textContent = `${def.name}, version ${def.version}.`;
      formArea.replaceChildren(buildForm(def, status));
    } catch (e) {
      status.textContent = `Could not load the registry definition: ${describe(e)}`;
    }
  };
  registrySelect.addEventListener("change", () => void load());
  await load();
}

type KeptDevice = FormDevice & { uid: number; scanned: Scanned; controls: Control[]; box: HTMLElement };

// The form of one procedure: its fields, the scan field and the devices kept from it, the
// client-side and server checks, and saving. Each part is a method so that no function carries
// the whole form (STYLE.md: functions ~30 lines).
class RecordForm {
  private readonly deviceSpecs: FieldSpec[];
  private readonly controls: Control[];
  private readonly byName: Map<string, Control>;
  private readonly devices: KeptDevice[] = [];
  private nextUid = 1;  // a number for a device's element ids, never reused on this form
  private readonly devicesList = h("ol", { id: "record-devices", class: "kept" });
  private readonly devicesEmpty: HTMLElement;
  private readonly deviceFindings = h("ul", { id: "record-device-findings", class: "findings" });
  private readonly summary = h("div", { id: "record-summary", role: "alert" });
  private readonly outcome = h("div", { id: "record-outcome" });
  private readonly scanField = h("input", { id: "record-scan", autocomplete: "off", spellcheck: "false", autocapitalize: "none", class: "scan", "aria-describedby": "record-scan-hint" });
  private readonly scanResult = h("div", { id: "record-scan-result" });
  private key = newIdempotencyKey();

  constructor(private readonly def: RegistryDefinition, private readonly status: HTMLElement) {
    const procedureFields = [...coreFields(def), ...def.fields.filter((f) => f.level === "procedure")];
    this.deviceSpecs = def.fields.filter((f) => f.level === "device");
    this.controls = procedureFields.map((spec) => control(spec, `f-${spec.name}`));
    this.byName = new Map(this.controls.map((c) => [c.spec.name, c]));
    for (const c of this.controls) checkOnBlur(c);
    this.devicesEmpty = h("p", { class: "hint" }, def.devices ? "No devices yet: scan each label." : "This registry records no devices.");
    this.byName.get("laterality")?.input.addEventListener("change", () => this.devices.forEach((d) => this.renderDevice(d)));
    this.scanField.addEventListener("keydown", (event) => void this.onScanKey(event));
  }

  private values(): Record<string, string> {
    return Object.fromEntries(this.controls.map((c) => [c.spec.name, c.input.value]));
  }

  private allControls(): Control[] {
    return [...this.controls, ...this.devices.flatMap((d) => d.controls)];
  }

  private sideFindings(d: { description: string }): Finding[] {
    const side = this.byName.get("laterality")?.input.value ?? "";
    if (!wrongSide(d.description, side)) return [];
    return [{ severity: "error", code: "scan.wrong_side", message: `This device is for the other side: the procedure is on the ${side === "L" ? "left" : "right"}.` }];
  }

  private renderDevice(d: KeptDevice): void {
    const index = d.uid;
    const findings = [...d.scanned.findings, ...this.sideFindings(d)];
    const action = h("select", { id: `dev${index}-action` }, h("option", { value: "implanted" }, "Implanted"), h("option", { value: "explanted" }, "Explanted (removed)"));
    action.value = d.action;
    action.addEventListener("change", () => { d.action = action.value as FormDevice["action"]; });
    d.controls = this.deviceSpecs.map((spec) => {
      const c = control(spec, `dev${index}-${spec.name}`);
      c.input.value = d.fields[spec.name] ?? "";
      c.input.addEventListener("change", () => { d.fields[spec.name] = c.input.value; });
      checkOnBlur(c);
      return c;
    });
    d.box.replaceChildren(h("div", { class: "device-body" },
      h("p", {}, h("strong", {}, d.description || d.scanned.udi.di || "Unknown device"), ` · lot ${d.scanned.udi.lot || "—"} · serial ${d.scanned.udi.serial || "—"} · `, h("code", {}, visibleLabel(d.label))),
      findings.length ? h("ul", { class: "findings" }, findings.map(findingItem)) : null,
      h("div", { class: "field" }, h("label", { for: `dev${index}-action` }, "What happened to it"), action),
      d.controls.map((c) => c.wrapper),
      h("button", { type: "button", class: "secondary", onclick: () => this.removeDevice(d) }, "Remove this device"),
    ));
  }

  private removeDevice(d: KeptDevice): void {
    this.devices.splice(this.devices.indexOf(d), 1);
    d.box.remove();
    if (!this.devices.length) this.devicesList.before(this.devicesEmpty);
    this.status.textContent = "Device removed.";
  }

  // The scan field: as the theatre scan page (GS as the control character, Ctrl+] or the
  // substitute set on that page's scanner settings).
  private async onScanKey(event: KeyboardEvent): Promise<void> {
    const field = this.scanField;
    if (event.key === GS || (event.ctrlKey && (event.key === "]" || event.code === "BracketRight"))) {
      event.preventDefault();
      const at = field.selectionStart ?? field.value.length;
      field.setRangeText(GS, at, field.selectionEnd ?? at, "end");
      return;
    }
    if (event.key !== "Enter") return;
    event.preventDefault();
    const label = normaliseLabel(field.value, localStorage.getItem("orp.gsSubstitute") ?? "");
    if (!label) return;
    this.status.textContent = "Reading the label…";
    try {
      const scanned = await lookUp(label);
      const description = scanned.device ? `${scanned.device.brand} ${scanned.device.model}` : "";
      scanned.findings.push(...this.sideFindings({ description }));
      this.status.textContent = scanned.findings.some((f) => f.severity === "error") ? "Label read: see the problems below." : "Label read.";
      this.scanResult.replaceChildren(resultView(scanned, () => this.keep(label, scanned, description)));
      field.value = "";
    } catch (e) {
      this.status.textContent = `Could not read the label: ${describe(e)}`;
    }
  }

  private keep(label: string, scanned: Scanned, description: string): void {
    // The wrong-side finding is worked out again from the laterality whenever it changes.
    const kept = { ...scanned, findings: scanned.findings.filter((f) => f.code !== "scan.wrong_side") };
    const d: KeptDevice = { uid: this.nextUid++, action: "implanted", label, fields: {}, description, scanned: kept, controls: [], box: h("li", { class: "card device" }) };
    this.devices.push(d);
    this.devicesEmpty.remove();
    this.devicesList.append(d.box);
    this.renderDevice(d);
    this.scanResult.replaceChildren();
    this.status.textContent = `Kept. ${this.devices.length} device${this.devices.length > 1 ? "s" : ""} on this procedure.`;
    this.scanField.focus();
  }

  // Client-side checks first; false (and the summary filled, focus on it) when any fails.
  private checkAll(): boolean {
    const problems: { id: string; message: string }[] = [];
    for (const c of this.allControls()) {
      const m = checkValue(c.spec, c.input.value);
      showError(c, m ? [m] : []);
      if (m) problems.push({ id: c.input.id, message: m });
    }
    for (const x of crossChecks(this.values(), new Date().toISOString().slice(0, 10))) {
      const c = this.byName.get(x.field)!;
      showError(c, [x.message]);
      problems.push({ id: c.input.id, message: x.message });
    }
    this.summary.replaceChildren();
    if (!problems.length) return true;
    this.summary.append(h("h2", {}, `${problems.length} thing${problems.length > 1 ? "s" : ""} to put right`), h("ul", { class: "error-list" }, problems.map((p) => h("li", {}, h("a", { href: `#${p.id}` }, p.message)))));
    this.summary.setAttribute("tabindex", "-1");
    this.summary.focus();
    return false;
  }

  private showServerFindings(receipt: Receipt): void {
    for (const c of this.allControls()) showError(c, []);
    const placed = placeFindings(receipt.findings ?? [], new Set(this.byName.keys()), new Set(this.deviceSpecs.map((s) => s.name)));
    for (const [name, list] of placed.byField) showError(this.byName.get(name)!, list.map((f) => `${f.message} (${f.rule})`), list.some((f) => f.severity === "error"));
    this.deviceFindings.replaceChildren(...placed.devices.map(findingItem));
    this.summary.replaceChildren();
    const all = receipt.findings ?? [];
    this.summary.classList.toggle("warnings-only", !all.some((f) => f.severity === "error"));
    if (!all.length) return;
    const item = (f: ServerFinding) => h("li", { class: `finding ${f.severity}` },
      this.byName.has(f.field) ? h("a", { href: `#${this.byName.get(f.field)!.input.id}` }, f.message) : f.message, " ",
      h("span", { class: "code" }, `(${f.field ? f.field + ", " : ""}${f.rule})`));
    this.summary.append(h("h2", {}, `The registry found ${all.length} thing${all.length > 1 ? "s" : ""} to look at`), h("ul", { class: "findings", id: "record-findings" }, all.map(item)));
  }

  private async send(dryRun: boolean): Promise<void> {
    if (!this.checkAll()) { this.status.textContent = "Some fields need attention."; return; }
    const devices = this.devices.map((d) => ({ action: d.action, label: d.label, fields: Object.fromEntries(d.controls.map((c) => [c.spec.name, c.input.value])), description: d.description }));
    const body = JSON.stringify([buildSubmission(this.def, this.values(), devices)]);
    this.status.textContent = dryRun ? "Checking with the registry…" : "Saving…";
    this.outcome.replaceChildren();
    try {
      const receipt = await apiSend<Receipt>("POST", `/api/v1/submissions?registry=${encodeURIComponent(this.def.code)}${dryRun ? "&dry_run=true" : ""}`, body, "application/json", dryRun ? {} : { "Idempotency-Key": this.key });
      this.showServerFindings(receipt);
      if (dryRun) {
        const errors = (receipt.findings ?? []).filter((f) => f.severity === "error").length;
        this.status.textContent = errors ? `The registry would reject this procedure: ${errors} problem${errors > 1 ? "s" : ""}.` : "The registry would accept this procedure.";
        return;
      }
      this.key = newIdempotencyKey();  // the server has answered: the next save is a new submission
      this.afterSave(receipt);
    } catch (e) {
      this.status.textContent = `${dryRun ? "Could not check" : "Not saved"}: ${describe(e)}`;
    }
  }

  private afterSave(receipt: Receipt): void {
    if (receipt.procedures.accepted === 0) {
      this.status.textContent = "Not saved: the registry rejected this procedure. Put right the problems shown and save again.";
      return;
    }
    this.status.textContent = `Saved: submission ${receipt.submission_id}.`;
    // Saving again would store a second version of the same procedure: offer the next one.
    for (const id of ["record-save", "record-check"]) (document.getElementById(id) as HTMLButtonElement).disabled = true;
    const another = () => {
      const form = buildForm(this.def, this.status);
      document.getElementById("record-form")!.replaceWith(form);
      this.status.textContent = "A new, empty procedure.";
      (form.querySelector("input") as HTMLInputElement).focus();
    };
    this.outcome.replaceChildren(h("p", { class: "ok", id: "record-saved" }, `Saved as submission ${receipt.submission_id}. `, h("a", { href: `/upload?submission=${receipt.submission_id}`, "data-link": true }, "See its receipt")),
      h("button", { type: "button", id: "record-next", onclick: another }, "Record another procedure"));
  }

  element(): HTMLElement {
    const core = coreFields(this.def).length;
    const registryFields = this.controls.slice(core);
    const wrapperOf = (c: Control) => c.wrapper;
    return h("form", { id: "record-form", novalidate: true, onsubmit: (e: Event) => { e.preventDefault(); void this.send(false); } },
      this.summary,
      h("section", { class: "card", "aria-labelledby": "rec-core" }, h("h2", { id: "rec-core" }, "The procedure"), h("div", { class: "columns" }, this.controls.slice(0, core).map(wrapperOf))),
      registryFields.length ? h("section", { class: "card", "aria-labelledby": "rec-registry" }, h("h2", { id: "rec-registry" }, `${this.def.code} fields`), h("div", { class: "columns" }, registryFields.map(wrapperOf))) : null,
      this.def.devices ? h("section", { class: "card", "aria-labelledby": "rec-devices" }, h("h2", { id: "rec-devices" }, "Devices"),
        h("div", { class: "field" }, h("label", { for: "record-scan" }, "Scan a label"), h("p", { id: "record-scan-hint", class: "hint" }, "Put the cursor here and scan each device, or type the label and press Enter."), this.scanField),
        this.scanResult, this.devicesEmpty, this.devicesList, this.deviceFindings) : null,
      h("div", { class: "card actions" },
        h("button", { type: "button", class: "secondary", id: "record-check", onclick: () => void this.send(true) }, "Check with the registry"), " ",
        h("button", { type: "submit", id: "record-save" }, "Save the procedure"),
        this.outcome),
    );
  }
}

function checkOnBlur(c: Control): void {
  c.input.addEventListener("blur", () => { const m = checkValue(c.spec, c.input.value); showError(c, m ? [m] : []); });
}

function buildForm(def: RegistryDefinition, status: HTMLElement): HTMLElement {
  return new RecordForm(def, status).element();
}
