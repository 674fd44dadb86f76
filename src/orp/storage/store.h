// The Store interfaces: what the registry asks of its database, as domain operations (not an
// ORM). Every SQL statement lives in a backend (storage/sqlite, later storage/postgres); use
// cases and the command line see only these classes and the entities of domain/entities.h.
//
// Shape:
//   Reader       every query: patients, procedures, implants, catalogue, submissions, audit.
//   Transaction  a Reader that also writes; sees its own writes; all or nothing.
//   Store        a Reader over committed data that begins transactions.
//
// Submissions and idempotency: BeginSubmission(request) either starts a transaction that owns a
// new submission row, or — when the idempotency key was committed before — returns that
// submission (its receipt verbatim) and writes nothing. A submission transaction must be given
// its outcome (FinishSubmission) before Commit. Two writers racing on one key make one submission:
// the loser sees the winner's receipt once the winner commits.
//
// Durability: once Commit returns ok the transaction survives a process kill and (SQLite with
// synchronous=FULL, PostgreSQL with fsync) power loss. A Transaction destroyed without Commit
// rolls back; so does any failed write (the caller should drop the transaction on error).
//
// Error codes: kUnavailable — the database is busy, locked, full or down (retrying may succeed);
// kDataLoss — stored data is corrupt or unreadable (including a row that no longer parses);
// kFailedPrecondition — the call is out of order (audit chain mismatch, commit before finish,
// a read on the store from the thread that holds a transaction); kInvalidArgument — the entity
// breaks a store invariant (procedure without patient, implant without procedure);
// kNotFound — an update names a row that does not exist.
//
// Thread safety: a Store may be shared by threads. A Transaction belongs to one thread and must
// not outlive its Store. Backends may serialise writers (SQLite does); callbacks of ForEach*
// must not call back into the same Store.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "orp/core/result.h"
#include "orp/domain/entities.h"
#include "orp/storage/accounts.h"
#include "orp/storage/consent.h"
#include "orp/storage/ods.h"
#include "orp/storage/proms.h"
#include "orp/storage/recall.h"
#include "orp/storage/signals.h"

namespace orp::storage {

using domain::AuditRecord;
using domain::Clinician;
using domain::DeviceId;
using domain::DeviceModel;
using domain::Finding;
using domain::GmcNumber;
using domain::Gtin;
using domain::Implant;
using domain::ImplantId;
using domain::OdsCode;
using domain::OdsSiteCode;
using domain::Organisation;
using domain::OutcomeEvent;
using domain::OutcomeEventId;
using domain::Patient;
using domain::PatientId;
using domain::Procedure;
using domain::ProcedureId;
using domain::Pseudonym;
using domain::Submission;
using domain::SubmissionId;

// Record linkage without an NHS number: all three must be equal.
struct DemographicKey {
  Date date_of_birth;
  domain::Sex sex;
  domain::Postcode postcode;
};

// Implants still in place in one patient, for linking a revision or explant to what it removes.
// Empty body_site or no laterality means "any"; implants recorded as bilateral match either side.
struct InSituQuery {
  PatientId patient;
  std::string registry;
  std::string body_site;
  std::optional<domain::Laterality> laterality;
};

// Which procedures to stream. Empty registry means all. `changed_after` is a change sequence
// number (Reader::LastChange): only procedures changed later — the procedure itself or any of its
// implants (e.g. removed by a later revision) — are streamed, for refreshing a cohort
// incrementally; 0 streams everything. `after_id` and `limit` make a keyed range read for
// paging (security, #5): only procedures with id > after_id, at most `limit` of them (0: no
// limit), read by seeking the primary key rather than scanning from the start.
struct ProcedureFilter {
  std::string registry;
  int64_t changed_after = 0;
  int64_t after_id = 0;
  int64_t limit = 0;
};

// What PutProcedure did.
enum class PutKind { kInserted, kNewVersion };

// The outcome of a submission, written with it in the same transaction.
struct SubmissionOutcome {
  domain::SubmissionStatus status = domain::SubmissionStatus::kAccepted;
  int64_t received = 0;
  int64_t accepted = 0;
  int64_t rejected = 0;
  std::string receipt_json;
};

struct SubmissionRequest {
  std::string idempotency_key;  // non-empty
  std::string submitter;
  std::string registry;
  domain::Instant received_at{};
  // (#4, ADR 0011) The caller is about to write a large submission (a bulk load) and owns the
  // store while it does: a one-shot command, not a server answering readers. A SQLite file store
  // holding no procedure then writes the transaction under a rollback journal, each new page
  // once into the file, instead of into the WAL and again into the file at the checkpoint; only
  // when no other connection (in any process) has the file open, else as usual. Until the
  // transaction ends, the store's own reads and other processes' opens fail at once
  // (kUnavailable, saying why). Other stores ignore it.
  bool exclusive_load = false;
};

// Rows per table, for reports and for tests that check nothing partial was written.
using TableCounts = std::map<std::string, int64_t>;

// Streamed rows arrive in a callback; return false to stop early.
template <typename T>
using Visitor = std::function<bool(const T&)>;

class Reader {
 public:
  virtual ~Reader() = default;

