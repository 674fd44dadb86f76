// The data side of the funnel and CUSUM charts: the JSON of GET /api/v1/analytics/funnel and
// /analytics/cusum (src/orp/api/dashboard_routes.cc) and their alignment on one x axis for uPlot.
// No DOM and no uPlot here, so node's test runner can load it.
export interface FunnelLimits { expected: number; lower998: number; lower95: number; upper95: number; upper998: number }
export interface FunnelPoint {
  unit: string | null; own: boolean; procedures: number; observed: number | null; expected: number; ratio: number;
  classification: string; limits: FunnelLimits;
}
export interface FunnelReport {
  registry: string; unit_kind: string; metric: string; years: number; data_cut: string; audience: string;
  method?: string; note?: string; withheld: number; insufficient?: number; limits: FunnelLimits[]; points: FunnelPoint[];
}
export interface CusumReport {
  registry: string; unit: string; unit_kind?: string; h: number | null; odds_ratio?: number; patients?: number; note?: string;
  signals: number[]; path: { index: number; date: string; cusum: number }[];
}

// Columns: x (expected), upper 99.8, upper 95, lower 95, lower 99.8, target, other units,
// own units. Curves and points share the x axis; each is null where the other has a value.
export function alignFunnel(report: FunnelReport): (number | null)[][] {
  type Row = { x: number; curve?: FunnelLimits; point?: FunnelPoint };
  const rows: Row[] = [...report.limits.map((l) => ({ x: l.expected, curve: l })), ...report.points.map((p) => ({ x: p.expected, point: p }))];
  rows.sort((a, b) => a.x - b.x);
  const col = (f: (r: Row) => number | null) => rows.map(f);
  return [
    col((r) => r.x),
    col((r) => r.curve?.upper998 ?? null),
    col((r) => r.curve?.upper95 ?? null),
    col((r) => r.curve?.lower95 ?? null),
    col((r) => r.curve?.lower998 ?? null),
    col((r) => (r.curve ? 1 : null)),
    col((r) => (r.point && !r.point.own ? r.point.ratio : null)),
    col((r) => (r.point && r.point.own ? r.point.ratio : null)),
  ];
}

// The points outside the 95% limits (alerts) or the 99.8% limits (alarms), worst first.
export function outliers(report: FunnelReport): FunnelPoint[] {
  const rank: Record<string, number> = { "alarm-high": 0, "alarm-low": 1, "alert-high": 2, "alert-low": 3 };
  return report.points.filter((p) => p.classification in rank).sort((a, b) => rank[a.classification] - rank[b.classification] || b.ratio - a.ratio);
}

// A plain-language reading of a classification for people who do not read funnel plots.
export function describeClass(c: string): string {
  return ({
    "alarm-high": "above the 99.8% limit (alarm): worse than expected",
    "alert-high": "above the 95% limit (alert): worse than expected",
    within: "within the limits: as expected",
    "alert-low": "below the 95% limit: better than expected",
    "alarm-low": "below the 99.8% limit: better than expected",
  } as Record<string, string>)[c] ?? c;
}
