// Store conformance: the change-sequence streams analytics refreshes cohorts with (analytics6,
// #6) — a refresh sees exactly the changed procedures of the asked registry and the changed
// patients, whatever index or query shape a backend uses to find them.
#include <gmock/gmock.h>

#include "orp/storage/conformance_test.h"

namespace orp::storage::conformance {
namespace {

using ::testing::ElementsAre;

std::vector<std::string> Refs(Store& store, const ProcedureFilter& filter) {
  std::vector<std::string> refs;
  EXPECT_TRUE(store
                  .ForEachProcedure(filter,
                                    [&](const Procedure& p) {
                                      refs.push_back(p.registry + "/" + p.procedure_ref);
                                      return true;
                                    })
                  .has_value());
  return refs;
}

TEST_P(StoreConformance, ChangedAfterKeepsToTheRegistryAndBringsEachProcedureOnceWithItsImplants) {
  PatientId a = AddPatient(SamplePatient(1));
  PatientId b = AddPatient(SamplePatient(2));
  Procedure nrhi = SampleProcedure("N1", a);
  nrhi.registry = "NRHI";
  Submit("k1", {SampleProcedure("B1", a), SampleProcedure("B2", b), nrhi});
  const int64_t built_at = *store_->LastChange();
  Procedure b1 = store_->FindProcedure("BCIR", "B1")->value();
  Procedure nrhi2 = SampleProcedure("N2", b);
  nrhi2.registry = "NRHI";
  Submit("k2", {SampleProcedure("B3", b), nrhi2});
  {
    // B1's implant removed: B1 changes through its implant only, in the same transaction as a
    // death; B3 changes as a row and through its implant.
    auto txn = store_->Begin();
    const ProcedureId by = (*txn)->FindProcedure("BCIR", "B3")->value().id;
    const ImplantId removed[] = {b1.implants[0].id};
    ASSERT_TRUE((*txn)->MarkImplantsRemoved(removed, by, Day(2026, 3, 1)).has_value());
    ASSERT_TRUE((*txn)->RecordDeath(a, Day(2026, 4, 1)).has_value());
    ASSERT_TRUE((*txn)->Commit().has_value());
  }
  EXPECT_THAT(Refs(*store_, {"BCIR", built_at}), ElementsAre("BCIR/B1", "BCIR/B3"));
  EXPECT_THAT(Refs(*store_, {"NRHI", built_at}), ElementsAre("NRHI/N2"));
  EXPECT_THAT(Refs(*store_, {"", built_at}), ElementsAre("BCIR/B1", "BCIR/B3", "NRHI/N2"));
  EXPECT_THAT(Refs(*store_, {"BCIR", 0}), ElementsAre("BCIR/B1", "BCIR/B2", "BCIR/B3"));
  ASSERT_TRUE(store_
                  ->ForEachProcedure({"BCIR", built_at},
                                     [&](const Procedure& p) {
                                       EXPECT_EQ(p.implants.size(), 1u) << p.procedure_ref;
                                       if (p.procedure_ref == "B1") {
                                         EXPECT_FALSE(p.implants[0].in_situ);
                                       }
                                       return true;
                                     })
                  .has_value());
  std::vector<PatientId> patients;
  ASSERT_TRUE(store_
                  ->ForEachPatient(built_at,
                                   [&](const Patient& p) {
                                     patients.push_back(p.id);
                                     return true;
                                   })
                  .has_value());
  EXPECT_THAT(patients, ElementsAre(a));
  EXPECT_TRUE(Refs(*store_, {"BCIR", *store_->LastChange()}).empty());
}

}  // namespace
}  // namespace orp::storage::conformance
