#include "orp/storage/sqlite/migrations.h"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>

namespace orp::storage::sqlite {
namespace {

// Dates are INTEGER days since 1970-01-01 (orp::Date's count) and instants INTEGER seconds since
// the epoch, so analytics streams them without parsing. Text identifiers are stored normalised.
// Empty text means "not given"; NULL is used only for absent numbers and dates.
constexpr std::string_view kCore = R"sql(
CREATE TABLE organisations (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL
);
CREATE TABLE sites (
  code TEXT PRIMARY KEY,
  organisation TEXT NOT NULL REFERENCES organisations(code),
  name TEXT NOT NULL,
  postcode TEXT NOT NULL
);
CREATE INDEX sites_by_organisation ON sites(organisation);
CREATE TABLE clinicians (
  gmc TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  specialty TEXT NOT NULL
);
CREATE TABLE patients (
  id INTEGER PRIMARY KEY,
  pseudonym BLOB UNIQUE,
  nhs_cipher BLOB,
  date_of_birth INTEGER,
  sex TEXT NOT NULL,
  postcode TEXT NOT NULL,
  date_of_death INTEGER,
  opted_out INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX patients_by_demographics ON patients(date_of_birth, sex, postcode);
CREATE TABLE device_models (
  gtin TEXT NOT NULL,
  valid_from INTEGER NOT NULL,
  valid_to INTEGER,
  manufacturer TEXT NOT NULL,
  brand TEXT NOT NULL,
  model TEXT NOT NULL,
  catalogue_number TEXT NOT NULL,
  device_type TEXT NOT NULL,
  device_class TEXT NOT NULL,
  registries TEXT NOT NULL,
  PRIMARY KEY (gtin, valid_from)
);
CREATE TABLE submissions (
  id INTEGER PRIMARY KEY,
  idempotency_key TEXT NOT NULL UNIQUE,
  submitter TEXT NOT NULL,
  registry TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  status TEXT NOT NULL,
  received INTEGER NOT NULL DEFAULT 0,
  accepted INTEGER NOT NULL DEFAULT 0,
  rejected INTEGER NOT NULL DEFAULT 0,
  receipt_json TEXT NOT NULL DEFAULT ''
);
CREATE TABLE findings (
  submission INTEGER NOT NULL REFERENCES submissions(id),
  ordinal INTEGER NOT NULL,
  row INTEGER NOT NULL,
  procedure_ref TEXT NOT NULL,
  field TEXT NOT NULL,
  rule TEXT NOT NULL,
  severity TEXT NOT NULL,
  message TEXT NOT NULL,
  PRIMARY KEY (submission, ordinal)
);
CREATE TABLE procedures (
  id INTEGER PRIMARY KEY,
  registry TEXT NOT NULL,
  procedure_ref TEXT NOT NULL,
  provider_site TEXT NOT NULL,
  clinician_gmc TEXT NOT NULL,
  patient INTEGER NOT NULL REFERENCES patients(id),
  date INTEGER NOT NULL,
  type TEXT NOT NULL,
  opcs_codes TEXT NOT NULL,
  snomed_code TEXT NOT NULL,
  laterality TEXT NOT NULL,
  body_site TEXT NOT NULL,
  indication TEXT NOT NULL,
  asa_grade INTEGER,
  bmi REAL,
  fields TEXT NOT NULL,
  submission INTEGER REFERENCES submissions(id),
  version INTEGER NOT NULL
);
CREATE UNIQUE INDEX procedures_by_ref ON procedures(registry, procedure_ref);
CREATE INDEX procedures_by_patient ON procedures(patient);
CREATE INDEX procedures_by_submission ON procedures(submission);
-- Superseded versions: a copy of the procedures row as it was, and of its implants.
CREATE TABLE procedure_versions (
  procedure INTEGER NOT NULL REFERENCES procedures(id),
  version INTEGER NOT NULL,
  registry TEXT NOT NULL,
  procedure_ref TEXT NOT NULL,
  provider_site TEXT NOT NULL,
  clinician_gmc TEXT NOT NULL,
  patient INTEGER NOT NULL,
  date INTEGER NOT NULL,
  type TEXT NOT NULL,
  opcs_codes TEXT NOT NULL,
  snomed_code TEXT NOT NULL,
  laterality TEXT NOT NULL,
  body_site TEXT NOT NULL,
  indication TEXT NOT NULL,
  asa_grade INTEGER,
  bmi REAL,
  fields TEXT NOT NULL,
  submission INTEGER,
  PRIMARY KEY (procedure, version)
);
CREATE TABLE implants (
  id INTEGER PRIMARY KEY,
  procedure INTEGER NOT NULL REFERENCES procedures(id),
  patient INTEGER NOT NULL REFERENCES patients(id),
  gtin TEXT,
  lot TEXT NOT NULL,
  serial TEXT NOT NULL,
  expiry INTEGER,
  raw_scan TEXT NOT NULL,
  action TEXT NOT NULL,
  laterality TEXT NOT NULL,
  in_situ INTEGER NOT NULL,
  removed_by INTEGER REFERENCES procedures(id),
  removed_on INTEGER
);
CREATE INDEX implants_by_procedure ON implants(procedure);
CREATE INDEX implants_by_device ON implants(gtin, lot);
CREATE INDEX implants_by_patient ON implants(patient, in_situ);
CREATE TABLE implant_versions (
  procedure INTEGER NOT NULL,
  version INTEGER NOT NULL,
  implant INTEGER NOT NULL,
  gtin TEXT,
  lot TEXT NOT NULL,
  serial TEXT NOT NULL,
  expiry INTEGER,
  raw_scan TEXT NOT NULL,
  action TEXT NOT NULL,
  laterality TEXT NOT NULL,
  in_situ INTEGER NOT NULL,
  removed_by INTEGER,
  removed_on INTEGER,
  PRIMARY KEY (procedure, version, implant)
);
CREATE TABLE outcome_events (
  id INTEGER PRIMARY KEY,
  patient INTEGER NOT NULL REFERENCES patients(id),
  kind TEXT NOT NULL,
  date INTEGER NOT NULL,
  registry TEXT NOT NULL,
  procedure INTEGER REFERENCES procedures(id),
  implant INTEGER,
  detail TEXT NOT NULL,
  submission INTEGER REFERENCES submissions(id)
);
CREATE INDEX outcome_events_by_patient ON outcome_events(patient);
CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  role TEXT NOT NULL,
  action TEXT NOT NULL,
  object TEXT NOT NULL,
  request_id TEXT NOT NULL,
  purpose TEXT NOT NULL,
  outcome TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
-- The audit log is append-only inside the database too: an edit must go around SQLite itself,
-- and then the hash chain (security/) finds it.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
)sql";

// The change sequence: one row per committed transaction that changed patients, procedures or
// implants, and the number of the last such transaction on each row it touched, so a cohort can
// be refreshed from what changed since it was built. Rows from before this migration are 0.
constexpr std::string_view kChangeSequence = R"sql(
CREATE TABLE changes (
  seq INTEGER PRIMARY KEY,
  at INTEGER NOT NULL
);
ALTER TABLE patients ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE procedures ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE implants ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0;
CREATE INDEX patients_by_change ON patients(change_seq);
CREATE INDEX procedures_by_change ON procedures(change_seq);
CREATE INDEX implants_by_change ON implants(change_seq);
)sql";

// The catalogue (issue #3): device models keyed by any issuing agency's DI with the agency
// explicit, their market status, status date, field safety notice reference and the day each
// version was recorded (NULL for versions stored before). Implants keep their DI in the `gtin`
// column whatever the agency (a GTIN is all digits, a HIBCC DI starts with a letter), so the
// write path is unchanged; `di_agency` names the agency for anyone querying the table.
constexpr std::string_view kCatalogue = R"sql(
ALTER TABLE device_models RENAME COLUMN gtin TO di;
ALTER TABLE device_models ADD COLUMN agency TEXT NOT NULL DEFAULT 'GS1';
ALTER TABLE device_models ADD COLUMN market_status TEXT NOT NULL DEFAULT 'on-market';
ALTER TABLE device_models ADD COLUMN status_date INTEGER;
ALTER TABLE device_models ADD COLUMN fsn_reference TEXT NOT NULL DEFAULT '';
ALTER TABLE device_models ADD COLUMN recorded_on INTEGER;
ALTER TABLE implants ADD COLUMN di_agency TEXT GENERATED ALWAYS AS (
  CASE WHEN gtin IS NULL THEN NULL WHEN gtin GLOB '[0-9]*' THEN 'GS1' ELSE 'HIBCC' END) VIRTUAL;
)sql";

