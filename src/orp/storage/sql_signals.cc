// Queries: surveillance signals (surveil7, #7). Semantics in storage/signals.h and store.h.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "orp/storage/sql_codec.h"
#include "orp/storage/sql_queries.h"

namespace orp::storage::sql {
namespace {

constexpr std::string_view kSelectSignal =
    "SELECT id, registry, unit_kind, unit, method, what, statistic, threshold, data_cut, "
    "evidence, status, status_reason, first_seen, times_seen FROM signals ";

// SQLite stores NaN as NULL; read it back as NaN (a statistic may be undefined).
double RealOrNaN(const Statement& s, int column) {
  return s.IsNull(column) ? std::numeric_limits<double>::quiet_NaN() : s.Real(column);
}

std::optional<double> Finite(double x) {
  return std::isnan(x) ? std::nullopt : std::optional<double>(x);
}

Result<Signal> ReadSignal(const Statement& s) {
  auto kind = ParseSignalUnitKind(s.Text(2));
  auto status = ParseSignalStatus(s.Text(10));
  if (!kind || !status) {
    return DataLoss(fmt::format("signal {}: unreadable unit kind '{}' or status '{}'", s.Int(0),
                                s.Text(2), s.Text(10)));
  }
  Signal signal;
  signal.id = s.Int(0);
  signal.registry = s.Text(1);
  signal.unit_kind = *kind;
  signal.unit = s.Text(3);
  signal.method = s.Text(4);
  signal.what = s.Text(5);
  signal.statistic = RealOrNaN(s, 6);
  signal.threshold = RealOrNaN(s, 7);
  signal.data_cut = FromDayNumber(s.Int(8));
  signal.evidence_json = s.Text(9);
  signal.status = *status;
  signal.status_reason = s.Text(11);
  signal.first_seen = FromDayNumber(s.Int(12));
  signal.times_seen = s.Int(13);
  return signal;
}

}  // namespace

Result<std::vector<Signal>> Queries::ListSignals(const SignalFilter& filter) {
  const std::string status =
      filter.status ? std::string(SignalStatusName(*filter.status)) : std::string();
  return Collect<Signal>(
      db_,
      std::string(kSelectSignal) +
          "WHERE (?1 = '' OR registry = ?1) AND (?2 = '' OR status = ?2) "
          "ORDER BY data_cut DESC, id",
      [&](Statement& s) { s.Bind(1, filter.registry).Bind(2, status); }, ReadSignal);
}

Result<std::optional<Signal>> Queries::FindSignal(int64_t id) {
  return First<Signal>(
      db_, std::string(kSelectSignal) + "WHERE id = ?1", [&](Statement& s) { s.Bind(1, id); },
      ReadSignal);
}

Result<SignalPutResult> Queries::PutSignal(const Signal& signal) {
  if (signal.registry.empty() || signal.unit.empty() || signal.method.empty()) {
    return InvalidArgument("a signal needs a registry, a unit and a method");
  }
  const std::string kind(SignalUnitKindName(signal.unit_kind));
  auto existing = First<int64_t>(
      db_,
      "SELECT id FROM signals WHERE registry = ?1 AND unit_kind = ?2 AND unit = ?3 AND "
      "method = ?4",
      [&](Statement& s) {
        s.Bind(1, signal.registry).Bind(2, kind).Bind(3, signal.unit).Bind(4, signal.method);
      },
      [](const Statement& s) -> Result<int64_t> { return s.Int(0); });
  if (!existing) return std::unexpected(existing.error());
  if (*existing) {
    ORP_RETURN_IF_ERROR(
        Execute(db_,
                "UPDATE signals SET what = ?2, statistic = ?3, threshold = ?4, data_cut = ?5, "
                "evidence = ?6, times_seen = times_seen + 1 WHERE id = ?1",
                [&](Statement& s) {
                  s.Bind(1, **existing).Bind(2, signal.what).Bind(3, Finite(signal.statistic));
                  s.Bind(4, Finite(signal.threshold)).Bind(5, DayNumber(signal.data_cut));
                  s.Bind(6, signal.evidence_json);
                }));
    return SignalPutResult{**existing, false};
  }
  auto id = InsertReturningId(
      db_,
      "INSERT INTO signals (registry, unit_kind, unit, method, what, statistic, threshold, "
      "data_cut, evidence, status, status_reason, first_seen, times_seen) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?8, 1) RETURNING id",
      [&](Statement& s) {
        s.Bind(1, signal.registry).Bind(2, kind).Bind(3, signal.unit).Bind(4, signal.method);
        s.Bind(5, signal.what).Bind(6, Finite(signal.statistic));
        s.Bind(7, Finite(signal.threshold)).Bind(8, DayNumber(signal.data_cut));
        s.Bind(9, signal.evidence_json).Bind(10, SignalStatusName(signal.status));
        s.Bind(11, signal.status_reason);
      });
  if (!id) return std::unexpected(id.error());
  return SignalPutResult{*id, true};
}

Result<void> Queries::SetSignalStatus(int64_t id, SignalStatus status, std::string_view reason) {
  if (status == SignalStatus::kDismissed && reason.empty()) {
    return InvalidArgument(fmt::format("signal {}: dismissing needs a reason", id));
  }
  auto changed = ExecuteCounting(
      db_, "UPDATE signals SET status = ?2, status_reason = ?3 WHERE id = ?1",
      [&](Statement& s) { s.Bind(1, id).Bind(2, SignalStatusName(status)).Bind(3, reason); });
  if (!changed) return std::unexpected(changed.error());
  if (*changed == 0) return NotFound(fmt::format("no signal with id {}", id));
  return {};
}

}  // namespace orp::storage::sql

