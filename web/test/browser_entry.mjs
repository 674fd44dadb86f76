// Browser checks for the data-entry pages (webentry, issue #9), run by browser.mjs with its
// server, users and helpers: scan a label and save a procedure from the form generated from the
// registry definition (client checks first, then the registry's dry run, then the save, then the
// row in the store); upload a file with planted errors, see each finding in the table, sort,
// filter and download it, then submit for real; precompressed assets decode to the same bytes.
// axe-core on each page, screenshots of each view.
import { request as httpRequest } from "node:http";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";

export async function entryChecks(t) {
  const { expect, axe, shot, base, work, gtin, orgA, sql } = t;
  // browser.mjs screenshots its last new page on a failure; these checks use prov-a's page.
  const check = (name, body) => t.check(name, async () => {
    try { await body(); } catch (e) { await t.pageA.screenshot({ path: join(t.shots, `FAILED-${name.slice(0, 40).replace(/[^a-z0-9]+/gi, "-")}.png`), fullPage: true }).catch(() => {}); throw e; }
  });

  // The raw bytes and headers of a GET with this Accept-Encoding (fetch would decode them).
  const rawGet = (path, acceptEncoding) => new Promise((resolve, reject) => {
    const url = new URL(base);
    httpRequest({ host: url.hostname, port: url.port, path, headers: acceptEncoding ? { "accept-encoding": acceptEncoding } : {} }, (r) => {
      const chunks = [];
      r.on("data", (c) => chunks.push(c));
      r.on("end", () => resolve({ status: r.statusCode, headers: r.headers, body: Buffer.concat(chunks) }));
    }).on("error", reject).end();
  });

  await check("assets are sent precompressed (br, else gzip) as the client allows, and decode to the same bytes", async () => {
    const html = await (await fetch(`${base}/`)).text();
    const js = html.match(/\/assets\/app-[A-Z0-9]+\.js/)[0];
    const plain = await rawGet(js, "");
    const br = await rawGet(js, "gzip, deflate, br");
    const gz = await rawGet(js, "gzip");
    expect(plain.headers["content-encoding"] === undefined, "no encoding asked, none sent");
    expect(br.headers["content-encoding"] === "br" && gz.headers["content-encoding"] === "gzip", `encodings: ${br.headers["content-encoding"]}, ${gz.headers["content-encoding"]}`);
    expect(br.headers.vary === "Accept-Encoding" && plain.headers.vary === "Accept-Encoding", "Vary: Accept-Encoding");
    expect(brotliDecompressSync(br.body).equals(plain.body) && gunzipSync(gz.body).equals(plain.body), "the compressed forms decode to the asset");
    console.log(`     app.js: ${plain.body.length} bytes; br ${br.body.length} (${(100 * br.body.length / plain.body.length).toFixed(0)}%), gzip ${gz.body.length} (${(100 * gz.body.length / plain.body.length).toFixed(0)}%)`);
  });

  // prov-a's page, signed in by browser.mjs (a second sign-in with the same TOTP code inside
  // its 30 s window would be a replay).
  const page = t.pageA;
  const site = sql(`SELECT provider_site FROM procedures WHERE substr(provider_site,1,3) = '${orgA}' LIMIT 1;`);
  const day = new Date(Date.now() - 3 * 86400000).toISOString().slice(0, 10);
  const ref = `WEB-${Date.now().toString(36).toUpperCase()}`;

  await check("the procedure form is generated from the registry definition and checks fields at once", async () => {
    await page.goto("/scan");
    await page.click("nav a:text('Record a procedure')");
    await page.waitForSelector("#record-form");
    await page.selectOption("#record-registry", "MDOR");
    await page.waitForSelector("#f-urgency");
    const urgency = await page.$$eval("#f-urgency option", (os) => os.map((o) => o.value));
    expect(["elective", "urgent", "emergency"].every((c) => urgency.includes(c)), `urgency values from the definition: ${urgency}`);
    await page.fill("#f-provider_site", "rxf05");
    await page.focus("#f-procedure_date");
    await page.waitForSelector("#f-provider_site-error:text('5 capital letters')");
    // Leave the date first: its own message moves the button down, and a click aimed before
    // the move would miss it.
    await page.focus("#f-procedure_ref");  // (Tab would move between the date's own parts)
    await page.waitForSelector("#f-procedure_date-error:text('required')");
    await page.click("#record-save");
    await page.waitForSelector("#record-summary li");
    const summary = await page.textContent("#record-summary");
    expect(summary.includes("procedure is required") || summary.includes("Your reference for this procedure is required"), `summary: ${summary}`);
    expect(summary.includes("Urgency of the procedure is required") && summary.includes("Funding of the procedure is required"), `registry fields required: ${summary}`);
    expect(await page.getAttribute("#f-funding", "aria-invalid") === "true", "the field is marked invalid");
    await axe(page, "record: client checks");
    await shot(page, "10-record-client-checks");
  });

  await check("a scanned label is parsed and kept on the procedure; the registry's dry run, then save stores it", async () => {
    await page.fill("#f-procedure_ref", ref);
    await page.fill("#f-provider_site", site);
    await page.fill("#f-procedure_date", day);
    await page.selectOption("#f-procedure_type", "primary");
    await page.fill("#f-date_of_birth", "1950-05-05");
    await page.selectOption("#f-sex", "2");
    await page.fill("#f-postcode", "LS1 4HT");
    await page.selectOption("#f-laterality", "L");
    await page.selectOption("#f-urgency", "elective");
    await page.selectOption("#f-funding", "nhs");
    await page.focus("#record-scan");
    await page.keyboard.type(`01${gtin}17301231` + "10LOTW1");
    await page.keyboard.press("Control+BracketRight");
    await page.keyboard.type(`21SERW${Date.now() % 100000}`);
    await page.keyboard.press("Enter");
    await page.waitForSelector("#scan-result");
    expect((await page.textContent("#scan-result")).includes("LOTW1"), "the parsed lot is shown");
    await page.click("#keep");
    await page.waitForSelector("#record-devices li");
    await page.click("#record-check");
    await page.waitForSelector("#record-status:text('The registry would')");
    const checked = await page.textContent("#record-status");
    expect(checked.includes("would accept"), `dry run: ${checked} ${await page.textContent("#record-summary")}`);
    expect(sql(`SELECT count(*) FROM procedures WHERE procedure_ref = '${ref}';`) === "0", "the dry run stored nothing");
    await shot(page, "11-record-checked");
    await page.click("#record-save");
    await page.waitForSelector("#record-saved");
    expect(sql(`SELECT count(*) FROM procedures WHERE procedure_ref = '${ref}';`) === "1", "the procedure is stored once");
    expect(sql(`SELECT count(*) FROM implants i JOIN procedures p ON i.procedure = p.id WHERE p.procedure_ref = '${ref}';`) === "1", "with its device");
    await axe(page, "record: saved");
    await shot(page, "12-record-saved");
    expect(await page.isDisabled("#record-save"), "a saved procedure cannot be saved twice from the form");
    await page.click("#record-next");
    await page.waitForFunction(() => document.querySelector("#f-procedure_ref")?.value === "" && !document.querySelector("#record-devices li"));
  });

  await check("the registry's own findings are shown next to the fields they name", async () => {
    await page.goto("/record");
    await page.waitForSelector("#record-form");
    await page.selectOption("#record-registry", "MDOR");
    await page.waitForSelector("#f-urgency");
    await page.fill("#f-procedure_ref", `${ref}-R`);
    await page.fill("#f-provider_site", site);
    await page.fill("#f-procedure_date", day);
    await page.selectOption("#f-procedure_type", "revision");  // a revision must give its indication
    await page.fill("#f-date_of_birth", "1950-05-05");
    await page.selectOption("#f-sex", "1");
    await page.fill("#f-postcode", "LS1 4HT");
    await page.selectOption("#f-laterality", "R");
    await page.selectOption("#f-urgency", "urgent");
    await page.selectOption("#f-funding", "nhs");
    await page.click("#record-check");
    await page.waitForSelector("#record-status:text('would reject')");
    const findings = await page.textContent("#record-findings");
    expect(findings.includes("revision_gives_indication"), `findings: ${findings}`);
    await axe(page, "record: server findings");
    await shot(page, "13-record-server-findings");
  });

  await check("a file with planted errors: the dry run shows each finding; sort, filter, download; then submit", async () => {
    // Rows of orgA's procedures from the synthetic submissions, under new references, with
    // three planted errors on three procedures.
    let header = [], chosen = [], refs = [];
    for (const file of readdirSync(join(work, "synth", "submissions")).filter((f) => f.endsWith(".csv"))) {
      const lines = readFileSync(join(work, "synth", "submissions", file), "utf8").split(/\r?\n/);
      header = lines[0].split(",");
      const site = header.indexOf("provider_site"), pref = header.indexOf("procedure_ref");
      const rows = lines.slice(1).filter((l) => l && !l.includes('"')).map((l) => l.split(",")).filter((r) => r[site].startsWith(orgA));
      refs = [...new Set(rows.map((r) => r[pref]))].slice(0, 8);
      chosen = rows.filter((r) => refs.includes(r[pref]));
      if (refs.length >= 4) break;
    }
    const col = (name) => header.indexOf(name);
    expect(refs.length >= 4, `only ${refs.length} procedures of ${orgA} in the synthetic submissions`);
    const plant = (i, name, value) => chosen.filter((r) => r[col("procedure_ref")] === refs[i]).forEach((r) => { r[col(name)] = value; });
    plant(0, "procedure_date", "2025-02-30");
    plant(1, "sex", "Q");
    plant(2, "laterality", "SIDEWAYS");
    for (const r of chosen) r[col("procedure_ref")] = "UP-" + r[col("procedure_ref")];
    const path = join(work, "upload-with-errors.csv");
    writeFileSync(path, [header.join(","), ...chosen.map((r) => r.join(","))].join("\n") + "\n");

    await page.click("nav a:text('Upload a file')");
    await page.waitForSelector("#upload-file");
    await page.setInputFiles("#upload-file", path);
    await page.click("#upload-dry-run");
    await page.waitForSelector("#findings-table tbody tr, #upload-status:text('failed')");
    const status = await page.textContent("#upload-status");
    expect(status.startsWith("Dry run done"), status);
    expect(sql("SELECT count(*) FROM procedures WHERE procedure_ref LIKE 'UP-%';") === "0", "the dry run stored nothing");
    const fields = await page.$$eval("#findings-table tbody tr td:nth-child(3)", (tds) => tds.map((td) => td.textContent));
    for (const f of ["procedure_date", "sex", "laterality"]) expect(fields.includes(f), `no finding on ${f}: ${fields}`);
    const total = Number((await page.textContent("#findings-count")).match(/of (\d+) finding/)[1]);
    expect(total === fields.length, `every finding is a row: ${total} vs ${fields.length}`);
    const rejected = Number((await page.textContent("#upload-summary")).match(/Rejected\s*(\d+)/)[1]);
    expect(rejected >= 3, `the three planted procedures are rejected (${rejected})`);
    await axe(page, "upload: dry run");
    await shot(page, "14-upload-dry-run");

    await page.click("th button[data-column=row]");  // row is the current sort: now descending
    const rowsShown = await page.$$eval("#findings-table tbody tr td:nth-child(1)", (tds) => tds.map((td) => Number(td.textContent)));
    expect(rowsShown.every((r, i) => i === 0 || rowsShown[i - 1] >= r), `descending rows: ${rowsShown}`);
    expect(await page.getAttribute("th:has(button[data-column=row])", "aria-sort") === "descending", "aria-sort says so");
    await page.fill("#findings-filter", "laterality");
    const filtered = await page.$$eval("#findings-table tbody tr", (trs) => trs.map((tr) => tr.textContent));
    expect(filtered.length >= 1 && filtered.every((t) => t.toLowerCase().includes("laterality")), `filtered: ${filtered}`);
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#findings-download")]);
    const csv = readFileSync(await download.path(), "utf8").trim().split(/\r?\n/);
    expect(csv[0] === "row,procedure_ref,field,rule,severity,message" && csv.length === filtered.length + 1, `download: ${csv.length - 1} rows for ${filtered.length}`);
    await shot(page, "15-upload-filtered");

    await page.click("#upload-submit");
    await page.waitForSelector("#upload-status:text('Submitted as submission')");
    const accepted = Number((await page.textContent("#upload-status")).match(/: (\d+) accepted/)[1]);
    const stored = Number(sql("SELECT count(DISTINCT procedure_ref) FROM procedures WHERE procedure_ref LIKE 'UP-%';"));
    expect(stored === accepted && accepted === refs.length - rejected, `stored ${stored}, accepted ${accepted}, of ${refs.length} with ${rejected} rejected`);
    const again = await page.evaluate(async () => document.querySelector("#upload-submit").disabled);
    expect(again, "submit is not offered twice for one dry run");
    await axe(page, "upload: submitted");
    await shot(page, "16-upload-submitted");
  });

  await check("a stored submission's receipt and findings open from its link", async () => {
    const id = sql("SELECT max(id) FROM submissions;");
    await page.goto(`/upload?submission=${id}`);
    await page.waitForSelector("#findings-table tbody tr");
    expect((await page.textContent("h1")) === "Submission receipt", "the receipt view");
    await axe(page, "submission receipt");
  });

  await adminChecks(t);
}

