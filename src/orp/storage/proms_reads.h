// One patient's PROMs read through an index (proms, #11): their invitations and their responses,
// for the patient's own page, without reading every open invitation and every response of the
// registry (migration 0012 indexes both tables by patient).
//
// It is a side interface, not a Reader method: both SQL backends' readers, stores and
// transactions implement it (sql_forwarding.h, SharedReader; the queries are written once in
// sql_proms_reads.cc), and a caller asks for it with AsPromsReads(reader). Wrappers that do not
// (ForwardingReader, ReadReplicaStore, FaultInjectingStore) answer nullptr, and the caller falls
// back to the registry-wide lists — same result, slower. Kept out of store.h on purpose: every
// file of the project includes store.h.
//
// Holds a patient's answers (identifiable with the patient): the caller audits the read.
// Thread safety: as the reader it comes from.
#pragma once

#include <vector>

#include "orp/core/result.h"
#include "orp/domain/entities.h"
#include "orp/storage/proms.h"

namespace orp::storage {

class Reader;

class PromsReads {
 public:
  // Every invitation of the patient, of any status, in id order.
  virtual Result<std::vector<PromInvitation>> PromInvitationsOfPatient(
      domain::PatientId patient) = 0;
  // Every response of the patient (link and bulk), in id order.
  virtual Result<std::vector<PromResponse>> PromResponsesOfPatient(domain::PatientId patient) = 0;

 protected:
  ~PromsReads() = default;
};

// The reader's indexed PROMs read, or nullptr when it has none.
PromsReads* AsPromsReads(Reader& reader);

}  // namespace orp::storage