  virtual Result<std::optional<Patient>> FindPatient(PatientId id) = 0;
  virtual Result<std::optional<Patient>> FindPatientByPseudonym(const Pseudonym& pseudonym) = 0;
  // Up to `limit` patients with exactly this date of birth, sex and postcode (ordered by id);
  // linkage asks for 2 to learn whether a match is unique.
  virtual Result<std::vector<Patient>> FindPatientsByDemographics(const DemographicKey& key,
                                                                  int limit) = 0;
  // Patients in id order, all or only those changed after a change sequence number (cohorts
  // join deaths and opt-outs from here).
  virtual Result<void> ForEachPatient(int64_t changed_after, const Visitor<Patient>& visit) = 0;

  virtual Result<std::optional<Organisation>> FindOrganisation(const OdsCode& ods_code) = 0;
  // The organisation that owns a site code (e.g. for checking a submitter's own sites).
  virtual Result<std::optional<Organisation>> FindOrganisationOfSite(const OdsSiteCode& site) = 0;
  virtual Result<std::optional<Clinician>> FindClinician(const GmcNumber& gmc) = 0;
  // The catalogue version valid on `on` (valid_from <= on < valid_to), or the current one.
  // Device models are keyed by DI and agency (a GTIN converts to its GS1 DeviceId).
  virtual Result<std::optional<DeviceModel>> FindDeviceModel(const DeviceId& device,
                                                             std::optional<Date> on) = 0;
  // Every version, oldest first.
  virtual Result<std::vector<DeviceModel>> DeviceModelHistory(const DeviceId& device) = 0;
  // Every version of every device model, ordered by (DI text, valid_from) (loading the
  // catalogue).
  virtual Result<void> ForEachDeviceModel(const Visitor<DeviceModel>& visit) = 0;

  // The current version, with its implants.
  virtual Result<std::optional<Procedure>> FindProcedure(std::string_view registry,
                                                         std::string_view procedure_ref) = 0;
  virtual Result<std::optional<Procedure>> FindProcedureById(ProcedureId id) = 0;
  // Every version of a procedure_ref, oldest first, the current one last; empty if unknown.
  virtual Result<std::vector<Procedure>> ProcedureHistory(std::string_view registry,
                                                          std::string_view procedure_ref) = 0;
  // Implanted devices in situ, the most recent procedure first.
  virtual Result<std::vector<Implant>> ImplantsInSitu(const InSituQuery& query) = 0;
  // Implants of one device model (by GTIN or HIBCC DI); empty lot or serial means any (recall
  // by lot).
  virtual Result<std::vector<Implant>> FindImplantsByDevice(const DeviceId& device,
                                                            std::string_view lot,
                                                            std::string_view serial) = 0;
  // Current versions with their implants, ordered by procedure id.
  virtual Result<void> ForEachProcedure(const ProcedureFilter& filter,
                                        const Visitor<Procedure>& visit) = 0;
  virtual Result<std::vector<OutcomeEvent>> OutcomeEventsOf(PatientId patient) = 0;

