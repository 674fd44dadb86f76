// The PROMs questionnaire (issue 11): one question per screen, large radio buttons that work on
// a phone, a progress line, Back and Next, then one submission. Opened without an account from
// the link in an invitation (/proms/<token>), or by a signed-in patient from "My questionnaires"
// (the same page over the patient's own routes). The server checks every answer again; a link
// that was used already or has expired shows the server's plain message.
//
// Accessibility (WCAG 2.1 AA): each question is a fieldset whose legend is the question; the
// options are native radio buttons with their labels (the whole label is the touch target, at
// least 44px high); errors are announced (role=alert); each screen starts at its heading (focus
// moves there, as on every page), followed by the progress line and the question.
import { api, describe } from "../api";
import { h, render } from "../dom";

export interface QuestionnaireItem {
  code: string;
  text: string;
  kind: "choice" | "scale";
  optional: boolean;
  options?: { value: number; label: string }[];
  min?: number;
  max?: number;
  min_label?: string;
  max_label?: string;
}

export interface Questionnaire {
  instrument: { code: string; name: string; version: string; kind: string };
  months: number;
  time_point: string;
  expires: string;
  items: QuestionnaireItem[];
}

// Where the questionnaire comes from and where its answers go.
export interface QuestionnaireSource {
  path: string;  // GET the questionnaire, POST {answers}
  onDone?: () => void;  // after "Thank you" (the patient's page goes back to its list)
}

// The choices a screen offers: a choice item's options, or each whole number of a scale with
// its end labels attached to the ends.
export function choicesOf(item: QuestionnaireItem): { value: number; label: string }[] {
  if (item.kind === "choice") return item.options ?? [];
  const out: { value: number; label: string }[] = [];
  for (let v = item.min ?? 0; v <= (item.max ?? 0); v++) {
    const anchor = v === item.min ? item.min_label : v === item.max ? item.max_label : "";
    out.push({ value: v, label: anchor ? `${v} – ${anchor}` : String(v) });
  }
  return out;
}

// The body the server takes: only answered items.
export function answersBody(answers: Map<string, number>): { answers: Record<string, number> } {
  return { answers: Object.fromEntries(answers) };
}

function itemScreen(q: Questionnaire, index: number, answers: Map<string, number>): HTMLFieldSetElement {
  const item = q.items[index];
  const name = `q-${item.code}`;
  const hint = item.optional ? h("p", { class: "hint", id: `${name}-hint` }, "You may leave this question out.") : null;
  return h(
    "fieldset",
    { class: "question", id: "question", "aria-describedby": hint ? `${name}-hint` : undefined },
    h("legend", {}, h("span", { class: "question-text" }, item.text)),
    hint,
    h("div", { class: "choices" }, choicesOf(item).map((c) => {
      const id = `${name}-${c.value}`;
      const input = h("input", { type: "radio", name, id, value: c.value, checked: answers.get(item.code) === c.value });
      input.addEventListener("change", () => answers.set(item.code, c.value));
      return h("label", { class: "choice", for: id }, input, h("span", {}, c.label));
    })),
  );
}

export async function questionnairePage(source: QuestionnaireSource): Promise<void> {
  document.title = "Your questionnaire · ORP";
  const status = h("p", { id: "questionnaire-status", role: "status" }, "Loading your questionnaire…");
  render(h("h1", {}, "Your questionnaire"), status);
  let q: Questionnaire;
  try {
    q = await api<Questionnaire>("GET", source.path);
  } catch (e) {
    render(h("h1", {}, "This questionnaire cannot be opened"), h("p", { id: "questionnaire-error", class: "error", role: "alert" }, describe(e)));
    return;
  }
  const answers = new Map<string, number>();
  showItem(q, 0, answers, source);
}

function showItem(q: Questionnaire, index: number, answers: Map<string, number>, source: QuestionnaireSource): void {
  const last = index === q.items.length - 1;
  const error = h("p", { id: "questionnaire-error", class: "error", role: "alert" });
  const back = index > 0 ? h("button", { type: "button", class: "secondary", id: "back" }, "Back") : null;
  const next = h("button", { type: "submit", id: last ? "submit-answers" : "next" }, last ? "Send my answers" : "Next");
  const form = h(
    "form",
    { class: "card questionnaire", novalidate: true, "aria-labelledby": "questionnaire-title" },
    h("p", { class: "progress", id: "progress" }, `Question ${index + 1} of ${q.items.length}`),
    itemScreen(q, index, answers),
    error,
    h("div", { class: "actions" }, back, next),
  );
  back?.addEventListener("click", () => showItem(q, index - 1, answers, source));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const item = q.items[index];
    if (!item.optional && !answers.has(item.code)) {
      error.textContent = "Choose an answer to go on.";
      form.querySelector<HTMLInputElement>("input[type=radio]")?.focus();
      return;
    }
    if (!last) return showItem(q, index + 1, answers, source);
    next.disabled = true;
    try {
      await api("POST", source.path, answersBody(answers));
      thankYou(source);
    } catch (e) {
      error.textContent = `Your answers were not sent: ${describe(e)}`;
      next.disabled = false;
    }
  });
  render(
    h("h1", { id: "questionnaire-title" }, q.instrument.name),
    h("p", { class: "hint" }, `About how you are ${q.time_point}. It takes about a minute. Open until ${q.expires}.`),
    form,
  );
}

function thankYou(source: QuestionnaireSource): void {
  render(
    h("h1", {}, "Thank you"),
    h("p", { id: "questionnaire-done", role: "status" }, "Your answers have been sent to the registry. They help surgeons and hospitals see how patients do after their operation."),
    source.onDone ? h("button", { type: "button", id: "questionnaire-back", onclick: () => source.onDone?.() }, "Back to my questionnaires") : null,
  );
}
