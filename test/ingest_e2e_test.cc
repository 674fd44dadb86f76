// End to end: a synthetic registry (orp::synth) ingested through orp::ingest into SQLite. Every
// deliberate error the ground truth lists must be caught on the right procedure and field, and
// no clean procedure may be rejected. CSV and NDJSON must give the same verdicts, a repeat must
// write nothing, and a dry run must write nothing.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "orp/catalogue/catalogue_file.h"
#include "orp/core/suite_set_up.h"
#include "orp/domain/registry_loader.h"
#include "orp/ingest/pipeline.h"
#include "orp/storage/sqlite/sqlite_store.h"
#include "orp/synth/synth.h"

namespace orp {
namespace {

namespace fs = std::filesystem;
using RefField = std::pair<std::string, std::string>;

fs::path SourceDir() {
  const char* dir = std::getenv("ORP_SOURCE_DIR");
  return dir ? fs::path(dir) : fs::current_path();
}

// One generated registry shared by the tests of this file.
class IngestEndToEnd : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // One directory per process: CTest runs each test of this file as its own process, in
    // parallel.
    dir_ = new fs::path(fs::temp_directory_path() / ("orp_ingest_e2e-" + std::to_string(getpid())));
    set_up_.Run([] {
      fs::remove_all(*dir_);
      synth::SynthOptions options;
      options.seed = 11;
      options.procedures = 3000;
      options.out_dir = *dir_;
      options.definitions = SourceDir() / "registries";
      options.error_rate = 0.03;
      Result<synth::SynthSummary> summary = synth::GenerateRegistry(options);
      ASSERT_TRUE(summary.has_value()) << summary.error().message();
    });
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
  }

  void SetUp() override {
    ASSERT_TRUE(set_up_.ok()) << set_up_.failures();
    Result<catalogue::ImportReport> imported = catalogue::ImportCatalogueFile(
        *dir_ / "device-catalogue.csv", Date{std::chrono::year{1900} / 1 / 1}, catalogue_);
    ASSERT_TRUE(imported.has_value()) << imported.error().message();
    Result<domain::RegistrySet> registries = domain::LoadRegistries(SourceDir() / "registries");
    ASSERT_TRUE(registries.has_value());
    ingest::ValidatorOptions options;
    options.catalogue = &catalogue_;
    Result<ingest::Validator> validator = ingest::Validator::Create(*registries, options);
    ASSERT_TRUE(validator.has_value());
    validator_.emplace(std::move(*validator));
  }

  static std::vector<fs::path> Files(std::string_view extension) {
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(*dir_ / "submissions")) {
      if (entry.path().extension() == extension) files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    return files;
  }

  std::unique_ptr<storage::Store> OpenStore() {
    Result<std::unique_ptr<storage::Store>> store = storage::sqlite::OpenStore(":memory:");
    EXPECT_TRUE(store.has_value());
    return std::move(*store);
  }

  // Ingests every file; returns the receipts.
  std::vector<ingest::Receipt> IngestAll(storage::Store& store, std::string_view extension,
                                         ingest::IngestOptions options = {}) {
    std::vector<ingest::Receipt> receipts;
    for (const fs::path& file : Files(extension)) {
      Result<ingest::Receipt> r =
          ingest::IngestFile(store, *validator_, pseudonymiser_, file, options);
      EXPECT_TRUE(r.has_value()) << file << ": " << r.error().message();
      if (r) receipts.push_back(std::move(*r));
    }
    return receipts;
  }

  static std::set<RefField> Errors(const std::vector<ingest::Receipt>& receipts) {
    std::set<RefField> out;
    for (const auto& r : receipts) {
      for (const auto& f : r.findings) {
        if (f.severity == domain::Severity::kError) out.emplace(f.procedure_ref, f.field);
      }
    }
    return out;
  }

  static std::set<RefField> Planted() {
    std::ifstream in(*dir_ / "ground-truth.json");
    nlohmann::json truth = nlohmann::json::parse(in);
    std::set<RefField> out;
    for (const auto& e : truth["errors"]) {
      out.emplace(e["procedure_ref"].get<std::string>(), e["field"].get<std::string>());
    }
    return out;
  }

