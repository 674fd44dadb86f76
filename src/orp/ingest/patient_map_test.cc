#include "orp/ingest/patient_map.h"

#include <gtest/gtest.h>

namespace orp::ingest {
namespace {

domain::Pseudonym PseudonymOf(int n, uint8_t tail = 0) {
  domain::Pseudonym p;
  p.bytes[0] = static_cast<uint8_t>(n);
  p.bytes[1] = static_cast<uint8_t>(n >> 8);
  p.bytes[2] = static_cast<uint8_t>(n >> 16);
  p.bytes[31] = tail;
  return p;
}

domain::Patient PatientOf(const domain::Pseudonym& p, int64_t id) {
  domain::Patient patient;
  patient.id.value = id;
  patient.pseudonym = p;
  return patient;
}

TEST(PatientMap, FindsEveryPatientAddedAcrossGrowthAndNoOther) {
  PatientMap map;
  for (int n = 0; n < 5000; ++n) map.Add(PatientOf(PseudonymOf(n), n + 1));
  EXPECT_EQ(map.size(), 5000u);
  for (int n = 0; n < 5000; ++n) {
    domain::Patient* found = map.Find(PseudonymOf(n));
    ASSERT_NE(found, nullptr) << n;
    EXPECT_EQ(found->id.value, n + 1);
  }
  EXPECT_EQ(map.Find(PseudonymOf(5000)), nullptr);
}

TEST(PatientMap, PseudonymsWithTheSameHashBytesAreStillTwoPatients) {
  PatientMap map;
  // The same first eight bytes (the hash and the tag), differing only in the last byte.
  map.Add(PatientOf(PseudonymOf(7, 1), 1));
  map.Add(PatientOf(PseudonymOf(7, 2), 2));
  EXPECT_EQ(map.Find(PseudonymOf(7, 1))->id.value, 1);
  EXPECT_EQ(map.Find(PseudonymOf(7, 2))->id.value, 2);
  EXPECT_FALSE(map.Contains(PseudonymOf(7, 3)));
}

TEST(PatientMap, AddingAKnownPseudonymKeepsTheFirstAndClearForgetsAll) {
  PatientMap map;
  map.Add(PatientOf(PseudonymOf(1), 10));
  map.Add(PatientOf(PseudonymOf(1), 20));
  EXPECT_EQ(map.size(), 1u);
  EXPECT_EQ(map.Find(PseudonymOf(1))->id.value, 10);
  map.Clear();
  EXPECT_EQ(map.size(), 0u);
  EXPECT_FALSE(map.Contains(PseudonymOf(1)));
  map.Add(PatientOf(PseudonymOf(1), 30));
  EXPECT_EQ(map.Find(PseudonymOf(1))->id.value, 30);
}

}  // namespace
}  // namespace orp::ingest