  virtual Result<std::optional<Submission>> FindSubmission(SubmissionId id) = 0;
  virtual Result<std::optional<Submission>> FindSubmissionByKey(std::string_view key) = 0;
  virtual Result<std::vector<Finding>> FindingsOf(SubmissionId id) = 0;

  virtual Result<std::optional<AuditRecord>> LastAuditRecord() = 0;
  // Entries with seq > after_seq, in seq order.
  virtual Result<void> ForEachAuditRecord(int64_t after_seq, const Visitor<AuditRecord>& visit) = 0;

  // The change sequence: every committed transaction that changed patients, procedures or
  // implants has a number, increasing in commit order; this is the last one (0 for none).
  virtual Result<int64_t> LastChange() = 0;

  virtual Result<TableCounts> CountRows() = 0;

  // Accounts (security, #5): see storage/accounts.h.
  virtual Result<std::optional<UserRecord>> FindUser(std::string_view username) = 0;
  virtual Result<std::optional<UserRecord>> FindUserById(int64_t user_id) = 0;
  // Every user, ordered by username.
  virtual Result<std::vector<UserRecord>> ListUsers() = 0;
  virtual Result<std::optional<SessionRecord>> FindSession(std::string_view id_hash) = 0;
  virtual Result<std::optional<ApiTokenRecord>> FindApiToken(std::string_view token_hash) = 0;
  // A user's tokens, revoked and expired ones included, ordered by id.
  virtual Result<std::vector<ApiTokenRecord>> ApiTokensOf(int64_t user_id) = 0;
  virtual Result<LoginFailures> CountLoginFailures(std::string_view username,
                                                   std::string_view remote,
                                                   domain::Instant since) = 0;
  // Audit entries matching the query, in seq order.
  virtual Result<void> ForEachAuditRecordWhere(const AuditQuery& query,
                                               const Visitor<AuditRecord>& visit) = 0;
  // Bulk ingest (ingest4, #4): the same answers as the one-row queries above, for a batch of
  // keys in one round trip (ingest resolves a chunk of a submission at a time).
  // The stored patients whose pseudonym is one of `pseudonyms`, in no particular order; unknown
  // pseudonyms are left out.
  virtual Result<std::vector<Patient>> FindPatientsByPseudonyms(
      std::span<const Pseudonym> pseudonyms) = 0;
  // The current version of each stored procedure of `registry` whose procedure_ref is one of
  // `procedure_refs`, by procedure_ref; unknown ones are left out.
  virtual Result<std::map<std::string, int, std::less<>>> FindProcedureVersions(
      std::string_view registry, std::span<const std::string> procedure_refs) = 0;
  // Surveillance (surveil7, #7). Signals matching the filter, newest data cut first, then id.
  virtual Result<std::vector<Signal>> ListSignals(const SignalFilter& filter) = 0;
  virtual Result<std::optional<Signal>> FindSignal(int64_t id) = 0;
  // Recall (recall8, #8)
  // Affected implants in (device, lot, implant id) order (storage/recall.h). kInvalidArgument
  // when the query names no device model.
  virtual Result<void> ForEachRecallImplant(const RecallImplantQuery& query,
                                            const Visitor<RecallImplantRow>& visit) = 0;
  virtual Result<std::optional<Recall>> FindRecall(RecallId id) = 0;
  virtual Result<std::optional<Recall>> FindRecallByReference(std::string_view reference) = 0;
  // Every recall, newest first.
  virtual Result<std::vector<Recall>> ListRecalls() = 0;
  // The campaign's patients in patient id order.
  virtual Result<std::vector<RecallPatient>> RecallPatients(RecallId recall) = 0;
  // The campaign's implants in (patient, implant) order.
  virtual Result<std::vector<RecallImplantLink>> RecallImplants(RecallId recall) = 0;
  // Contact attempts in (patient, ordinal) order; an unstored patient id means every patient.
  virtual Result<std::vector<RecallContact>> RecallContacts(RecallId recall, PatientId patient) = 0;
  // Consent (ingest, #5): the national data opt-out list (storage/consent.h).
  // Those of `pseudonyms` that are on the list, in no particular order.
  virtual Result<std::vector<Pseudonym>> FindOptedOut(std::span<const Pseudonym> pseudonyms) = 0;
  // How many entries the list holds and its last load.
  virtual Result<OptOutListInfo> OptOutList() = 0;
  // ODS reference data (ingest, #4): storage/ods.h. A site by its code, with its dates; none when
  // the reference data does not hold it.
  virtual Result<std::optional<OdsRecord>> FindOdsSite(std::string_view site_code) = 0;
  // The last ODS file loaded; none before the first (ingest checks sites only after one).
  virtual Result<std::optional<OdsLoad>> LastOdsLoad() = 0;
  // PROMs (proms, #11): storage/proms.h.
  // The invitations of one procedure in (instrument, months) order.
  virtual Result<std::vector<PromInvitation>> PromInvitationsOf(ProcedureId procedure) = 0;
  // The invitation whose link token hashes to `token_hash`, if any.
  virtual Result<std::optional<PromInvitation>> FindPromInvitationByToken(
      std::string_view token_hash) = 0;
  // Invitations matching the filter, in id order.
  virtual Result<std::vector<PromInvitation>> ListPromInvitations(
      const PromInvitationFilter& filter) = 0;
  // Responses of `registry` (empty: every registry), in id order.
  virtual Result<std::vector<PromResponse>> ListPromResponses(std::string_view registry) = 0;
  // Outbox messages with `status` in (next_attempt, id) order; with `due_by`, only those whose
  // next_attempt is at or before it.
  virtual Result<std::vector<PromMessage>> ListPromMessages(
      PromMessageStatus status, std::optional<domain::Instant> due_by) = 0;
};

class Transaction : public Reader {
 public:
  // Rolls back unless Commit succeeded.
  ~Transaction() override = default;