  static inline fs::path* dir_ = nullptr;
  static inline SuiteSetUp set_up_;
  catalogue::Catalogue catalogue_;
  std::optional<ingest::Validator> validator_;
  security::Pseudonymiser pseudonymiser_ =
      security::Pseudonymiser::FromSecret(security::Pseudonymiser::Secret{7});
};

TEST_F(IngestEndToEnd, EveryPlantedErrorIsCaughtAndNoCleanProcedureIsRejected) {
  std::unique_ptr<storage::Store> store = OpenStore();
  std::vector<ingest::Receipt> receipts = IngestAll(*store, ".csv");
  const std::set<RefField> planted = Planted();
  ASSERT_FALSE(planted.empty());
  const std::set<RefField> errors = Errors(receipts);
  for (const RefField& p : planted) {
    EXPECT_TRUE(errors.contains(p)) << "missed " << p.first << " " << p.second;
  }
  std::set<std::string> planted_refs;
  for (const RefField& p : planted) planted_refs.insert(p.first);
  for (const RefField& e : errors) {
    EXPECT_TRUE(planted_refs.contains(e.first))
        << "clean procedure " << e.first << " rejected on " << e.second;
  }
  int64_t rejected = 0;
  for (const auto& r : receipts) rejected += r.rejected;
  EXPECT_EQ(rejected, static_cast<int64_t>(planted_refs.size()));
}

TEST_F(IngestEndToEnd, NdjsonGivesTheSameVerdictsAsCsv) {
  std::unique_ptr<storage::Store> csv_store = OpenStore();
  std::unique_ptr<storage::Store> ndjson_store = OpenStore();
  std::vector<ingest::Receipt> csv = IngestAll(*csv_store, ".csv");
  std::vector<ingest::Receipt> ndjson = IngestAll(*ndjson_store, ".ndjson");
  EXPECT_EQ(Errors(csv), Errors(ndjson));
  EXPECT_EQ(csv_store->CountRows().value(), ndjson_store->CountRows().value());
}

TEST_F(IngestEndToEnd, ARepeatReturnsTheFirstReceiptAndWritesNothing) {
  std::unique_ptr<storage::Store> store = OpenStore();
  std::vector<ingest::Receipt> first = IngestAll(*store, ".csv");
  storage::TableCounts before = store->CountRows().value();
  std::vector<ingest::Receipt> again = IngestAll(*store, ".csv");
  ASSERT_EQ(first.size(), again.size());
  for (size_t i = 0; i < first.size(); ++i) {
    EXPECT_EQ(again[i].status, "duplicate");
    EXPECT_EQ(again[i].submission_id, first[i].submission_id);
    EXPECT_EQ(again[i].accepted, first[i].accepted);
  }
  EXPECT_EQ(store->CountRows().value(), before);
}

TEST_F(IngestEndToEnd, DryRunAndAllOrNothingWriteNoProcedures) {
  std::unique_ptr<storage::Store> store = OpenStore();
  storage::TableCounts empty = store->CountRows().value();
  ingest::IngestOptions dry;
  dry.dry_run = true;
  std::vector<ingest::Receipt> dry_receipts = IngestAll(*store, ".csv", dry);
  EXPECT_EQ(store->CountRows().value(), empty);
  ASSERT_FALSE(dry_receipts.empty());
  EXPECT_FALSE(dry_receipts[0].submission_id.has_value());
  ingest::IngestOptions strict;
  strict.all_or_nothing = true;
  for (const auto& r : IngestAll(*store, ".csv", strict)) {
    if (r.status == "rejected") {
      EXPECT_EQ(r.accepted, 0);
    }
  }
  int64_t procedures = 0;
  Result<void> streamed = store->ForEachProcedure({}, [&](const domain::Procedure& p) {
    ++procedures;
    return !p.procedure_ref.empty();
  });
  ASSERT_TRUE(streamed.has_value());
  int64_t accepted = 0;
  for (const auto& r : dry_receipts) accepted += r.rejected == 0 ? r.accepted : 0;
  EXPECT_EQ(procedures, accepted);
}

