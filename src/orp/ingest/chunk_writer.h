// ChunkWriter: the write half of the ingest pipeline (pipeline.h). Accepted procedures are
// buffered in chunks of up to kChunkSize and each chunk is written with a few batched store calls
// instead of several queries per procedure:
//
//   1. patients  look the chunk's pseudonyms (Prepare) up in one batch
//                (Reader::FindPatientsByPseudonyms), insert only the new ones
//                (Transaction::InsertPatients), and rewrite a known patient only when the record
//                changes its demographics (given values win, as PutPatient). Records without an
//                NHS number link on demographics (linkage::PatientLinker) in file order, after
//                the new patients before them are stored.
//   2. procedures  look the chunk's procedure_refs up in one batch (FindProcedureVersions); new
//                procedures are inserted in batches (InsertProcedures), a new revision or explant
//                with the implants it removes found when it joins the batch and recorded once the
//                batch is stored; corrections go one at a time through PutProcedure and linkage.
//                All in file order: the pending batch is written first whenever it holds the
//                same procedure_ref or the same patient, so every revision sees the implants the
//                file put in before it, exactly as writing one procedure at a time would.
//
// Serving linkage from memory (#4, ADR 0010; ServeLinkageFromMemory): in a bulk load into a store
// that held no procedure, procedures_by_ref and implants_by_patient are off the write path too
// (storage/bulk_load_writes.h kBulkEmptyStoreIndexes). The writer then knows every stored
// procedure_ref and implant itself, because it wrote them: step 2 looks refs up in its own set of
// (registry, procedure_ref) keys, and a revision's candidates are found among the patient's
// implants this load wrote, by what the in-situ search compares (kept for each implant: in situ,
// registry, body site, side, date; session 15), and only those are read, by id. A correction (a
// ref met again) restores the indexes first and continues as without.
//
// Patients from memory (sessions 9 and 10, ADR 0010; ServePatientsFromMemory): when the store held
// no patient either, every patient the transaction holds is one this writer stored. Step 1 then
// finds a pseudonym through the writer's own list of (pseudonym hash, patient id) (one whose hash
// is not there is new without asking the store), and a record without an NHS number is linked on
// demographics through its list of (demographic hash, patient id); each candidate is read back by
// id and compared whole, instead of through patients_by_pseudonym and patients_by_demographics
// (deferred: storage/bulk_load_writes.h kBulkEmptyPatientsIndexes).
//
// Memory: one chunk of procedures and its lookup maps, plus one stored Patient per distinct
// pseudonym in the submission (about 250 bytes each), up to `known_limit` of them; serving from
// memory, about 16 bytes per procedure and 16 per implant written (a hash set of ref keys, the
// implants' search keys), and 68 bytes per patient (the pseudonym and demographic pairs, its latest
// implant). Errors: only store errors (the caller drops the transaction). Findings for linkage
// (warnings) are appended to the receipt's findings. Thread safety: one writer per transaction and
// thread.
#pragma once

#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

#include "orp/core/result.h"
#include "orp/domain/entities.h"
#include "orp/ingest/patient_map.h"
#include "orp/ingest/recycler.h"
#include "orp/ingest/validator.h"
#include "orp/linkage/linkage.h"
#include "orp/security/pseudonymiser.h"
#include "orp/storage/bulk_load_writes.h"
#include "orp/storage/store.h"

namespace orp::ingest {

// An accepted procedure with its NHS number already pseudonymised and encrypted: the costly part
// of linkage, done where the procedure was validated (the reader thread).
struct PreparedProcedure {
  ValidatedProcedure validated;
  std::optional<domain::Pseudonym> pseudonym;  // none: no NHS number, or kept anonymous
  std::optional<domain::EncryptedNhsNumber> cipher;
};

// kUnavailable / kDataLoss from the pseudonymiser.
Result<PreparedProcedure> Prepare(ValidatedProcedure validated,
                                  const security::Pseudonymiser& pseudonymiser);

// A pseudonym is an HMAC: its first eight bytes are already a uniform hash (#4: the writer's
// per-submission maps are hashed, not ordered; nothing iterates them).
struct PseudonymHash {
  size_t operator()(const domain::Pseudonym& p) const {
    size_t h = 0;
    std::memcpy(&h, p.bytes.data(), sizeof h);
    return h;
  }
};
template <typename T>
using PseudonymMap = std::unordered_map<domain::Pseudonym, T, PseudonymHash>;

class ChunkWriter {
 public:
  static constexpr size_t kChunkSize = 1024;

  // `known_limit`: how many linked patients the writer keeps before forgetting them all (they
  // are looked up again when met, from the transaction that holds them; same result).
  ChunkWriter(storage::Transaction& transaction, std::vector<domain::Finding>& findings,
              size_t known_limit = size_t{1} << 17);

  // Buffers one accepted procedure; writes the chunk when it is full.
  Result<void> Add(PreparedProcedure procedure);
  // Writes whatever is buffered (call once at the end).
  Result<void> Flush();
  // From now on, finds procedure_refs and in-situ implants among what this writer writes. Only
  // when the transaction's store held no procedure and `bulk` deferred the indexes ingest reads
  // (BulkLoadWrites::DeferEveryIndex), before the first Add.
  void ServeLinkageFromMemory(storage::BulkLoadWrites& bulk);
  // From now on, finds patients by pseudonym only among those this writer wrote, and by
  // demographics from its own records. Only when the transaction's store held no patient and no
  // one else writes patients in it (BulkLoadWrites::DeferPatientIndexes may have deferred
  // patients_by_demographics), before the first Add.
  void ServePatientsFromMemory();
  // From now on, procedures written are freed through `recycler` (on the thread that drains it),
  // which must outlive this writer.
  void RecycleThrough(ProcedureRecycler& recycler) { recycler_ = &recycler; }