// Accounts (security, #5): users and their grants, sessions, API tokens, sign-in attempts.
// Session ids and tokens are stored only as SHA-256 hex; passwords as argon2id strings.
constexpr std::string_view kAccounts = R"sql(
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  totp_secret TEXT NOT NULL,
  patient TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);
CREATE TABLE user_grants (
  user_id INTEGER NOT NULL REFERENCES users(id),
  ordinal INTEGER NOT NULL,
  grant_text TEXT NOT NULL,
  PRIMARY KEY (user_id, ordinal)
);
CREATE TABLE sessions (
  id_hash TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  csrf_token TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  remote TEXT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions(user_id);
CREATE TABLE api_tokens (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  token_hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE INDEX api_tokens_by_user ON api_tokens(user_id);
CREATE TABLE login_attempts (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  username TEXT NOT NULL,
  remote TEXT NOT NULL,
  success INTEGER NOT NULL
);
CREATE INDEX login_attempts_by_username ON login_attempts(username, id);
CREATE INDEX login_attempts_by_remote ON login_attempts(remote, at);
CREATE INDEX audit_log_by_actor ON audit_log(actor, seq);
CREATE INDEX audit_log_by_object ON audit_log(object, seq);
CREATE INDEX audit_log_by_time ON audit_log(at);
)sql";

// Ingest (ingest4, #4): device-level registry fields (Implant::fields, e.g. BCIR
// implant_position) as a JSON object of strings, like procedures.fields; '{}' for none.
constexpr std::string_view kDeviceFields = R"sql(
ALTER TABLE implants ADD COLUMN fields TEXT NOT NULL DEFAULT '{}';
ALTER TABLE implant_versions ADD COLUMN fields TEXT NOT NULL DEFAULT '{}';
)sql";

