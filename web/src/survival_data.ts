// The data side of the survival chart: the SurvivalReport JSON (`orp survival --format json`,
// GET /api/v1/analytics/survival; shape in src/orp/analytics/report_json.h) and its alignment on
// one x axis for uPlot. No DOM and no uPlot here, so node's test runner can load it.
export interface CurvePoint { day: number; n_risk: number | null; surv: number | null; lower: number | null; upper: number | null }
export interface AtPoint { years: number; n_risk: number | null; surv: number | null; lower: number | null; upper: number | null; few_at_risk?: boolean; withheld?: boolean }
export interface SurvivalGroup { group: string; n: number | null; revisions: number | null; at: AtPoint[]; curve: CurvePoint[] }
export interface SurvivalReport { registry: string; by: string; method: string; conf_level?: number; data_cut: string; groups: SurvivalGroup[] }

export const kDaysPerYear = 365.25;

// One x axis for all groups (uPlot's aligned data): every day any group has a point on, each
// group's values held (a step) until its own last day and null after it.
export function alignCurves(groups: SurvivalGroup[]): (number | null)[][] {
  const days = [...new Set([0, ...groups.flatMap((g) => g.curve.map((p) => p.day))])].sort((a, b) => a - b);
  const data: (number | null)[][] = [days.map((d) => d / kDaysPerYear)];
  for (const g of groups) {
    const curve = g.curve.length && g.curve[0].day === 0 ? g.curve : [{ day: 0, n_risk: g.n, surv: 1, lower: 1, upper: 1 }, ...g.curve];
    const last = curve[curve.length - 1].day;
    const surv: (number | null)[] = [], lower: (number | null)[] = [], upper: (number | null)[] = [];
    let i = 0;
    for (const d of days) {
      while (i + 1 < curve.length && curve[i + 1].day <= d) i++;
      const p = d <= last ? curve[i] : null;
      const pct = (v: number | null | undefined) => (p && v !== null && v !== undefined ? v * 100 : null);
      surv.push(pct(p?.surv)); lower.push(pct(p?.lower)); upper.push(pct(p?.upper));
    }
    data.push(surv, lower, upper);
  }
  return data;
}