TEST_F(IngestEndToEnd, RevisionsRemoveImplantsAndDeathsCloseFollowUp) {
  std::unique_ptr<storage::Store> store = OpenStore();
  IngestAll(*store, ".csv");
  Result<ingest::Receipt> deaths =
      ingest::IngestDeathsFile(*store, pseudonymiser_, *dir_ / "deaths.csv", {});
  ASSERT_TRUE(deaths.has_value()) << deaths.error().message();
  EXPECT_GT(deaths->accepted, 0);
  int64_t removed = 0;
  int64_t revisions = 0;
  Result<void> streamed = store->ForEachProcedure({}, [&](const domain::Procedure& p) {
    revisions += p.type == domain::ProcedureType::kRevision;
    for (const auto& i : p.implants) removed += i.removed_by.has_value();
    return true;
  });
  ASSERT_TRUE(streamed.has_value());
  EXPECT_GT(revisions, 0);
  EXPECT_GT(removed, 0);
  storage::TableCounts counts = store->CountRows().value();
  EXPECT_GT(counts["outcome_events"], 0);
}

// The worked example of docs/submission-format.md: the left revision names the implant it
// removes by GTIN, lot and serial; that one implant leaves situ, its partner stays.
TEST_F(IngestEndToEnd, AnExplantNamingTheDeviceRemovesThatExactImplant) {
  std::unique_ptr<storage::Store> store = OpenStore();
  // Its devices are not in the synthetic catalogue: validate without one.
  Result<ingest::Validator> validator =
      ingest::Validator::Create(domain::LoadRegistries(SourceDir() / "registries").value(), {});
  ASSERT_TRUE(validator.has_value());
  Result<ingest::Receipt> r = ingest::IngestFile(
      *store, *validator, pseudonymiser_, SourceDir() / "test/data/ingest/worked_example.csv", {});
  ASSERT_TRUE(r.has_value()) << r.error().message();
  EXPECT_EQ(r->accepted, 2);
  auto primary = store->FindProcedure("BCIR", "NT451-00000017");
  auto revision = store->FindProcedure("BCIR", "RXF05-00004711");
  ASSERT_TRUE(primary.has_value() && primary->has_value());
  ASSERT_TRUE(revision.has_value() && revision->has_value());
  EXPECT_EQ((*primary)->patient, (*revision)->patient);
  ASSERT_EQ((*primary)->implants.size(), 2u);
  for (const domain::Implant& implant : (*primary)->implants) {
    if (implant.serial == "BCL0000451") {
      EXPECT_FALSE(implant.in_situ);
      EXPECT_EQ(implant.removed_by, (*revision)->id);
    } else {
      EXPECT_TRUE(implant.in_situ) << implant.serial;
    }
  }
}

// Without an NHS number a record links on date of birth, sex and postcode only when exactly one
// stored patient matches: the first procedure makes a new patient (listed for review), the
// second links to it.
TEST_F(IngestEndToEnd, RecordsWithoutAnNhsNumberLinkOnAUniqueDemographicMatch) {
  std::unique_ptr<storage::Store> store = OpenStore();
  Result<ingest::Validator> validator =
      ingest::Validator::Create(domain::LoadRegistries(SourceDir() / "registries").value(), {});
  ASSERT_TRUE(validator.has_value());
  Result<ingest::Receipt> r = ingest::IngestFile(
      *store, *validator, pseudonymiser_, SourceDir() / "test/data/ingest/no_nhs_number.csv", {});
  ASSERT_TRUE(r.has_value()) << r.error().message();
  ASSERT_EQ(r->accepted, 2);
  auto first = store->FindProcedure("BCIR", "RXF05-1");
  auto second = store->FindProcedure("BCIR", "RXF05-2");
  ASSERT_TRUE(first.has_value() && first->has_value() && second.has_value() && second->has_value());
  EXPECT_EQ((*first)->patient, (*second)->patient);
  std::vector<std::string> review;
  for (const auto& f : r->findings) {
    if (f.rule == "linkage.no_unique_match") review.push_back(f.procedure_ref);
  }
  EXPECT_EQ(review, std::vector<std::string>{"RXF05-1"});
}

}  // namespace
}  // namespace orp
