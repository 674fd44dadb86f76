// The pure functions behind "Record a procedure" and "Upload a file" (webentry, #9).
import { test } from "node:test";
import assert from "node:assert/strict";
import { buildSubmission, checkValue, coreFields, crossChecks, placeFindings, validNhsNumber, wrongSide, type FieldSpec, type RegistryDefinition } from "../src/record_form";
import { filterFindings, findingsCsv, sortFindings, contentTypeFor, type TableFinding } from "../src/findings_table";

const field = (over: Partial<FieldSpec>): FieldSpec => ({ name: "x", label: "X", description: "", type: "string", level: "procedure", required: false, required_when: null, values: [], min: null, max: null, unit: "", ...over });
const def: RegistryDefinition = {
  code: "BCIR", name: "Breast", version: "1", description: "", kind: "device", devices: true, laterality_required: true, rules: [],
  procedure_types: [{ type: "primary", label: "Primary", opcs_codes: ["B30.1"] }],
  core_fields: [{ name: "indication", type: "string", values: [{ code: "cosmetic", label: "Cosmetic" }] }],
  fields: [field({ name: "implant_volume_ml", label: "Volume", type: "integer", level: "device", min: 50, max: 1500 }), field({ name: "procedure_reason", label: "Reason", type: "code", values: [{ code: "a", label: "A" }] })],
};

test("a required field left empty, a number out of range and a code not in the value set are each named", () => {
  assert.equal(checkValue(field({ required: true, label: "Date" }), "  "), "Date is required.");
  assert.equal(checkValue(field({ required: false }), ""), null);
  assert.match(checkValue(field({ type: "integer", label: "Volume", min: 50, max: 1500, unit: "mL" }), "20")!, /at least 50 mL/);
  assert.match(checkValue(field({ type: "integer", label: "Volume" }), "2.5")!, /whole number/);
  assert.equal(checkValue(field({ type: "decimal", min: 10, max: 80 }), "27.4"), null);
  assert.match(checkValue(field({ type: "code", values: [{ code: "a", label: "A" }] }), "b")!, /listed values/);
  assert.match(checkValue(field({ type: "date", label: "D" }), "2024-02-30")!, /YYYY-MM-DD/);
  assert.equal(checkValue(field({ type: "date" }), "2024-02-29"), null);
});

test("core fields follow the definition: its procedure types, indications and laterality rule", () => {
  const core = coreFields(def);
  assert.deepEqual(core.find((f) => f.name === "procedure_type")!.values.map((v) => v.code), ["primary"]);
  assert.deepEqual(core.find((f) => f.name === "indication")!.values.map((v) => v.code), ["cosmetic"]);
  assert.equal(core.find((f) => f.name === "laterality")!.required, true);
  assert.match(checkValue(core.find((f) => f.name === "provider_site")!, "rxf05")!, /5 capital letters/);
  assert.match(checkValue(core.find((f) => f.name === "clinician_gmc")!, "12345")!, /GMC/);
});

test("the NHS number check follows modulus 11", () => {
  assert.equal(validNhsNumber("943 476 5919"), true);
  assert.equal(validNhsNumber("9434765918"), false);
  assert.equal(validNhsNumber("123"), false);
});

test("dates out of order and a procedure in the future are found", () => {
  const found = crossChecks({ procedure_date: "2030-01-01", date_of_birth: "2031-01-01" }, "2026-11-27");
  assert.deepEqual(found.map((f) => f.field).sort(), ["date_of_birth", "procedure_date"]);
  assert.deepEqual(crossChecks({ procedure_date: "2026-01-01", date_of_birth: "1960-01-01" }, "2026-11-27"), []);
});

test("a device named for the other side is on the wrong side; an unsided one never is", () => {
  assert.equal(wrongSide("Acme Knee Femoral Left", "R"), true);
  assert.equal(wrongSide("Acme Knee Femoral LT", "L"), false);
  assert.equal(wrongSide("Acme Knee Femoral Right", "B"), false);
  assert.equal(wrongSide("Acme Leftover", "R"), false);
  assert.equal(wrongSide("Acme Round", "L"), false);
});

test("the submission puts core fields at the top, registry fields under fields, devices with their scan", () => {
  const s = buildSubmission(def, { procedure_ref: " P1 ", nhs_number: "943 476 5919", procedure_reason: "a", bmi: "" }, [{ action: "implanted", label: "01095\x1d21X", fields: { implant_volume_ml: "350", other: " " }, description: "" }]);
  assert.deepEqual(s, { registry: "BCIR", procedure_ref: "P1", nhs_number: "9434765919", fields: { procedure_reason: "a" }, devices: [{ device_action: "implanted", device_scan: "01095\x1d21X", fields: { implant_volume_ml: "350" } }] });
});

test("server findings go next to the field they name, device findings to the devices, the rest on top", () => {
  const f = (field: string) => ({ field, rule: "r", severity: "error", message: "m" });
  const placed = placeFindings([f("bmi"), f("fields.procedure_reason"), f("gtin"), f("implant_volume_ml"), f(""), f("registry")], new Set(["bmi", "procedure_reason"]), new Set(["implant_volume_ml"]));
  assert.deepEqual([...placed.byField.keys()], ["bmi", "procedure_reason"]);
  assert.equal(placed.devices.length, 2);
  assert.equal(placed.other.length, 2);
});

const rows: TableFinding[] = [
  { row: 10, procedure_ref: "B", field: "bmi", rule: "range", severity: "warning", message: "BMI high" },
  { row: 2, procedure_ref: "A", field: "gtin", rule: "check_digit", severity: "error", message: "bad, \"GTIN\"" },
  { row: 7, procedure_ref: "C", field: "sex", rule: "=cmd", severity: "error", message: "Sex unknown" },
];

test("findings sort by row as numbers, by severity most serious first, and both ways", () => {
  assert.deepEqual(sortFindings(rows, "row", true).map((r) => r.row), [2, 7, 10]);
  assert.deepEqual(sortFindings(rows, "row", false).map((r) => r.row), [10, 7, 2]);
  assert.deepEqual(sortFindings(rows, "severity", true).map((r) => r.row), [2, 7, 10]);
  assert.deepEqual(sortFindings(rows, "procedure_ref", false).map((r) => r.procedure_ref), ["C", "B", "A"]);
});

test("findings filter by severity and by text in any column", () => {
  assert.equal(filterFindings(rows, "", "error").length, 2);
  assert.deepEqual(filterFindings(rows, "gtin", "").map((r) => r.row), [2]);
  assert.deepEqual(filterFindings(rows, "SEX", "error").map((r) => r.row), [7]);
});

test("the findings CSV quotes what needs quoting and defuses formulas", () => {
  const csv = findingsCsv(rows.slice(1));
  assert.equal(csv, 'row,procedure_ref,field,rule,severity,message\r\n2,A,gtin,check_digit,error,"bad, ""GTIN"""\r\n7,C,sex,\'=cmd,error,Sex unknown\r\n');
});

test("a file is sent with the content type its name implies", () => {
  assert.equal(contentTypeFor("a.CSV"), "text/csv");
  assert.equal(contentTypeFor("a.ndjson"), "application/x-ndjson");
  assert.equal(contentTypeFor("a.json"), "application/json");
  assert.equal(contentTypeFor("a.xlsx"), "");
});