  // The submission this transaction writes, or an unstored id for a plain transaction.
  virtual SubmissionId submission() const = 0;

  // Inserts, or — when `patient.id` is set — replaces that row, or — when the pseudonym is
  // already stored — fills in that patient's blank demographics (given values win; a date of
  // death once recorded stays; opt-out is only ever set here, cleared by replacing by id).
  virtual Result<PatientId> PutPatient(const Patient& patient) = 0;

  // Stores a procedure and its implants under this transaction's submission. A new
  // (registry, procedure_ref) is inserted as version 1; a known one becomes a new version: the
  // previous version and its implants go to history, implants matching an earlier one by
  // (DI, lot, serial, action) keep their id and removal state, others are replaced.
  // Assigns procedure.id, .version, .submission and each implant's id and procedure.
  virtual Result<PutKind> PutProcedure(Procedure& procedure) = 0;

  // Marks implants as no longer in situ: removed by `by` on `on`. kNotFound names a missing id.
  virtual Result<void> MarkImplantsRemoved(std::span<const ImplantId> implants, ProcedureId by,
                                           Date on) = 0;
  // Sets the patient's date of death and adds a death outcome event (once: a repeat is a no-op).
  virtual Result<void> RecordDeath(PatientId patient, Date date) = 0;
  virtual Result<OutcomeEventId> AddOutcomeEvent(const OutcomeEvent& event) = 0;

  virtual Result<void> PutOrganisation(const Organisation& organisation) = 0;
  virtual Result<void> PutClinician(const Clinician& clinician) = 0;
  // Adds a catalogue version. Identical attributes (market status, status date and FSN reference
  // included; recorded_on is not an attribute) to the current version change nothing;
  // different ones close the current version at model.valid_from and open this one
  // (kInvalidArgument when model.valid_from is not after the current version's).
  virtual Result<void> PutDeviceModel(const DeviceModel& model) = 0;

