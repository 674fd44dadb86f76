// What the end-to-end browser tests share (browser.mjs, proms_browser.mjs, web_more_browser.mjs):
// their arguments, a fresh work directory with a synthetic registry ingested, `orp serve` on a
// free port, and the check runner — named checks, axe-core on a page, Content-Security-Policy
// violations and page errors collected from every page, a screenshot when a check fails, and the
// summary at the end.
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

// The value of --name on the command line, or `fallback`; without either the script stops.
export function argReader(script, argv = process.argv.slice(2)) {
  return (name, fallback) => {
    const i = argv.indexOf(`--${name}`);
    if (i >= 0) return argv[i + 1];
    if (fallback !== undefined) return fallback;
    throw new Error(`${script}: --${name} is required`);
  };
}

// Empties `work`, makes `shots`, and synthesises and ingests a registry into <work>/orp.db.
// Returns the database URL, and `run` (orp with arguments and stdin) and `sql` (sqlite3) helpers.
export function makeRegistry({ orp, work, shots, registries, seed, procedures, registry, catalogue = false }) {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  mkdirSync(shots, { recursive: true });
  const dbFile = join(work, "orp.db");
  const db = `sqlite:${dbFile}`;
  const run = (args, input) => execFileSync(orp, args, { input, encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] });
  const sql = (query) => execFileSync("sqlite3", [dbFile, query], { encoding: "utf8" }).trim();
  run(["synth", "--seed", String(seed), "--procedures", String(procedures), "--registries", registry, "--out", join(work, "synth"), "--definitions", registries]);
  const dir = join(work, "synth", "submissions");
  const submissions = readdirSync(dir).filter((f) => f.endsWith(".csv")).map((f) => join(dir, f));
  const extra = catalogue ? ["--catalogue", join(work, "synth", "device-catalogue.csv")] : [];
  try {
    run(["ingest", "--db", db, ...extra, "--definitions", registries, ...submissions]);
  } catch (e) {
    if (e.status !== 0 && !String(e.stdout).includes("accepted")) throw e;  // planted errors: partial acceptance is expected
  }
  return { db, dbFile, run, sql };
}

// Starts `orp serve` over `db` with the bundle; resolves to { server, base, log() } once it listens.
export async function startServer({ orp, db, webRoot, registries }) {
  const server = spawn(orp, ["serve", "--db", db, "--listen", "127.0.0.1:0", "--threads", "2", "--web-root", webRoot, "--definitions", registries], { stdio: ["ignore", "pipe", "pipe"] });
  let serverLog = "";
  server.stderr.on("data", (d) => { serverLog += d; });
  const base = await new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`orp serve did not start: ${out} ${serverLog}`)), 20000);
    server.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/[0-9.]+:[0-9]+)/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    server.on("exit", (code) => reject(new Error(`orp serve exited with ${code}: ${serverLog}`)));
  });
  return { server, base, log: () => serverLog };
}

export function expect(condition, message) { if (!condition) throw new Error(message); }

// Signs `username` in on the sign-in page; the tests give each user the password
// "<username>-password"; `code` is the second factor when the account has one.
export async function signIn(page, username, code) {
  await page.goto("/");
  await page.waitForSelector("#username");
  await page.fill("#username", username);
  await page.fill("#password", `${username}-password`);
  if (code !== undefined) await page.fill("#totp", code);
  await page.click("button[type=submit]");
}

// The browser and the checks. `prefix` starts failure screenshots' names; `page` is the default
// context options (viewport, isMobile …) of newPage.
export async function startChecks({ base, shots, chromiumPath, prefix = "", page: pageDefaults = { viewport: { width: 1024, height: 768 } } }) {
  let passed = 0, failed = 0, lastPage = null;  // lastPage: screenshotted when a check fails
  const cspViolations = [];
  const started = Date.now();
  async function check(name, body) {
    try {
      await body();
      passed++;
      console.log(`ok   ${name}`);
    } catch (e) {
      failed++;
      if (lastPage) await lastPage.screenshot({ path: join(shots, `${prefix}FAILED-${passed + failed}.png`), fullPage: true }).catch(() => {});
      console.log(`FAIL ${name}\n     ${String(e?.stack ?? e).split("\n").slice(0, 4).join("\n     ")}`);
    }
  }
  const browser = await chromium.launch({ executablePath: chromiumPath, args: ["--no-sandbox", "--disable-dev-shm-usage"] });
  async function newPage(viewport) {
    const context = await browser.newContext({ ...pageDefaults, ...(viewport ? { viewport } : {}), baseURL: base });
    // A loaded two-core machine (the test suite runs beside builds) can take longer than
    // Playwright's 30 s default to answer; no check waits that long on a healthy run.
    context.setDefaultTimeout(60000);
    const page = await context.newPage();
    lastPage = page;
    page.on("console", (m) => { if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text()); });
    page.on("pageerror", (e) => cspViolations.push(`page error: ${e.message}`));
    return page;
  }
  async function axe(page, view) {
    await page.evaluate(axeSource);  // evaluated over the debugging protocol, not as an inline script
    const result = await page.evaluate(() => window.axe.run(document, { runOnly: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] }));
    const serious = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    expect(serious.length === 0, `${view}: axe found ${serious.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`).join("; ")}`);
  }
  // The last check (no page broke the policy or threw), then the summary; exits the process.
  async function finish(server, label) {
    await check("no page broke the Content-Security-Policy or threw", async () => {
      expect(cspViolations.length === 0, cspViolations.join("\n"));
    });
    await browser.close();
    server.kill("SIGTERM");
    console.log(`${label} took ${((Date.now() - started) / 1000).toFixed(1)} s; screenshots in ${shots}`);
    console.log(`${passed} passed, ${failed} failed`);
    process.exit(failed ? 1 : 0);
  }
  return { check, expect, newPage, axe, finish, browser };
}
