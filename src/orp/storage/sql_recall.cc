// Queries: recall (recall8, #8) — the campaign tables (migration 0007_recall) and a keyed page
// of a campaign's patients. The affected-implant queries are in sql_recall_cohort.cc.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "orp/storage/recall_reads.h"
#include "orp/storage/sql_codec.h"
#include "orp/storage/sql_queries.h"

namespace orp::storage::sql {
namespace {

Result<RecallContact> ReadRecallContact(const Statement& s) {
  return RecallContact{RecallId{s.Int(0)},
                       PatientId{s.Int(1)},
                       static_cast<int>(s.Int(2)),
                       FromDayNumber(s.Int(3)),
                       s.Text(4),
                       s.Text(5),
                       s.Text(6)};
}

constexpr std::string_view kRecallColumns =
    "id, reference, fsn_reference, title, criteria, status, created_at, created_by, "
    "synced_change FROM recalls ";

Result<Recall> ReadRecall(const Statement& s) {
  Recall r;
  r.id.value = s.Int(0);
  r.reference = s.Text(1);
  r.fsn_reference = s.Text(2);
  r.title = s.Text(3);
  r.criteria_json = s.Text(4);
  auto status = ParseRecallStatus(s.Text(5));
  if (!status) return DataLoss("stored recall status: " + status.error().message());
  r.status = *status;
  r.created_at = InstantOf(s.Int(6));
  r.created_by = s.Text(7);
  r.synced_change = s.Int(8);
  return r;
}

Result<RecallPatient> ReadRecallPatient(const Statement& s) {
  RecallPatient p;
  p.recall.value = s.Int(0);
  p.patient.value = s.Int(1);
  auto stage = ParseRecallStage(s.Text(2));
  if (!stage) return DataLoss("stored recall stage: " + stage.error().message());
  auto outcome = ParseRecallOutcome(s.Text(3));
  if (!outcome) return DataLoss("stored recall outcome: " + outcome.error().message());
  p.stage = *stage;
  p.outcome = *outcome;
  if (!s.IsNull(4)) p.explant_procedure = domain::ProcedureId{s.Int(4)};
  p.provider = s.Text(5);
  p.identified_at = InstantOf(s.Int(6));
  p.updated_at = InstantOf(s.Int(7));
  p.reviewed_on = OptionalDate(s, 8);
  p.concluded_on = OptionalDate(s, 9);
  p.joined_by = s.Text(10);
  return p;
}

// The page of RecallPatientsAfter as a subquery selecting `columns` (parameters: ?1 recall, ?2
// after, ?3 limit, then ?4 the patient when set, then the providers): a seek on recall_patients'
// key and at most `limit` rows, the scope tested on each row as it is read.
std::string RecallPatientsPageSql(const RecallPatientsQuery& q, std::string_view columns) {
  std::string scope;
  if (q.providers) {
    std::vector<std::string> allowed;
    int next = 4;
    if (q.patient) allowed.push_back(fmt::format("rp.patient = ?{}", next++));
    if (!q.providers->empty()) {
      allowed.push_back(
          fmt::format("rp.provider IN ({})", Placeholders(next, q.providers->size())));
    }
    scope = allowed.empty() ? " AND 1 = 0" : fmt::format(" AND ({})", fmt::join(allowed, " OR "));
  }
  return fmt::format(
      "SELECT {} FROM recall_patients rp LEFT JOIN patients pt ON pt.id = rp.patient "
      "WHERE rp.recall = ?1 AND rp.patient > ?2{} ORDER BY rp.patient LIMIT ?3",
      columns, scope);
}

void BindRecallPatientsPage(Statement& s, const RecallPatientsQuery& q) {
  s.Bind(1, q.recall.value).Bind(2, q.after).Bind(3, q.limit);
  if (!q.providers) return;
  int next = 4;
  if (q.patient) s.Bind(next++, q.patient->value);
  for (const std::string& provider : *q.providers) s.Bind(next++, provider);
}

}  // namespace

Result<std::vector<RecallPatientEntry>> Queries::RecallPatientsAfter(const RecallPatientsQuery& q) {
  if (q.limit < 1) {
    return InvalidArgument(
        fmt::format("a recall patients page needs a limit of at least 1, not {}", q.limit));
  }
  auto page = Collect<RecallPatientEntry>(
      db_,
      RecallPatientsPageSql(q,
                            "rp.recall, rp.patient, rp.stage, rp.outcome, rp.explant_procedure, "
                            "rp.provider, rp.identified_at, rp.updated_at, rp.reviewed_on, "
                            "rp.concluded_on, rp.joined_by, pt.pseudonym"),
      [&](Statement& s) { BindRecallPatientsPage(s, q); },
      [](const Statement& s) -> Result<RecallPatientEntry> {
        RecallPatientEntry entry;
        Result<RecallPatient> patient = ReadRecallPatient(s);
        if (!patient) return std::unexpected(patient.error());
        entry.patient = std::move(*patient);
        if (!s.IsNull(11)) {
          std::string bytes = s.Blob(11);
          domain::Pseudonym pseudonym;
          if (bytes.size() == pseudonym.bytes.size()) {
            std::copy(bytes.begin(), bytes.end(), pseudonym.bytes.begin());
            entry.pseudonym = pseudonym;
          }
        }
        return entry;
      });
  if (!page || page->empty()) return page;
  // The page's contacts: the same page again as a subquery, joined on the contacts' key.
  auto contacts = Collect<RecallContact>(
      db_,
      fmt::format("SELECT c.recall, c.patient, c.ordinal, c.date, c.channel, c.result, c.\"by\" "
                  "FROM ({}) page JOIN recall_contacts c ON c.recall = ?1 "
                  "AND c.patient = page.patient ORDER BY c.patient, c.ordinal",
                  RecallPatientsPageSql(q, "rp.patient AS patient")),
      [&](Statement& s) { BindRecallPatientsPage(s, q); }, ReadRecallContact);
  if (!contacts) return std::unexpected(contacts.error());
  auto entry = page->begin();
  for (RecallContact& c : *contacts) {
    while (entry != page->end() && entry->patient.patient.value < c.patient.value) ++entry;
    if (entry != page->end() && entry->patient.patient == c.patient) {
      entry->contacts.push_back(std::move(c));
    }
  }
  return page;
}

Result<std::optional<Recall>> Queries::FindRecall(RecallId id) {
  return First<Recall>(
      db_, fmt::format("SELECT {} WHERE id = ?1", kRecallColumns),
      [&](Statement& s) { s.Bind(1, id.value); }, ReadRecall);
}

Result<std::optional<Recall>> Queries::FindRecallByReference(std::string_view reference) {
  return First<Recall>(
      db_, fmt::format("SELECT {} WHERE reference = ?1", kRecallColumns),
      [&](Statement& s) { s.Bind(1, reference); }, ReadRecall);
}

Result<std::vector<Recall>> Queries::ListRecalls() {
  return Collect<Recall>(
      db_, fmt::format("SELECT {} ORDER BY id DESC", kRecallColumns), [](Statement&) {},
      ReadRecall);
}

Result<std::vector<RecallPatient>> Queries::RecallPatients(RecallId recall) {
  return Collect<RecallPatient>(
      db_,
      "SELECT recall, patient, stage, outcome, explant_procedure, provider, identified_at, "
      "updated_at, reviewed_on, concluded_on, joined_by FROM recall_patients WHERE recall = ?1 "
      "ORDER BY patient",
      [&](Statement& s) { s.Bind(1, recall.value); }, ReadRecallPatient);
}

Result<std::vector<RecallImplantLink>> Queries::RecallImplants(RecallId recall) {
  return Collect<RecallImplantLink>(
      db_,
      "SELECT recall, patient, implant FROM recall_implants WHERE recall = ?1 "
      "ORDER BY patient, implant",
      [&](Statement& s) { s.Bind(1, recall.value); },
      [](const Statement& s) -> Result<RecallImplantLink> {
        return RecallImplantLink{RecallId{s.Int(0)}, PatientId{s.Int(1)}, ImplantId{s.Int(2)}};
      });
}

Result<std::vector<RecallContact>> Queries::RecallContacts(RecallId recall, PatientId patient) {
  return Collect<RecallContact>(
      db_,
      "SELECT recall, patient, ordinal, date, channel, result, \"by\" FROM recall_contacts "
      "WHERE recall = ?1 AND (?2 = 0 OR patient = ?2) ORDER BY patient, ordinal",
      [&](Statement& s) { s.Bind(1, recall.value).Bind(2, patient.value); }, ReadRecallContact);
}

Result<void> Queries::PutRecall(Recall& r) {
  if (r.id.stored()) {
    auto changed = ExecuteCounting(db_,
                                   "UPDATE recalls SET title = ?2, status = ?3, synced_change = ?4 "
                                   "WHERE id = ?1",
                                   [&](Statement& s) {
                                     s.Bind(1, r.id.value).Bind(2, r.title);
                                     s.Bind(3, Name(r.status)).Bind(4, r.synced_change);
                                   });
    if (!changed) return std::unexpected(changed.error());
    if (*changed == 0) return NotFound(fmt::format("recall {} does not exist", r.id.value));
    return {};
  }
  auto existing = FindRecallByReference(r.reference);
  if (!existing) return std::unexpected(existing.error());
  if (*existing) return AlreadyExists(fmt::format("recall '{}' already exists", r.reference));
  auto id = InsertReturningId(
      db_,
      "INSERT INTO recalls (reference, fsn_reference, title, criteria, status, created_at, "
      "created_by, synced_change) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id",
      [&](Statement& s) {
        s.Bind(1, r.reference).Bind(2, r.fsn_reference).Bind(3, r.title).Bind(4, r.criteria_json);
        s.Bind(5, Name(r.status)).Bind(6, Seconds(r.created_at)).Bind(7, r.created_by);
        s.Bind(8, r.synced_change);
      });
  if (!id) return std::unexpected(id.error());
  r.id.value = *id;
  return {};
}

Result<void> Queries::PutRecallPatient(const RecallPatient& p) {
  return Execute(
      db_,
      "INSERT INTO recall_patients (recall, patient, stage, outcome, "
      "explant_procedure, provider, identified_at, updated_at, reviewed_on, concluded_on, "
      "joined_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) "
      "ON CONFLICT (recall, patient) DO UPDATE SET stage = excluded.stage, "
      "outcome = excluded.outcome, explant_procedure = excluded.explant_procedure, "
      "provider = excluded.provider, identified_at = excluded.identified_at, "
      "updated_at = excluded.updated_at, reviewed_on = excluded.reviewed_on, "
      "concluded_on = excluded.concluded_on, joined_by = excluded.joined_by",
      [&](Statement& s) {
        s.Bind(1, p.recall.value).Bind(2, p.patient.value).Bind(3, Name(p.stage));
        s.Bind(4, Name(p.outcome));
        p.explant_procedure ? s.Bind(5, p.explant_procedure->value) : s.BindNull(5);
        s.Bind(6, p.provider).Bind(7, Seconds(p.identified_at)).Bind(8, Seconds(p.updated_at));
        s.Bind(9, OptionalDay(p.reviewed_on))
            .Bind(10, OptionalDay(p.concluded_on))
            .Bind(11, p.joined_by);
      });
}

Result<void> Queries::AddRecallImplant(const RecallImplantLink& link) {
  return Execute(db_,
                 "INSERT INTO recall_implants (recall, patient, implant) "
                 "VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
                 [&](Statement& s) {
                   s.Bind(1, link.recall.value).Bind(2, link.patient.value);
                   s.Bind(3, link.implant.value);
                 });
}

Result<void> Queries::AddRecallContact(RecallContact& c) {
  auto last = First<int64_t>(
      db_,
      "SELECT coalesce(max(ordinal), 0) FROM recall_contacts WHERE recall = ?1 AND patient = ?2",
      [&](Statement& s) { s.Bind(1, c.recall.value).Bind(2, c.patient.value); },
      [](const Statement& s) -> Result<int64_t> { return s.Int(0); });
  if (!last) return std::unexpected(last.error());
  c.ordinal = static_cast<int>(last->value_or(0) + 1);
  return Execute(
      db_,
      "INSERT INTO recall_contacts (recall, patient, ordinal, date, channel, result, \"by\") "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
      [&](Statement& s) {
        s.Bind(1, c.recall.value).Bind(2, c.patient.value).Bind(3, c.ordinal);
        s.Bind(4, DayNumber(c.on)).Bind(5, c.channel).Bind(6, c.result).Bind(7, c.by);
      });
}

}  // namespace orp::storage::sql

namespace orp::storage {

RecallReads* AsRecallReads(Reader& reader) { return dynamic_cast<RecallReads*>(&reader); }

}  // namespace orp::storage
