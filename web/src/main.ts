// The single-page application: a router over the History API, the navigation for the signed-in
// person's roles, and the pages. The server answers every client route with index.html.
import "uplot/dist/uPlot.min.css";
import "./style.css";
import { currentSession, hasRole, setUnauthenticatedHandler, signOut, type Session } from "./api";
import { h } from "./dom";
import { loginPage } from "./pages/login";
import { scanPage } from "./pages/scan";
import { proceduresPage } from "./pages/procedures";
import { myImplantsPage } from "./pages/my_implants";
import { survivalPage } from "./pages/survival";
import { resultsPage } from "./pages/results";
import { recallWorkPage } from "./pages/recall_work";
import { funnelsPage } from "./pages/funnels";
import { signalsPage } from "./pages/signals";
import { devicesPage } from "./pages/devices";
import { recallsPage } from "./pages/recalls";
import { completenessPage } from "./pages/completeness";
import { recordPage } from "./pages/record";
import { uploadPage } from "./pages/upload";
import { adminAuditPage, adminRegistriesPage, adminUsersPage } from "./pages/admin";
import { questionnairePage } from "./pages/questionnaire";
import { myQuestionnairesPage } from "./pages/my_questionnaires";
import { submissionsPage } from "./pages/submissions";
import { publicPage } from "./pages/public";

interface Page {
  path: string;
  title: string;
  show: (session: Session) => boolean;
  render: (session: Session) => void | Promise<void>;
}

const submits = (s: Session) => hasRole(s, "submitter") || hasRole(s, "provider");
const staff = (s: Session) => !hasRole(s, "patient") || s.roles.length > 1;
const pages: Page[] = [
  { path: "/scan", title: "Theatre scan", show: (s) => hasRole(s, "submitter") || hasRole(s, "provider") || hasRole(s, "admin"), render: scanPage },
  { path: "/procedures", title: "Procedures", show: staff, render: proceduresPage },
  { path: "/survival", title: "Survival", show: staff, render: survivalPage },
  { path: "/my-implants", title: "My implants", show: (s) => hasRole(s, "patient"), render: myImplantsPage },
  // webentry (#9): data entry for submitters and providers
  { path: "/record", title: "Record a procedure", show: submits, render: recordPage },
  { path: "/upload", title: "Upload a file", show: submits, render: uploadPage },
  { path: "/admin/users", title: "Users", show: (s) => hasRole(s, "admin"), render: adminUsersPage },
  { path: "/admin/registries", title: "Registries", show: (s) => hasRole(s, "admin"), render: adminRegistriesPage },
  { path: "/admin/audit", title: "Audit log", show: (s) => hasRole(s, "admin"), render: adminAuditPage },
  { path: "/my-questionnaires", title: "My questionnaires", show: (s) => hasRole(s, "patient"), render: myQuestionnairesPage },
];

// Dashboards (webdash, #9): surgeons and hospitals, manufacturers, analysts and the regulator.
const anyOf = (...roles: string[]) => (s: Session) => roles.some((r) => hasRole(s, r));
pages.push(
  { path: "/results", title: "Feedback report", show: anyOf("provider", "clinician"), render: resultsPage },
  { path: "/recall-work", title: "Recall work", show: anyOf("provider"), render: recallWorkPage },
  { path: "/devices", title: "Your devices", show: anyOf("manufacturer"), render: devicesPage },
  { path: "/funnels", title: "Funnel plots", show: anyOf("provider", "clinician", "manufacturer", "analyst", "regulator"), render: funnelsPage },
  { path: "/signals", title: "Signals", show: anyOf("provider", "clinician", "manufacturer", "analyst", "regulator"), render: signalsPage },
  { path: "/recalls", title: "Recalls", show: anyOf("regulator", "manufacturer"), render: recallsPage },
  { path: "/completeness", title: "Completeness", show: anyOf("provider", "analyst", "regulator"), render: completenessPage },
);

// Submission history and records waiting for a fix (web, #9).
pages.push({ path: "/submissions", title: "Submissions", show: submits, render: submissionsPage });

export function navigate(path: string, replace = false): void {
  if (replace) history.replaceState(null, "", path);
  else history.pushState(null, "", path);
  void route();
}

function homeFor(session: Session): string {
  return pages.find((p) => p.show(session))?.path ?? "/procedures";
}

function renderChrome(session: Session | null, current: string): void {
  const nav = document.getElementById("nav")!;
  const who = document.getElementById("who")!;
  if (!session) {
    nav.replaceChildren();
    who.replaceChildren();
    return;
  }
  nav.replaceChildren(
    h(
      "ul",
      {},
      pages
        .filter((p) => p.show(session))
        .map((p) => h("li", {}, h("a", { href: p.path, "data-link": true, "aria-current": p.path === current ? "page" : undefined }, p.title))),
    ),
  );
  who.replaceChildren(
    h("span", { class: "who-name" }, session.username),
    h("button", { type: "button", class: "secondary", id: "sign-out", onclick: async () => { await signOut(); navigate("/login"); } }, "Sign out"),
  );
}

async function route(): Promise<void> {
  const session = currentSession();
  let path = location.pathname;
  // A questionnaire link (/proms/<token>) needs no account: the token is the credential.
  const link = path.match(/^\/proms\/([A-Za-z0-9]+)$/);
  if (link) {
    renderChrome(session, path);
    await questionnairePage({ path: `/api/v1/proms/invitations/${link[1]}` });
    return;
  }
  // Device performance for the public (web, #9): no account.
  if (path === "/public") {
    renderChrome(session, path);
    await publicPage();
    return;
  }
  if (!session && path !== "/login") {
    history.replaceState(null, "", "/login");
    path = "/login";
  }
  if (session && (path === "/" || path === "/login")) {
    path = homeFor(session);
    history.replaceState(null, "", path);
  }
  renderChrome(session, path);
  if (!session) {
    document.title = "Sign in · ORP";
    loginPage((s) => navigate(homeFor(s), true));
    return;
  }
  const page = pages.find((p) => p.path === path && p.show(session));
  if (!page) {
    document.title = "Not found · ORP";
    const main = document.getElementById("main")!;
    main.replaceChildren(h("h1", {}, "Page not found"), h("p", {}, "There is no page here for your account. ", h("a", { href: homeFor(session), "data-link": true }, "Go to your start page")));
    return;
  }
  document.title = `${page.title} · ORP`;
  await page.render(session);
}

document.addEventListener("click", (event) => {
  const link = (event.target as Element).closest?.("a[data-link]") as HTMLAnchorElement | null;
  if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
  event.preventDefault();
  navigate(link.getAttribute("href")!);
});
window.addEventListener("popstate", () => void route());
setUnauthenticatedHandler(() => navigate("/login", true));
void route();
