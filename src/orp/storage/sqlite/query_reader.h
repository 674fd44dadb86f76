// QueryReader<Base>: implements every Reader query of Base (Store or Transaction) on Queries,
// taking the read lock the derived class supplies (the store's mutex for a Store; nothing for a
// Transaction, which already holds it).
#pragma once

#include <atomic>
#include <mutex>
#include <thread>
#include <utility>

#include "orp/storage/sqlite/queries.h"
#include "orp/storage/store.h"

namespace orp::storage::sqlite {

// Holds a store's mutex and records the holding thread, so that a thread calling back into a
// store it already holds gets an error instead of a deadlock. Invariant: `owner` is the id of the
// thread holding `mu`, or the default id when nobody does. An empty StoreLock holds nothing.
class StoreLock {
 public:
  StoreLock() = default;
  StoreLock(std::mutex& mu, std::atomic<std::thread::id>& owner) : mu_(&mu), owner_(&owner) {
    mu.lock();
    owner.store(std::this_thread::get_id());
  }
  StoreLock(StoreLock&& other) noexcept
      : mu_(std::exchange(other.mu_, nullptr)), owner_(other.owner_) {}
  StoreLock& operator=(StoreLock&&) = delete;
  ~StoreLock() { Release(); }

  void Release() {
    if (mu_ == nullptr) return;
    owner_->store(std::thread::id());
    std::exchange(mu_, nullptr)->unlock();
  }

 private:
  std::mutex* mu_ = nullptr;
  std::atomic<std::thread::id>* owner_ = nullptr;
};

template <typename Base>
class QueryReader : public Base {
 public:
  Result<std::optional<Patient>> FindPatient(PatientId id) override {
    return Read([&](Queries& q) { return q.FindPatient(id); });
  }
  Result<std::optional<Patient>> FindPatientByPseudonym(const Pseudonym& pseudonym) override {
    return Read([&](Queries& q) { return q.FindPatientByPseudonym(pseudonym); });
  }
  Result<std::vector<Patient>> FindPatientsByDemographics(const DemographicKey& key,
                                                          int limit) override {
    return Read([&](Queries& q) { return q.FindPatientsByDemographics(key, limit); });
  }
  Result<std::optional<Organisation>> FindOrganisation(const OdsCode& code) override {
    return Read([&](Queries& q) { return q.FindOrganisation(code); });
  }
  Result<std::optional<Organisation>> FindOrganisationOfSite(const OdsSiteCode& site) override {
    return Read([&](Queries& q) { return q.FindOrganisationOfSite(site); });
  }
  Result<std::optional<Clinician>> FindClinician(const GmcNumber& gmc) override {
    return Read([&](Queries& q) { return q.FindClinician(gmc); });
  }
  Result<std::optional<DeviceModel>> FindDeviceModel(const Gtin& gtin,
                                                     std::optional<Date> on) override {
    return Read([&](Queries& q) { return q.FindDeviceModel(gtin, on); });
  }
  Result<std::vector<DeviceModel>> DeviceModelHistory(const Gtin& gtin) override {
    return Read([&](Queries& q) { return q.DeviceModelHistory(gtin); });
  }
  Result<std::optional<Procedure>> FindProcedure(std::string_view registry,
                                                 std::string_view ref) override {
    return Read([&](Queries& q) { return q.FindProcedure(registry, ref); });
  }
  Result<std::optional<Procedure>> FindProcedureById(ProcedureId id) override {
    return Read([&](Queries& q) { return q.FindProcedureById(id); });
  }
  Result<std::vector<Procedure>> ProcedureHistory(std::string_view registry,
                                                  std::string_view ref) override {
    return Read([&](Queries& q) { return q.ProcedureHistory(registry, ref); });
  }
  Result<std::vector<Implant>> ImplantsInSitu(const InSituQuery& query) override {
    return Read([&](Queries& q) { return q.ImplantsInSitu(query); });
  }
  Result<std::vector<Implant>> FindImplantsByDevice(const Gtin& gtin, std::string_view lot,
                                                    std::string_view serial) override {
    return Read([&](Queries& q) { return q.FindImplantsByDevice(gtin, lot, serial); });
  }
  Result<void> ForEachProcedure(const ProcedureFilter& filter,
                                const Visitor<Procedure>& visit) override {
    return Read([&](Queries& q) { return q.ForEachProcedure(filter, visit); });
  }
  Result<std::vector<OutcomeEvent>> OutcomeEventsOf(PatientId patient) override {
    return Read([&](Queries& q) { return q.OutcomeEventsOf(patient); });
  }
  Result<std::optional<Submission>> FindSubmission(SubmissionId id) override {
    return Read([&](Queries& q) { return q.FindSubmission(id); });
  }
  Result<std::optional<Submission>> FindSubmissionByKey(std::string_view key) override {
    return Read([&](Queries& q) { return q.FindSubmissionByKey(key); });
  }
  Result<std::vector<Finding>> FindingsOf(SubmissionId id) override {
    return Read([&](Queries& q) { return q.FindingsOf(id); });
  }
  Result<std::optional<AuditRecord>> LastAuditRecord() override {
    return Read([&](Queries& q) { return q.LastAuditRecord(); });
  }
  Result<void> ForEachAuditRecord(int64_t after_seq, const Visitor<AuditRecord>& visit) override {
    return Read([&](Queries& q) { return q.ForEachAuditRecord(after_seq, visit); });
  }
  Result<TableCounts> CountRows() override {
    return Read([&](Queries& q) { return q.CountRows(); });
  }

 protected:
  virtual Queries& queries() = 0;
  virtual Result<StoreLock> ReadLock() = 0;

 private:
  template <typename F>
  auto Read(F f) -> decltype(f(std::declval<Queries&>())) {
    auto lock = ReadLock();
    if (!lock) return std::unexpected(lock.error());
    return f(queries());
  }
};

}  // namespace orp::storage::sqlite
