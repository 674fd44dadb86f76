// End to end (web, #9): submission history and records waiting for a fix, the public device
// performance page (no sign-in, linked from the sign-in page), and a manufacturer's recall
// status, in headless Chromium; run by CTest (web.HistoryPublicRecallBrowser). Builds a small
// synthetic MDOR registry with `orp synth` and `orp ingest`, adds a provider and a manufacturer
// whose grant names it by the id folded from its catalogue name (docs/adr/0006), starts
// `orp serve`. axe-core finds no serious or critical violation on any page; no
// Content-Security-Policy violation; screenshots go to --screenshots (web-*.png).
//
// Usage: node web_more_browser.mjs --orp BIN --web-root DIR --registries DIR --work DIR
//        --screenshots DIR [--chromium /usr/bin/chromium]
import { join } from "node:path";
import { argReader, makeRegistry, signIn as signInAs, startChecks, startServer } from "./harness.mjs";

const arg = argReader("web_more_browser.mjs");
const orp = arg("orp"), webRoot = arg("web-root"), registries = arg("registries");
const work = arg("work"), shots = arg("screenshots"), chromiumPath = arg("chromium", "/usr/bin/chromium");

// --- the registry -----------------------------------------------------------------------------
const { db, run, sql } = makeRegistry({ orp, work, shots, registries, seed: 7, procedures: 400, registry: "MDOR", catalogue: true });
run(["catalogue", "import", "--db", db, join(work, "synth", "device-catalogue.csv")]);
const [site] = sql("SELECT provider_site FROM procedures GROUP BY 1 ORDER BY count(*) DESC LIMIT 1;").split("\n");
const org = site.slice(0, 3);
const [maker, makerGtin] = sql("SELECT m.manufacturer, i.gtin FROM implants i JOIN device_models m ON m.di = i.gtin " +
  "GROUP BY m.manufacturer, i.gtin ORDER BY count(*) DESC LIMIT 1;").split("|");
// The manufacturer id rule of docs/adr/0006 (security::ManufacturerId).
const makerId = maker.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 64).replace(/-+$/, "");
const addUser = (name, role) => run(["user", "add", "--db", db, "--username", name, "--role", role, "--password-stdin", "--no-second-factor"], `${name}-password\n`);
addUser("prov-w", `provider@${org}`);
addUser("maker-w", `manufacturer@${makerId}`);
addUser("reg-w", "regulator");

// --- the server ---------------------------------------------------------------------------------
const { server, base } = await startServer({ orp, db, webRoot, registries });

// --- the checks -----------------------------------------------------------------------------
const { check, expect, newPage, axe, finish } = await startChecks({ base, shots, chromiumPath, prefix: "web-" });
const shot = (page, name) => page.screenshot({ path: join(shots, `web-${name}.png`), fullPage: true });
async function signIn(page, username) {
  await signInAs(page, username);
  await page.waitForSelector("nav li");
}
// A request from inside the signed-in page, with its CSRF token.
const send = (page, method, path, body, extra = {}) => page.evaluate(async ([m, p, b, x]) => {
  const session = JSON.parse(sessionStorage.getItem("orp.session"));
  const r = await fetch(p, { method: m, headers: { "Content-Type": "application/json", "X-CSRF-Token": session.csrf_token, ...x }, body: JSON.stringify(b) });
  return { status: r.status, body: await r.text() };
}, [method, path, body, extra]);