 private:
  struct NewPatients;
  // A new revision or explant in the pending batch (at `index`) and the implants it removes.
  struct PendingRemoval {
    size_t index;
    int64_t row;
    std::vector<domain::Implant> removed;
  };

  // A set of 64-bit keys, open addressing (8 bytes a slot, at most half full, and 4 bytes a key
  // for the slots in use), emptied in time proportional to what it holds (#4: the per-chunk sets
  // are emptied after every batch, several per chunk) and keeping its slots.
  class KeySet {
   public:
    bool contains(uint64_t key) const;
    void insert(uint64_t key);
    // Adds every key of `other`.
    void insert(const KeySet& other) {
      for (uint32_t i : other.used_) insert(other.slots_[i]);
    }
    void clear();

   private:
    std::vector<uint64_t> slots_;  // 0: empty (a key of 0 is kept as 1)
    std::vector<uint32_t> used_;   // the slots in use (16 GiB of slots before 2^31 keys)
  };
  class InSituFromMemory;
  // A multiset of (64-bit key, patient id) pairs, open addressing (16 bytes a slot, at most half
  // full): the pseudonym and demographic hashes of the patients written.
  class KeyIds {
   public:
    void insert(uint64_t key, int64_t id);
    // The ids stored under `key`, ascending, each once.
    std::vector<int64_t> find(uint64_t key) const;

   private:
    struct Slot {
      uint64_t key = 0;
      int64_t id = 0;  // 0: empty
    };
    std::vector<Slot> slots_;
    size_t size_ = 0;
  };
  class DemographicsFromMemory;

  // Fills stored_refs_ with the (registry, procedure_ref) keys of the chunk that are stored.
  Result<void> FindStoredRefs();
  // Remembers the refs and implants of a batch just inserted (serving from memory).
  Result<void> Remember(const std::vector<domain::Procedure>& batch);
  // The interned index of `text` in `list` (added when absent), or -1 when it is absent and
  // `add` is false.
  static int Intern(std::vector<std::string>& list, std::string_view text, bool add);
  // Restores the indexes and stops serving from memory (before a correction).
  Result<void> LeaveMemory();
  // Where a revision's in-situ candidates are read.
  storage::Reader& InSituSource();
  Result<void> LinkPatients();
  // The stored patients with these pseudonyms: from the transaction, or, serving patients from
  // memory, only among those this writer wrote, read by id. Store errors.
  Result<std::vector<domain::Patient>> FindPatientsByPseudonyms(
      std::span<const domain::Pseudonym> pseudonyms);
  // Records a patient as just stored (serving patients from memory).
  void RememberPatient(const domain::Patient& patient);
  Result<void> LinkOne(PreparedProcedure& prepared, NewPatients& fresh);
  Result<void> WriteProcedures();
  Result<void> WriteOne(domain::Procedure& procedure, int64_t row);
  // Links `removed` to the stored procedure (warning when a newly inserted revision removes
  // nothing).
  Result<void> RecordRemovals(const domain::Procedure& procedure, int64_t row,
                              const std::vector<domain::Implant>& removed, bool inserted);
  void Warn(int64_t row, const domain::Procedure& p, std::string field, std::string rule,
            std::string message);

  storage::Transaction& transaction_;
  std::vector<domain::Finding>& findings_;
  std::optional<linkage::PatientLinker> linker_;
  std::vector<PreparedProcedure> chunk_;
  // WriteProcedures' sets: the chunk's refs stored (or written by it), and the refs and patients
  // of the pending batch.
  KeySet stored_refs_;
  KeySet batch_refs_;
  KeySet batch_patients_;
  // Every patient with a pseudonym this submission has linked, as stored in the transaction
  // (#4: a patient met again in a later chunk is not looked up again).
  PatientMap known_;
  size_t known_limit_;
  ProcedureRecycler* recycler_ = nullptr;
  // Serving from memory: the bulk load (nullptr otherwise), the refs written, and every implant
  // written (placed_[implant id]) with what a revision's in-situ search compares, each patient's
  // as a list: latest_implant_[patient id] is its last implant id written (0: none), and each
  // implant's `earlier` the one written before it. Ids fit 32 bits (past them, LeaveMemory).
  struct Placed {
    uint32_t earlier = 0;
    int32_t day = 0;                 // the procedure's date
    uint16_t registry = 0;           // in registries_
    uint16_t body_site = 0;          // in body_sites_
    char laterality = 0;             // the implant's stored code; 0 for none
    bool in_situ_implanted = false;  // in situ and implanted (no removal recorded yet)
  };
  storage::BulkLoadWrites* bulk_ = nullptr;
  KeySet written_refs_;
  std::vector<uint32_t> latest_implant_;
  std::vector<Placed> placed_;
  std::vector<std::string> registries_;
  std::vector<std::string> body_sites_;
  std::unique_ptr<storage::Reader> in_situ_;
  // Serving patients from memory: the pseudonym hash (its first 8 bytes) and the demographic
  // hash of every patient written, each with the patient's id (stale demographic pairs stay;
  // candidates are read by id and compared whole).
  bool patients_in_memory_ = false;
  KeyIds written_pseudonyms_;
  KeyIds written_demographics_;
  std::unique_ptr<storage::Reader> demographic_lookups_;
};

}  // namespace orp::ingest
