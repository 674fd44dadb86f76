// Administrators' pages (issue #9): users (list, add, disable; tokens created and shown once,
// revoked), the loaded registry definitions, and the audit log searched by person, object
// (e.g. patient/<pseudonym>) and time. Over /api/v1/users, /api/v1/users/{u}/tokens,
// /api/v1/tokens/{id}, /api/v1/registries and /api/v1/audit; every change is audited by the
// server with the administrator as actor.
import { api, describe, type Session } from "../api";
import { h, render, tableWrap } from "../dom";
import type { RegistryDefinition } from "../record_form";

interface User { user_id: number; username: string; grants: string[]; has_password: boolean; has_totp: boolean; disabled: boolean; created_at: string }
interface Token { token_id: number; created_at: string; expires_at: string; revoked_at: string | null }

const field = (id: string, label: string, input: HTMLElement, hint?: string) =>
  h("div", { class: "field inline" }, h("label", { for: id }, label), hint ? h("p", { class: "hint", id: `${id}-hint` }, hint) : null, input);
const table = (id: string, caption: string, headings: string[], rows: HTMLTableRowElement[]) =>
  tableWrap(caption, h("table", { id }, h("caption", { class: "visually-hidden" }, caption), h("thead", {}, h("tr", {}, headings.map((t) => h("th", { scope: "col" }, t)))), h("tbody", {}, rows)));
// A secret the server shows once: in an alert, with the instruction to copy it now.
const secretPanel = (id: string, title: string, secret: string, note: string) =>
  h("div", { class: "card secret", id, role: "alert" }, h("h3", {}, title), h("p", {}, h("code", { class: "secret-value" }, secret)), h("p", { class: "hint" }, note));