// Surveillance (surveil7, #7): one row per (registry, unit kind, unit, method); a later run
// updates the row (see storage/signals.h).
constexpr std::string_view kSignals = R"sql(
CREATE TABLE signals (
  id INTEGER PRIMARY KEY,
  registry TEXT NOT NULL,
  unit_kind TEXT NOT NULL,
  unit TEXT NOT NULL,
  method TEXT NOT NULL,
  what TEXT NOT NULL,
  statistic REAL,
  threshold REAL,
  data_cut INTEGER NOT NULL,
  evidence TEXT NOT NULL,
  status TEXT NOT NULL,
  status_reason TEXT NOT NULL,
  first_seen INTEGER NOT NULL,
  times_seen INTEGER NOT NULL,
  UNIQUE (registry, unit_kind, unit, method)
);
CREATE INDEX signals_by_status ON signals(status, data_cut);
)sql";

// Recall (recall8, #8). The cohort query finds a lot's implants by implants_by_device and each
// patient's most recent procedure by procedures_by_patient_date (one index seek per row). A
// campaign is a recall row, one row per affected patient (stage, outcome, explant link), the
// implants that put them there and their contact attempts.
constexpr std::string_view kRecall = R"sql(
CREATE INDEX procedures_by_patient_date ON procedures(patient, date, id);
CREATE TABLE recalls (
  id INTEGER PRIMARY KEY,
  reference TEXT NOT NULL UNIQUE,
  fsn_reference TEXT NOT NULL,
  title TEXT NOT NULL,
  criteria TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  synced_change INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE recall_patients (
  recall INTEGER NOT NULL REFERENCES recalls(id),
  patient INTEGER NOT NULL REFERENCES patients(id),
  stage TEXT NOT NULL,
  outcome TEXT NOT NULL,
  explant_procedure INTEGER REFERENCES procedures(id),
  provider TEXT NOT NULL,
  identified_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  reviewed_on INTEGER,
  concluded_on INTEGER,
  joined_by TEXT NOT NULL,
  PRIMARY KEY (recall, patient)
);
CREATE TABLE recall_implants (
  recall INTEGER NOT NULL REFERENCES recalls(id),
  patient INTEGER NOT NULL REFERENCES patients(id),
  implant INTEGER NOT NULL REFERENCES implants(id),
  PRIMARY KEY (recall, patient, implant)
);
CREATE TABLE recall_contacts (
  recall INTEGER NOT NULL REFERENCES recalls(id),
  patient INTEGER NOT NULL REFERENCES patients(id),
  ordinal INTEGER NOT NULL,
  date INTEGER NOT NULL,
  channel TEXT NOT NULL,
  result TEXT NOT NULL,
  by TEXT NOT NULL,
  PRIMARY KEY (recall, patient, ordinal)
);
)sql";