  // Appends findings to this transaction's submission (kFailedPrecondition in a plain one).
  virtual Result<void> AddFindings(std::span<const Finding> findings) = 0;
  // Appends an audit entry and returns its seq, which is the last entry's seq + 1 (1 for the
  // first; security/ hashes it, so a backend must not leave gaps). kFailedPrecondition when
  // record.prev_hash is not the hash of the last entry (empty for the first): another writer
  // appended first.
  virtual Result<int64_t> AppendAudit(const AuditRecord& record) = 0;

  // Records the submission's outcome and receipt (required before Commit in a submission).
  virtual Result<void> FinishSubmission(const SubmissionOutcome& outcome) = 0;
  // Makes every write durable at once. After an error the transaction is rolled back.
  virtual Result<void> Commit() = 0;

  // Accounts (security, #5). kAlreadyExists for a taken username, session hash or token hash;
  // kNotFound when the named user, session or token does not exist.
  virtual Result<int64_t> AddUser(const UserRecord& user) = 0;
  virtual Result<void> SetUserDisabled(int64_t user_id, bool disabled) = 0;
  virtual Result<void> AddSession(const SessionRecord& session) = 0;
  // Sets last_seen_at (idle timeout).
  virtual Result<void> TouchSession(std::string_view id_hash, domain::Instant at) = 0;
  virtual Result<void> DeleteSession(std::string_view id_hash) = 0;
  // Ends every session of a user (disabling them); none is not an error.
  virtual Result<void> DeleteSessionsOf(int64_t user_id) = 0;
  virtual Result<int64_t> AddApiToken(const ApiTokenRecord& token) = 0;
  // Sets revoked_at (once: revoking again keeps the first time).
  virtual Result<void> RevokeApiToken(int64_t token_id, domain::Instant at) = 0;
  virtual Result<void> RecordLoginAttempt(const LoginAttempt& attempt) = 0;
  // Bulk ingest (ingest4, #4): what PutPatient and PutProcedure do for rows known to be new,
  // in batches (a backend may write many rows per statement).
  // Inserts patients none of whose pseudonyms is stored (or who have none), as PutPatient would,
  // and assigns each its id. kInvalidArgument when a patient already has an id; kAlreadyExists
  // when a pseudonym is already stored or repeated (the transaction is then rolled back).
  virtual Result<void> InsertPatients(std::span<Patient> patients) = 0;
  // Inserts procedures whose (registry, procedure_ref) is not stored, each as version 1 with its
  // implants, exactly as PutProcedure would (PutKind::kInserted), assigning the same fields.
  // kInvalidArgument for a procedure without a stored patient; kAlreadyExists when a
  // (registry, procedure_ref) is stored or repeated (the transaction is then rolled back).
  virtual Result<void> InsertProcedures(std::span<Procedure> procedures) = 0;
  // Surveillance (surveil7, #7). Inserts a signal, or — when (registry, unit kind, unit, method)
  // is stored — updates its what, statistic, threshold, data cut and evidence, adds one to
  // times_seen and keeps its id, status, reason and first_seen. kInvalidArgument for an empty
  // registry, unit or method.
  virtual Result<SignalPutResult> PutSignal(const Signal& signal) = 0;
  // Moves a signal's status; kInvalidArgument when dismissing without a reason, kNotFound for an
  // unknown id.
  virtual Result<void> SetSignalStatus(int64_t id, SignalStatus status,
                                       std::string_view reason) = 0;
  // Recall (recall8, #8)
  // Inserts a recall when recall.id is unstored (assigning it; kAlreadyExists for a known
  // reference), else updates its title, status and synced_change (kNotFound for an unknown id).
  virtual Result<void> PutRecall(Recall& recall) = 0;
  // Inserts or replaces the (recall, patient) row.
  virtual Result<void> PutRecallPatient(const RecallPatient& patient) = 0;
  // Links an implant to a campaign patient; a repeat changes nothing.
  virtual Result<void> AddRecallImplant(const RecallImplantLink& link) = 0;
  // Appends a contact attempt, assigning contact.ordinal.
  virtual Result<void> AddRecallContact(RecallContact& contact) = 0;
  // Consent (ingest, #5). Replaces the whole opt-out list with `list` (a load is the current
  // snapshot, so a patient who withdrew their opt-out drops off), records the load, and sets
  // every stored patient's opted_out to whether their pseudonym is on the list, stamping the
  // patients whose flag changed with this transaction's change number (cohorts refresh from it).
  // Repeated entries count once.
  virtual Result<OptOutLoadResult> ReplaceOptOuts(std::span<const Pseudonym> list,
                                                  const OptOutLoad& load) = 0;
  // ODS reference data (ingest, #4). Inserts or updates each organisation or site (name,
  // postcode, dates; a site's parent) and records the load. kInvalidArgument naming the site
  // when a site's parent organisation is not stored (load organisations first).
  virtual Result<void> PutOdsRecords(std::span<const OdsRecord> records, const OdsLoad& load) = 0;
  // PROMs (proms, #11): storage/proms.h.
  // Inserts an invitation and assigns its id; false (nothing written) when (procedure,
  // instrument, months) already has one. kAlreadyExists for a token hash in use.
  virtual Result<bool> AddPromInvitation(PromInvitation& invitation) = 0;
  // Updates status, expires, token_hash and reminders_sent; kNotFound for an unknown id.
  virtual Result<void> UpdatePromInvitation(const PromInvitation& invitation) = 0;
  // Inserts a response and assigns its id; false when (procedure, instrument, months) has one.
  virtual Result<bool> AddPromResponse(PromResponse& response) = 0;
  // Inserts an outbox message and assigns its id; false when (invitation, purpose, channel)
  // has one.
  virtual Result<bool> EnqueuePromMessage(PromMessage& message) = 0;
  // Updates status, attempts, next_attempt, last_error and sent_at; kNotFound for an unknown id.
  virtual Result<void> UpdatePromMessage(const PromMessage& message) = 0;
  // Accounts, continued (security, #5; sql_accounts_more.cc; migration 0011).
  // Replaces the user's password hash (kNotFound for an unknown id).
  virtual Result<void> SetUserPassword(int64_t user_id, std::string_view password_hash) = 0;
  // Ends every session of the user except the one whose hash is `keep_id_hash` (empty: all).
  virtual Result<void> DeleteSessionsOfExcept(int64_t user_id, std::string_view keep_id_hash) = 0;
  // Records that the TOTP code of time step `step` was used by the user: true when `step` is
  // later than the last step recorded, false (nothing written) when it is not, so a code is
  // accepted once. Concurrent claims of one step by several servers: exactly one gets true.
  // kNotFound for an unknown id.
  virtual Result<bool> ClaimTotpStep(int64_t user_id, int64_t step) = 0;
};

// Either a fresh transaction for a new submission, or the earlier submission with this key.
struct SubmissionStart {
  std::unique_ptr<Transaction> transaction;
  std::optional<Submission> duplicate_of;
};

// What Open found and did, for `orp migrate` and start-up logs.
struct StoreInfo {
  std::string backend;   // "sqlite", "postgresql"
  std::string location;  // path, ":memory:" or a URL (never a password)
  int schema_version = 0;
  std::vector<std::string> migrations_applied;  // by this open, e.g. {"0001_core"}
};

class Store : public Reader {
 public:
  virtual StoreInfo Info() const = 0;
  // The highest migration recorded in the database now.
  virtual Result<int> SchemaVersion() = 0;

  virtual Result<std::unique_ptr<Transaction>> Begin() = 0;
  virtual Result<SubmissionStart> BeginSubmission(const SubmissionRequest& request) = 0;
};

}  // namespace orp::storage