namespace orp::storage {

SurveillanceReads* AsSurveillanceReads(Reader& reader) {
  return dynamic_cast<SurveillanceReads*>(&reader);
}

}  // namespace orp::storage

namespace orp::storage::sql {

namespace {

// The columns of a lean row, then p.type (14); FROM procedures p, patients pt, implants i.
constexpr std::string_view kSurveillanceColumns =
    "SELECT p.id, p.registry, p.date, p.provider_site, p.clinician_gmc, p.indication, "
    "p.asa_grade, pt.date_of_birth, pt.sex, pt.date_of_death, i.id, i.action, i.gtin, "
    "i.removed_on, p.type FROM procedures p JOIN patients pt ON pt.id = p.patient "
    "LEFT JOIN implants i ON i.procedure = p.id ";

// Columns 0-6, the procedure's own, as both row reads select them.
void ReadProcedureColumns(const Statement& s, SurveillanceRow& row) {
  row.procedure = s.Int(0);
  row.registry = s.Text(1);
  row.date = FromDayNumber(s.Int(2));
  row.provider_site = s.Text(3);
  row.clinician = s.Text(4);
  row.indication = s.Text(5);
  row.asa_grade = s.IsNull(6) ? std::nullopt : std::optional<int>(static_cast<int>(s.Int(6)));
}

void ReadSurveillanceRow(const Statement& s, SurveillanceRow& row) {
  ReadProcedureColumns(s, row);
  row.date_of_birth = OptionalDate(s, 7);
  row.sex = s.Text(8);
  row.date_of_death = OptionalDate(s, 9);
  row.has_implant = !s.IsNull(10);
  row.implanted = row.has_implant && s.Text(11) == "implanted";
  row.device = s.IsNull(12) ? std::string() : s.Text(12);
  row.removed_on = OptionalDate(s, 13);
}

}  // namespace

namespace {

// Every patient's facts by id, read in id order, kept compact: a procedure's patient is a random
// look-up, a cache miss each at 5M, so one 12-byte entry per patient found in one step (patient
// ids are rowids, dense in practice) costs a miss where a slot table beside 48-byte facts cost two
// (docs/performance.md, "### Session 7: full run"). Sparse ids fall back to a binary search.
class PatientTable {
 public:
  struct Facts {
    int32_t birth = kNone, death = kNone;  // day numbers
    int32_t sex = kAbsent;                 // into sexes(); kAbsent: no such patient
  };
  static constexpr int32_t kNone = std::numeric_limits<int32_t>::min();
  static constexpr int32_t kAbsent = -1;

