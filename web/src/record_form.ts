// The pure part of "Record a procedure" (pages/record.ts): the registry definition as
// GET /api/v1/registries/{code} sends it, the client-side checks that give immediate feedback,
// the single-procedure submission (docs/submission-format.md, NDJSON object form) and the
// placing of the server's findings next to the fields they name. No DOM here, so node's test
// runner covers it (test/unit.test.ts). The server's validation is the authority: these checks
// only catch what can be known without it (required, type, range, value set, a device's side).

export interface ValueEntry { code: string; label: string; procedure_types?: string[] }
export interface FieldSpec {
  name: string; label: string; description: string;
  type: "string" | "integer" | "decimal" | "date" | "boolean" | "code" | "gtin";
  level: "procedure" | "device"; required: boolean; required_when: string | null;
  values: ValueEntry[]; min: number | null; max: number | null; unit: string;
}
export interface RegistryDefinition {
  code: string; name: string; version: string; description: string; kind: string;
  fields: FieldSpec[];
  core_fields: { name: string; type: string; values: ValueEntry[] }[];
  procedure_types: { type: string; label: string; opcs_codes: string[] }[];
  rules: { id: string; message: string; severity: string; when: string | null; check: string }[];
  devices: boolean; laterality_required: boolean;
}

const spec = (name: string, label: string, type: FieldSpec["type"], required: boolean, extra: Partial<FieldSpec> = {}): FieldSpec =>
  ({ name, label, description: "", type, level: "procedure", required, required_when: null, values: [], min: null, max: null, unit: "", ...extra });

// The core procedure fields of the submission format, in form order, with their value sets taken
// from the definition where it has them (procedure types, indications).
export function coreFields(def: RegistryDefinition): FieldSpec[] {
  const valuesOf = (name: string) => def.core_fields.find((f) => f.name === name)?.values ?? [];
  const types = def.procedure_types.length
    ? def.procedure_types.map((p) => ({ code: p.type, label: p.label }))
    : valuesOf("procedure_type");
  const indications = valuesOf("indication");
  return [
    spec("procedure_ref", "Your reference for this procedure", "string", true, { description: "1–40 characters: letters, digits, - _ . /" }),
    spec("provider_site", "Provider site (ODS code)", "string", true, { description: "5 characters, e.g. RXF05" }),
    spec("procedure_date", "Date of the procedure", "date", true),
    spec("procedure_type", "Procedure type", "code", true, { values: types }),
    spec("clinician_gmc", "Responsible consultant (GMC number)", "string", false, { description: "7 digits, or L and 6 digits" }),
    spec("nhs_number", "NHS number", "string", false, { description: "10 digits; leave empty if unknown (then date of birth, sex and postcode link the patient)" }),
    spec("date_of_birth", "Date of birth", "date", false),
    spec("sex", "Sex (stated gender)", "code", false, { values: [{ code: "1", label: "Male" }, { code: "2", label: "Female" }, { code: "9", label: "Indeterminate" }, { code: "X", label: "Not known" }] }),
    spec("postcode", "Postcode", "string", false),
    spec("opcs_codes", "OPCS-4 codes", "string", false, { description: "main procedure first, separated by ; (e.g. B30.1;Z94.1)" }),
    spec("laterality", "Side", "code", def.laterality_required, { values: [{ code: "L", label: "Left" }, { code: "R", label: "Right" }, { code: "B", label: "Both" }, { code: "N", label: "Not applicable" }] }),
    indications.length ? spec("indication", "Indication", "code", false, { values: indications }) : spec("indication", "Indication", "string", false),
    spec("asa_grade", "ASA grade", "code", false, { values: ["1", "2", "3", "4", "5"].map((c) => ({ code: c, label: c })) }),
    spec("bmi", "BMI", "decimal", false, { min: 10, max: 80, unit: "kg/m2" }),
  ];
}

const kPatterns: Record<string, [RegExp, string]> = {
  procedure_ref: [/^[A-Za-z0-9\-_./]{1,40}$/, "use 1–40 letters, digits, - _ . or /"],
  provider_site: [/^[A-Z0-9]{5}$/, "an ODS site code is 5 capital letters or digits"],
  clinician_gmc: [/^(\d{7}|L\d{6})$/, "a GMC number is 7 digits, or L and 6 digits"],
  opcs_codes: [/^[A-Z]\d{2}\.\d(;[A-Z]\d{2}\.\d)*$/, "write codes with the dot, separated by ; (B30.1;Z94.1)"],
};

// The NHS number's modulus 11 check (docs/submission-format.md), spaces allowed.
export function validNhsNumber(text: string): boolean {
  const digits = text.replace(/\s+/g, "");
  if (!/^\d{10}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(digits[i]) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 10) return false;
  return (check === 11 ? 0 : check) === Number(digits[9]);
}

