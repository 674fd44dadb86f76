// Browser checks of the dashboards (webdash, #9), run by browser.mjs after its own checks, on the
// same synthetic registry and server: the feedback report (survival against the nation, funnel
// plots, CUSUM, signals, recall work) and its PDF; the survival page against the live route; a
// provider kept from another provider's units and pages; the analyst's funnel plots and
// completeness table; the regulator's signal workflow and a recall created from the page, which
// the provider then works and the patient sees; the manufacturer's devices; the patient's device
// performance and audit trail. axe-core on every view; a screenshot of each.
import { writeFileSync } from "node:fs";
import { join } from "node:path";

export async function dashboardChecks(t) {
  const { check, expect, newPage, signIn, axe, shot, fetchIn, sql, run, db, shots, orgA, orgB, patientA, totp, addUser, totpOf, pageA } = t;
  const siteA = sql(`SELECT provider_site FROM procedures WHERE substr(provider_site,1,3) = '${orgA}' GROUP BY 1 ORDER BY count(*) DESC LIMIT 1;`);
  const siteB = sql(`SELECT provider_site FROM procedures WHERE substr(provider_site,1,3) = '${orgB}' GROUP BY 1 ORDER BY count(*) DESC LIMIT 1;`);
  const gmcA = sql(`SELECT clinician_gmc FROM procedures WHERE provider_site = '${siteA}' GROUP BY 1 ORDER BY count(*) DESC LIMIT 1;`);
  const gtinA = sql(`SELECT i.gtin FROM implants i JOIN patients p ON i.patient = p.id WHERE lower(hex(p.pseudonym)) = '${patientA}' AND i.in_situ = 1 AND i.gtin IS NOT NULL LIMIT 1;`);
  // The synth's manufacturers are names with spaces ("Cotswold Devices Ltd"), which a
  // manufacturer@ grant cannot name (ids are letters, digits, . _ -), so the manufacturer here
  // owns no synthetic device: the page must still draw the class curves and show no patient.
  const manufacturer = "acme-devices";
  if (!gtinA) throw new Error("patient A has no implant with a GTIN");
  run(["surveillance", "run", "--db", db, "--format", "json"]);
  const secrets = {
    clin: totpOf(addUser("clin-a", `clinician@${gmcA}`, ["--totp"])),
    manu: totpOf(addUser("manu", `manufacturer@${manufacturer}`, ["--totp"])),
    analyst: totpOf(addUser("an-1", "analyst", ["--totp"])),
    regulator: totpOf(addUser("regulator", "regulator", ["--totp"])),
  };
  const api = async (page, path) => { const r = await fetchIn(page, path); expect(r.status === 200, `${path}: ${r.status} ${r.body.slice(0, 200)}`); return JSON.parse(r.body); };

  await check("the feedback report shows survival against the nation, the funnel plots and the provider's own units highlighted", async () => {
    await pageA.goto("/results");
    await pageA.waitForSelector("#results-survival canvas");
    await pageA.selectOption("#results-years", "10");
    await pageA.selectOption("#results-floor", "0.1");
    await pageA.click("form.filters button[type=submit]");
    await pageA.waitForSelector("#results-funnel-revision canvas");
    await pageA.waitForSelector("#results-funnel-revision canvas, #results-funnel-revision p.hint");
    await pageA.waitForFunction(() => document.querySelector("#results-cusum-status")?.textContent !== "Loading…" && document.querySelector("#results-cusum")?.childElementCount);
    const groups = await pageA.$$eval("#at-risk tbody th", (ths) => ths.map((th) => th.textContent));
    expect(groups.some((g) => g.startsWith("Yours: ")) && groups.some((g) => g.startsWith("National: ")), `survival groups: ${groups}`);
    const funnel = await api(pageA, "/api/v1/analytics/funnel?registry=MDOR&unit_kind=hospital&metric=revision&years=10&min_expected=0.05");
    expect(funnel.audience === "public" && funnel.points.length > 0, `funnel: ${JSON.stringify(funnel).slice(0, 300)}`);
    for (const p of funnel.points) {
      if (p.own) expect(p.unit?.startsWith(orgA), `own point ${p.unit}`);
      else expect(p.unit === null && p.observed === null && p.procedures % 5 === 0, `another unit is not anonymised: ${JSON.stringify(p)}`);
    }
    expect(funnel.points.some((p) => p.own) && funnel.points.some((p) => !p.own), "the plot should hold own and other units");
    expect(funnel.limits.length > 10 && funnel.limits.every((l) => l.lower998 <= l.lower95 && l.upper95 <= l.upper998), "limit curves");
    await axe(pageA, "feedback report");
    await shot(pageA, "10-feedback-report");
  });

  await check("the feedback report prints to a PDF", async () => {
    const pdf = await pageA.pdf({ format: "A4", printBackground: true });
    writeFileSync(join(shots, "feedback-report.pdf"), pdf);
    expect(pdf.subarray(0, 5).toString() === "%PDF-" && pdf.length > 20000, `PDF of ${pdf.length} bytes`);
    await pageA.emulateMedia({ media: "print" });
    expect(await pageA.$eval("nav", (n) => getComputedStyle(n).display === "none"), "navigation printed");
    expect(await pageA.$eval("form.filters", (f) => getComputedStyle(f).display === "none"), "controls printed");
    await shot(pageA, "11-feedback-report-print");
    await pageA.emulateMedia({ media: "screen" });
  });

  await check("a provider cannot reach another provider's CUSUM, units or pages", async () => {
    const other = await fetchIn(pageA, `/api/v1/analytics/cusum?registry=MDOR&unit_kind=hospital&unit=${siteB}`);
    expect(other.status === 404, `another provider's CUSUM: ${other.status}`);
    const own = await fetchIn(pageA, `/api/v1/analytics/cusum?registry=MDOR&unit_kind=hospital&unit=${siteA}`);
    expect(own.status === 200, `own CUSUM: ${own.status} ${own.body.slice(0, 200)}`);
    const completeness = await api(pageA, "/api/v1/analytics/completeness?registry=MDOR");
    expect(completeness.items.every((r) => r.provider === orgA), `completeness rows: ${completeness.items.map((r) => r.provider)}`);
    for (const path of ["/devices", "/recalls", "/my-implants"]) {
      await pageA.goto(path);
      await pageA.waitForSelector("h1:text('Page not found')");
    }
  });

  await check("the survival page draws the live route's report", async () => {
    await pageA.goto("/survival");
    await pageA.selectOption("#survival-by", "model");
    await pageA.click("form.filters button[type=submit]");
    await pageA.waitForSelector("#survival-chart canvas");
    const live = await api(pageA, "/api/v1/analytics/survival?registry=MDOR&by=model");
    expect((await pageA.$$("#at-risk tbody tr")).length === live.groups.length, "one row per group of the live report");
    expect((await pageA.textContent("#survival-status")).includes("from the registry"), "status names the source");
    await axe(pageA, "survival (live)");
    await shot(pageA, "12-survival-live");
  });

  const analyst = await newPage();
  await check("an analyst sees every unit named on the funnel plot and the completeness table, sorted and paged on the server", async () => {
    await signIn(analyst, "an-1", totp(secrets.analyst));
    await analyst.waitForSelector("nav");
    await analyst.goto("/funnels");
    await analyst.selectOption("#funnels-years", "10");
    await analyst.selectOption("#funnels-floor", "0.1");
    await analyst.click("form.filters button[type=submit]");
    await analyst.waitForSelector("#funnels-chart canvas");
    const funnel = await api(analyst, "/api/v1/analytics/funnel?registry=MDOR&unit_kind=hospital&metric=revision&years=10&min_expected=0.05");
    expect(funnel.audience === "national" && funnel.points.every((p) => p.unit !== null && p.observed !== null), "national points are named");
    await axe(analyst, "funnel plots");
    await shot(analyst, "13-funnels-analyst");
    await analyst.fill("#cusum-unit", siteA);
    await analyst.click("form[aria-label='CUSUM chart'] button");
    await analyst.waitForSelector("#funnels-cusum canvas, #funnels-cusum p.hint");
    await shot(analyst, "14-cusum-analyst");
    await analyst.goto("/completeness");
    await analyst.waitForSelector("table.completeness tbody tr");
    await analyst.click("button[data-sort=provider]");
    await analyst.waitForSelector("th[aria-sort] button[data-sort=provider]");
    await analyst.waitForFunction(() => document.querySelector("th[aria-sort]")?.querySelector("[data-sort=provider]"));
    const providers = await analyst.$$eval("table.completeness tbody th", (ths) => ths.map((th) => th.textContent));
    expect(providers.length > 1, `providers: ${providers}`);
    const sorted = [...providers].sort();
    expect(JSON.stringify(providers) === JSON.stringify(sorted) || JSON.stringify(providers) === JSON.stringify([...sorted].reverse()), `not sorted: ${providers}`);
    await axe(analyst, "completeness");
    await shot(analyst, "15-completeness");
  });

  const regulator = await newPage();
  let reference = "R-WEB-1";
  await check("the regulator moves a signal into review with a reason and creates a recall with counts per provider", async () => {
    await signIn(regulator, "regulator", totp(secrets.regulator));
    await regulator.waitForSelector("nav");
    const signals = await api(regulator, "/api/v1/signals?status=new&limit=1");
    expect(signals.items.length === 1, "the surveillance run raised no signal");
    await regulator.goto(`/signals?id=${signals.items[0].id}`);
    await regulator.waitForSelector("#signal-move");
    await regulator.waitForSelector("#signals-table, #signals-list p");
    await axe(regulator, "signal");
    await shot(regulator, "16-signal");
    await regulator.selectOption("#signal-to", "under-review");
    await regulator.fill("#signal-reason", "Browser test: opened for review");
    await regulator.click("#signal-move button[type=submit]");
    await regulator.waitForSelector("#signal-status:text('under-review')");
    await regulator.goto("/recalls");
    await regulator.waitForSelector("#recalls-status:not(:empty)");
    await regulator.fill("#recall-reference", reference);
    await regulator.fill("#recall-fsn", "FSN-WEB-1");
    await regulator.fill("#recall-title", "Browser test recall");
    await regulator.fill("#recall-devices", gtinA);
    await regulator.click("#recall-create button[type=submit]");
    await regulator.waitForSelector("#recall-providers tbody tr");
    const rows = await regulator.$$eval("#recall-providers tbody th", (ths) => ths.map((th) => th.textContent));
    expect(rows.includes(orgA), `providers of the recall: ${rows}`);
    await regulator.waitForSelector(`#recalls-table button:text('${reference}')`);
    await axe(regulator, "recalls");
    await shot(regulator, "17-recalls");
  });

  await check("the provider records a contact on the recall work list", async () => {
    await pageA.goto(`/recall-work?ref=${reference}`);
    await pageA.waitForSelector("#recall-patients tbody tr");
    await axe(pageA, "recall work list");
    await pageA.selectOption("#recall-detail-0", "phone:reached");
    await pageA.click("#recall-patients tbody tr:first-child button[type=submit]");
    await pageA.waitForFunction(() => /phone reached/.test(document.querySelector("#recall-patients tbody tr")?.textContent ?? ""));
    await shot(pageA, "18-recall-work");
  });

  await check("the recall work list pages its patients from the server", async () => {
    const total = (await pageA.evaluate(async (ref) => (await (await fetch(`/api/v1/recalls/${ref}/patients?limit=1000`)).json()).patients.length, reference));
    await pageA.goto(`/recall-work?ref=${reference}&page_size=1`);
    await pageA.waitForSelector("#recall-patients tbody tr");
    expect((await pageA.$$("#recall-patients tbody tr")).length === 1, "one patient per page");
    const firstPatient = await pageA.textContent("#recall-patients tbody tr td");
    if (total > 1) {
      await pageA.click("button:text('Next page')");
      await pageA.waitForFunction((p) => document.querySelector("#recall-patients tbody tr td")?.textContent !== p, firstPatient);
      expect(/Showing 2–2\./.test(await pageA.textContent("#recall-work-status")), "the status names the second patient");
      await pageA.click("button:text('Previous page')");
      await pageA.waitForFunction((p) => document.querySelector("#recall-patients tbody tr td")?.textContent === p, firstPatient);
    }
    expect(total > 1, `the fixture's recall has ${total} patient(s) for this provider; paging needs two`);
    await axe(pageA, "recall work list, paged");
  });

  await check("a manufacturer sees its devices against their class and no patient data", async () => {
    const page = await newPage();
    await signIn(page, "manu", totp(secrets.manu));
    await page.waitForSelector("nav");
    await page.goto("/devices");
    await page.waitForSelector("#devices-survival canvas, #devices-survival-status:text('Could not')");
    expect(await page.$("#devices-survival canvas"), await page.textContent("#devices-survival-status"));
    const implants = await fetchIn(page, `/api/v1/patients/${patientA}/implants`);
    expect(implants.status === 403, `a manufacturer reads a patient's implants: ${implants.status}`);
    await axe(page, "devices");
    await shot(page, "19-devices-manufacturer");
  });

  await check("a clinician's feedback report is about their own cases", async () => {
    const page = await newPage();
    await signIn(page, "clin-a", totp(secrets.clin));
    await page.waitForSelector("nav");
    await page.goto("/results");
    await page.waitForSelector("#results-funnel-revision canvas, #results-funnel-revision p.hint");
    const funnel = await api(page, "/api/v1/analytics/funnel?registry=MDOR&unit_kind=surgeon&metric=revision&years=10&min_expected=0.05");
    expect(funnel.points.filter((p) => p.unit !== null).every((p) => p.unit === gmcA), "a clinician sees only their own name");
    await axe(page, "clinician report");
    await shot(page, "20-feedback-clinician");
  });

  await check("a patient sees the recall and what to do, how the device performs, and who looked at the record", async () => {
    const page = await newPage({ width: 768, height: 1024 });
    // A staff read of the patient's record, for the patient's audit trail to show.
    expect((await fetchIn(analyst, `/api/v1/patients/${patientA}/implants`)).status === 200, "the analyst reads patient A");
    await signIn(page, "patient-a");
    await page.waitForSelector("#my-recall-list li");
    expect((await page.textContent("#my-recall-list")).includes("Browser test recall"), "the recall is shown");
    await page.waitForSelector("#performance-0 tbody tr");
    await page.waitForSelector("#my-audit-table tbody tr");
    const roles = await page.$$eval("#my-audit-table tbody td:nth-child(2)", (tds) => tds.map((td) => td.textContent));
    expect(roles.includes("analyst"), `audit roles: ${roles}`);
    expect(!(await page.textContent("#my-audit-table")).includes("an-1"), "a staff username is shown");
    const other = await fetchIn(page, `/api/v1/patients/${t.patientB}/device-performance`);
    expect(other.status === 404 || other.status === 403, `another patient's devices: ${other.status}`);
    await axe(page, "my implants (recall, performance, audit)");
    await shot(page, "21-my-implants-more");
  });
}
