// The pure functions behind the scan page and the survival chart.
import { test } from "node:test";
import assert from "node:assert/strict";
import { deviceFindings, GS, normaliseLabel, visibleLabel } from "../src/pages/scan";
import { alignCurves, type SurvivalGroup } from "../src/survival_data";
import { answersBody, choicesOf } from "../src/pages/questionnaire";
import { scoreText } from "../src/pages/my_questionnaires";
import { alignPromsFunnel, gainFunnel, participationFunnel, whereIs } from "../src/proms_data";

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
import "./dashboard.test";  // webdash (#9): funnel chart data
import "./entry.test";  // webentry (#9)

// --- PROMs questionnaire (proms, #11) ---------------------------------------------------------
test("a scale item offers every whole number with its end labels on the ends", () => {
  const pain = { code: "pain", text: "Pain?", kind: "scale" as const, optional: false, min: 0, max: 3, min_label: "No pain", max_label: "Worst" };
  assert.deepEqual(choicesOf(pain).map((c) => c.label), ["0 – No pain", "1", "2", "3 – Worst"]);
  const choice = { code: "x", text: "X?", kind: "choice" as const, optional: true, options: [{ value: 4, label: "Yes" }] };
  assert.deepEqual(choicesOf(choice), [{ value: 4, label: "Yes" }]);
});

test("only answered items are sent", () => {
  assert.deepEqual(answersBody(new Map([["pain", 3]])), { answers: { pain: 3 } });
  assert.deepEqual(answersBody(new Map()), { answers: {} });
});

test("a score says which way is better and its range, or why it is missing", () => {
  assert.equal(scoreText(3, { higher_is_better: false, min: 0, max: 10 }), "3 (lower is better, 0 to 10)");
  assert.equal(scoreText(12.5, { higher_is_better: true, min: 0, max: 15 }), "12.5 (higher is better, 0 to 15)");
  assert.match(scoreText(null, { higher_is_better: true, min: 0, max: 15 }), /Not scored/);
});

// --- PROMs charts on the surgeon and hospital pages (proms, #11) -----------------------------------
const limits = (size: number, mid: number, half: number) => ({ size, lower998: mid - 1.5 * half, lower95: mid - half, upper95: mid + half, upper998: mid + 1.5 * half });

test("participation: each provider with a funnel point is plotted in percent; a withheld one is listed", () => {
  const row = (provider: string, invited: number | null, y: number | null) => ({
    provider, invited, responded: null, response_rate: y, primaries: null, pre_op_returned: null, pre_op_rate: null,
    response_funnel: y === null ? null : { y, class: "alert-low" }, pre_op_funnel: null,
  });
  const f = participationFunnel({
    registry: "BCIR", audience: "public", providers: [row("RRK", 40, 0.25), row("RXF", null, null)],
    national: { invited: 100, responded: 50, response_rate: 0.5, primaries: null, pre_op_returned: null, pre_op_rate: null },
    response_limits: [limits(1, 0.5, 0.4), limits(100, 0.5, 0.1)], pre_op_limits: [],
  });
  assert.deepEqual(f.points, [{ label: "RRK", x: 40, y: 25, where: "below the 95% limit" }]);
  assert.deepEqual(f.withheld, ["RXF"]);
  assert.equal(f.target, 50);
  const [x, up998, , , , target, points] = alignPromsFunnel(f);
  assert.deepEqual(x, [1, 40, 100]);
  assert.deepEqual(points, [null, 25, null]);
  assert.deepEqual(target, [50, null, 50]);
  assert.ok(Math.abs((up998[2] as number) - 65) < 1e-9);
});

test("gain: reportable groups are plotted and read against their own limits", () => {
  const f = gainFunnel({
    instrument: "PAIN-NRS", score: "pain", label: "Pain", months: 6, by: "provider", national: { n: 300, gain: 3 },
    groups: [
      { group: "RRK02", n: 60, reportable: true, observed_gain: 5, adjusted_gain: 4.8, difference_from_national: 1.8, limits: limits(60, 3, 1) },
      { group: "RXF05", n: 12, reportable: false, observed_gain: null, adjusted_gain: null, difference_from_national: null, limits: null },
    ],
    limits: [limits(30, 3, 1.4), limits(72, 3, 0.9)],
  });
  assert.deepEqual(f.points.map((p) => [p.label, p.x, p.y]), [["RRK02", 60, 4.8]]);
  assert.equal(f.points[0].where, "above the 99.8% limit: better than the country");
  assert.deepEqual(f.withheld, ["RXF05"]);
  assert.equal(whereIs(2.5, limits(60, 3, 1), true), "within the limits: as the country");
  assert.equal(whereIs(1.8, limits(60, 3, 1), true), "below the 95% limit: worse than the country");
});
