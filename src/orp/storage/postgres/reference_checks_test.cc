// Migration 0018 (ADR 0007): the references of procedures and implants are checked once per
// statement by triggers, not per row by foreign keys. These tests make sure the checks still
// refuse every dangling reference, through the store's COPY path and through plain SQL, and that
// a referenced parent cannot be deleted.
#include <gtest/gtest.h>

#include "orp/storage/conformance_test.h"
#include "orp/storage/postgres/connection.h"
#include "orp/storage/postgres/postgres_store.h"
#include "orp/storage/postgres/test_schema.h"

namespace orp::storage::postgres {
namespace {

using storage::conformance::SamplePatient;
using storage::conformance::SampleProcedure;
using testing::FreshSchemaUrl;

// A store with one patient and one procedure (with its implants) committed; ids in `stored`.
struct World {
  std::string url;
  std::unique_ptr<Store> store;
  Procedure stored;
};

World MakeWorld() {
  World w;
  w.url = *FreshSchemaUrl();
  w.store = std::move(*OpenStore(w.url));
  auto txn = w.store->Begin();
  auto patient = (*txn)->PutPatient(SamplePatient(1));
  EXPECT_TRUE(patient.has_value());
  w.stored = SampleProcedure("P1", *patient);
  std::vector<Procedure> batch = {w.stored};
  EXPECT_TRUE((*txn)->InsertProcedures(batch).has_value());
  EXPECT_TRUE((*txn)->Commit().has_value());
  w.stored = batch[0];
  return w;
}

std::string ImplantInsert(int64_t procedure, int64_t patient, std::string_view removed_by) {
  return "INSERT INTO implants (procedure, patient, lot, serial, raw_scan, action, laterality, "
         "in_situ, removed_by) VALUES (" +
         std::to_string(procedure) + ", " + std::to_string(patient) +
         ", 'L', 'S', '', 'implanted', 'left', true, " + std::string(removed_by) + ")";
}

TEST(PostgresReferenceChecks, BatchWithAPatientThatIsNotStoredIsRefusedWhole) {
  World w = MakeWorld();
  ASSERT_FALSE(w.stored.implants.empty());
  auto txn = w.store->Begin();
  std::vector<Procedure> batch = {SampleProcedure("P2", w.stored.patient),
                                  SampleProcedure("P3", PatientId{987654})};
  auto inserted = (*txn)->InsertProcedures(batch);
  ASSERT_FALSE(inserted.has_value());
  EXPECT_EQ(inserted.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(inserted.error().message().find("23503"), std::string::npos);
  EXPECT_EQ(w.store->CountRows()->at("procedures"), 1);
}

TEST(PostgresReferenceChecks, ImplantNamingAMissingProcedurePatientOrRemoverIsRefused) {
  World w = MakeWorld();
  auto c = Connection::Open(w.url, "test");
  ASSERT_TRUE(c.has_value());
  const int64_t procedure = w.stored.id.value;
  const int64_t patient = w.stored.patient.value;
  EXPECT_TRUE((*c)->Exec(ImplantInsert(procedure, patient, "NULL")).has_value());
  EXPECT_TRUE((*c)->Exec(ImplantInsert(procedure, patient, std::to_string(procedure))).has_value());
  for (const std::string& sql : {ImplantInsert(procedure + 1000, patient, "NULL"),
                                 ImplantInsert(procedure, patient + 1000, "NULL"),
                                 ImplantInsert(procedure, patient, "424242")}) {
    auto refused = (*c)->Exec(sql);
    ASSERT_FALSE(refused.has_value()) << sql;
    EXPECT_NE(refused.error().message().find("23503"), std::string::npos);
  }
  auto moved = (*c)->Exec("UPDATE implants SET procedure = procedure + 1000");
  ASSERT_FALSE(moved.has_value());
  EXPECT_NE(moved.error().message().find("23503"), std::string::npos);
}

TEST(PostgresReferenceChecks, ProcedureNamingAMissingSubmissionIsRefused) {
  World w = MakeWorld();
  auto c = Connection::Open(w.url, "test");
  ASSERT_TRUE(c.has_value());
  auto refused = (*c)->Exec("UPDATE procedures SET submission = 777777");
  ASSERT_FALSE(refused.has_value());
  EXPECT_NE(refused.error().message().find("23503"), std::string::npos);
  auto unknown_patient = (*c)->Exec("UPDATE procedures SET patient = patient + 1000");
  ASSERT_FALSE(unknown_patient.has_value());
}

TEST(PostgresReferenceChecks, ReferencedPatientOrProcedureCannotBeDeleted) {
  World w = MakeWorld();
  auto c = Connection::Open(w.url, "test");
  ASSERT_TRUE(c.has_value());
  for (const char* sql : {"DELETE FROM procedures", "DELETE FROM patients"}) {
    auto refused = (*c)->Exec(sql);
    ASSERT_FALSE(refused.has_value()) << sql;
    EXPECT_NE(refused.error().message().find("23503"), std::string::npos);
  }
  EXPECT_TRUE((*c)->Exec("DELETE FROM implants; DELETE FROM procedures").has_value());
  EXPECT_TRUE((*c)->Exec("DELETE FROM patients").has_value());
}

}  // namespace
}  // namespace orp::storage::postgres
