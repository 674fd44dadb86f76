// A patient's own questionnaires (issue 11): those due now, answered here without the link
// (the questionnaire page over the patient's own routes), and each score over time as a table
// (readable by a screen reader and on a phone; no chart to decode). The server returns only the
// signed-in patient's own record and audits the read.
import { api, describe, type Session } from "../api";
import { h, render, tableWrap } from "../dom";
import { questionnairePage } from "./questionnaire";

interface Due { invitation: number; instrument: string; name: string; months: number; time_point: string; expires: string }
interface Point { months: number; time_point: string; completed: string; value: number | null }
interface Series { instrument: string; name: string; score: string; label: string; higher_is_better: boolean; min: number; max: number; points: Point[] }
interface PatientProms { due: Due[]; scores: Series[] }

// "3 (lower is better, 0 to 10)": the value with what it means.
export function scoreText(value: number | null, series: Pick<Series, "higher_is_better" | "min" | "max">): string {
  if (value === null) return "Not scored (too many questions left out)";
  const shown = Number.isInteger(value) ? String(value) : value.toFixed(1);
  return `${shown} (${series.higher_is_better ? "higher" : "lower"} is better, ${series.min} to ${series.max})`;
}

function dueList(session: Session, due: Due[]): HTMLElement {
  if (!due.length) return h("p", { id: "due-none" }, "You have no questionnaires to answer just now. We will send you a message when the next one is due.");
  return h("ul", { class: "cards", id: "due" }, due.map((d) => h("li", { class: "card" },
    h("h3", {}, d.name),
    h("p", {}, `About how you are ${d.time_point}. Open until ${d.expires}.`),
    h("button", {
      type: "button",
      class: "answer",
      "data-invitation": d.invitation,
      onclick: () => void questionnairePage({
        path: `/api/v1/patients/${session.patient}/proms/invitations/${d.invitation}`,
        onDone: () => void myQuestionnairesPage(session),
      }),
    }, `Answer: ${d.name}`))));
}

function scoresSection(scores: Series[]): HTMLElement[] {
  if (!scores.length) return [h("p", { id: "scores-none" }, "No answers of yours are recorded yet.")];
  return scores.map((s, i) => tableWrap(`${s.name}: ${s.label}`, h("table", { class: "scores-table", id: `scores-${i}` },
    h("caption", {}, `${s.name}: ${s.label}`),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "When"), h("th", { scope: "col" }, "Answered on"), h("th", { scope: "col" }, "Score"))),
    h("tbody", {}, s.points.map((p) => h("tr", {}, h("th", { scope: "row" }, p.time_point), h("td", {}, p.completed), h("td", {}, scoreText(p.value, s))))))));
}

export async function myQuestionnairesPage(session: Session): Promise<void> {
  document.title = "My questionnaires · ORP";
  const status = h("p", { id: "questionnaires-status", role: "status", "aria-live": "polite" }, "Loading…");
  const due = h("div", { id: "due-section" });
  const scores = h("div", { id: "scores-section" });
  render(
    h("h1", {}, "My questionnaires"),
    h("p", {}, "Short questionnaires about how you are since your operation. Your answers help surgeons and hospitals see how patients do."),
    status,
    h("h2", {}, "To answer now"), due,
    h("h2", {}, "My scores over time"), scores,
  );
  if (!session.patient) {
    status.textContent = "Your account is not linked to a patient record.";
    return;
  }
  try {
    const p = await api<PatientProms>("GET", `/api/v1/patients/${session.patient}/proms`);
    status.textContent = p.due.length ? `${p.due.length} questionnaire${p.due.length > 1 ? "s" : ""} to answer.` : "Nothing to answer now.";
    due.replaceChildren(dueList(session, p.due));
    scores.replaceChildren(...scoresSection(p.scores));
  } catch (e) {
    status.textContent = `Could not load your questionnaires: ${describe(e)}`;
  }
}
