// The pure functions behind the scan page and the survival chart.
import { test } from "node:test";
import assert from "node:assert/strict";
import { deviceFindings, GS, normaliseLabel, visibleLabel } from "../src/pages/scan";
import { alignCurves, type SurvivalGroup } from "../src/survival_data";

test("a configured substitute becomes the group separator and a trailing newline goes", () => {
  assert.equal(normaliseLabel("0109506000134352" + "10ABC~21X\r\n", "~"), `0109506000134352` + `10ABC${GS}21X`);
  assert.equal(normaliseLabel("10A{GS}21B", "{GS}"), `10A${GS}21B`);
  assert.equal(normaliseLabel(`10A${GS}21B`, ""), `10A${GS}21B`);
});

test("the separator is shown as a visible symbol", () => {
  assert.equal(visibleLabel(`10A${GS}21B`), "10A\u241d21B");
});

const udi = { issuer: "GS1", format: "gs1-element-string", ok: true, di: "09506000134352", lot: "A", serial: "1", expiry: "2026-01-31", production_date: null, findings: [] };
const device = { di: "09506000134352", agency: "GS1", manufacturer: "M", brand: "B", model: "X", catalogue_number: "C", device_type: "t", market_status: "on-market", status_date: null, fsn_reference: "" };

test("an expired label, an unknown device and a recalled one are each a finding", () => {
  assert.deepEqual(deviceFindings(udi, device, "2026-01-31"), []);
  assert.deepEqual(deviceFindings(udi, device, "2026-02-01").map((f) => f.code), ["scan.expired"]);
  assert.deepEqual(deviceFindings(udi, null, "2025-01-01").map((f) => f.code), ["catalogue.unknown_device"]);
  const recalled = deviceFindings(udi, { ...device, market_status: "recalled", status_date: "2025-06-01", fsn_reference: "FSN-1" }, "2025-01-01");
  assert.equal(recalled[0].code, "catalogue.recalled");
  assert.match(recalled[0].message, /2025-06-01.*FSN-1/);
});

test("an expiry the parser already reported is one finding, raised to an error", () => {
  const expired = { ...udi, findings: [{ code: "udi.expired", severity: "warning", message: "expired", field: "expiry" }] };
  assert.deepEqual(deviceFindings(expired, device, "2026-02-01").map((f) => [f.code, f.severity]), [["udi.expired", "error"]]);
});

test("the parser's own findings are kept with their severity", () => {
  const withFinding = { ...udi, findings: [{ code: "gs1.check_digit", severity: "error", message: "bad check digit", field: "di" }] };
  assert.deepEqual(deviceFindings(withFinding, device, "2025-01-01").map((f) => [f.code, f.severity]), [["gs1.check_digit", "error"]]);
});

test("curves are aligned on one axis, held as steps and ended after their last day", () => {
  const groups: SurvivalGroup[] = [
    { group: "a", n: 10, revisions: 1, at: [], curve: [{ day: 0, n_risk: 10, surv: 1, lower: 1, upper: 1 }, { day: 100, n_risk: 9, surv: 0.9, lower: 0.8, upper: 1 }] },
    { group: "b", n: 5, revisions: 0, at: [], curve: [{ day: 50, n_risk: 5, surv: 0.8, lower: 0.5, upper: 0.95 }, { day: 200, n_risk: 2, surv: 0.4, lower: null, upper: null }] },
  ];
  const [x, aSurv, aLower, , bSurv, , bUpper] = alignCurves(groups);
  assert.deepEqual(x.map((v) => Math.round((v as number) * 365.25)), [0, 50, 100, 200]);
  assert.deepEqual(aSurv, [100, 100, 90, null]);
  assert.deepEqual(aLower, [100, 100, 80, null]);
  assert.deepEqual(bSurv, [100, 80, 80, 40]);
  assert.deepEqual(bUpper, [100, 95, 95, null]);
});
import "./entry.test";  // webentry (#9)