  Result<void> Read(Database& db) {
    std::vector<Facts> facts;
    ORP_RETURN_IF_ERROR(StreamEachRow(
        db, "SELECT id, date_of_birth, sex, date_of_death FROM patients ORDER BY id",
        [](Statement&) {},
        [&](const Statement& s) -> Result<bool> {
          ids_.push_back(s.Int(0));
          facts.push_back({DayOf(s, 1), DayOf(s, 3), SexCode(s.Text(2))});
          return true;
        }));
    if (ids_.empty()) return {};
    const int64_t span = ids_.back() - ids_.front() + 1;
    if (span > 2 * static_cast<int64_t>(ids_.size()) + 1024) {  // sparse: binary search
      facts_ = std::move(facts);
      return {};
    }
    first_ = ids_.front();
    facts_.assign(static_cast<size_t>(span), Facts{});
    for (size_t k = 0; k < ids_.size(); ++k)
      facts_[static_cast<size_t>(ids_[k] - first_)] = facts[k];
    ids_.clear();
    dense_ = true;
    return {};
  }
  // The patient's facts, or nullptr when there is no such patient.
  const Facts* Find(int64_t id) const {
    if (dense_) {
      if (id < first_ || id - first_ >= static_cast<int64_t>(facts_.size())) return nullptr;
      const Facts& f = facts_[static_cast<size_t>(id - first_)];
      return f.sex == kAbsent ? nullptr : &f;
    }
    const auto at = std::lower_bound(ids_.begin(), ids_.end(), id);
    return at != ids_.end() && *at == id ? &facts_[static_cast<size_t>(at - ids_.begin())]
                                         : nullptr;
  }
  static std::optional<Date> DateOf(int32_t day) {
    return day == kNone ? std::nullopt : std::optional<Date>(FromDayNumber(day));
  }
  const std::string& Sex(const Facts& f) const { return sexes_[static_cast<size_t>(f.sex)]; }

 private:
  static int32_t DayOf(const Statement& s, int column) {
    return s.IsNull(column) ? kNone : static_cast<int32_t>(s.Int(column));
  }
  // The stored sex codes are a handful ("1", "2", "9", "X", ""): a small dictionary.
  int32_t SexCode(const std::string& text) {
    for (size_t k = 0; k < sexes_.size(); ++k)
      if (sexes_[k] == text) return static_cast<int32_t>(k);
    sexes_.push_back(text);
    return static_cast<int32_t>(sexes_.size() - 1);
  }

