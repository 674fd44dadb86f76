// The ingest writer across chunk boundaries (ingest/chunk_writer.h, #4): a patient linked in an
// earlier chunk of a submission is answered from the writer's own map in later chunks, so the
// map must hold what the transaction holds — the same patient id, the demographics the latest
// record gave, and nothing duplicated within the file or against the database.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "orp/domain/nhs_number.h"
#include "orp/domain/registry_loader.h"
#include "orp/ingest/chunk_writer.h"
#include "orp/ingest/pipeline.h"
#include "orp/storage/sqlite/sqlite_store.h"

namespace orp {
namespace {

namespace fs = std::filesystem;

fs::path SourceDir() {
  const char* dir = std::getenv("ORP_SOURCE_DIR");
  return dir ? fs::path(dir) : fs::current_path();
}

// The NHS number with nine leading digits 400000000 + n and its check digit (n chosen so the
// check digit is valid; returns "" otherwise).
std::string NhsNumberFor(int n) {
  const std::string nine = std::to_string(400000000 + n);
  const int check = domain::NhsNumber::CheckDigit(nine);
  return check >= 0 && check <= 9 ? nine + std::to_string(check) : "";
}

constexpr std::string_view kHeader =
    "registry,procedure_ref,provider_site,clinician_gmc,nhs_number,date_of_birth,sex,postcode,"
    "procedure_date,procedure_type,opcs_codes,laterality,indication,device_action,gtin,lot,"
    "serial,expiry,patient_consent,incision_site,implant_plane\n";

std::string Row(const std::string& ref, const std::string& nhs, std::string_view postcode,
                char side) {
  return "BCIR," + ref + ",RXF05,4987654," + nhs + ",1970-02-03,2," + std::string(postcode) +
         ",2020-01-10,primary,B30.1;Z94.2," + side +
         ",cosmetic_augmentation,implanted,09520012000375,L1,S-" + ref +
         ",2025-01-31,true,inframammary,dual_plane\n";
}

class IngestChunks : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("orp_ingest_chunks-" + std::to_string(getpid()));
    fs::create_directories(dir_);
    auto registries = domain::LoadRegistries(SourceDir() / "registries");
    ASSERT_TRUE(registries.has_value());
    auto validator = ingest::Validator::Create(*registries, {});
    ASSERT_TRUE(validator.has_value());
    validator_.emplace(std::move(*validator));
    auto store = storage::sqlite::OpenStore((dir_ / "c.db").string());
    ASSERT_TRUE(store.has_value()) << store.error().message();
    store_ = std::move(*store);
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  // Ingests `rows` as one file; returns the receipt.
  ingest::Receipt Ingest(const std::string& name, const std::string& rows) {
    const fs::path file = dir_ / name;
    std::ofstream(file) << kHeader << rows;
    ingest::IngestOptions options;
    if (known_limit_) options.known_patients_limit = *known_limit_;
    auto r = ingest::IngestFile(*store_, *validator_, pseudonymiser_, file, options);
    EXPECT_TRUE(r.has_value()) << r.error().message();
    return r ? *r : ingest::Receipt{};
  }

  domain::Patient PatientOf(const std::string& ref) {
    auto procedure = store_->FindProcedure("BCIR", ref);
    EXPECT_TRUE(procedure.has_value() && procedure->has_value()) << ref;
    auto patient = store_->FindPatient((*procedure)->patient);
    EXPECT_TRUE(patient.has_value() && patient->has_value()) << ref;
    return **patient;
  }

  void MeetAgainAcrossChunks();

  fs::path dir_;
  std::optional<size_t> known_limit_;  // the writer's map of linked patients; unset: default
  std::optional<ingest::Validator> validator_;
  std::unique_ptr<storage::Store> store_;
  security::Pseudonymiser pseudonymiser_ =
      security::Pseudonymiser::FromSecret(security::Pseudonymiser::Secret{3});
};

TEST_F(IngestChunks, APatientMetAgainInALaterChunkIsTheSamePatientWithTheLatestDemographics) {
  MeetAgainAcrossChunks();
}

// The writer forgets its linked patients past the limit (a memory bound); the ones it forgot are
// read back from the transaction, so linkage is the same.
TEST_F(IngestChunks, AWriterThatForgetsItsPatientsEveryChunkLinksThemTheSame) {
  known_limit_ = 1;
  MeetAgainAcrossChunks();
}

void IngestChunks::MeetAgainAcrossChunks() {
  // Distinct patients fill more than one chunk; patient A opens the file, comes back after the
  // first chunk boundary with a new postcode and once more near the end with the first one.
  std::vector<std::string> numbers;
  for (int n = 0; numbers.size() < ingest::ChunkWriter::kChunkSize + 200; ++n) {
    if (std::string nhs = NhsNumberFor(n); !nhs.empty()) numbers.push_back(nhs);
  }
  const std::string a = numbers.front();
  std::string rows = Row("A-1", a, "LS1 4HT", 'L');
  for (size_t i = 1; i < numbers.size(); ++i) {
    rows += Row("P-" + std::to_string(i), numbers[i], "LS1 4HT", 'L');
    if (i == ingest::ChunkWriter::kChunkSize + 10) rows += Row("A-2", a, "LS2 9JT", 'R');
  }
  ingest::Receipt first = Ingest("first.csv", rows);
  ASSERT_EQ(first.accepted, static_cast<int64_t>(numbers.size() + 1));
  domain::Patient a1 = PatientOf("A-1");
  domain::Patient a2 = PatientOf("A-2");
  EXPECT_EQ(a1.id, a2.id);
  ASSERT_TRUE(a2.postcode.has_value());
  EXPECT_EQ(a2.postcode->canonical(), "LS2 9JT");
  auto stored = store_->FindPatientsByPseudonyms(
      std::vector<domain::Pseudonym>{pseudonymiser_.Pseudonymise(*domain::NhsNumber::Parse(a))});
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->size(), 1u);

  // A second submission meets A first in the database, then twice in its own chunks.
  std::string more = Row("A-3", a, "LS1 4HT", 'L');
  for (size_t i = 1; i <= ingest::ChunkWriter::kChunkSize + 5; ++i) {
    more += Row("Q-" + std::to_string(i), numbers[1 + i % (numbers.size() - 1)], "LS1 4HT", 'L');
  }
  more += Row("A-4", a, "LS2 9JT", 'R');
  ingest::Receipt second = Ingest("second.csv", more);
  ASSERT_EQ(second.accepted, static_cast<int64_t>(ingest::ChunkWriter::kChunkSize + 7));
  EXPECT_EQ(PatientOf("A-3").id, a1.id);
  domain::Patient a4 = PatientOf("A-4");
  EXPECT_EQ(a4.id, a1.id);
  EXPECT_EQ(a4.postcode->canonical(), "LS2 9JT");
  // Every patient of the second file was already stored: nobody new.
  for (size_t i : {size_t{1}, size_t{500}, ingest::ChunkWriter::kChunkSize + 5}) {
    EXPECT_EQ(PatientOf("Q-" + std::to_string(i)).id,
              PatientOf("P-" + std::to_string(1 + i % (numbers.size() - 1))).id);
  }
}

}  // namespace
}  // namespace orp
