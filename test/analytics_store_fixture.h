// A small registry written straight into an in-memory SQLite store, for the analytics tests:
// patients, primaries with implanted devices, revisions that remove them, deaths, opt-outs and
// catalogue entries, each committed as its own transaction so the change sequence advances.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "orp/storage/sqlite/sqlite_store.h"
#include "orp/storage/store.h"

namespace orp::testing_store {

inline Date Day(int y, unsigned m, unsigned d) {
  return Date(std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d});
}

inline domain::Gtin TestGtin(int n) {
  std::string payload = "0501234" + std::to_string(100000 + n);
  return *domain::Gtin::Parse(payload + std::to_string(domain::Gtin::CheckDigit(payload)));
}

class RegistryStore {
 public:
  RegistryStore() {
    auto store = storage::sqlite::OpenStore(":memory:");
    EXPECT_TRUE(store.has_value()) << store.error().ToString();
    store_ = std::move(*store);
  }
  storage::Store& store() { return *store_; }

  domain::PatientId Patient(uint8_t seed, bool opted_out = false) {
    domain::Patient p;
    domain::Pseudonym pseudonym;
    pseudonym.bytes.fill(seed);
    p.pseudonym = pseudonym;
    p.opted_out = opted_out;
    auto txn = store_->Begin();
    auto id = (*txn)->PutPatient(p);
    EXPECT_TRUE(id.has_value()) << id.error().ToString();
    EXPECT_TRUE((*txn)->Commit().has_value());
    return *id;
  }

  // A procedure with one implanted device per GTIN (serials made from the ref).
  static domain::Procedure Procedure(std::string registry, std::string ref,
                                     domain::PatientId patient, Date date,
                                     domain::ProcedureType type, const std::vector<int>& gtins) {
    domain::Procedure p;
    p.registry = std::move(registry);
    p.procedure_ref = std::move(ref);
    p.patient = patient;
    p.date = date;
    p.type = type;
    p.provider_site = *domain::OdsSiteCode::Parse("RXF05");
    p.clinician = *domain::GmcNumber::Parse("4123456");
    p.indication = "primary_disease";
    p.fields["urgency"] = "elective";
    for (size_t i = 0; i < gtins.size(); ++i) {
      domain::Implant implant;
      implant.gtin = TestGtin(gtins[i]);
      implant.lot = "L1";
      implant.serial = p.procedure_ref + "-" + std::to_string(i);
      p.implants.push_back(implant);
    }
    return p;
  }

  // Commits the procedures as one submission; returns them with their ids.
  std::vector<domain::Procedure> Submit(const std::string& key,
                                        std::vector<domain::Procedure> procedures) {
    auto start = store_->BeginSubmission({key, "RXF", "", {}});
    EXPECT_TRUE(start.has_value() && start->transaction);
    storage::Transaction& txn = *start->transaction;
    for (domain::Procedure& p : procedures) {
      auto put = txn.PutProcedure(p);
      EXPECT_TRUE(put.has_value()) << put.error().ToString();
    }
    EXPECT_TRUE(txn.FinishSubmission({domain::SubmissionStatus::kAccepted, 1, 1, 0, "{}"}));
    EXPECT_TRUE(txn.Commit().has_value());
    return procedures;
  }

  // A revision on `date` of `patient` that removes the given implants of an earlier primary.
  domain::Procedure Revise(const std::string& key, const std::string& registry,
                           const domain::Procedure& primary, std::vector<size_t> implants,
                           Date date) {
    auto start = store_->BeginSubmission({key, "RXF", "", {}});
    storage::Transaction& txn = *start->transaction;
    domain::Procedure revision = Procedure(registry, key + "-rev", primary.patient, date,
                                           domain::ProcedureType::kRevision, {99});
    EXPECT_TRUE(txn.PutProcedure(revision).has_value());
    std::vector<domain::ImplantId> removed;
    for (size_t i : implants) removed.push_back(primary.implants[i].id);
    EXPECT_TRUE(txn.MarkImplantsRemoved(removed, revision.id, date).has_value());
    EXPECT_TRUE(txn.FinishSubmission({domain::SubmissionStatus::kAccepted, 1, 1, 0, "{}"}));
    EXPECT_TRUE(txn.Commit().has_value());
    return revision;
  }

  void Death(domain::PatientId patient, Date date) {
    auto txn = store_->Begin();
    EXPECT_TRUE((*txn)->RecordDeath(patient, date).has_value());
    EXPECT_TRUE((*txn)->Commit().has_value());
  }

  void Model(int gtin, std::string manufacturer, std::string brand, std::string model) {
    domain::DeviceModel m{TestGtin(gtin),
                          std::move(manufacturer),
                          std::move(brand),
                          std::move(model),
                          "",
                          "breast implant",
                          "III",
                          {"BCIR"},
                          Day(2000, 1, 1),
                          std::nullopt,
                          domain::MarketStatus::kOnMarket,
                          std::nullopt,
                          "",
                          std::nullopt};
    auto txn = store_->Begin();
    EXPECT_TRUE((*txn)->PutDeviceModel(m).has_value());
    EXPECT_TRUE((*txn)->Commit().has_value());
  }

 private:
  std::unique_ptr<storage::Store> store_;
};

}  // namespace orp::testing_store