// Ingest (ingest, #4/#5). The national data opt-out list as keyed hashes (the patients'
// pseudonym HMAC, never NHS numbers) and its loads; ODS reference data's open and close dates
// (day numbers) and its loads. procedures_by_submission is dropped: no
// query reads procedures by submission, and every procedure insert paid for it.
constexpr std::string_view kIngest = R"sql(
CREATE TABLE opt_outs (
  pseudonym BLOB PRIMARY KEY
) WITHOUT ROWID;
CREATE TABLE opt_out_loads (
  id INTEGER PRIMARY KEY,
  loaded_at INTEGER NOT NULL,
  source_sha256 TEXT NOT NULL,
  loaded_by TEXT NOT NULL,
  entries INTEGER NOT NULL
);
DROP INDEX procedures_by_submission;
ALTER TABLE organisations ADD COLUMN opened INTEGER;
ALTER TABLE organisations ADD COLUMN closed INTEGER;
ALTER TABLE sites ADD COLUMN opened INTEGER;
ALTER TABLE sites ADD COLUMN closed INTEGER;
CREATE TABLE ods_loads (
  id INTEGER PRIMARY KEY,
  loaded_at INTEGER NOT NULL,
  source_sha256 TEXT NOT NULL,
  loaded_by TEXT NOT NULL,
  records INTEGER NOT NULL
);
)sql";

// PROMs (proms, #11): invitations (one per procedure, instrument and time point; the link token
// only as its SHA-256 hash), responses (one per procedure, instrument and time point) and the
// outbox of messages (one per invitation, purpose and channel), due by next_attempt.
constexpr std::string_view kProms = R"sql(
CREATE TABLE prom_invitations (
  id INTEGER PRIMARY KEY,
  registry TEXT NOT NULL,
  procedure INTEGER NOT NULL REFERENCES procedures(id),
  patient INTEGER NOT NULL REFERENCES patients(id),
  instrument TEXT NOT NULL,
  months INTEGER NOT NULL,
  due INTEGER NOT NULL,
  invited INTEGER NOT NULL,
  expires INTEGER NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL,
  reminders_sent INTEGER NOT NULL,
  UNIQUE (procedure, instrument, months)
);
CREATE INDEX prom_invitations_by_status ON prom_invitations(status, registry);
CREATE TABLE prom_responses (
  id INTEGER PRIMARY KEY,
  invitation INTEGER REFERENCES prom_invitations(id),
  registry TEXT NOT NULL,
  procedure INTEGER NOT NULL REFERENCES procedures(id),
  patient INTEGER NOT NULL REFERENCES patients(id),
  instrument TEXT NOT NULL,
  instrument_version TEXT NOT NULL,
  months INTEGER NOT NULL,
  completed INTEGER NOT NULL,
  answers TEXT NOT NULL,
  source TEXT NOT NULL,
  UNIQUE (procedure, instrument, months)
);
CREATE INDEX prom_responses_by_registry ON prom_responses(registry, id);
CREATE TABLE prom_outbox (
  id INTEGER PRIMARY KEY,
  invitation INTEGER NOT NULL REFERENCES prom_invitations(id),
  purpose TEXT NOT NULL,
  channel TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  next_attempt INTEGER NOT NULL,
  last_error TEXT NOT NULL,
  sent_at INTEGER,
  UNIQUE (invitation, purpose, channel)
);
CREATE INDEX prom_outbox_due ON prom_outbox(status, next_attempt, id);
)sql";

// Recall speed (recall, #8). The patient's most recent procedure is read from an index that
// also holds its site, so the cohort query never visits the procedure row for it (one random
// page fewer per affected implant: docs/performance.md "## Recall"). It replaces
// procedures_by_patient_date, whose columns it starts with, so it also answers every lookup by
// patient that 0016 leaves to that prefix.
constexpr std::string_view kRecallLatest = R"sql(
CREATE INDEX procedures_by_patient_latest ON procedures(patient, date, id, provider_site);
DROP INDEX procedures_by_patient_date;
)sql";

// Security (#5): the last TOTP time step each user has signed in with, so a code is accepted once
// (storage/store.h ClaimTotpStep).
constexpr std::string_view kSecurity = R"sql(
ALTER TABLE users ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;
)sql";

