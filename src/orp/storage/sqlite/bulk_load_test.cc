// The bulk load's index DDL on SQLite (storage/bulk_load_writes.h, ADR 0009): the deferred
// indexes are dropped inside the transaction only, and whatever the transaction's end the store
// has every index with the definition the migrations gave it.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "orp/storage/bulk_load_writes.h"
#include "orp/storage/conformance_test.h"
#include "orp/storage/sqlite/collect.h"
#include "orp/storage/sqlite/connection.h"
#include "orp/storage/sqlite/sqlite_store.h"

namespace orp::storage::sqlite {
namespace {

using storage::conformance::SamplePatient;
using storage::conformance::SampleProcedure;

class BulkLoad : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        std::filesystem::path(::testing::TempDir()) / ("orp-bulk-load-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "store.db").string();
    auto store = OpenStore(path_);
    ASSERT_TRUE(store.has_value()) << store.error().ToString();
    store_ = std::move(*store);
    before_ = Indexes();
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Every index's CREATE statement as committed, read on a connection of its own.
  std::map<std::string, std::string> Indexes() {
    auto db = Connection::Open(path_, {});
    EXPECT_TRUE(db.has_value());
    std::map<std::string, std::string> out;
    auto rows = Collect<std::pair<std::string, std::string>>(
        **db, "SELECT name, coalesce(sql, '') FROM sqlite_master WHERE type = 'index'",
        [](Stmt&) {},
        [](const Stmt& s) -> Result<std::pair<std::string, std::string>> {
          return std::pair{s.Text(0), s.Text(1)};
        });
    EXPECT_TRUE(rows.has_value());
    for (auto& [name, sql] : *rows) out[name] = sql;
    return out;
  }

  std::string IntegrityCheck() {
    auto db = Connection::Open(path_, {});
    auto rows = Collect<std::string>(
        **db, "PRAGMA integrity_check", [](Stmt&) {},
        [](const Stmt& s) -> Result<std::string> { return s.Text(0); });
    return rows && !rows->empty() ? rows->front() : "no answer";
  }

  std::filesystem::path dir_;
  std::string path_;
  std::unique_ptr<Store> store_;
  std::map<std::string, std::string> before_;
};

// The rebuild's sort spills runs to temporary files, for PRAGMA threads workers, only on a
// connection whose temporary files are on disk (SQLite's temp_store 1); readers keep them in
// memory (2).
TEST(BulkLoadConnection, TemporaryFilesAreOnDiskOnlyWhereAsked) {
  auto temp_store = [](bool in_memory) -> int64_t {
    ConnectionOptions options;
    options.temp_in_memory = in_memory;
    auto db = Connection::Open(":memory:", options);
    EXPECT_TRUE(db.has_value());
    auto rows = Collect<int64_t>(
        **db, "PRAGMA temp_store", [](Stmt&) {},
        [](const Stmt& s) -> Result<int64_t> { return s.Int(0); });
    return rows && rows->size() == 1 ? rows->front() : -1;
  };
  EXPECT_EQ(temp_store(false), 1);
  EXPECT_EQ(temp_store(true), 2);
}

TEST_F(BulkLoad, ACommittedBulkLoadHasEveryIndexWithItsDefinitionAndItsEntries) {
  for (std::string_view name : kBulkDeferredIndexes) {
    ASSERT_TRUE(before_.contains(std::string(name))) << name << " is not in the schema";
  }
  auto txn = store_->Begin();
  ASSERT_TRUE(txn.has_value());
  BulkLoadWrites* bulk = AsBulkLoadWrites(**txn);
  ASSERT_NE(bulk, nullptr);
  EXPECT_EQ(*bulk->StoredProceduresBound(), 0);
  ASSERT_TRUE(bulk->DeferIndexes().has_value());
  ASSERT_TRUE(bulk->DeferIndexes().has_value());  // twice is once
  // Other connections keep the committed schema while the transaction runs.
  EXPECT_EQ(Indexes(), before_);
  PatientId patient = *(*txn)->PutPatient(SamplePatient(1));
  Procedure p = SampleProcedure("P1", patient);
  ASSERT_TRUE((*txn)->PutProcedure(p).has_value());
  // The transaction's own reads are right without the deferred indexes.
  auto by_device = (*txn)->FindImplantsByDevice(domain::DeviceId{*p.implants[0].gtin}, "L100", "");
  ASSERT_TRUE(by_device.has_value());
  EXPECT_EQ(by_device->size(), 1u);
  ASSERT_TRUE((*txn)->Commit().has_value());  // restores them itself
  EXPECT_EQ(Indexes(), before_);
  EXPECT_EQ(IntegrityCheck(), "ok");  // every index has exactly its table's entries
  EXPECT_EQ(store_->FindImplantsByDevice(domain::DeviceId{*p.implants[0].gtin}, "L100", "")->size(),
            1u);
  auto again = store_->Begin();
  EXPECT_EQ(*AsBulkLoadWrites(**again)->StoredProceduresBound(), p.id.value);
}

TEST_F(BulkLoad, RestoringBeforeCommitBuildsTheIndexesOnceAndARollbackKeepsThemAll) {
  {
    auto txn = store_->Begin();
    BulkLoadWrites* bulk = AsBulkLoadWrites(**txn);
    ASSERT_TRUE(bulk->DeferIndexes().has_value());
    ASSERT_TRUE(bulk->RestoreIndexes().has_value());
    ASSERT_TRUE(bulk->RestoreIndexes().has_value());  // nothing left to restore
    ASSERT_TRUE((*txn)->Commit().has_value());
  }
  EXPECT_EQ(Indexes(), before_);
  {
    auto txn = store_->Begin();
    ASSERT_TRUE(AsBulkLoadWrites(**txn)->DeferIndexes().has_value());
    ASSERT_TRUE((*txn)->PutPatient(SamplePatient(2)).has_value());
  }  // dropped without Commit: rolled back
  EXPECT_EQ(Indexes(), before_);
  EXPECT_EQ(store_->CountRows()->at("patients"), 0);
  EXPECT_EQ(IntegrityCheck(), "ok");
}

TEST_F(BulkLoad, EveryIndexDeferredComesBackAndTheReadByIdGivesTheRowsTheReadByPatientGives) {
  for (std::string_view name : kBulkEmptyStoreIndexes) {
    ASSERT_TRUE(before_.contains(std::string(name))) << name << " is not in the schema";
  }
  auto txn = store_->Begin();
  BulkLoadWrites* bulk = AsBulkLoadWrites(**txn);
  ASSERT_TRUE(bulk->DeferIndexes().has_value());
  ASSERT_TRUE(bulk->DeferEveryIndex().has_value());  // the rest of them
  ASSERT_TRUE(bulk->DeferEveryIndex().has_value());  // twice is once
  EXPECT_EQ(Indexes(), before_);                     // other connections see them all
  PatientId patient = *(*txn)->PutPatient(SamplePatient(1));
  PatientId other = *(*txn)->PutPatient(SamplePatient(2));
  Procedure first = SampleProcedure("P1", patient);
  Procedure second = SampleProcedure("P2", patient);
  second.date = first.date + std::chrono::days{30};
  Procedure theirs = SampleProcedure("P3", other);
  for (Procedure* p : {&first, &second, &theirs}) ASSERT_TRUE((*txn)->PutProcedure(*p).has_value());
  InSituQuery query{patient, "BCIR", "breast", std::nullopt};
  auto by_patient = (*txn)->ImplantsInSitu(query);
  ASSERT_TRUE(by_patient.has_value());
  ASSERT_EQ(by_patient->size(), 2u);
  // Most recent first, as the read by patient orders them; an id not stored is skipped.
  const std::vector<int64_t> ids = {second.implants[0].id.value, 999999,
                                    first.implants[0].id.value};
  auto by_id = bulk->ImplantsById(ids);
  ASSERT_TRUE(by_id.has_value());
  EXPECT_EQ(*by_id, *by_patient);
  auto theirs_by_id = bulk->ImplantsById(std::vector<int64_t>{theirs.implants[0].id.value});
  ASSERT_EQ(theirs_by_id->size(), 1u);
  EXPECT_EQ(theirs_by_id->front().procedure, theirs.id);
  EXPECT_TRUE(bulk->ImplantsById({})->empty());
  ASSERT_TRUE((*txn)->Commit().has_value());
  EXPECT_EQ(Indexes(), before_);
  EXPECT_EQ(IntegrityCheck(), "ok");
}

TEST_F(BulkLoad, ThePatientsIndexesDeferredComeBackWithTheirEntries) {
  for (std::string_view name : kBulkEmptyPatientsIndexes) {
    ASSERT_TRUE(before_.contains(std::string(name))) << name << " is not in the schema";
  }
  EXPECT_EQ(before_.at("patients_by_pseudonym"),
            "CREATE UNIQUE INDEX patients_by_pseudonym ON patients(pseudonym)");  // 0013
  std::vector<Patient> patients = {SamplePatient(1)};
  {
    auto txn = store_->Begin();
    BulkLoadWrites* bulk = AsBulkLoadWrites(**txn);
    EXPECT_EQ(*bulk->StoredPatientsBound(), 0);
    ASSERT_TRUE(bulk->DeferEveryIndex().has_value());
    ASSERT_TRUE(bulk->DeferPatientIndexes().has_value());
    ASSERT_TRUE(bulk->DeferPatientIndexes().has_value());  // twice is once
    EXPECT_EQ(Indexes(), before_);                         // other connections see them all
    ASSERT_TRUE((*txn)->InsertPatients(patients).has_value());
    // A patient without a pseudonym (linkage's new unlinked patient) needs no pseudonym index.
    ASSERT_TRUE((*txn)->PutPatient(Patient{}).has_value());
    ASSERT_TRUE((*txn)->Commit().has_value());
  }
  EXPECT_EQ(Indexes(), before_);
  EXPECT_EQ(IntegrityCheck(), "ok");  // the rebuilt indexes hold the patient
  const Patient stored = SamplePatient(1);
  auto found =
      store_->FindPatientsByDemographics({*stored.date_of_birth, *stored.sex, *stored.postcode}, 2);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->size(), 1u);
  auto by_pseudonym = store_->FindPatientByPseudonym(*stored.pseudonym);
  ASSERT_TRUE(by_pseudonym.has_value() && by_pseudonym->has_value());
  EXPECT_EQ((*by_pseudonym)->id, patients[0].id);
  auto txn = store_->Begin();
  EXPECT_EQ(*AsBulkLoadWrites(**txn)->StoredPatientsBound(), patients[0].id.value + 1);
}

// The writer never stores one pseudonym twice; if a load did, the UNIQUE index built again before
// COMMIT refuses it, and the whole transaction rolls back: nothing of it is stored, every index
// is there, and the store goes on.
TEST_F(BulkLoad, ADuplicatePseudonymMetWhenTheIndexIsBuiltAgainFailsTheCommitAndKeepsNothing) {
  std::vector<Patient> before = {SamplePatient(7)};
  {
    auto txn = store_->Begin();
    ASSERT_TRUE((*txn)->InsertPatients(before).has_value());
    ASSERT_TRUE((*txn)->Commit().has_value());
  }
  {
    auto txn = store_->Begin();
    BulkLoadWrites* bulk = AsBulkLoadWrites(**txn);
    ASSERT_TRUE(bulk->DeferPatientIndexes().has_value());
    std::vector<Patient> twice = {SamplePatient(1), SamplePatient(2), SamplePatient(1)};
    ASSERT_TRUE((*txn)->InsertPatients(twice).has_value());  // nothing checks it yet
    auto committed = (*txn)->Commit();
    ASSERT_FALSE(committed.has_value());
    EXPECT_EQ(committed.error().code(), ErrorCode::kAlreadyExists) << committed.error().ToString();
    EXPECT_FALSE((*txn)->Commit().has_value());  // it has ended
  }
  EXPECT_EQ(Indexes(), before_);
  EXPECT_EQ(IntegrityCheck(), "ok");
  EXPECT_EQ(store_->CountRows()->at("patients"), 1);
  EXPECT_TRUE(store_->FindPatientByPseudonym(*SamplePatient(7).pseudonym)->has_value());
  EXPECT_FALSE(store_->FindPatientByPseudonym(*SamplePatient(2).pseudonym)->has_value());
  auto txn = store_->Begin();
  ASSERT_TRUE(txn.has_value()) << txn.error().ToString();
  ASSERT_TRUE((*txn)->PutPatient(SamplePatient(2)).has_value());
  ASSERT_TRUE((*txn)->Commit().has_value());
  EXPECT_EQ(store_->CountRows()->at("patients"), 2);
}

// The exclusive load (SubmissionRequest::exclusive_load, ADR 0011): into a store without
// procedures and with no other connection open, the transaction journals to a rollback journal;
// whatever its end, the store is in WAL again, with every index, and reads come back.
class ExclusiveLoad : public BulkLoad {
 protected:
  // The file's journal format, from its header (byte 18): 2 for WAL, 1 for a rollback journal.
  int HeaderJournal() {
    std::ifstream in(path_, std::ios::binary);
    char header[20] = {};
    in.read(header, sizeof header);
    return in ? header[18] : -1;
  }
  bool Exists(std::string_view suffix) {
    return std::filesystem::exists(path_ + std::string(suffix));
  }
  // Begins a submission that asks for an exclusive load.
  std::unique_ptr<Transaction> Begin(const std::string& key) {
    SubmissionRequest request{key, "operator", "BCIR", {}};
    request.exclusive_load = true;
    auto start = store_->BeginSubmission(request);
    EXPECT_TRUE(start.has_value()) << start.error().ToString();
    return start ? std::move(start->transaction) : nullptr;
  }
  // One patient and one procedure, then the submission's outcome and COMMIT.
  void WriteOneAndCommit(Transaction& txn, const std::string& ref, int patient) {
    PatientId id = *txn.PutPatient(SamplePatient(patient));
    Procedure p = SampleProcedure(ref, id);
    ASSERT_TRUE(txn.PutProcedure(p).has_value());
    ASSERT_TRUE(txn.FinishSubmission({domain::SubmissionStatus::kAccepted, 1, 1, 0, "{}"}));
    ASSERT_TRUE(txn.Commit().has_value());
  }
};

TEST_F(ExclusiveLoad, AnEmptyStoreIsLoadedUnderARollbackJournalAndReturnsToWal) {
  ASSERT_EQ(HeaderJournal(), 2);
  auto txn = Begin("first");
  ASSERT_NE(txn, nullptr);
  ASSERT_TRUE(AsBulkLoadWrites(*txn)->DeferEveryIndex().has_value());
  EXPECT_EQ(HeaderJournal(), 1);
  EXPECT_TRUE(Exists("-journal"));  // the submission's row was written
  EXPECT_FALSE(Exists("-wal"));
  // The store's own reads say why they cannot run, at once.
  auto counted = store_->CountRows();
  ASSERT_FALSE(counted.has_value());
  EXPECT_EQ(counted.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(counted.error().ToString().find("loaded exclusively"), std::string::npos);
  // Another connection (another process's, as `orp serve` would open) is refused at once, and
  // says why.
  auto other = Connection::Open(path_, {});
  ASSERT_FALSE(other.has_value());
  EXPECT_EQ(other.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(other.error().ToString().find("locked by another process"), std::string::npos)
      << other.error().ToString();
  WriteOneAndCommit(*txn, "P1", 1);
  EXPECT_FALSE(Exists("-journal"));
  EXPECT_EQ(HeaderJournal(), 2);
  EXPECT_EQ(store_->CountRows()->at("procedures"), 1);
  EXPECT_EQ(Indexes(), before_);
  EXPECT_EQ(IntegrityCheck(), "ok");
  // The next submission, into a store with a procedure, journals to the WAL as before.
  auto next = Begin("second");
  ASSERT_NE(next, nullptr);
  EXPECT_EQ(HeaderJournal(), 2);
  EXPECT_FALSE(Exists("-journal"));
  EXPECT_TRUE(store_->CountRows().has_value());  // reads run beside it
  WriteOneAndCommit(*next, "P2", 2);
  EXPECT_EQ(store_->CountRows()->at("procedures"), 2);
}

TEST_F(ExclusiveLoad, ARollbackLeavesTheStoreAsItWasInWal) {
  {
    auto txn = Begin("first");
    ASSERT_NE(txn, nullptr);
    ASSERT_TRUE(AsBulkLoadWrites(*txn)->DeferEveryIndex().has_value());
    PatientId id = *txn->PutPatient(SamplePatient(1));
    Procedure p = SampleProcedure("P1", id);
    ASSERT_TRUE(txn->PutProcedure(p).has_value());
    EXPECT_EQ(HeaderJournal(), 1);
  }  // dropped without Commit: rolled back
  EXPECT_EQ(HeaderJournal(), 2);
  EXPECT_FALSE(Exists("-journal"));
  EXPECT_EQ(store_->CountRows()->at("procedures"), 0);
  EXPECT_EQ(store_->CountRows()->at("submissions"), 0);
  EXPECT_EQ(Indexes(), before_);
  EXPECT_EQ(IntegrityCheck(), "ok");
}

// Another connection to the file, idle or not, in this process or another: SQLite refuses to
// leave WAL, and the load runs in WAL beside it.
TEST_F(ExclusiveLoad, AnotherOpenConnectionKeepsTheLoadInWal) {
  auto other = Connection::Open(path_, {});
  ASSERT_TRUE(other.has_value());
  auto txn = Begin("first");
  ASSERT_NE(txn, nullptr);
  EXPECT_EQ(HeaderJournal(), 2);
  EXPECT_FALSE(Exists("-journal"));
  EXPECT_TRUE(store_->CountRows().has_value());  // the store's reads run beside it
  WriteOneAndCommit(*txn, "P1", 1);
  auto seen = Collect<int64_t>(
      **other, "SELECT count(*) FROM procedures", [](Stmt&) {},
      [](const Stmt& s) -> Result<int64_t> { return s.Int(0); });
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(seen->front(), 1);
}

// A repeated key answers the first receipt: the transaction that found it ends, and with it the
// exclusive load it began (a rejected file's submission leaves the store without procedures).
TEST_F(ExclusiveLoad, ARepeatedKeyEndsTheExclusiveLoadItBegan) {
  {
    auto txn = Begin("first");
    ASSERT_NE(txn, nullptr);
    ASSERT_TRUE(txn->FinishSubmission({domain::SubmissionStatus::kRejected, 1, 0, 1, "{}"}));
    ASSERT_TRUE(txn->Commit().has_value());
  }
  SubmissionRequest request{"first", "operator", "BCIR", {}};
  request.exclusive_load = true;
  auto start = store_->BeginSubmission(request);
  ASSERT_TRUE(start.has_value()) << start.error().ToString();
  EXPECT_TRUE(start->duplicate_of.has_value());
  EXPECT_EQ(start->transaction, nullptr);
  EXPECT_EQ(HeaderJournal(), 2);
  EXPECT_FALSE(Exists("-journal"));
  EXPECT_EQ(store_->CountRows()->at("submissions"), 1);
}

}  // namespace
}  // namespace orp::storage::sqlite
