#include "orp/ingest/chunk_writer.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <limits>
#include <map>
#include <string_view>
#include <utility>

#include "orp/storage/forwarding_reader.h"

namespace orp::ingest {
namespace {

using domain::Patient;
using domain::PatientId;
using domain::Pseudonym;

// The stored patient as PutPatient would leave it after this record: given demographics win, a
// recorded date of death stays, opt-out is only ever set, and the stored ciphertext is kept (it
// decrypts to the same NHS number: the pseudonym is the same).
Patient Merge(const Patient& stored, const Patient& given) {
  Patient merged = stored;
  if (given.date_of_birth) merged.date_of_birth = given.date_of_birth;
  if (given.sex) merged.sex = given.sex;
  if (given.postcode) merged.postcode = given.postcode;
  if (!merged.nhs_number) merged.nhs_number = given.nhs_number;
  if (!merged.date_of_death) merged.date_of_death = given.date_of_death;
  merged.opted_out = stored.opted_out || given.opted_out;
  return merged;
}

// Whether Merge(stored, given) would differ from `stored`, without building it (#4: the writer
// meets most patients again with the same demographics; Merge copies the stored ciphertext).
bool MergeChanges(const Patient& stored, const Patient& given, bool given_cipher) {
  return (given.date_of_birth && given.date_of_birth != stored.date_of_birth) ||
         (given.sex && given.sex != stored.sex) ||
         (given.postcode && given.postcode != stored.postcode) ||
         (!stored.nhs_number && given_cipher) || (!stored.date_of_death && given.date_of_death) ||
         (given.opted_out && !stored.opted_out);
}

Patient Demographics(const ValidatedProcedure& v) {
  Patient patient;
  patient.date_of_birth = v.date_of_birth;
  patient.sex = v.sex;
  patient.postcode = v.postcode;
  patient.opted_out = v.opted_out;
  return patient;
}

// (registry, procedure_ref) as one 64-bit hash, for the writer's sets of refs stored and
// pending. A collision can only make a new procedure look known: it is then written alone through
// PutProcedure (or the pending batch is written first), which stores exactly what the batched
// path would. So the hash never changes a result, only, very rarely, the path.
uint64_t RefKey(std::string_view registry, std::string_view ref) {
  const uint64_t a = std::hash<std::string_view>{}(registry);
  const uint64_t b = std::hash<std::string_view>{}(ref);
  return (a * 0x9E3779B97F4A7C15ull) ^ b;
}

// Date of birth, sex and postcode as one 64-bit hash, for the writer's demographic pairs (serving
// patients from memory); none when one of them is missing (such a patient is stored with a NULL
// or empty value, which no linkage key matches). A collision only adds a candidate, which is then
// compared whole.
std::optional<uint64_t> DemographicHash(const std::optional<Date>& date_of_birth,
                                        const std::optional<domain::Sex>& sex,
                                        const std::optional<domain::Postcode>& postcode) {
  if (!date_of_birth || !sex || !postcode) return std::nullopt;
  const auto day = static_cast<uint64_t>(date_of_birth->time_since_epoch().count());
  const uint64_t a = std::hash<std::string_view>{}(postcode->canonical());
  return (a * 0x9E3779B97F4A7C15ull) ^ (day * 0xC2B2AE3D27D4EB4Full) ^
         (static_cast<uint64_t>(*sex) + 1);
}

std::optional<uint64_t> DemographicHash(const Patient& p) {
  return DemographicHash(p.date_of_birth, p.sex, p.postcode);
}

bool RemovesImplants(const domain::Procedure& p) {
  return p.type == domain::ProcedureType::kRevision || p.type == domain::ProcedureType::kExplant;
}

}  // namespace

Result<PreparedProcedure> Prepare(ValidatedProcedure validated,
                                  const security::Pseudonymiser& pseudonymiser) {
  PreparedProcedure prepared{std::move(validated), std::nullopt, std::nullopt};
  const ValidatedProcedure& v = prepared.validated;
  if (v.anonymous || !v.nhs_number) return prepared;
  auto protected_number = pseudonymiser.Protect(*v.nhs_number);
  if (!protected_number) return std::unexpected(protected_number.error());
  prepared.pseudonym = protected_number->first;
  prepared.cipher = std::move(protected_number->second);
  return prepared;
}

// Patients of this chunk not stored yet, and which procedures wait for their ids.
struct ChunkWriter::NewPatients {
  std::vector<Patient> patients;
  PseudonymMap<size_t> index;
  std::vector<std::pair<domain::Procedure*, size_t>> waiting;