await check("the public page opens from the sign-in page without an account and draws national survival", async () => {
  const page = await newPage();
  await page.goto("/");
  await page.waitForSelector("#public-link");
  await page.click("#public-link");
  await page.waitForSelector("h1:text('How implanted devices perform')");
  await page.waitForFunction(() => document.querySelector("#public-registry")?.value === "MDOR");
  await page.waitForSelector("#public-survival #at-risk tbody tr");
  expect(!(await page.textContent("#nav")).includes("Sign out"), "the public page shows a signed-in chrome");
  const status = await page.textContent("#public-survival-status");
  expect(/group\(s\); data up to/.test(status), `status: ${status}`);
  await page.selectOption("#public-by", "manufacturer");
  await page.click("form[aria-label='Device performance'] button[type=submit]");
  await page.waitForFunction(() => document.querySelector("#at-risk thead th")?.textContent === "manufacturer");
  expect((await page.textContent("#at-risk")).includes(maker), `${maker} not in the public table`);
  await axe(page, "public");
  await shot(page, "public");
  const refused = await page.evaluate(async () => (await fetch("/api/v1/public/device-performance?registry=MDOR&by=provider")).status);
  expect(refused === 400, `grouping by provider is refused publicly: ${refused}`);
  await page.context().close();
});

const provider = await newPage();
await check("a provider's rejected procedure waits for a fix under its username, and the history lists the submission", async () => {
  await signIn(provider, "prov-w");
  const sent = await send(provider, "POST", "/api/v1/submissions", [{ registry: "MDOR", procedure_ref: "WEB-WAIT-1", provider_site: site }], { "Idempotency-Key": "web-wait-1" });
  expect(sent.status === 201, `submission: ${sent.status} ${sent.body}`);
  const id = JSON.parse(sent.body).submission_id;
  await provider.click("nav a[href='/submissions']");
  await provider.waitForSelector("#waiting table tbody tr");
  const waiting = await provider.textContent("#waiting");
  expect(waiting.includes("WEB-WAIT-1") && waiting.includes(String(id)), `waiting: ${waiting}`);
  await provider.waitForSelector("#history table tbody tr");
  const first = await provider.$$eval("#history tbody tr:first-child > *", (cells) => cells.map((c) => c.textContent));
  expect(first[0] === String(id) && first[2] === "prov-w" && first[3] === "http", `history row: ${first}`);
  await axe(provider, "submissions");
  await shot(provider, "submissions");
  // Sent again, valid except for what the registry checks: a correction that is accepted
  // would clear it; a fresh rejection replaces the old one (only the latest waits).
  const again = await send(provider, "POST", "/api/v1/submissions", [{ registry: "MDOR", procedure_ref: "WEB-WAIT-1", provider_site: site }], { "Idempotency-Key": "web-wait-2" });
  const id2 = JSON.parse(again.body).submission_id;
  await provider.reload();
  await provider.waitForSelector("#waiting table tbody tr");
  const rows = await provider.$$eval("#waiting tbody tr td:first-of-type", (tds) => tds.map((t) => t.textContent));
  expect(rows.every((r) => r.startsWith(`${id2} `)), `only the latest rejection waits: ${rows}`);
});

await check("a manufacturer whose grant names its folded id sees its devices' recall counts and no patients", async () => {
  const page = await newPage();
  await signIn(page, "maker-w");
  const created = await send(page, "POST", "/api/v1/recalls", { reference: "R-WEB-M1", fsn_reference: "FSN-M1", title: "Browser test recall", criteria: { devices: [makerGtin] } });
  expect(created.status === 201, `recall: ${created.status} ${created.body}`);
  await page.click("nav a[href='/devices']");
  await page.waitForSelector("#recall-status-table tbody tr");
  const row = await page.$$eval("#recall-status-table tbody tr:first-child > *", (cells) => cells.map((c) => c.textContent));
  // Every patient is at exactly one stage (some are concluded at once: already explanted).
  const staged = row.slice(4, 8).reduce((sum, n) => sum + Number(n), 0);
  expect(row[0].startsWith("R-WEB-M1") && Number(row[3]) > 0 && staged === Number(row[3]), `recall status row: ${row}`);
  await axe(page, "devices with recall status");
  await shot(page, "manufacturer-recall-status");
  const patients = await page.evaluate(async () => (await fetch("/api/v1/recalls/R-WEB-M1")).status);
  expect(patients === 403, `the campaign's patients stay closed to the manufacturer: ${patients}`);
  await page.context().close();
});

await finish(server, "web_more_browser.mjs");
