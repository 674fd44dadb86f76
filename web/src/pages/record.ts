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

function buildForm(def: RegistryDefinition, status: HTMLElement): HTMLElement {
  const procedureFields = [...coreFields(def), ...def.fields.filter((f) => f.level === "procedure")];
  const deviceSpecs = def.fields.filter((f) => f.level === "device");
  const controls = procedureFields.map((spec) => control(spec, `f-${spec.name}`));
  const byName = new Map(controls.map((c) => [c.spec.name, c]));
  for (const c of controls) c.input.addEventListener("blur", () => { const m = checkValue(c.spec, c.input.value); showError(c, m ? [m] : []); });

  // uid: a number for the device's element ids, never reused on this form.
  const devices: (FormDevice & { uid: number; scanned: Scanned; controls: Control[]; box: HTMLElement })[] = [];
  let nextUid = 1;
  const devicesList = h("ol", { id: "record-devices", class: "kept" });
  const devicesEmpty = h("p", { class: "hint" }, def.devices ? "No devices yet: scan each label." : "This registry records no devices.");
  const deviceFindings = h("ul", { id: "record-device-findings", class: "findings" });
  const summary = h("div", { id: "record-summary", role: "alert" });
  const outcome = h("div", { id: "record-outcome" });
  let key = newIdempotencyKey();

  const values = () => Object.fromEntries(controls.map((c) => [c.spec.name, c.input.value]));
  const sideFindings = (d: { description: string }): Finding[] =>
    wrongSide(d.description, byName.get("laterality")?.input.value ?? "")
      ? [{ severity: "error", code: "scan.wrong_side", message: `This device is for the other side: the procedure is on the ${byName.get("laterality")!.input.value === "L" ? "left" : "right"}.` }]
      : [];
  const renderDevice = (d: (typeof devices)[number]) => {
    const index = d.uid;
    const findings = [...d.scanned.findings, ...sideFindings(d)];
    const action = h("select", { id: `dev${index}-action` }, h("option", { value: "implanted" }, "Implanted"), h("option", { value: "explanted" }, "Explanted (removed)"));
    action.value = d.action;
    action.addEventListener("change", () => { d.action = action.value as FormDevice["action"]; });
    d.controls = deviceSpecs.map((spec) => {
      const c = control(spec, `dev${index}-${spec.name}`);
      c.input.value = d.fields[spec.name] ?? "";
      c.input.addEventListener("change", () => { d.fields[spec.name] = c.input.value; });
      c.input.addEventListener("blur", () => { const m = checkValue(c.spec, c.input.value); showError(c, m ? [m] : []); });
      return c;
    });
    d.box.replaceChildren(h("div", { class: "device-body" },
      h("p", {}, h("strong", {}, d.description || d.scanned.udi.di || "Unknown device"), ` · lot ${d.scanned.udi.lot || "—"} · serial ${d.scanned.udi.serial || "—"} · `, h("code", {}, visibleLabel(d.label))),
      findings.length ? h("ul", { class: "findings" }, findings.map(findingItem)) : null,
      h("div", { class: "field" }, h("label", { for: `dev${index}-action` }, "What happened to it"), action),
      d.controls.map((c) => c.wrapper),
      h("button", { type: "button", class: "secondary", onclick: () => { devices.splice(devices.indexOf(d), 1); d.box.remove(); if (!devices.length) devicesList.before(devicesEmpty); status.textContent = "Device removed."; } }, "Remove this device"),
    ));
  };
  const wrapperOf = (c: Control) => c.wrapper;
  byName.get("laterality")?.input.addEventListener("change", () => devices.forEach(renderDevice));

  // The scan field: as the theatre scan page (GS as the control character, Ctrl+] or the
  // substitute set on that page's scanner settings).
  const scanField = h("input", { id: "record-scan", autocomplete: "off", spellcheck: "false", autocapitalize: "none", class: "scan", "aria-describedby": "record-scan-hint" });
  const scanResult = h("div", { id: "record-scan-result" });
  scanField.addEventListener("keydown", async (event) => {
    if (event.key === GS || (event.ctrlKey && (event.key === "]" || event.code === "BracketRight"))) {
      event.preventDefault();
      const at = scanField.selectionStart ?? scanField.value.length;
      scanField.setRangeText(GS, at, scanField.selectionEnd ?? at, "end");
      return;
    }
    if (event.key !== "Enter") return;
    event.preventDefault();
    const label = normaliseLabel(scanField.value, localStorage.getItem("orp.gsSubstitute") ?? "");
    if (!label) return;
    status.textContent = "Reading the label…";
    try {
      const scanned = await lookUp(label);
      const description = scanned.device ? `${scanned.device.brand} ${scanned.device.model}` : "";
      scanned.findings.push(...sideFindings({ description }));
      status.textContent = scanned.findings.some((f) => f.severity === "error") ? "Label read: see the problems below." : "Label read.";
      scanResult.replaceChildren(resultView(scanned, () => {
        const d = { uid: nextUid++, action: "implanted" as FormDevice["action"], label, fields: {}, description, scanned: { ...scanned, findings: scanned.findings.filter((f) => f.code !== "scan.wrong_side") }, controls: [], box: h("li", { class: "card device" }) };
        devices.push(d);
        devicesEmpty.remove();
        devicesList.append(d.box);
        renderDevice(d);
        scanResult.replaceChildren();
        status.textContent = `Kept. ${devices.length} device${devices.length > 1 ? "s" : ""} on this procedure.`;
        scanField.focus();
      }));
      scanField.value = "";
    } catch (e) {
      status.textContent = `Could not read the label: ${describe(e)}`;
    }
  });

  // Client-side checks first; false (and the summary filled, focus on it) when any fails.
  const checkAll = (): boolean => {
    const problems: { id: string; message: string }[] = [];
    for (const c of [...controls, ...devices.flatMap((d) => d.controls)]) {
      const m = checkValue(c.spec, c.input.value);
      showError(c, m ? [m] : []);
      if (m) problems.push({ id: c.input.id, message: m });
    }
    for (const x of crossChecks(values(), new Date().toISOString().slice(0, 10))) {
      const c = byName.get(x.field)!;
      showError(c, [x.message]);
      problems.push({ id: c.input.id, message: x.message });
    }
    summary.replaceChildren();
    if (!problems.length) return true;
    summary.append(h("h2", {}, `${problems.length} thing${problems.length > 1 ? "s" : ""} to put right`), h("ul", { class: "error-list" }, problems.map((p) => h("li", {}, h("a", { href: `#${p.id}` }, p.message)))));
    summary.setAttribute("tabindex", "-1");
    summary.focus();
    return false;
  };
  const showServerFindings = (receipt: Receipt) => {
    for (const c of [...controls, ...devices.flatMap((d) => d.controls)]) showError(c, []);
    const placed = placeFindings(receipt.findings ?? [], new Set(byName.keys()), new Set(deviceSpecs.map((s) => s.name)));
    for (const [name, list] of placed.byField) showError(byName.get(name)!, list.map((f) => `${f.message} (${f.rule})`), list.some((f) => f.severity === "error"));
    deviceFindings.replaceChildren(...placed.devices.map(findingItem));
    summary.replaceChildren();
    const all = receipt.findings ?? [];
    summary.classList.toggle("warnings-only", !all.some((f) => f.severity === "error"));
    if (all.length) {
      summary.append(h("h2", {}, `The registry found ${all.length} thing${all.length > 1 ? "s" : ""} to look at`),
        h("ul", { class: "findings", id: "record-findings" }, all.map((f) => h("li", { class: `finding ${f.severity}` }, byName.has(f.field) ? h("a", { href: `#${byName.get(f.field)!.input.id}` }, f.message) : f.message, " ", h("span", { class: "code" }, `(${f.field ? f.field + ", " : ""}${f.rule})`)))));
    }
  };
  const send = async (dryRun: boolean) => {
    if (!checkAll()) { status.textContent = "Some fields need attention."; return; }
    const body = JSON.stringify([buildSubmission(def, values(), devices.map((d) => ({ action: d.action, label: d.label, fields: Object.fromEntries(d.controls.map((c) => [c.spec.name, c.input.value])), description: d.description })))]);
    status.textContent = dryRun ? "Checking with the registry…" : "Saving…";
    outcome.replaceChildren();
    try {
      const receipt = await apiSend<Receipt>("POST", `/api/v1/submissions?registry=${encodeURIComponent(def.code)}${dryRun ? "&dry_run=true" : ""}`, body, "application/json", dryRun ? {} : { "Idempotency-Key": key });
      showServerFindings(receipt);
      const errors = (receipt.findings ?? []).filter((f) => f.severity === "error").length;
      if (dryRun) {
        status.textContent = errors ? `The registry would reject this procedure: ${errors} problem${errors > 1 ? "s" : ""}.` : "The registry would accept this procedure.";
        return;
      }
      key = newIdempotencyKey();  // the server has answered: the next save is a new submission
      if (receipt.procedures.accepted > 0) {
        status.textContent = `Saved: submission ${receipt.submission_id}.`;
        // Saving again would store a second version of the same procedure: offer the next one.
        for (const id of ["record-save", "record-check"]) (document.getElementById(id) as HTMLButtonElement).disabled = true;
        outcome.replaceChildren(h("p", { class: "ok", id: "record-saved" }, `Saved as submission ${receipt.submission_id}. `, h("a", { href: `/upload?submission=${receipt.submission_id}`, "data-link": true }, "See its receipt")),
          h("button", { type: "button", id: "record-next", onclick: () => { const form = buildForm(def, status); document.getElementById("record-form")!.replaceWith(form); status.textContent = "A new, empty procedure."; (form.querySelector("input") as HTMLInputElement).focus(); } }, "Record another procedure"));
      } else {
        status.textContent = "Not saved: the registry rejected this procedure. Put right the problems shown and save again.";
      }
    } catch (e) {
      status.textContent = `${dryRun ? "Could not check" : "Not saved"}: ${describe(e)}`;
    }
  };

  const registryFields = controls.slice(coreFields(def).length);
  return h("form", { id: "record-form", novalidate: true, onsubmit: (e: Event) => { e.preventDefault(); void send(false); } },
    summary,
    h("section", { class: "card", "aria-labelledby": "rec-core" }, h("h2", { id: "rec-core" }, "The procedure"), h("div", { class: "columns" }, controls.slice(0, coreFields(def).length).map(wrapperOf))),
    registryFields.length ? h("section", { class: "card", "aria-labelledby": "rec-registry" }, h("h2", { id: "rec-registry" }, `${def.code} fields`), h("div", { class: "columns" }, registryFields.map(wrapperOf))) : null,
    def.devices ? h("section", { class: "card", "aria-labelledby": "rec-devices" }, h("h2", { id: "rec-devices" }, "Devices"),
      h("div", { class: "field" }, h("label", { for: "record-scan" }, "Scan a label"), h("p", { id: "record-scan-hint", class: "hint" }, "Put the cursor here and scan each device, or type the label and press Enter."), scanField),
      scanResult, devicesEmpty, devicesList, deviceFindings) : null,
    h("div", { class: "card actions" },
      h("button", { type: "button", class: "secondary", id: "record-check", onclick: () => void send(true) }, "Check with the registry"), " ",
      h("button", { type: "submit", id: "record-save" }, "Save the procedure"),
      outcome),
  );
}
