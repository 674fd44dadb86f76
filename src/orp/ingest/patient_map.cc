#include "orp/ingest/patient_map.h"

#include <cstring>

namespace orp::ingest {

uint64_t PatientMap::Hash(const domain::Pseudonym& pseudonym) {
  uint64_t hash = 0;
  std::memcpy(&hash, pseudonym.bytes.data(), sizeof hash);
  return hash;
}

PatientMap::Slot& PatientMap::SlotFor(const domain::Pseudonym& pseudonym, uint64_t hash) {
  const size_t mask = slots_.size() - 1;
  const auto tag = static_cast<uint32_t>(hash >> 32);
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    Slot& slot = slots_[i];
    if (slot.position == 0) return slot;
    if (slot.tag == tag && *patients_[slot.position - 1].pseudonym == pseudonym) return slot;
  }
}

domain::Patient* PatientMap::Find(const domain::Pseudonym& pseudonym) {
  if (slots_.empty()) return nullptr;
  Slot& slot = SlotFor(pseudonym, Hash(pseudonym));
  return slot.position == 0 ? nullptr : &patients_[slot.position - 1];
}

void PatientMap::Add(domain::Patient patient) {
  if (2 * (patients_.size() + 1) > slots_.size()) Grow();
  const uint64_t hash = Hash(*patient.pseudonym);
  Slot& slot = SlotFor(*patient.pseudonym, hash);
  if (slot.position != 0) return;
  patients_.push_back(std::move(patient));
  slot = {static_cast<uint32_t>(patients_.size()), static_cast<uint32_t>(hash >> 32)};
}

void PatientMap::Grow() {
  slots_.assign(slots_.empty() ? 1024 : 2 * slots_.size(), Slot{});
  for (size_t n = 0; n < patients_.size(); ++n) {
    const uint64_t hash = Hash(*patients_[n].pseudonym);
    SlotFor(*patients_[n].pseudonym, hash) = {static_cast<uint32_t>(n + 1),
                                              static_cast<uint32_t>(hash >> 32)};
  }
}

void PatientMap::Clear() {
  patients_.clear();
  slots_.assign(slots_.size(), Slot{});
}

}  // namespace orp::ingest