// PROMs by patient (proms, #11): the patient's own page reads their invitations and responses
// through these (storage/proms_reads.h) instead of every open invitation and every response.
constexpr std::string_view kPromsByPatient = R"sql(
CREATE INDEX prom_invitations_by_patient ON prom_invitations(patient, id);
CREATE INDEX prom_responses_by_patient ON prom_responses(patient, id);
)sql";

// Submission history (web, #9): a submitter's submissions newest first, and the rejections of one
// procedure_ref (errors only: a partial index, so warnings cost ingest nothing) for the records
// waiting for a fix (storage/sql_submission_reads.cc).
constexpr std::string_view kSubmissionHistory = R"sql(
CREATE INDEX submissions_by_submitter ON submissions(submitter, id);
CREATE INDEX findings_errors_by_ref ON findings(procedure_ref, submission) WHERE severity = 'error';
)sql";

// Ingest speed (ingest, #4): procedures_by_patient (patient) is a prefix of
// procedures_by_patient_latest (patient, date, id, provider_site; 0010), which answers every lookup
// it answered (and the foreign key's check on patients); every procedure insert paid for both.
constexpr std::string_view kIngestSpeed = R"sql(
DROP INDEX procedures_by_patient;
)sql";

// Reference checks (scale, #10): PostgreSQL's 0018 replaces the per-row foreign-key checks of
// procedures and implants with per-statement ones (ADR 0007). SQLite's in-process checks are
// one B-tree seek each and cost no round trip, so its keys stay; the number is kept equal.
constexpr std::string_view kReferenceChecks = R"sql(
SELECT 1;
)sql";

// The pseudonym's uniqueness as a named index (ingest, #4, ADR 0010): a bulk load into an empty
// store drops it in its transaction and builds it again before COMMIT, like the other indexes it
// defers. `pseudonym BLOB UNIQUE` was the column's own constraint, which SQLite cannot drop, so
// the table is rebuilt the documented way (https://sqlite.org/lang_altertable.html, "Making Other
// Kinds Of Table Schema Changes"): with foreign keys off (Migration::foreign_keys_off; checked
// with foreign_key_check before COMMIT), a new table of the same columns, every row copied with
// its id, the old table dropped, the new one renamed, and its indexes made again. No trigger or
// view names patients. The columns are those of 0001 and 0002 in the same order.
constexpr std::string_view kPseudonymIndex = R"sql(
CREATE TABLE patients_0013 (
  id INTEGER PRIMARY KEY,
  pseudonym BLOB,
  nhs_cipher BLOB,
  date_of_birth INTEGER,
  sex TEXT NOT NULL,
  postcode TEXT NOT NULL,
  date_of_death INTEGER,
  opted_out INTEGER NOT NULL DEFAULT 0,
  change_seq INTEGER NOT NULL DEFAULT 0
);
INSERT INTO patients_0013 (id, pseudonym, nhs_cipher, date_of_birth, sex, postcode, date_of_death,
                           opted_out, change_seq)
  SELECT id, pseudonym, nhs_cipher, date_of_birth, sex, postcode, date_of_death, opted_out,
         change_seq FROM patients ORDER BY id;
DROP TABLE patients;
ALTER TABLE patients_0013 RENAME TO patients;
CREATE UNIQUE INDEX patients_by_pseudonym ON patients(pseudonym);
CREATE INDEX patients_by_demographics ON patients(date_of_birth, sex, postcode);
CREATE INDEX patients_by_change ON patients(change_seq);
)sql";

}  // namespace

const std::vector<Migration>& Migrations() {
  static const std::vector<Migration> kMigrations = {
      {1, "0001_core", kCore},
      {2, "0002_change_sequence", kChangeSequence},
      {3, "0003_catalogue", kCatalogue},
      {4, "0004_accounts", kAccounts},
      {5, "0005_device_fields", kDeviceFields},
      {6, "0006_signals", kSignals},
      {7, "0007_recall", kRecall},
      {8, "0008_ingest", kIngest},
      {9, "0009_proms", kProms},
      {10, "0010_recall_latest", kRecallLatest},
      {11, "0011_security", kSecurity},
      {12, "0012_proms_by_patient", kPromsByPatient},
      {13, "0013_pseudonym_index", kPseudonymIndex, /*foreign_keys_off=*/true},
      {14, "0014_submission_history", kSubmissionHistory},
      {16, "0016_ingest_speed", kIngestSpeed},
      {18, "0018_reference_checks", kReferenceChecks},
  };
  return kMigrations;
}

