// End to end: a PROMs questionnaire link in headless Chromium (issue 11), run by CTest
// (web.PromsBrowserEndToEnd). Builds a small synthetic BCIR registry with `orp synth` and
// `orp ingest`, starts `orp serve`, runs `orp proms run` on the day one patient's 6-month
// questionnaires fall due with a letter batch (the link is in the letter), then on a phone-sized
// screen: opens the link without an account, is stopped from skipping a question, answers one
// question per screen, sends, and sees the same link refuse a second use (page and API). axe-core
// finds no serious or critical violation on any screen; no Content-Security-Policy violation;
// screenshots go to --screenshots (proms-*.png).
//
// Usage: node proms_browser.mjs --orp BIN --web-root DIR --registries DIR --work DIR
//        --screenshots DIR [--chromium /usr/bin/chromium]
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { argReader, makeRegistry, signIn, startChecks, startServer } from "./harness.mjs";
import { totp } from "./totp.mjs";

const arg = argReader("proms_browser.mjs");
const orp = arg("orp"), webRoot = arg("web-root"), registries = arg("registries");
const work = arg("work"), shots = arg("screenshots"), chromiumPath = arg("chromium", "/usr/bin/chromium");

// --- the registry -----------------------------------------------------------------------------
const { db, run, sql } = makeRegistry({ orp, work, shots, registries, seed: 5, procedures: 200, registry: "BCIR" });
// A living patient with an implant still in place, operated on a day that every month has.
const [pseudonym, days] = sql(
  "SELECT lower(hex(p.pseudonym)), r.date FROM procedures r JOIN patients p ON r.patient = p.id " +
  "JOIN implants i ON i.procedure = r.id WHERE r.registry = 'BCIR' AND r.type = 'primary' AND i.in_situ = 1 " +
  "AND p.date_of_death IS NULL AND p.opted_out = 0 AND CAST(strftime('%d', r.date * 86400, 'unixepoch') AS INTEGER) <= 28 " +
  "ORDER BY r.id LIMIT 1;").split("|");
if (!pseudonym) throw new Error("no patient to invite in the synthetic registry");
const due = new Date(Number(days) * 86400000);
due.setUTCMonth(due.getUTCMonth() + 6);
const today = due.toISOString().slice(0, 10);
writeFileSync(join(work, "contacts.csv"), `pseudonym,name,email,phone,address\n${pseudonym},Pat Example,,,1 Test Road|Leeds|LS1 1AA\n`);

// --- the server ---------------------------------------------------------------------------------
const { server, base, log: serverLog } = await startServer({ orp, db, webRoot, registries });

// The daily run on the due day: invitations, then letters carrying each questionnaire's link.
const letters = join(work, "letters.csv");
run(["proms", "run", "--db", db, "--today", today, "--registries", registries, "--contacts", join(work, "contacts.csv"),
  "--channel", "letter", "--letters", letters, "--link-base", `${base}/proms/`]);
// The synthetic registry ends before today and the server checks a link's closing day against
// the real clock, so the fixture keeps the links made on that past due day open until after today.
sql("UPDATE prom_invitations SET expires = CAST(strftime('%s', 'now') / 86400 AS INTEGER) + 30;");
const rows = readFileSync(letters, "utf8").trim().split("\n").slice(1);
const linkOf = (instrument) => {
  const invitation = sql(`SELECT id FROM prom_invitations WHERE instrument = '${instrument}' AND patient = (SELECT id FROM patients WHERE lower(hex(pseudonym)) = '${pseudonym}');`);
  const row = rows.find((r) => r.startsWith(`<prom-`) && r.includes(`${base}/proms/`) && sql(`SELECT invitation FROM prom_outbox WHERE id = ${r.match(/<prom-([0-9]+)@/)[1]};`) === invitation);
  if (!row) throw new Error(`no letter for ${instrument}: ${rows.join("\n")}`);
  return row.match(/(http:\/\/[^,]+\/proms\/[a-z2-7]+)/)[1];
};

// --- the checks -----------------------------------------------------------------------------
const { check, expect, newPage, axe, finish } = await startChecks({
  base, shots, chromiumPath, prefix: "proms-",
  page: { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true },
});
const shot = (page, name) => page.screenshot({ path: join(shots, `proms-${name}.png`), fullPage: true });

const link = linkOf("PREM");
const page = await newPage();
await check("the link opens the questionnaire on a phone without an account, one question per screen", async () => {
  await page.goto(link);
  await page.waitForSelector("#question legend");
  expect((await page.textContent("h1")).includes("Experience of care"), `title: ${await page.textContent("h1")}`);
  expect((await page.textContent("#progress")) === "Question 1 of 6", `progress: ${await page.textContent("#progress")}`);
  expect((await page.$$("#question input[type=radio]")).length === 4, "four choices");
  expect((await page.$$("#username")).length === 0, "no sign-in asked for");
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width <= 375, `the page scrolls sideways on a phone (${width}px)`);
  await axe(page, "questionnaire");
  await shot(page, "01-question-phone");
});

await check("a question cannot be skipped silently: the error is announced", async () => {
  await page.click("#next");
  await page.waitForSelector("#questionnaire-error:not(:empty)");
  expect((await page.textContent("#questionnaire-error")).includes("Choose an answer"), "no error shown");
  expect((await page.textContent("#progress")) === "Question 1 of 6", "moved on without an answer");
  await axe(page, "questionnaire error");
  await shot(page, "02-question-error");
});

