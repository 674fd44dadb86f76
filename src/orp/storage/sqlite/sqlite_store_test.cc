#include "orp/storage/sqlite/sqlite_store.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "orp/storage/conformance_test.h"
#include "orp/storage/open.h"
#include "orp/storage/sql_queries.h"
#include "orp/storage/sqlite/connection.h"
#include "orp/storage/sqlite/migrations.h"

namespace orp::storage::sqlite {
namespace {

using storage::conformance::Day;
using storage::conformance::SamplePatient;
using storage::conformance::SampleProcedure;
using storage::conformance::StoreConformance;
using storage::conformance::StoreMaker;

// A fresh path in a per-process directory under the test temp directory, removed at exit.
std::string TempDbPath() {
  struct Dir {
    std::filesystem::path path =
        std::filesystem::path(::testing::TempDir()) / ("orp-sqlite-" + std::to_string(getpid()));
    Dir() { std::filesystem::create_directories(path); }
    ~Dir() { std::filesystem::remove_all(path); }
  };
  static Dir dir;
  static std::atomic<int> counter{0};
  return (dir.path / ("store-" + std::to_string(counter++) + ".db")).string();
}

INSTANTIATE_TEST_SUITE_P(
    Sqlite, StoreConformance,
    ::testing::Values(StoreMaker{"memory", [] { return OpenStore(":memory:"); }},
                      StoreMaker{"file", [] { return OpenStore(TempDbPath()); }}),
    storage::conformance::MakerName);

TEST(SqliteStore, NewDatabaseIsMigratedToTheLatestVersion) {
  auto store = OpenStore(":memory:");
  ASSERT_TRUE(store.has_value()) << store.error().ToString();
  StoreInfo info = (*store)->Info();
  EXPECT_EQ(info.backend, "sqlite");
  EXPECT_EQ(info.schema_version, Migrations().back().version);
  ASSERT_EQ(info.migrations_applied.size(), Migrations().size());
  EXPECT_EQ(info.migrations_applied[0], "0001_core");
  EXPECT_EQ(info.migrations_applied[1], "0002_change_sequence");
  EXPECT_EQ(*(*store)->SchemaVersion(), Migrations().back().version);
}

TEST(SqliteStore, ReopeningAppliesNothingAndKeepsTheData) {
  std::string path = TempDbPath();
  {
    auto store = OpenStore(path);
    ASSERT_TRUE(store.has_value());
    auto txn = (*store)->Begin();
    ASSERT_TRUE((*txn)->PutPatient(SamplePatient(1)).has_value());
    ASSERT_TRUE((*txn)->Commit().has_value());
  }
  auto again = OpenStore(path);
  ASSERT_TRUE(again.has_value());
  EXPECT_TRUE((*again)->Info().migrations_applied.empty());
  EXPECT_EQ((*again)->Info().schema_version, Migrations().back().version);
  EXPECT_TRUE((*again)->FindPatientByPseudonym(*SamplePatient(1).pseudonym)->has_value());
}

// A database left by an orp that knew only 0001_core upgrades at open, and its rows stay readable.
TEST(SqliteStore, DatabaseFromTheFirstSchemaUpgradesAtOpen) {
  std::string path = TempDbPath();
  {
    auto connection = Connection::Open(path, {});
    ASSERT_TRUE(Migrate(**connection, 1).has_value());
    ASSERT_TRUE((*connection)
                    ->Exec("INSERT INTO patients (sex, postcode) VALUES ('2', 'LS1 4AP')")
                    .has_value());
  }
  auto store = OpenStore(path);
  ASSERT_TRUE(store.has_value()) << store.error().ToString();
  // Every later migration applies, in order (the list grows as subsystems add tables).
  const auto& applied = (*store)->Info().migrations_applied;
  ASSERT_EQ(applied.size(), Migrations().size() - 1);
  for (size_t i = 0; i < applied.size(); ++i) EXPECT_EQ(applied[i], Migrations()[i + 1].name);
  auto patient = (*store)->FindPatient(PatientId{1});
  ASSERT_TRUE(patient.has_value() && patient->has_value()) << patient.error().ToString();
  EXPECT_EQ((*patient)->sex, domain::Sex::kFemale);
  int streamed = 0;
  ASSERT_TRUE((*store)->ForEachPatient(0, [&](const Patient&) { return ++streamed; }).has_value());
  EXPECT_EQ(streamed, 1);
}

// Device models stored before 0003_catalogue read back as GS1, on-market, recorded date unknown.
TEST(SqliteStore, DeviceModelsFromBeforeTheCatalogueMigrationReadAsOnMarketGs1) {
  std::string path = TempDbPath();
  const std::string gtin = storage::conformance::SampleGtin(3).digits();
  {
    auto connection = Connection::Open(path, {});
    ASSERT_TRUE(Migrate(**connection, 2).has_value());
    ASSERT_TRUE((*connection)
                    ->Exec("INSERT INTO device_models (gtin, valid_from, manufacturer, brand, "
                           "model, catalogue_number, device_type, device_class, registries) "
                           "VALUES ('" +
                           gtin +
                           "', 18000, 'Acme', 'Smooth', 'SM', 'C1', 'breast implant', "
                           "'III', 'BCIR')")
                    .has_value());
  }
  auto store = OpenStore(path);
  ASSERT_TRUE(store.has_value()) << store.error().ToString();
  auto model = (*store)->FindDeviceModel(storage::conformance::SampleGtin(3), std::nullopt);
  ASSERT_TRUE(model.has_value() && model->has_value()) << model.error().ToString();
  EXPECT_EQ((*model)->device.agency(), domain::IssuingAgency::kGs1);
  EXPECT_EQ((*model)->device.text(), gtin);
  EXPECT_EQ((*model)->market_status, domain::MarketStatus::kOnMarket);
  EXPECT_FALSE((*model)->status_date.has_value());
  EXPECT_FALSE((*model)->recorded_on.has_value());
  EXPECT_EQ((*model)->brand, "Smooth");
}

TEST(SqliteStore, FileDatabaseUsesWriteAheadLogging) {
  auto connection = Connection::Open(TempDbPath(), {});
  ASSERT_TRUE(connection.has_value());
  EXPECT_EQ(*(*connection)->JournalMode(), "wal");
}

TEST(SqliteStore, RefusesADatabaseFromANewerOrp) {
  std::string path = TempDbPath();
  ASSERT_TRUE(OpenStore(path).has_value());
  {
    auto connection = Connection::Open(path, {});
    ASSERT_TRUE((*connection)
                    ->Exec("INSERT INTO schema_version VALUES (999, '0999_future', 0)")
                    .has_value());
  }
  auto store = OpenStore(path);
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(store.error().message().find("999"), std::string::npos);
}

TEST(SqliteStore, AuditLogRefusesUpdateAndDelete) {
  std::string path = TempDbPath();
  {
    auto store = OpenStore(path);
    auto txn = (**store).Begin();
    AuditRecord r;
    r.hash = "h1";
    ASSERT_TRUE((*txn)->AppendAudit(r).has_value());
    ASSERT_TRUE((*txn)->Commit().has_value());
  }
  auto connection = Connection::Open(path, {});
  EXPECT_FALSE((*connection)->Exec("UPDATE audit_log SET actor = 'mallory'").has_value());
  EXPECT_FALSE((*connection)->Exec("DELETE FROM audit_log").has_value());
}

TEST(SqliteStore, ReadingTheStoreWhileThisThreadHoldsATransactionFailsInsteadOfHanging) {
  auto store = OpenStore(":memory:");
  auto txn = (*store)->Begin();
  ASSERT_TRUE(txn.has_value());
  auto read = (*store)->FindPatient(PatientId{1});
  ASSERT_FALSE(read.has_value());
  EXPECT_EQ(read.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ((*store)->Begin().error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_TRUE((*txn)->FindPatient(PatientId{1}).has_value());
}

// A file database reads through its own connections: a read during a transaction sees the last
// committed state, neither the transaction's writes nor a wait for it.
TEST(SqliteStore, FileStoreReadsCommittedDataBesideAnOpenTransaction) {
  auto store = OpenStore(TempDbPath());
  ASSERT_TRUE(store.has_value());
  Patient patient = SamplePatient(4);
  auto txn = (*store)->Begin();
  ASSERT_TRUE((*txn)->PutPatient(patient).has_value());
  auto during = (*store)->FindPatientByPseudonym(*patient.pseudonym);
  ASSERT_TRUE(during.has_value()) << during.error().ToString();
  EXPECT_FALSE(during->has_value());
  EXPECT_TRUE((*txn)->FindPatientByPseudonym(*patient.pseudonym)->has_value());
  ASSERT_TRUE((*txn)->Commit().has_value());
  EXPECT_TRUE((*store)->FindPatientByPseudonym(*patient.pseudonym)->has_value());
  // A stream callback may read the store too (another pooled connection).
  int reads = 0;
  ASSERT_TRUE((*store)
                  ->ForEachPatient(0,
                                   [&](const Patient& p) {
                                     reads += (*store)->FindPatient(p.id)->has_value();
                                     return true;
                                   })
                  .has_value());
  EXPECT_EQ(reads, 1);
}

TEST(SqliteStore, CallingTheStoreFromAStreamCallbackFailsInsteadOfHanging) {
  auto store = OpenStore(":memory:");
  auto txn = (*store)->Begin();
  PatientId patient = *(*txn)->PutPatient(SamplePatient(1));
  Procedure p = SampleProcedure("P1", patient);
  ASSERT_TRUE((*txn)->PutProcedure(p).has_value());
  ASSERT_TRUE((*txn)->Commit().has_value());
  txn->reset();
  std::optional<Error> inner;
  ASSERT_TRUE((*store)
                  ->ForEachProcedure({},
                                     [&](const Procedure& q) {
                                       auto read = (*store)->FindPatient(q.patient);
                                       if (!read) inner = read.error();
                                       return true;
                                     })
                  .has_value());
  ASSERT_TRUE(inner.has_value());
  EXPECT_EQ(inner->code(), ErrorCode::kFailedPrecondition);
  EXPECT_TRUE((*store)->FindPatient(patient)->has_value());  // released afterwards
}

TEST(SqliteStore, ConcurrentSubmissionsFromThreadsAllLand) {
  auto store = OpenStore(TempDbPath());
  ASSERT_TRUE(store.has_value());
  Store& s = **store;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        std::string key = std::to_string(t) + "-" + std::to_string(i);
        // Two threads race on each even key; exactly one submission may win it.
        if (i % 2 == 0) key = "shared-" + std::to_string(i);
        auto start = s.BeginSubmission({key, "RRK", "BCIR", {}});
        if (!start) {
          ++failures;
          continue;
        }
        if (!start->transaction) continue;
        auto patient = start->transaction->PutPatient(SamplePatient(uint8_t(t)));
        Procedure p = SampleProcedure("P" + key, *patient);
        bool ok = start->transaction->PutProcedure(p).has_value() &&
                  start->transaction->FinishSubmission({}).has_value() &&
                  start->transaction->Commit().has_value();
        if (!ok) ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  // 13 shared even keys (0..24) + 4 threads x 12 odd keys.
  EXPECT_EQ(s.CountRows()->at("submissions"), 13 + 4 * 12);
  EXPECT_EQ(s.CountRows()->at("procedures"), 13 + 4 * 12);
}

TEST(SqliteStore, FactoryOpensByUrlAndNamesTheSchemesItKnows) {
  StoreFactory factory;
  factory.Register("sqlite", OpenStoreFromUrl);
  auto memory = factory.Open("sqlite::memory:");
  ASSERT_TRUE(memory.has_value()) << memory.error().ToString();
  EXPECT_EQ((*memory)->Info().location, ":memory:");
  auto file = factory.Open("sqlite:" + TempDbPath());
  ASSERT_TRUE(file.has_value());
  auto unknown = factory.Open("postgresql://localhost/orp");
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().message(),
            "database scheme 'postgresql' is not supported; use one of: sqlite:");
  EXPECT_EQ(factory.Open("orp.db").error().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace orp::storage::sqlite

namespace orp::storage::sqlite {
namespace {

// The plan's detail lines for `query`, joined.
std::string PlanOf(Connection& connection, const std::string& query) {
  auto stmt = connection.Prepare("EXPLAIN QUERY PLAN " + query);
  EXPECT_TRUE(stmt.has_value());
  std::string plan;
  while (stmt && stmt->Step().value_or(false)) plan += std::string(stmt->Text(3)) + "\n";
  return plan;
}

// proms (#11): the patient's own page reads their invitations and responses through migration
// 0012's indexes, never by scanning the tables (storage/proms_reads.h).
TEST(SqliteMigrations, PromsOfOnePatientAreReadThroughAnIndex) {
  auto connection = Connection::Open(":memory:", {});
  ASSERT_TRUE(connection.has_value());
  ASSERT_TRUE(Migrate(**connection, Migrations().back().version).has_value());
  EXPECT_NE(PlanOf(**connection, "SELECT * FROM prom_invitations WHERE patient = 1 ORDER BY id")
                .find("USING INDEX prom_invitations_by_patient"),
            std::string::npos);
  EXPECT_NE(PlanOf(**connection, "SELECT * FROM prom_responses WHERE patient = 1 ORDER BY id")
                .find("USING INDEX prom_responses_by_patient"),
            std::string::npos);
}

// web (#9): the submission history and the records waiting for a fix read through migration
// 0014's indexes (storage/sql_submission_reads.cc), never by scanning a table.
TEST(SqliteMigrations, SubmissionHistoryAndWaitingForFixAreReadThroughIndexes) {
  auto connection = Connection::Open(":memory:", {});
  ASSERT_TRUE(connection.has_value());
  ASSERT_TRUE(Migrate(**connection, Migrations().back().version).has_value());
  EXPECT_NE(PlanOf(**connection,
                   "SELECT id FROM submissions WHERE submitter = 'RXF' AND id < 9 "
                   "ORDER BY id DESC LIMIT 20")
                .find("USING COVERING INDEX submissions_by_submitter"),
            std::string::npos);
  std::string plan = PlanOf(**connection, std::string(sql::kWaitingForFixQuery));
  EXPECT_NE(plan.find("findings_errors_by_ref"), std::string::npos) << plan;
  EXPECT_NE(plan.find("procedures_by_ref"), std::string::npos) << plan;
  EXPECT_NE(plan.find("submissions_by_submitter"), std::string::npos) << plan;
  // "SCAN f" or "SCAN f USING INDEX …" reads a whole table or index; only the registry-code
  // walk (registry_codes, rc: one row per registry) may be scanned.
  for (const char* alias :
       {"s", "f", "e", "p", "l", "ps", "ls", "procedures", "findings", "submissions"}) {
    for (const char* after : {" ", "\n"}) {
      EXPECT_EQ(plan.find(fmt::format("SCAN {}{}", alias, after)), std::string::npos)
          << alias << "\n"
          << plan;
    }
  }
}

}  // namespace
}  // namespace orp::storage::sqlite