// What is wrong with `value` for `field`, for the person entering it, or null.
export function checkValue(field: FieldSpec, value: string): string | null {
  const v = value.trim();
  if (!v) return field.required ? `${field.label} is required.` : null;
  const pattern = kPatterns[field.name];
  if (pattern && !pattern[0].test(v)) return `${field.label}: ${pattern[1]}.`;
  if (field.name === "nhs_number" && !validNhsNumber(v)) return "NHS number: 10 digits that pass the modulus 11 check.";
  switch (field.type) {
    case "integer":
    case "decimal": {
      const ok = field.type === "integer" ? /^-?\d+$/.test(v) : /^-?\d+(\.\d+)?$/.test(v);
      if (!ok) return `${field.label}: write a ${field.type === "integer" ? "whole number" : "number with a dot for decimals"}.`;
      const n = Number(v);
      if (field.min !== null && n < field.min) return `${field.label}: at least ${field.min}${field.unit ? " " + field.unit : ""}.`;
      if (field.max !== null && n > field.max) return `${field.label}: at most ${field.max}${field.unit ? " " + field.unit : ""}.`;
      return null;
    }
    case "date":
      return /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v + "T00:00:00Z")) && new Date(v + "T00:00:00Z").toISOString().startsWith(v)
        ? null : `${field.label}: a date as YYYY-MM-DD.`;
    case "boolean":
      return v === "true" || v === "false" ? null : `${field.label}: yes or no.`;
    case "code":
      return field.values.length && !field.values.some((e) => e.code === v) ? `${field.label}: choose one of the listed values.` : null;
    default:
      return null;
  }
}

// Cross-field checks a client can make for certain: dates in order, not in the future.
export function crossChecks(values: Record<string, string>, today: string): { field: string; message: string }[] {
  const out: { field: string; message: string }[] = [];
  if (values.procedure_date && values.procedure_date > today) out.push({ field: "procedure_date", message: "Date of the procedure: not in the future." });
  if (values.date_of_birth && values.procedure_date && values.date_of_birth >= values.procedure_date) {
    out.push({ field: "date_of_birth", message: "Date of birth: must be before the date of the procedure." });
  }
  return out;
}

// A device kept from a scan, as the form holds it.
export interface FormDevice {
  action: "implanted" | "explanted";
  label: string;  // exactly what the scanner sent (GS as \x1d)
  fields: Record<string, string>;
  description: string;  // catalogue brand and model, for the wrong-side check
}

// A device whose catalogue description names one side while the procedure is on the other
// ("… Left" for a right knee) is on the wrong side. Only a whole word left/right/LT/RT counts.
export function wrongSide(description: string, laterality: string): boolean {
  const text = description.toLowerCase();
  const says = /\b(left|lt)\b/.test(text) ? "L" : /\b(right|rt)\b/.test(text) ? "R" : "";
  return (laterality === "L" || laterality === "R") && says !== "" && says !== laterality;
}

// The single-procedure submission: every value as text, empty values left out, registry
// fields under "fields", each device with its raw scan (the server parses it again).
export function buildSubmission(def: RegistryDefinition, values: Record<string, string>, devices: FormDevice[]): Record<string, unknown> {
  const core = new Set(coreFields(def).map((f) => f.name));
  const out: Record<string, unknown> = { registry: def.code };
  const fields: Record<string, string> = {};
  for (const [name, raw] of Object.entries(values)) {
    const value = name === "nhs_number" ? raw.replace(/\s+/g, "") : raw.trim();
    if (!value) continue;
    if (core.has(name)) out[name] = value;
    else fields[name] = value;
  }
  out.fields = fields;
  out.devices = devices.map((d) => ({
    device_action: d.action,
    device_scan: d.label,
    fields: Object.fromEntries(Object.entries(d.fields).map(([k, v]) => [k, v.trim()]).filter(([, v]) => v)),
  }));
  return out;
}

export interface ServerFinding { row?: number; procedure_ref?: string; field: string; rule: string; severity: string; message: string }

// Splits the server's findings into those a form field shows (by the field's name) and the rest,
// which the form lists at the top. Device findings name device fields ("gtin", "device_scan",
// a device-level registry field); they go to the devices list.
export function placeFindings(findings: ServerFinding[], formFields: Set<string>, deviceLevel: Set<string> = new Set()): { byField: Map<string, ServerFinding[]>; devices: ServerFinding[]; other: ServerFinding[] } {
  const deviceFields = new Set(["device_action", "device_scan", "gtin", "lot", "serial", "expiry", "devices", ...deviceLevel]);
  const byField = new Map<string, ServerFinding[]>();
  const devices: ServerFinding[] = [];
  const other: ServerFinding[] = [];
  for (const f of findings) {
    const name = (f.field ?? "").replace(/^fields\./, "");
    if (formFields.has(name)) byField.set(name, [...(byField.get(name) ?? []), f]);
    else if (deviceFields.has(name) || name.startsWith("devices")) devices.push(f);
    else other.push(f);
  }
  return { byField, devices, other };
}
