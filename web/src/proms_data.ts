// The data side of the PROMs charts on the surgeon and hospital pages (proms, #11): the JSON of
// GET /api/v1/proms/participation and /api/v1/proms/gain (src/orp/api/proms_analysis_routes.cc)
// turned into one funnel each (x: patients, y: the rate or the gain, limit curves around the
// national value) and aligned on one x axis for uPlot. No DOM and no uPlot here, so node's test
// runner can load it.
import { alignFunnel, type FunnelReport } from "./funnel_data";

export interface Limits { size: number; lower998: number; lower95: number; upper95: number; upper998: number }
interface Point { y: number; class: string }
export interface ParticipationRow {
  provider: string; invited: number | null; responded: number | null; response_rate: number | null;
  primaries: number | null; pre_op_returned: number | null; pre_op_rate: number | null;
  response_funnel: Point | null; pre_op_funnel: Point | null;
}
export interface Participation {
  registry: string | null; audience: string;
  national: { invited: number | null; responded: number | null; response_rate: number | null; primaries: number | null; pre_op_returned: number | null; pre_op_rate: number | null };
  providers: ParticipationRow[]; response_limits: Limits[]; pre_op_limits: Limits[];
}
export interface GainGroup {
  group: string; n: number; reportable: boolean; observed_gain: number | null; adjusted_gain: number | null;
  difference_from_national: number | null; limits: Limits | null;
}
export interface Gain {
  instrument: string; score: string; label: string; months: number; by: string;
  national: { n: number; gain: number }; groups: GainGroup[]; limits: Limits[];
}

// One funnel: the points (x = patients, y = the value) and the limit curve around `target`.
export interface PromsFunnel {
  title: string; xLabel: string; yLabel: string; target: number | null; percent: boolean;
  curve: Limits[]; points: { label: string; x: number; y: number; where: string }[];
  withheld: string[];  // units listed without a point (too few patients, or counts withheld)
}

// Where a value lies against its limits, in words (as describeClass in funnel_data.ts).
export function whereIs(y: number, l: Limits | null, higherIsBetter: boolean): string {
  if (!l) return "no limits";
  const better = higherIsBetter ? "better" : "worse";
  const worse = higherIsBetter ? "worse" : "better";
  if (y > l.upper998) return `above the 99.8% limit: ${better} than the country`;
  if (y > l.upper95) return `above the 95% limit: ${better} than the country`;
  if (y < l.lower998) return `below the 99.8% limit: ${worse} than the country`;
  if (y < l.lower95) return `below the 95% limit: ${worse} than the country`;
  return "within the limits: as the country";
}

const classWords: Record<string, string> = {
  "alarm-high": "above the 99.8% limit", "alert-high": "above the 95% limit", within: "within the limits",
  "alert-low": "below the 95% limit", "alarm-low": "below the 99.8% limit",
};

// The response-rate funnel of a participation report: each provider at its invitations.
export function participationFunnel(p: Participation): PromsFunnel {
  const points: PromsFunnel["points"] = [];
  const withheld: string[] = [];
  for (const r of p.providers) {
    if (r.response_funnel && r.invited) points.push({ label: r.provider, x: r.invited, y: r.response_funnel.y * 100, where: classWords[r.response_funnel.class] ?? r.response_funnel.class });
    else withheld.push(r.provider);
  }
  const pct = (l: Limits): Limits => ({ size: l.size, lower998: l.lower998 * 100, lower95: l.lower95 * 100, upper95: l.upper95 * 100, upper998: l.upper998 * 100 });
  return {
    title: `PROMs response rate by provider${p.registry ? `, ${p.registry}` : ""}`, xLabel: "Invitations", yLabel: "Answered (%)",
    target: p.national.response_rate === null ? null : p.national.response_rate * 100, percent: true,
    curve: p.response_limits.map(pct), points, withheld,
  };
}

// The case-mix adjusted gain funnel: each reportable group at its number of patients.
export function gainFunnel(g: Gain, higherIsBetter = true): PromsFunnel {
  const points: PromsFunnel["points"] = [];
  const withheld: string[] = [];
  for (const r of g.groups) {
    if (r.reportable && r.adjusted_gain !== null) points.push({ label: r.group, x: r.n, y: r.adjusted_gain, where: whereIs(r.adjusted_gain, r.limits, higherIsBetter) });
    else withheld.push(r.group);
  }
  return {
    title: `${g.label} (${g.instrument}): adjusted health gain at ${g.months} months by ${g.by === "clinician" ? "surgeon" : "hospital"}`,
    xLabel: "Patients with both questionnaires", yLabel: "Adjusted gain", target: g.national.gain, percent: false,
    curve: g.limits, points, withheld,
  };
}

// Columns: x, upper 99.8, upper 95, lower 95, lower 99.8, target, points: alignFunnel's columns
// (funnel_data.ts) with the target at the national value and every point the caller's own.
export function alignPromsFunnel(f: PromsFunnel): (number | null)[][] {
  const report = {
    limits: f.curve.map((l) => ({ expected: l.size, lower998: l.lower998, lower95: l.lower95, upper95: l.upper95, upper998: l.upper998 })),
    points: f.points.map((p) => ({ expected: p.x, ratio: p.y, own: true })),
  } as unknown as FunnelReport;
  const [x, up998, up95, low95, low998, target, , own] = alignFunnel(report);
  return [x, up998, up95, low95, low998, target.map((v) => (v === null || f.target === null ? null : f.target)), own];
}