  bool dense_ = false;
  int64_t first_ = 0;
  std::vector<int64_t> ids_;  // sparse only
  std::vector<Facts> facts_;  // dense: by id - first_ (sex kAbsent: no patient); else as ids_
  std::vector<std::string> sexes_;
};

constexpr std::string_view kPrimariesInOrder =
    "SELECT id, registry, date, provider_site, clinician_gmc, indication, asa_grade, patient "
    "FROM procedures WHERE type = 'primary' AND date <= ?1 ORDER BY id";
constexpr std::string_view kImplantsInOrder =
    "SELECT procedure, action, gtin, removed_on FROM implants ORDER BY procedure, id";

// The procedure's columns of kPrimariesInOrder and its patient's facts into `row`.
void ReadPrimary(const Statement& s, const PatientTable& patients,
                 const PatientTable::Facts& patient, SurveillanceRow& row) {
  ReadProcedureColumns(s, row);
  row.date_of_birth = PatientTable::DateOf(patient.birth);
  row.sex = patients.Sex(patient);
  row.date_of_death = PatientTable::DateOf(patient.death);
}

// An implant row of kImplantsInOrder into `row` (or none: a primary without implants).
void ReadImplant(const Statement* s, SurveillanceRow& row) {
  row.has_implant = s != nullptr;
  row.implanted = s != nullptr && s->Text(1) == "implanted";
  row.device = s == nullptr || s->IsNull(2) ? std::string() : s->Text(2);
  row.removed_on = s == nullptr ? std::nullopt : OptionalDate(*s, 3);
}

// The merge of ForEachSurveillanceRow: `p` steps kPrimariesInOrder, `i` kImplantsInOrder.
Result<void> MergePrimariesAndImplants(Statement& p, Statement& i, const PatientTable& patients,
                                       SurveillanceRow& row,
                                       const Visitor<SurveillanceRow>& visit) {
  // The implant statement is on the next implant not yet merged while `implant` is true.
  Result<bool> implant = i.Step();
  auto next_implant = [&]() -> Result<void> {
    implant = i.Step();
    if (!implant) return std::unexpected(implant.error());
    return {};
  };
  if (!implant) return std::unexpected(implant.error());
  while (true) {
    Result<bool> primary = p.Step();
    if (!primary) return std::unexpected(primary.error());
    if (!*primary) return {};
    const int64_t id = p.Int(0);
    while (*implant && i.Int(0) < id) ORP_RETURN_IF_ERROR(next_implant());  // not a primary's
    const PatientTable::Facts* patient = patients.Find(p.Int(7));
    if (patient == nullptr) continue;  // as the join did; its implants pass by above
    ReadPrimary(p, patients, *patient, row);
    bool any = false;
    while (*implant && i.Int(0) == id) {
      ReadImplant(&i, row);
      any = true;
      if (!visit(row)) return {};
      ORP_RETURN_IF_ERROR(next_implant());
    }
    if (any) continue;
    ReadImplant(nullptr, row);
    if (!visit(row)) return {};
  }
}

}  // namespace

// Three sequential reads merged here rather than one join: the patients into memory, then the
// primaries in id order beside the implants in procedure order. The join sought each
// procedure's patient and each implant's row in their B-trees, which was most of a 5M run's read
// (docs/performance.md, "### Session 7: full run"). The row object is reused, so the read
// allocates little. On PostgreSQL the three reads share one snapshot (WithReadSnapshot) and the
// primaries and the implants, open at once, are read through cursors a batch at a time
// (WithCursorStatement), so no result is held whole. On SQLite the reads run one after another,
// each seeing the store at least as new as the change number the run took before reading
// (run.h): a procedure whose patient arrived after the patients' read is left out, as if read a
// moment earlier, and is seen by the next run.
Result<void> Queries::ForEachSurveillanceRow(Date data_cut, const Visitor<SurveillanceRow>& visit) {
  PatientTable patients;
  SurveillanceRow row;
  return db_.WithReadSnapshot([&](Database& db) -> Result<void> {
    ORP_RETURN_IF_ERROR(patients.Read(db));
    return db.WithCursorStatement(kPrimariesInOrder, [&](Statement& p) -> Result<void> {
      p.Bind(1, DayNumber(data_cut));
      return db.WithCursorStatement(kImplantsInOrder, [&](Statement& i) -> Result<void> {
        return MergePrimariesAndImplants(p, i, patients, row, visit);
      });
    });
  });
}

// The changed ids through the change_seq indexes, as ForEachProcedure does (an OR over the
// tables' change_seq would scan them whole); a patient's change (a death) reaches its
// procedures through the patient index.
Result<void> Queries::ForEachChangedSurveillanceRow(int64_t changed_after, Date data_cut,
                                                    const Visitor<SurveillanceRow>& visit) {
  SurveillanceRow row;
  int64_t dropped = 0;  // the last procedure reported as out of the cohort
  const int64_t cut = DayNumber(data_cut);
  return StreamEachRow(
      db_,
      std::string(kSurveillanceColumns) +
          "WHERE p.id IN (SELECT id FROM procedures WHERE change_seq > ?1 "
          "UNION SELECT procedure FROM implants WHERE change_seq > ?1 "
          "UNION SELECT q.id FROM procedures q JOIN patients c ON c.id = q.patient "
          "WHERE c.change_seq > ?1) ORDER BY p.id, i.id",
      [&](Statement& s) { s.Bind(1, changed_after); },
      [&](const Statement& s) -> Result<bool> {
        if (s.Text(14) == "primary" && s.Int(2) <= cut) {
          ReadSurveillanceRow(s, row);
          row.in_cohort = true;
          return visit(row);
        }
        if (s.Int(0) == dropped) return true;
        dropped = s.Int(0);
        row = {};
        row.procedure = dropped;
        row.in_cohort = false;
        return visit(row);
      });
}

}  // namespace orp::storage::sql