export async function adminUsersPage(_session: Session): Promise<void> {
  const status = h("p", { id: "users-status", role: "status", "aria-live": "polite" });
  const list = h("div", { id: "users-list" });
  const once = h("div", { id: "users-once" });
  const tokens = h("section", { class: "card", id: "tokens", "aria-labelledby": "tokens-title", hidden: true });

  const showTokens = async (username: string) => {
    tokens.hidden = false;
    const items = (await api<{ items: Token[] }>("GET", `/api/v1/users/${encodeURIComponent(username)}/tokens`)).items;
    const days = h("input", { id: "token-days", type: "text", inputmode: "numeric", value: "90", class: "short", "aria-describedby": "token-days-hint" });
    tokens.replaceChildren(
      h("h2", { id: "tokens-title", tabindex: "-1" }, `API tokens of ${username}`),
      items.length
        ? table("tokens-table", `API tokens of ${username}`, ["Token", "Created", "Expires", "Revoked", ""], items.map((t) => h("tr", {},
          h("td", {}, `#${t.token_id}`), h("td", {}, t.created_at), h("td", {}, t.expires_at), h("td", {}, t.revoked_at ?? "—"),
          h("td", {}, t.revoked_at ? "" : h("button", { type: "button", class: "secondary", "data-revoke": t.token_id, "aria-label": `Revoke token ${t.token_id} of ${username}`, onclick: async () => {
            try { await api("DELETE", `/api/v1/tokens/${t.token_id}`); status.textContent = `Token #${t.token_id} revoked.`; await showTokens(username); } catch (e) { status.textContent = `Not revoked: ${describe(e)}`; }
          } }, "Revoke")))))
        : h("p", {}, "No tokens."),
      h("form", { class: "filters", onsubmit: async (e: Event) => {
        e.preventDefault();
        try {
          const made = await api<{ token_id: number; token: string; expires_at: string }>("POST", `/api/v1/users/${encodeURIComponent(username)}/tokens`, { expires_days: Number(days.value) });
          await showTokens(username);
          tokens.append(secretPanel("token-secret", `Token #${made.token_id} for ${username}`, made.token, `Copy it now: it is shown only once. It expires ${made.expires_at}.`));
          status.textContent = `Token #${made.token_id} created.`;
        } catch (err) { status.textContent = `No token made: ${describe(err)}`; }
      } }, field("token-days", "Valid for (days)", days, "1 to 3650"), h("button", { type: "submit", id: "token-create" }, "Create a token")));
    tokens.querySelector("h2")!.focus();
  };

  const load = async () => {
    const users = (await api<{ items: User[] }>("GET", "/api/v1/users")).items;
    list.replaceChildren(table("users-table", "Accounts", ["User", "Roles", "Second factor", "Status", "Created", ""], users.map((u) => {
      const actions = h("td", {});
      const disable = h("button", { type: "button", class: "secondary", "data-disable": u.username, "aria-label": `Disable ${u.username}`, onclick: () => {
        actions.replaceChildren(h("button", { type: "button", "data-confirm-disable": u.username, onclick: async () => {
          try { await api("POST", `/api/v1/users/${encodeURIComponent(u.username)}/disable`); status.textContent = `${u.username} disabled.`; await load(); } catch (e) { status.textContent = `Not disabled: ${describe(e)}`; }
        } }, `Yes, disable ${u.username}`), " ", h("button", { type: "button", class: "secondary", onclick: () => void load() }, "Cancel"));
        (actions.firstChild as HTMLElement).focus();
      } }, "Disable");
      actions.append(h("button", { type: "button", class: "secondary", "data-tokens": u.username, "aria-label": `Tokens of ${u.username}`, onclick: () => void showTokens(u.username) }, "Tokens"), " ", u.disabled ? "" : disable);
      return h("tr", { class: u.disabled ? "disabled" : undefined }, h("td", {}, u.username), h("td", {}, u.grants.join(", ")), h("td", {}, u.has_totp ? "TOTP" : u.has_password ? "none" : "token only"), h("td", {}, u.disabled ? "Disabled" : "Active"), h("td", {}, u.created_at.slice(0, 10)), actions);
    })));
  };

  const username = h("input", { id: "new-username", autocomplete: "off" });
  const grants = h("input", { id: "new-grants", autocomplete: "off", "aria-describedby": "new-grants-hint" });
  const password = h("input", { id: "new-password", type: "password", autocomplete: "new-password", "aria-describedby": "new-password-hint" });
  const totp = h("input", { id: "new-totp", type: "checkbox", checked: true });
  const add = h("form", { id: "user-add", onsubmit: async (e: Event) => {
    e.preventDefault();
    try {
      const made = await api<{ username: string; totp_secret: string }>("POST", "/api/v1/users", {
        username: username.value.trim(), grants: grants.value.split(/[\s,]+/).filter(Boolean), password: password.value || undefined, totp: totp.checked,
      });
      password.value = "";
      once.replaceChildren(made.totp_secret
        ? secretPanel("totp-secret", `${made.username} added: their TOTP secret`, made.totp_secret, "Give it to them to enter in their authenticator app now: it is shown only once.")
        : h("p", { class: "ok", role: "alert" }, `${made.username} added.`));
      status.textContent = `${made.username} added.`;
      await load();
    } catch (err) { status.textContent = `Not added: ${describe(err)}`; }
  } },
    h("div", { class: "columns" },
      field("new-username", "Username", username),
      field("new-grants", "Roles", grants, "e.g. provider@RXF, submitter@RXF05, analyst; separate with commas"),
      field("new-password", "First password", password, "leave empty for a system account (tokens only)")),
    h("div", { class: "field checkbox" }, totp, h("label", { for: "new-totp" }, " Require a second factor (TOTP)")),
    h("button", { type: "submit", id: "user-add-submit" }, "Add the user"));

  render(h("h1", {}, "Users and tokens"), status,
    h("section", { class: "card", "aria-labelledby": "users-title" }, h("h2", { id: "users-title" }, "Accounts"), list),
    tokens,
    h("section", { class: "card", "aria-labelledby": "add-title" }, h("h2", { id: "add-title" }, "Add a user"), add, once));
  try { await load(); } catch (e) { status.textContent = `Could not list the users: ${describe(e)}`; }
}