Result<int> CurrentSchemaVersion(Connection& connection) {
  auto recorded = RecordedVersions(connection);
  if (!recorded) return std::unexpected(recorded.error());
  return recorded->empty() ? 0 : recorded->rbegin()->first;
}

Result<RecordedMigrations> RecordedVersions(Connection& connection) {
  ORP_RETURN_IF_ERROR(
      connection.Exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, "
                      "name TEXT NOT NULL, applied_at INTEGER NOT NULL)"));
  auto stmt = connection.Prepare("SELECT version, name FROM schema_version");
  if (!stmt) return std::unexpected(stmt.error());
  RecordedMigrations recorded;
  while (true) {
    auto row = stmt->Step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    recorded.emplace(static_cast<int>(stmt->Int(0)), std::string(stmt->Text(1)));
  }
  return recorded;
}

namespace {

std::vector<KnownMigration> Known() {
  std::vector<KnownMigration> known;
  for (const Migration& m : Migrations()) known.push_back({m.version, m.name});
  return known;
}

// Whether PRAGMA foreign_key_check finds a row that names a missing parent.
Result<bool> ForeignKeysBroken(Connection& connection) {
  auto stmt = connection.Prepare("PRAGMA foreign_key_check");
  if (!stmt) return std::unexpected(stmt.error());
  return stmt->Step();
}

// Applies one migration in its own write transaction, unless another process recorded it first
// (re-read under the write lock). Returns whether it applied it.
Result<bool> ApplyInTransaction(Connection& connection, const Migration& m) {
  ORP_RETURN_IF_ERROR(connection.Exec("BEGIN IMMEDIATE"));
  auto now = RecordedVersions(connection);
  if (now && now->contains(m.version)) {
    ORP_RETURN_IF_ERROR(connection.Exec("COMMIT"));
    return false;
  }
  Result<void> done = now ? connection.Exec(m.sql) : Result<void>(std::unexpected(now.error()));
  if (done && m.foreign_keys_off) {
    Result<bool> broken = ForeignKeysBroken(connection);
    if (!broken) {
      done = std::unexpected(broken.error());
    } else if (*broken) {
      done = DataLoss("a row names a missing parent after the rebuild");
    }
  }
  if (done) {
    auto stmt = connection.Prepare(
        "INSERT INTO schema_version (version, name, applied_at) VALUES (?1, ?2, ?3)");
    done = stmt
               ? stmt->Bind(1, m.version).Bind(2, m.name).Bind(3, int64_t{std::time(nullptr)}).Run()
               : Result<void>(std::unexpected(stmt.error()));
  }
  if (!done) {
    (void)connection.Exec("ROLLBACK");
    return std::unexpected(done.error().WithContext(fmt::format("migration {}", m.name)));
  }
  ORP_RETURN_IF_ERROR(connection.Exec("COMMIT"));
  return true;
}

// As ApplyInTransaction; foreign keys are switched off around the transaction (SQLite ignores the
// pragma inside one) when the migration asks, and on again after, whatever happened.
Result<bool> ApplyOne(Connection& connection, const Migration& m) {
  if (!m.foreign_keys_off) return ApplyInTransaction(connection, m);
  ORP_RETURN_IF_ERROR(connection.Exec("PRAGMA foreign_keys = OFF"));
  Result<bool> applied = ApplyInTransaction(connection, m);
  ORP_RETURN_IF_ERROR(connection.Exec("PRAGMA foreign_keys = ON"));
  return applied;
}

}  // namespace

Result<std::vector<std::string>> Migrate(Connection& connection, int up_to) {
  auto recorded = RecordedVersions(connection);
  if (!recorded) return std::unexpected(recorded.error());
  auto pending = PendingMigrations(Known(), *recorded, up_to);
  if (!pending) return std::unexpected(pending.error());
  std::vector<std::string> applied;
  for (const Migration& m : Migrations()) {
    if (std::find(pending->begin(), pending->end(), m.version) == pending->end()) continue;
    auto done = ApplyOne(connection, m);
    if (!done) return std::unexpected(done.error());
    if (*done) applied.emplace_back(m.name);
  }
  return applied;
}

}  // namespace orp::storage::sqlite
