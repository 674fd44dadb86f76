// The Store conformance suite: one set of behaviours every backend must show, written against
// storage/store.h only. A backend's test instantiates it with its own StoreMaker:
//
//   INSTANTIATE_TEST_SUITE_P(Sqlite, StoreConformance, testing::Values(StoreMaker{...}));
//
// Sources: conformance_records_test.cc (entities round trip, catalogue, linkage queries),
// conformance_submissions_test.cc (idempotency, versions, audit, streaming, fault injection) and
// conformance_catalogue_test.cc (market status, recorded dates and HIBCC DIs, issue #3).
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "orp/storage/store.h"

namespace orp::storage::conformance {

struct StoreMaker {
  std::string name;  // shown in test names: "memory", "file"
  std::function<Result<std::unique_ptr<Store>>()> open;
};

class StoreConformance : public ::testing::TestWithParam<StoreMaker> {
 protected:
  void SetUp() override;

  // Commits one submission with the given key holding `procedures` (patients created as needed).
  SubmissionId Submit(const std::string& key, std::vector<Procedure> procedures);
  PatientId AddPatient(const Patient& patient);

  std::unique_ptr<Store> store_;
};

// Sample entities with every field set.
Patient SamplePatient(uint8_t seed);
Procedure SampleProcedure(const std::string& ref, PatientId patient);
Gtin SampleGtin(int n);  // distinct valid GTINs
// An on-market breast implant model from Acme, with every descriptive attribute set.
DeviceModel SampleDeviceModel(const DeviceId& device, Date valid_from);
Date Day(int y, unsigned m, unsigned d);

// Names a StoreMaker in parameterised test names and in CTest's listing.
std::string MakerName(const ::testing::TestParamInfo<StoreMaker>& info);
inline void PrintTo(const StoreMaker& maker, std::ostream* os) { *os << maker.name; }

}  // namespace orp::storage::conformance
