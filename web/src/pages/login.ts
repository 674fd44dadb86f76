// Sign in: username, password and the six-digit code from the authenticator app (TOTP). The
// server decides whether the account needs the code; an account without one ignores it.
import { describe, signIn, type Session } from "../api";
import { h, render } from "../dom";

export function loginPage(onSignedIn: (session: Session) => void): void {
  const error = h("p", { id: "login-error", class: "error", role: "alert" });
  const username = h("input", { id: "username", name: "username", autocomplete: "username", required: true, autocapitalize: "none", spellcheck: "false" });
  const password = h("input", { id: "password", name: "password", type: "password", autocomplete: "current-password", required: true });
  const totp = h("input", { id: "totp", name: "totp", inputmode: "numeric", autocomplete: "one-time-code", pattern: "[0-9]{6}", maxlength: 6, "aria-describedby": "totp-hint" });
  const submit = h("button", { type: "submit" }, "Sign in");
  const form = h(
    "form",
    { class: "card narrow", "aria-labelledby": "login-title", novalidate: true },
    h("h1", { id: "login-title" }, "Sign in"),
    h("div", { class: "field" }, h("label", { for: "username" }, "Username"), username),
    h("div", { class: "field" }, h("label", { for: "password" }, "Password"), password),
    h(
      "div",
      { class: "field" },
      h("label", { for: "totp" }, "Authenticator code"),
      h("p", { id: "totp-hint", class: "hint" }, "Six digits from your authenticator app. Patients without one leave it empty."),
      totp,
    ),
    error,
    submit,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    if (!username.value || !password.value) {
      error.textContent = "Enter your username and password.";
      return;
    }
    submit.disabled = true;
    try {
      onSignedIn(await signIn(username.value.trim(), password.value, totp.value.trim()));
    } catch (e) {
      error.textContent = `Not signed in: ${describe(e)}`;
      password.value = "";
      totp.value = "";
      password.focus();
    } finally {
      submit.disabled = false;
    }
  });
  render(form, h("p", { class: "narrow" }, h("a", { href: "/public", "data-link": true, id: "public-link" }, "How implanted devices perform"), " — national figures, no sign-in needed."));
  username.focus();
}