await check("answers every question, can go back, leaves the optional one out, and sends once", async () => {
  for (let i = 0; i < 6; i++) {
    await page.waitForSelector(`#progress:text("Question ${i + 1} of 6")`);
    if (i < 5) await page.click(`#question label.choice:nth-child(${(i % 4) + 1})`);
    if (i === 1) {
      await page.click("#back");
      await page.waitForSelector(`#progress:text("Question 1 of 6")`);
      expect(await page.isChecked("#question input[value='0']"), "the first answer was kept");
      await page.click("#next");
      await page.waitForSelector(`#progress:text("Question 2 of 6")`);
      await page.click(`#question label.choice:nth-child(2)`);
    }
    await page.click(i === 5 ? "#submit-answers" : "#next");
  }
  await page.waitForSelector("#questionnaire-done");
  await axe(page, "thank you");
  await shot(page, "03-thank-you");
  const stored = sql(`SELECT answers, source FROM prom_responses WHERE instrument = 'PREM';`);
  expect(/^information=0;[a-z_]+=1;[a-z_]+=2;[a-z_]+=3;[a-z_]+=0\|link$/.test(stored), `stored: ${stored}`);
});

await check("the same link refuses a second use, in the page and over the API", async () => {
  const again = await newPage();
  await again.goto(link);
  await again.waitForSelector("#questionnaire-error");
  expect((await again.textContent("#questionnaire-error")).includes("already been answered"), `message: ${await again.textContent("#questionnaire-error")}`);
  await axe(again, "used link");
  await shot(again, "04-used-link");
  const token = link.split("/proms/")[1];
  const post = await fetch(`${base}/api/v1/proms/invitations/${token}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ answers: { information: 1 } }) });
  expect(post.status === 409, `second POST: ${post.status}`);
  expect(sql("SELECT count(*) FROM prom_responses WHERE instrument = 'PREM';") === "1", "a second response was stored");
});

// The hospital's feedback report (/results) draws its PROMs: the response rate and the health
// gain as funnel plots around the country. The provider with the most invitations signs in; it
// sees the public audience (counts 1-7 withheld, others rounded to 5).
await check("a hospital sees its PROMs response rate and health gain as funnel plots, axe-clean", async () => {
  // The synth's before-and-after pain scores, sent in bulk as another registry would: the gain model's input.
  run(["ingest-proms", "--db", db, "--registries", registries, "--today", "2026-06-01", join(work, "synth", "proms.csv")]);
  const org = sql("SELECT substr(r.provider_site, 1, 3) FROM prom_invitations i JOIN procedures r ON r.id = i.procedure GROUP BY 1 ORDER BY count(*) DESC LIMIT 1;");
  const added = JSON.parse(run(["user", "add", "--db", db, "--username", "prov-proms", "--role", `provider@${org}`, "--password-stdin", "--totp", "--format", "json"], "prov-proms-password\n"));
  const desk = await newPage({ width: 1200, height: 900 });
  await signIn(desk, "prov-proms", totp((Array.isArray(added) ? added[0] : added).totp_secret));
  await desk.waitForSelector("#sign-out");
  await desk.goto("/results");
  await desk.waitForSelector("#results-registry");
  await desk.fill("#results-registry", "BCIR");
  await desk.click("form.filters button[type=submit]");
  const api = await desk.evaluate(async () => (await fetch("/api/v1/proms/participation?registry=BCIR")).json());
  expect(api.audience === "public", `audience: ${api.audience}`);
  expect(api.providers.length === 1 && api.providers[0].provider === org, `rows: ${JSON.stringify(api.providers)}`);
  expect(api.response_limits.length >= 2, "no limit curve");
  // Disclosure control: the hospital's few invitations (1-7) are withheld, and its point with them.
  const invited = Number(sql(`SELECT count(*) FROM prom_invitations i JOIN procedures r ON r.id = i.procedure WHERE substr(r.provider_site, 1, 3) = '${org}' AND i.months > 0;`));
  const row = api.providers[0];
  if (invited <= 7) expect(row.invited === null && row.response_funnel === null, `${invited} invitations shown as ${row.invited}`);
  else expect(row.invited % 5 === 0, `${invited} invitations not rounded to 5: ${row.invited}`);
  await desk.waitForSelector("#results-proms-participation canvas", { timeout: 30000 });
  expect((await desk.textContent("#proms-participation-table")).includes(org), "the table names the hospital");
  await desk.waitForFunction(() => !/Loading/.test(document.querySelector("#results-proms-gain-status")?.textContent ?? "Loading"), null, { timeout: 30000 });
  expect(await desk.$("#results-proms-gain canvas, #results-proms-gain p.hint") !== null, `gain: ${await desk.textContent("#results-proms-gain-status")}`);
  await axe(desk, "feedback report with PROMs");
  await desk.screenshot({ path: join(shots, "proms-05-results.png"), fullPage: true });
});

await check("the token is in no log line and only its hash is stored", async () => {
  const token = link.split("/proms/")[1];
  expect(!serverLog().includes(token), "the server log holds the token");
  expect(sql(`SELECT count(*) FROM prom_invitations WHERE token_hash LIKE '%${token}%';`) === "0", "the token is stored");
});

await finish(server, "PROMs browser tests");
