// Queries: PROMs invitations, responses and outbox (proms, #11), written once for SQLite and
// PostgreSQL. Semantics in storage/proms.h and store.h. Dates are day numbers, instants
// seconds since the epoch.
#include <fmt/format.h>

#include <limits>
#include <string>

#include "orp/storage/sql_codec.h"
#include "orp/storage/sql_queries.h"

namespace orp::storage::sql {
namespace {

using domain::Instant;

constexpr std::string_view kSelectInvitation =
    "SELECT id, registry, procedure, patient, instrument, months, due, invited, expires, "
    "token_hash, status, reminders_sent FROM prom_invitations ";

Result<PromInvitation> ReadInvitation(const Statement& s) {
  auto status = ParsePromInvitationStatus(s.Text(10));
  if (!status)
    return DataLoss(fmt::format("prom invitation {}: {}", s.Int(0), status.error().message()));
  PromInvitation i;
  i.id = s.Int(0);
  i.registry = s.Text(1);
  i.procedure = ProcedureId{s.Int(2)};
  i.patient = PatientId{s.Int(3)};
  i.instrument = s.Text(4);
  i.months = static_cast<int>(s.Int(5));
  i.due = FromDayNumber(s.Int(6));
  i.invited = FromDayNumber(s.Int(7));
  i.expires = FromDayNumber(s.Int(8));
  i.token_hash = s.Text(9);
  i.status = *status;
  i.reminders_sent = static_cast<int>(s.Int(11));
  return i;
}

constexpr std::string_view kSelectResponse =
    "SELECT id, invitation, registry, procedure, patient, instrument, instrument_version, months, "
    "completed, answers, source FROM prom_responses ";

Result<PromResponse> ReadResponse(const Statement& s) {
  PromResponse r;
  r.id = s.Int(0);
  if (!s.IsNull(1)) r.invitation = s.Int(1);
  r.registry = s.Text(2);
  r.procedure = ProcedureId{s.Int(3)};
  r.patient = PatientId{s.Int(4)};
  r.instrument = s.Text(5);
  r.instrument_version = s.Text(6);
  r.months = static_cast<int>(s.Int(7));
  r.completed = FromDayNumber(s.Int(8));
  r.answers = s.Text(9);
  r.source = s.Text(10);
  return r;
}

constexpr std::string_view kSelectMessage =
    "SELECT id, invitation, purpose, channel, status, attempts, next_attempt, last_error, "
    "sent_at FROM prom_outbox ";

Result<PromMessage> ReadMessage(const Statement& s) {
  auto status = ParsePromMessageStatus(s.Text(4));
  if (!status)
    return DataLoss(fmt::format("prom message {}: {}", s.Int(0), status.error().message()));
  PromMessage m;
  m.id = s.Int(0);
  m.invitation = s.Int(1);
  m.purpose = s.Text(2);
  m.channel = s.Text(3);
  m.status = *status;
  m.attempts = static_cast<int>(s.Int(5));
  m.next_attempt = InstantOf(s.Int(6));
  m.last_error = s.Text(7);
  if (!s.IsNull(8)) m.sent_at = InstantOf(s.Int(8));
  return m;
}

std::optional<int64_t> OptionalSeconds(const std::optional<Instant>& at) {
  return at ? std::optional<int64_t>(Seconds(*at)) : std::nullopt;
}

}  // namespace

Result<std::vector<PromInvitation>> Queries::PromInvitationsOf(ProcedureId procedure) {
  return Collect<PromInvitation>(
      db_, std::string(kSelectInvitation) + "WHERE procedure = ?1 ORDER BY instrument, months",
      [&](Statement& s) { s.Bind(1, procedure.value); }, ReadInvitation);
}

Result<std::optional<PromInvitation>> Queries::FindPromInvitationByToken(
    std::string_view token_hash) {
  return First<PromInvitation>(
      db_, std::string(kSelectInvitation) + "WHERE token_hash = ?1",
      [&](Statement& s) { s.Bind(1, token_hash); }, ReadInvitation);
}

Result<std::vector<PromInvitation>> Queries::ListPromInvitations(
    const PromInvitationFilter& filter) {
  const std::string status =
      filter.status ? std::string(PromInvitationStatusName(*filter.status)) : std::string();
  return Collect<PromInvitation>(
      db_,
      std::string(kSelectInvitation) +
          "WHERE (?1 = '' OR registry = ?1) AND (?2 = '' OR status = ?2) ORDER BY id",
      [&](Statement& s) { s.Bind(1, filter.registry).Bind(2, status); }, ReadInvitation);
}

Result<std::vector<PromResponse>> Queries::ListPromResponses(std::string_view registry) {
  return Collect<PromResponse>(
      db_, std::string(kSelectResponse) + "WHERE (?1 = '' OR registry = ?1) ORDER BY id",
      [&](Statement& s) { s.Bind(1, registry); }, ReadResponse);
}

// The indexed read by patient (proms_reads.h; migration 0012's indexes).
Result<std::vector<PromInvitation>> Queries::PromInvitationsOfPatient(PatientId patient) {
  return Collect<PromInvitation>(
      db_, std::string(kSelectInvitation) + "WHERE patient = ?1 ORDER BY id",
      [&](Statement& s) { s.Bind(1, patient.value); }, ReadInvitation);
}

Result<std::vector<PromResponse>> Queries::PromResponsesOfPatient(PatientId patient) {
  return Collect<PromResponse>(
      db_, std::string(kSelectResponse) + "WHERE patient = ?1 ORDER BY id",
      [&](Statement& s) { s.Bind(1, patient.value); }, ReadResponse);
}

Result<std::vector<PromMessage>> Queries::ListPromMessages(PromMessageStatus status,
                                                           std::optional<Instant> due_by) {
  return Collect<PromMessage>(
      db_,
      std::string(kSelectMessage) +
          "WHERE status = ?1 AND next_attempt <= ?2 ORDER BY next_attempt, id",
      [&](Statement& s) {
        s.Bind(1, PromMessageStatusName(status))
            .Bind(2, due_by ? Seconds(*due_by) : std::numeric_limits<int64_t>::max());
      },
      ReadMessage);
}

Result<bool> Queries::AddPromInvitation(PromInvitation& i) {
  auto existing = First<int64_t>(
      db_,
      "SELECT id FROM prom_invitations WHERE procedure = ?1 AND instrument = ?2 AND months = ?3",
      [&](Statement& s) { s.Bind(1, i.procedure.value).Bind(2, i.instrument).Bind(3, i.months); },
      [](const Statement& s) -> Result<int64_t> { return s.Int(0); });
  if (!existing) return std::unexpected(existing.error());
  if (*existing) return false;  // invited before
  auto taken = FindPromInvitationByToken(i.token_hash);
  if (!taken) return std::unexpected(taken.error());
  if (*taken) return AlreadyExists("a PROM invitation already uses this link token");
  auto id = First<int64_t>(
      db_,
      "INSERT INTO prom_invitations (registry, procedure, patient, instrument, months, due, "
      "invited, expires, token_hash, status, reminders_sent) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
      "?8, ?9, ?10, ?11) ON CONFLICT (procedure, instrument, months) DO NOTHING RETURNING id",
      [&](Statement& s) {
        s.Bind(1, i.registry).Bind(2, i.procedure.value).Bind(3, i.patient.value);
        s.Bind(4, i.instrument).Bind(5, i.months).Bind(6, DayNumber(i.due));
        s.Bind(7, DayNumber(i.invited)).Bind(8, DayNumber(i.expires)).Bind(9, i.token_hash);
        s.Bind(10, PromInvitationStatusName(i.status)).Bind(11, i.reminders_sent);
      },
      [](const Statement& s) -> Result<int64_t> { return s.Int(0); });
  if (!id) return std::unexpected(id.error());
  if (!*id) return false;  // the row was there already
  i.id = **id;
  return true;
}

Result<void> Queries::UpdatePromInvitation(const PromInvitation& i) {
  auto changed = ExecuteCounting(db_,
                                 "UPDATE prom_invitations SET status = ?2, expires = ?3, "
                                 "token_hash = ?4, reminders_sent = ?5 WHERE id = ?1",
                                 [&](Statement& s) {
                                   s.Bind(1, i.id).Bind(2, PromInvitationStatusName(i.status));
                                   s.Bind(3, DayNumber(i.expires)).Bind(4, i.token_hash);
                                   s.Bind(5, i.reminders_sent);
                                 });
  if (!changed) return std::unexpected(changed.error());
  if (*changed == 0) return NotFound(fmt::format("no PROM invitation with id {}", i.id));
  return {};
}

Result<bool> Queries::AddPromResponse(PromResponse& r) {
  auto id = First<int64_t>(
      db_,
      "INSERT INTO prom_responses (invitation, registry, procedure, patient, instrument, "
      "instrument_version, months, completed, answers, source) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
      "?7, ?8, ?9, ?10) ON CONFLICT (procedure, instrument, months) DO NOTHING RETURNING id",
      [&](Statement& s) {
        s.Bind(1, r.invitation).Bind(2, r.registry).Bind(3, r.procedure.value);
        s.Bind(4, r.patient.value).Bind(5, r.instrument).Bind(6, r.instrument_version);
        s.Bind(7, r.months).Bind(8, DayNumber(r.completed)).Bind(9, r.answers).Bind(10, r.source);
      },
      [](const Statement& s) -> Result<int64_t> { return s.Int(0); });
  if (!id) return std::unexpected(id.error());
  if (!*id) return false;  // the row was there already
  r.id = **id;
  return true;
}

Result<bool> Queries::EnqueuePromMessage(PromMessage& m) {
  auto id = First<int64_t>(
      db_,
      "INSERT INTO prom_outbox (invitation, purpose, channel, status, attempts, next_attempt, "
      "last_error, sent_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
      "ON CONFLICT (invitation, purpose, channel) DO NOTHING RETURNING id",
      [&](Statement& s) {
        s.Bind(1, m.invitation).Bind(2, m.purpose).Bind(3, m.channel);
        s.Bind(4, PromMessageStatusName(m.status)).Bind(5, m.attempts);
        s.Bind(6, Seconds(m.next_attempt))
            .Bind(7, m.last_error)
            .Bind(8, OptionalSeconds(m.sent_at));
      },
      [](const Statement& s) -> Result<int64_t> { return s.Int(0); });
  if (!id) return std::unexpected(id.error());
  if (!*id) return false;  // the row was there already
  m.id = **id;
  return true;
}

Result<void> Queries::UpdatePromMessage(const PromMessage& m) {
  auto changed = ExecuteCounting(db_,
                                 "UPDATE prom_outbox SET status = ?2, attempts = ?3, "
                                 "next_attempt = ?4, last_error = ?5, sent_at = ?6 WHERE id = ?1",
                                 [&](Statement& s) {
                                   s.Bind(1, m.id).Bind(2, PromMessageStatusName(m.status));
                                   s.Bind(3, m.attempts).Bind(4, Seconds(m.next_attempt));
                                   s.Bind(5, m.last_error).Bind(6, OptionalSeconds(m.sent_at));
                                 });
  if (!changed) return std::unexpected(changed.error());
  if (*changed == 0) return NotFound(fmt::format("no PROM message with id {}", m.id));
  return {};
}

}  // namespace orp::storage::sql

namespace orp::storage {

PromsReads* AsPromsReads(Reader& reader) { return dynamic_cast<PromsReads*>(&reader); }

}  // namespace orp::storage
