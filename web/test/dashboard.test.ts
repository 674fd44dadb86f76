// The pure functions behind the funnel chart (webdash, #9).
import { test } from "node:test";
import assert from "node:assert/strict";
import { alignFunnel, describeClass, outliers, type FunnelPoint, type FunnelReport } from "../src/funnel_data";

const limits = (e: number) => ({ expected: e, lower998: 1 - 3 / Math.sqrt(e), lower95: 1 - 2 / Math.sqrt(e), upper95: 1 + 2 / Math.sqrt(e), upper998: 1 + 3 / Math.sqrt(e) });
const point = (expected: number, ratio: number, classification: string, own = false): FunnelPoint =>
  ({ unit: own ? "RXF05" : null, own, procedures: 100, observed: own ? ratio * expected : null, expected, ratio, classification, limits: limits(expected) });
const report = (points: FunnelPoint[]): FunnelReport =>
  ({ registry: "NJR", unit_kind: "hospital", metric: "revision", years: 5, data_cut: "2026-01-01", audience: "public", withheld: 0, limits: [4, 9, 16].map(limits), points });

test("curves and points share one ascending x axis, each null where the other has a value", () => {
  const data = alignFunnel(report([point(5, 1.1, "within"), point(12, 2.5, "alarm-high", true)]));
  assert.deepEqual(data[0], [4, 5, 9, 12, 16]);
  assert.equal(data.length, 8);
  assert.deepEqual(data[5], [1, null, 1, null, 1]);  // the target at the curve's x only
  assert.deepEqual(data[6], [null, 1.1, null, null, null]);  // other units
  assert.deepEqual(data[7], [null, null, null, 2.5, null]);  // own units
  assert.equal(data[1][0], 1 + 3 / 2);
  assert.equal(data[1][1], null);
});

test("outliers are the points beyond a limit, alarms first", () => {
  const out = outliers(report([point(5, 1.6, "alert-high"), point(6, 1, "within"), point(7, 3, "alarm-high"), point(8, 0.2, "alarm-low")]));
  assert.deepEqual(out.map((p) => p.classification), ["alarm-high", "alarm-low", "alert-high"]);
  assert.match(describeClass("alarm-high"), /99\.8%.*worse/);
});