  // Stores them (so a demographic search sees them) and hands out their ids.
  Result<void> Insert(ChunkWriter& writer) {
    if (patients.empty()) return {};
    ORP_RETURN_IF_ERROR(writer.transaction_.InsertPatients(patients));
    for (auto& [procedure, i] : waiting) procedure->patient = patients[i].id;
    for (Patient& p : patients) {
      writer.RememberPatient(p);
      writer.known_.Add(std::move(p));
    }
    patients.clear();
    index.clear();
    waiting.clear();
    return {};
  }
};

// The transaction, but a patient's implants in situ are found among those this load wrote, as
// ImplantsInSitu finds them (implanted, in situ, the registry, the body site when given, the side
// or both sides when given; the latest procedure first, then the latest implant), and read by id
// (serving linkage from memory: no index of implants is read).
class ChunkWriter::InSituFromMemory : public storage::ForwardingReader<storage::Reader> {
 public:
  InSituFromMemory(ChunkWriter& writer)
      : storage::ForwardingReader<storage::Reader>(writer.transaction_), writer_(writer) {}

  Result<std::vector<domain::Implant>> ImplantsInSitu(const storage::InSituQuery& q) override {
    const int registry = Intern(writer_.registries_, q.registry, false);
    const int body_site =
        q.body_site.empty() ? -1 : Intern(writer_.body_sites_, q.body_site, false);
    if (registry < 0 || (!q.body_site.empty() && body_site < 0))
      return std::vector<domain::Implant>{};
    const char side = q.laterality ? domain::LateralityCode(*q.laterality).front() : 0;
    const char both = domain::LateralityCode(domain::Laterality::kBilateral).front();
    std::vector<std::pair<int32_t, int64_t>> found;  // (day, id)
    const auto patient = static_cast<size_t>(q.patient.value);
    uint32_t id = patient < writer_.latest_implant_.size() ? writer_.latest_implant_[patient] : 0;
    for (; id != 0; id = writer_.placed_[id].earlier) {
      const Placed& p = writer_.placed_[id];
      if (!p.in_situ_implanted || p.registry != registry) continue;
      if (body_site >= 0 && p.body_site != body_site) continue;
      if (side != 0 && p.laterality != side && p.laterality != both) continue;
      found.emplace_back(p.day, id);
    }
    std::sort(found.begin(), found.end(), std::greater<>());
    std::vector<int64_t> ids;
    ids.reserve(found.size());
    for (const auto& [day, implant] : found) ids.push_back(implant);
    return writer_.bulk_->ImplantsById(ids);
  }

 private:
  ChunkWriter& writer_;
};

// The transaction, but patients are found by demographics among those this load wrote (serving
// patients from memory: patients_by_demographics is not read). The same patients in the same
// order as FindPatientsByDemographics, because the store held no other patient.
class ChunkWriter::DemographicsFromMemory : public storage::ForwardingReader<storage::Reader> {
 public:
  DemographicsFromMemory(ChunkWriter& writer)
      : storage::ForwardingReader<storage::Reader>(writer.transaction_), writer_(writer) {}

  Result<std::vector<Patient>> FindPatientsByDemographics(const storage::DemographicKey& key,
                                                          int limit) override {
    std::vector<Patient> found;
    const std::optional<uint64_t> hash = DemographicHash(key.date_of_birth, key.sex, key.postcode);
    for (int64_t id : writer_.written_demographics_.find(*hash)) {
      if (std::cmp_greater_equal(found.size(), limit)) break;
      Result<std::optional<Patient>> patient = writer_.transaction_.FindPatient(PatientId{id});
      if (!patient) return std::unexpected(patient.error());
      if (!*patient) continue;
      const Patient& p = **patient;
      if (p.date_of_birth == key.date_of_birth && p.sex == key.sex && p.postcode &&
          p.postcode->canonical() == key.postcode.canonical()) {
        found.push_back(std::move(**patient));
      }
    }
    return found;
  }

