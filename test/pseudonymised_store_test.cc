// Security and storage together: a patient stored through the pseudonymiser leaves neither the
// NHS number nor the key secret anywhere in the database file, and an authorised reader with
// the key file gets the NHS number back from what was stored.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "orp/security/pseudonymiser.h"
#include "orp/storage/sqlite/sqlite_store.h"

namespace orp {
namespace {

namespace fs = std::filesystem;

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(PseudonymisedStore, NeitherTheNhsNumberNorTheKeyReachesTheDatabase) {
  fs::path dir = fs::path(::testing::TempDir()) / ("orp-pseudo-" + std::to_string(getpid()));
  fs::create_directories(dir);
  fs::path key_file = dir / "orp.key";
  fs::path db = dir / "orp.db";
  auto pseudonymiser = security::Pseudonymiser::OpenOrCreate(key_file);
  ASSERT_TRUE(pseudonymiser.has_value()) << pseudonymiser.error().ToString();
  auto nhs = *domain::NhsNumber::Parse("9434765919");
  domain::PatientId id;
  {
    auto store = storage::sqlite::OpenStore(db.string());
    ASSERT_TRUE(store.has_value());
    auto protect = pseudonymiser->Protect(nhs);
    ASSERT_TRUE(protect.has_value());
    domain::Patient patient;
    patient.pseudonym = protect->first;
    patient.nhs_number = protect->second;
    auto txn = (*store)->Begin();
    id = *(*txn)->PutPatient(patient);
    ASSERT_TRUE((*txn)->Commit().has_value());
  }
  std::string bytes = ReadAll(db) + ReadAll(db.string() + "-wal");
  std::string key_text = ReadAll(key_file);
  std::string secret_hex = key_text.substr(key_text.find(' ') + 1, 64);
  std::string secret;
  for (size_t i = 0; i < 64; i += 2)
    secret += char(std::stoi(secret_hex.substr(i, 2), nullptr, 16));
  EXPECT_EQ(bytes.find(nhs.digits()), std::string::npos);
  EXPECT_EQ(bytes.find(secret_hex), std::string::npos);
  EXPECT_EQ(bytes.find(secret), std::string::npos);

  auto store = storage::sqlite::OpenStore(db.string());
  auto stored = (*store)->FindPatientByPseudonym(pseudonymiser->Pseudonymise(nhs));
  ASSERT_TRUE(stored.has_value() && stored->has_value());
  EXPECT_EQ((*stored)->id, id);
  auto reader = security::Pseudonymiser::Open(key_file);
  EXPECT_EQ(*reader->Decrypt(*(*stored)->nhs_number, *(*stored)->pseudonym), nhs);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace orp