export async function adminRegistriesPage(_session: Session): Promise<void> {
  const detail = h("div", { id: "registry-detail" });
  render(h("h1", {}, "Registries"), h("div", { id: "registries-list" }, "Loading…"), detail);
  const list = document.getElementById("registries-list")!;
  try {
    const items = (await api<{ items: { code: string; name: string; version: string; kind: string; fields: number; rules: number }[] }>("GET", "/api/v1/registries")).items;
    list.replaceChildren(table("registries-table", "Loaded registry definitions", ["Code", "Name", "Version", "Kind", "Fields", "Rules", ""], items.map((r) => h("tr", {},
      h("td", {}, r.code), h("td", {}, r.name), h("td", {}, r.version), h("td", {}, r.kind), h("td", {}, r.fields), h("td", {}, r.rules),
      h("td", {}, h("button", { type: "button", class: "secondary", "data-registry": r.code, "aria-label": `Fields of ${r.code}`, onclick: async () => {
        const def = await api<RegistryDefinition>("GET", `/api/v1/registries/${encodeURIComponent(r.code)}`);
        detail.replaceChildren(h("section", { class: "card", "aria-labelledby": "registry-detail-title" },
          h("h2", { id: "registry-detail-title", tabindex: "-1" }, `${def.name} (${def.code} ${def.version})`),
          table("registry-fields", `Fields of ${def.code}`, ["Field", "Label", "Type", "Level", "Required", "Values or range"], def.fields.map((f) => h("tr", {},
            h("td", {}, h("code", {}, f.name)), h("td", {}, f.label), h("td", {}, f.type), h("td", {}, f.level),
            h("td", {}, f.required ? "yes" : f.required_when ? `when ${f.required_when}` : "no"),
            h("td", {}, f.values.length ? f.values.map((v) => v.code).join(", ") : f.min !== null || f.max !== null ? `${f.min ?? ""}–${f.max ?? ""} ${f.unit}` : "")))),
          def.rules.length ? h("div", {}, h("h3", {}, "Rules"), h("ul", { id: "registry-rules" }, def.rules.map((x) => h("li", {}, h("strong", {}, x.id), `: ${x.message}`, x.when ? ` (when ${x.when})` : "")))) : null));
        detail.querySelector("h2")!.focus();
      } }, "Fields"))))));
  } catch (e) {
    list.replaceChildren(h("p", { class: "error", role: "alert" }, `Could not list the registries: ${describe(e)}`));
  }
}

interface AuditEntry { seq: number; at: string; actor?: string; role: string; action: string; object: string; purpose: string; outcome: string }

export async function adminAuditPage(_session: Session): Promise<void> {
  const inputs = {
    actor: h("input", { id: "audit-actor", autocomplete: "off" }),
    object: h("input", { id: "audit-object", autocomplete: "off", "aria-describedby": "audit-object-hint" }),
    since: h("input", { id: "audit-since", type: "date" }),
    until: h("input", { id: "audit-until", type: "date" }),
  };
  const status = h("p", { id: "audit-status", role: "status", "aria-live": "polite" });
  const results = h("div", { id: "audit-results" });
  const next = h("button", { type: "button", class: "secondary", id: "audit-next", hidden: true }, "Next page");
  let cursor: string | null = null;
  const search = async (more: boolean) => {
    const q = new URLSearchParams();
    for (const [k, input] of Object.entries(inputs)) if (input.value.trim()) q.set(k, input.value.trim());
    q.set("limit", "50");
    q.set("purpose", "administrator audit search");
    if (more && cursor) q.set("cursor", cursor);
    status.textContent = "Searching…";
    try {
      const page = await api<{ items: AuditEntry[]; next_cursor: string | null }>("GET", `/api/v1/audit?${q}`);
      cursor = page.next_cursor;
      next.hidden = !cursor;
      status.textContent = `${page.items.length} entr${page.items.length === 1 ? "y" : "ies"}${cursor ? "; more on the next page" : ""}.`;
      results.replaceChildren(table("audit-table", "Audit entries", ["#", "When (UTC)", "Who", "Role", "Action", "Object", "Purpose", "Outcome"], page.items.map((e) => h("tr", {},
        h("td", {}, e.seq), h("td", {}, e.at), h("td", {}, e.actor ?? ""), h("td", {}, e.role), h("td", {}, e.action), h("td", {}, h("code", {}, e.object)), h("td", {}, e.purpose), h("td", {}, e.outcome)))));
    } catch (e) {
      status.textContent = `Could not search: ${describe(e)}`;
    }
  };
  next.addEventListener("click", () => void search(true));
  render(h("h1", {}, "Audit log"),
    h("form", { class: "card", id: "audit-form", onsubmit: (e: Event) => { e.preventDefault(); cursor = null; void search(false); } },
      h("div", { class: "filters" },
        field("audit-actor", "Person (username)", inputs.actor),
        field("audit-object", "Object", inputs.object, "exact, e.g. patient/<pseudonym>, submission/42, recall/R-1"),
        field("audit-since", "From", inputs.since),
        field("audit-until", "Before", inputs.until)),
      h("button", { type: "submit", id: "audit-search" }, "Search")),
    status, results, next);
  await search(false);
}