 private:
  ChunkWriter& writer_;
};

void ChunkWriter::KeyIds::insert(uint64_t key, int64_t id) {
  if (2 * (size_ + 1) > slots_.size()) {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(std::max<size_t>(1024, 2 * old.size()), Slot{});
    size_ = 0;
    for (const Slot& slot : old) {
      if (slot.id != 0) insert(slot.key, slot.id);
    }
  }
  const size_t mask = slots_.size() - 1;
  size_t i = key & mask;
  for (; slots_[i].id != 0; i = (i + 1) & mask) {
    if (slots_[i].key == key && slots_[i].id == id) return;
  }
  slots_[i] = {key, id};
  ++size_;
}

std::vector<int64_t> ChunkWriter::KeyIds::find(uint64_t key) const {
  std::vector<int64_t> ids;
  if (slots_.empty()) return ids;
  const size_t mask = slots_.size() - 1;
  for (size_t i = key & mask; slots_[i].id != 0; i = (i + 1) & mask) {
    if (slots_[i].key == key) ids.push_back(slots_[i].id);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

bool ChunkWriter::KeySet::contains(uint64_t key) const {
  if (slots_.empty()) return false;
  key = key == 0 ? 1 : key;
  const size_t mask = slots_.size() - 1;
  for (size_t i = key & mask;; i = (i + 1) & mask) {
    if (slots_[i] == key) return true;
    if (slots_[i] == 0) return false;
  }
}

void ChunkWriter::KeySet::insert(uint64_t key) {
  key = key == 0 ? 1 : key;
  if (2 * (used_.size() + 1) > slots_.size()) {
    std::vector<uint64_t> old = std::move(slots_);
    slots_.assign(std::max<size_t>(1024, 2 * old.size()), 0);
    used_.clear();
    for (uint64_t k : old) {
      if (k != 0) insert(k);
    }
  }
  const size_t mask = slots_.size() - 1;
  size_t i = key & mask;
  for (; slots_[i] != 0; i = (i + 1) & mask) {
    if (slots_[i] == key) return;
  }
  slots_[i] = key;
  used_.push_back(static_cast<uint32_t>(i));
}

void ChunkWriter::KeySet::clear() {
  for (uint32_t i : used_) slots_[i] = 0;
  used_.clear();
}

void ChunkWriter::ServeLinkageFromMemory(storage::BulkLoadWrites& bulk) {
  bulk_ = &bulk;
  in_situ_ = std::make_unique<InSituFromMemory>(*this);
}

void ChunkWriter::ServePatientsFromMemory() {
  patients_in_memory_ = true;
  demographic_lookups_ = std::make_unique<DemographicsFromMemory>(*this);
  linker_.emplace(transaction_, *demographic_lookups_);
}

Result<std::vector<Patient>> ChunkWriter::FindPatientsByPseudonyms(
    std::span<const Pseudonym> pseudonyms) {
  if (!patients_in_memory_) return transaction_.FindPatientsByPseudonyms(pseudonyms);
  // By id (the rowid): patients_by_pseudonym may be deferred. A hash met by several pseudonyms
  // names each of their patients; only the one whose pseudonym is equal is kept.
  std::vector<Patient> found;
  for (const Pseudonym& pseudonym : pseudonyms) {
    for (int64_t id : written_pseudonyms_.find(PseudonymHash{}(pseudonym))) {
      Result<std::optional<Patient>> patient = transaction_.FindPatient(PatientId{id});
      if (!patient) return std::unexpected(patient.error());
      if (*patient && (*patient)->pseudonym == pseudonym) found.push_back(std::move(**patient));
    }
  }
  return found;
}

void ChunkWriter::RememberPatient(const Patient& patient) {
  if (!patients_in_memory_) return;
  if (patient.pseudonym)
    written_pseudonyms_.insert(PseudonymHash{}(*patient.pseudonym), patient.id.value);
  if (std::optional<uint64_t> hash = DemographicHash(patient)) {
    written_demographics_.insert(*hash, patient.id.value);
  }
}

int ChunkWriter::Intern(std::vector<std::string>& list, std::string_view text, bool add) {
  for (size_t i = 0; i < list.size(); ++i) {
    if (list[i] == text) return static_cast<int>(i);
  }
  if (!add) return -1;
  list.emplace_back(text);
  return static_cast<int>(list.size() - 1);
}

Result<void> ChunkWriter::Remember(const std::vector<domain::Procedure>& batch) {
  constexpr int64_t kMaxId = std::numeric_limits<uint32_t>::max();
  for (const domain::Procedure& p : batch) {
    written_refs_.insert(RefKey(p.registry, p.procedure_ref));
    const auto patient = static_cast<size_t>(p.patient.value);
    const int registry = Intern(registries_, p.registry, true);
    const int body_site = Intern(body_sites_, p.body_site, true);
    if (p.patient.value > kMaxId || registry > 0xffff || body_site > 0xffff) return LeaveMemory();
    if (patient >= latest_implant_.size()) latest_implant_.resize(patient + patient / 2 + 1, 0);
    for (const domain::Implant& implant : p.implants) {
      if (implant.id.value > kMaxId) return LeaveMemory();
      const auto id = static_cast<size_t>(implant.id.value);
      if (id >= placed_.size()) placed_.resize(id + id / 2 + 1);
      Placed& placed = placed_[id];
      placed.earlier = latest_implant_[patient];
      placed.day = static_cast<int32_t>(p.date.time_since_epoch().count());
      placed.registry = static_cast<uint16_t>(registry);
      placed.body_site = static_cast<uint16_t>(body_site);
      placed.laterality =
          implant.laterality ? domain::LateralityCode(*implant.laterality).front() : 0;
      placed.in_situ_implanted =
          implant.in_situ && implant.action == domain::DeviceAction::kImplanted;
      latest_implant_[patient] = static_cast<uint32_t>(id);
    }
  }
  return {};
}

Result<void> ChunkWriter::LeaveMemory() {
  if (bulk_ == nullptr) return {};
  ORP_RETURN_IF_ERROR(bulk_->RestoreIndexes());
  bulk_ = nullptr;
  in_situ_.reset();
  written_refs_ = KeySet{};
  latest_implant_ = {};
  placed_ = {};
  registries_ = {};
  body_sites_ = {};
  return {};
}

storage::Reader& ChunkWriter::InSituSource() {
  if (in_situ_) return *in_situ_;
  return transaction_;
}

ChunkWriter::ChunkWriter(storage::Transaction& transaction, std::vector<domain::Finding>& findings,
                         size_t known_limit)
    : transaction_(transaction), findings_(findings), known_limit_(known_limit) {
  linker_.emplace(transaction_);
  chunk_.reserve(kChunkSize);
}

Result<void> ChunkWriter::Add(PreparedProcedure procedure) {
  chunk_.push_back(std::move(procedure));
  if (chunk_.size() < kChunkSize) return {};
  return Flush();
}

Result<void> ChunkWriter::Flush() {
  if (chunk_.empty()) return {};
  ORP_RETURN_IF_ERROR(LinkPatients());
  ORP_RETURN_IF_ERROR(WriteProcedures());
  chunk_.clear();
  return {};
}

Result<void> ChunkWriter::LinkPatients() {
  // #4: a million-procedure file meets ~900,000 patients; past the limit the map starts again,
  // and the patients it held are read back from the transaction when met (as stored, so the
  // same merge follows).
  if (known_.size() > known_limit_) known_.Clear();
  // Only pseudonyms this submission has not met: the others are in known_ as the transaction
  // holds them (every write of a patient with a pseudonym in this submission goes through here).
  std::vector<Pseudonym> keys;
  for (const PreparedProcedure& p : chunk_) {
    if (p.pseudonym && !known_.Contains(*p.pseudonym)) keys.push_back(*p.pseudonym);
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  Result<std::vector<Patient>> stored = FindPatientsByPseudonyms(keys);
  if (!stored) return std::unexpected(stored.error());
  for (Patient& p : *stored) known_.Add(std::move(p));
  NewPatients fresh;
  for (PreparedProcedure& p : chunk_) ORP_RETURN_IF_ERROR(LinkOne(p, fresh));
  return fresh.Insert(*this);
}

Result<void> ChunkWriter::LinkOne(PreparedProcedure& prepared, NewPatients& fresh) {
  ValidatedProcedure& v = prepared.validated;
  domain::Procedure& p = v.procedure;
  if (!prepared.pseudonym) {
    // Linkage on demographics searches the store: the new patients before this record first.
    ORP_RETURN_IF_ERROR(fresh.Insert(*this));
    Result<linkage::LinkedPatient> linked =
        linker_->Link(v.anonymous ? Patient{} : Demographics(v), v.anonymous);
    if (!linked) return std::unexpected(linked.error());
    p.patient = linked->id;
    if (linked->match == linkage::PatientMatch::kNoUniqueMatch) {
      Patient stored = Demographics(v);  // what Link stored for it
      stored.id = linked->id;
      RememberPatient(stored);
    }
    if (linked->match == linkage::PatientMatch::kNoUniqueMatch) {
      Warn(v.row, p, "nhs_number", "linkage.no_unique_match",
           "no NHS number and no unique match on date of birth, sex and postcode: kept as a new "
           "patient for review");
    }
    return {};
  }
  const Pseudonym& pseudonym = *prepared.pseudonym;
  Patient given = Demographics(v);
  given.pseudonym = pseudonym;
  if (Patient* stored = known_.Find(pseudonym)) {
    if (MergeChanges(*stored, given, prepared.cipher.has_value())) {
      given.nhs_number = prepared.cipher;  // kept only if the stored patient has none
      Patient merged = Merge(*stored, given);
      ORP_RETURN_IF_ERROR(transaction_.PutPatient(merged));
      if (DemographicHash(merged) != DemographicHash(*stored)) RememberPatient(merged);
      *stored = std::move(merged);
    }
    p.patient = stored->id;
    return {};
  }
  auto [slot, added] = fresh.index.emplace(pseudonym, fresh.patients.size());
  if (added) {
    given.nhs_number = std::move(prepared.cipher);
    fresh.patients.push_back(std::move(given));
  } else {
    fresh.patients[slot->second] = Merge(fresh.patients[slot->second], given);
  }
  fresh.waiting.emplace_back(&p, slot->second);
  return {};
}

Result<void> ChunkWriter::FindStoredRefs() {
  stored_refs_.clear();
  if (bulk_ != nullptr) {
    for (const PreparedProcedure& prepared : chunk_) {
      const domain::Procedure& p = prepared.validated.procedure;
      const uint64_t key = RefKey(p.registry, p.procedure_ref);
      if (written_refs_.contains(key)) stored_refs_.insert(key);
    }
    return {};
  }
  std::map<std::string, std::vector<std::string>> refs;
  for (const PreparedProcedure& prepared : chunk_) {
    const domain::Procedure& p = prepared.validated.procedure;
    refs[p.registry].push_back(p.procedure_ref);
  }
  for (const auto& [registry, list] : refs) {
    auto versions = transaction_.FindProcedureVersions(registry, list);
    if (!versions) return std::unexpected(versions.error());
    for (const auto& entry : *versions) stored_refs_.insert(RefKey(registry, entry.first));
  }
  return {};
}

Result<void> ChunkWriter::WriteProcedures() {
  ORP_RETURN_IF_ERROR(FindStoredRefs());
  KeySet& stored = stored_refs_;
  KeySet& batch_refs = batch_refs_;
  KeySet& batch_patients = batch_patients_;
  batch_refs.clear();
  batch_patients.clear();
  std::vector<domain::Procedure> batch;
  std::vector<PendingRemoval> removals;  // the batch's new revisions and explants
  auto write_batch = [&]() -> Result<void> {
    ORP_RETURN_IF_ERROR(transaction_.InsertProcedures(batch));
    if (bulk_ != nullptr) ORP_RETURN_IF_ERROR(Remember(batch));
    for (const PendingRemoval& r : removals) {
      ORP_RETURN_IF_ERROR(RecordRemovals(batch[r.index], r.row, r.removed, true));
    }
    stored.insert(batch_refs);
    if (recycler_ != nullptr) {
      batch = recycler_->Exchange(std::move(batch));
    } else {
      batch.clear();
    }
    batch_refs.clear();
    batch_patients.clear();
    removals.clear();
    return {};
  };
  for (PreparedProcedure& prepared : chunk_) {
    ValidatedProcedure& v = prepared.validated;
    domain::Procedure& p = v.procedure;
    const uint64_t key = RefKey(p.registry, p.procedure_ref);
    const bool new_ref = !stored.contains(key) && !batch_refs.contains(key);
    if (new_ref && !RemovesImplants(p)) {
      batch_refs.insert(key);
      batch_patients.insert(p.patient.value);
      batch.push_back(std::move(p));
      continue;
    }
    // A revision of a patient in the batch, or a correction of a ref in it, waits until the
    // batch is stored: it must see every implant the file put in before it.
    if (batch_refs.contains(key) || batch_patients.contains(p.patient.value)) {
      ORP_RETURN_IF_ERROR(write_batch());
    }
    if (new_ref) {
      // Nothing of this patient is pending, so the store holds every candidate already; the
      // removals are recorded once the batch has given the procedure its id.
      auto removed = linkage::ImplantsRemovedBy(InSituSource(), p);
      if (!removed) return std::unexpected(removed.error());
      removals.push_back({batch.size(), v.row, std::move(*removed)});
      batch_refs.insert(key);
      batch_patients.insert(p.patient.value);
      batch.push_back(std::move(p));
      continue;
    }
    // A correction reads and replaces a stored procedure by its ref: with the indexes.
    ORP_RETURN_IF_ERROR(LeaveMemory());
    ORP_RETURN_IF_ERROR(WriteOne(p, v.row));
    stored.insert(key);
  }
  return write_batch();
}

// A correction (a ref already stored) through PutProcedure, with what it removes linked before
// it is stored (so its own new implants are not candidates).
Result<void> ChunkWriter::WriteOne(domain::Procedure& p, int64_t row) {
  Result<std::vector<domain::Implant>> removed = linkage::ImplantsRemovedBy(transaction_, p);
  if (!removed) return std::unexpected(removed.error());
  Result<storage::PutKind> put = transaction_.PutProcedure(p);
  if (!put) return std::unexpected(put.error());
  return RecordRemovals(p, row, *removed, *put == storage::PutKind::kInserted);
}

Result<void> ChunkWriter::RecordRemovals(const domain::Procedure& p, int64_t row,
                                         const std::vector<domain::Implant>& removed,
                                         bool inserted) {
  if (p.type == domain::ProcedureType::kRevision && removed.empty() && inserted) {
    Warn(row, p, "procedure_type", "linkage.no_implant_in_situ",
         fmt::format("revision {} found no implant in situ on that side to link to",
                     p.procedure_ref));
  }
  if (bulk_ != nullptr) {
    for (const domain::Implant& implant : removed) {
      const auto id = static_cast<size_t>(implant.id.value);
      if (id < placed_.size()) placed_[id].in_situ_implanted = false;  // as the store marks it
    }
  }
  return linkage::RecordRemovals(transaction_, p, removed);
}

void ChunkWriter::Warn(int64_t row, const domain::Procedure& p, std::string field, std::string rule,
                       std::string message) {
  findings_.push_back({row, p.procedure_ref, std::move(field), std::move(rule),
                       domain::Severity::kWarning, std::move(message)});
}

}  // namespace orp::ingest