// The admin pages: users (add with a second factor, tokens shown once and revoked, disable),
// registries, audit search.
async function adminChecks(t) {
  const { check, expect, newPage, axe, shot, signIn, totp, base, orgA, addUser, totpOf } = t;
  const adminSecret = totpOf(addUser("web-admin", "admin", ["--totp"]));
  const page = await newPage();
  const withToken = async (token) => (await fetch(`${base}/api/v1/registries`, { headers: { Authorization: `Bearer ${token}` } })).status;

  await check("an admin lists users, adds one with a second factor shown once, and that person can sign in", async () => {
    await signIn(page, "web-admin", totp(adminSecret));
    await page.click("nav a:text('Users')");
    await page.waitForSelector("#users-table tbody tr");
    const names = await page.$$eval("#users-table tbody tr td:first-child", (tds) => tds.map((td) => td.textContent));
    expect(["prov-a", "prov-b", "patient-a", "web-admin"].every((n) => names.includes(n)), `users: ${names}`);
    await axe(page, "admin users");
    await page.fill("#new-username", "web-new");
    await page.fill("#new-grants", `submitter@${orgA}`);
    await page.fill("#new-password", "web-new-password");
    await page.click("#user-add-submit");
    await page.waitForSelector("#totp-secret");
    const secret = (await page.textContent("#totp-secret .secret-value")).trim();
    expect(/^[A-Z2-7]{16,}$/.test(secret), "a base32 TOTP secret is shown");
    await page.waitForSelector("#users-table td:text('web-new')");
    await shot(page, "20-admin-user-added");
    const other = await newPage();
    await signIn(other, "web-new", totp(secret));
    await other.waitForSelector("nav a:text('Upload a file')");
    await other.context().close();
    t.webNewSecret = secret;
  });

  await check("an admin makes a token that is shown once and works, revokes it, then disables the user", async () => {
    await page.click("button[data-tokens='web-new']");
    await page.waitForSelector("#tokens-title");
    await page.click("#token-create");
    await page.waitForSelector("#token-secret");
    const token = (await page.textContent("#token-secret .secret-value")).trim();
    expect(token.startsWith("orp_"), "an API token is shown");
    expect(await withToken(token) === 200, "the new token works");
    await axe(page, "admin tokens");
    await shot(page, "21-admin-token-created");
    await page.click("#tokens-table button[data-revoke]");
    await page.waitForSelector("#users-status:text('revoked')");
    expect(await withToken(token) === 401, "a revoked token is refused");
    // The status line is written before the token list is drawn again: wait for the new list.
    await page.waitForSelector("#tokens-table button[data-revoke]", { state: "detached" }).catch(() => {});
    expect((await page.$$("#tokens-table button[data-revoke]")).length === 0, "no revoke button on a revoked token");
    await page.click("button[data-disable='web-new']");
    await page.click("button[data-confirm-disable='web-new']");
    await page.waitForSelector("#users-status:text('web-new disabled')");
    const row = await page.textContent("#users-table tr:has(td:text-is('web-new'))");
    expect(row.includes("Disabled"), `row: ${row}`);
  });

  await check("an admin reads the registry definitions and searches the audit log by person and time", async () => {
    await page.click("nav a:text('Registries')");
    await page.waitForSelector("#registries-table tbody tr");
    await page.click("button[data-registry='MDOR']");
    await page.waitForSelector("#registry-fields tbody tr");
    expect((await page.textContent("#registry-fields")).includes("urgency"), "MDOR's fields are listed");
    await axe(page, "admin registries");
    await shot(page, "22-admin-registries");
    await page.click("nav a:text('Audit log')");
    await page.waitForSelector("#audit-status:not(:empty)");
    await page.fill("#audit-actor", "web-admin");
    await page.fill("#audit-since", new Date(Date.now() - 86400000).toISOString().slice(0, 10));
    await page.click("#audit-search");
    // The unfiltered first page is already there: wait for the search's answer to replace it.
    // (An empty table while the search is in flight is not the answer: `every` holds for none.)
    await page.waitForFunction(() => {
      const cells = [...document.querySelectorAll("#audit-table tbody tr td:nth-child(3)")];
      return cells.length > 0 && cells.every((td) => td.textContent === "web-admin");
    }, null, { timeout: 30000 }).catch(() => {});
    const actors = await page.$$eval("#audit-table tbody tr td:nth-child(3)", (tds) => tds.map((td) => td.textContent));
    expect(actors.length > 0 && actors.every((a) => a === "web-admin"), `actors: ${actors}`);
    const actions = await page.$$eval("#audit-table tbody tr td:nth-child(5)", (tds) => tds.map((td) => td.textContent));
    expect(actions.some((a) => a.startsWith("user.")), `the user changes are in the log: ${[...new Set(actions)]}`);
    await axe(page, "admin audit");
    await shot(page, "23-admin-audit");
    await page.context().close();
  });
}
