// Test-only: the store rows the PROMs tests start from — a patient with a primary procedure
// and an invitation to a questionnaire after it — shared by the participation and the
// questionnaire-link tests.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "orp/storage/store.h"

namespace orp::proms::fixtures {

// A patient (every pseudonym byte `seed`) and their BCIR primary `ref` on `date` with one
// implant, at `site` when given; written in `tx`. Returns the procedure with its ids set.
inline domain::Procedure PutPatientAndPrimary(storage::Transaction& tx, const std::string& ref,
                                              uint8_t seed, Date date,
                                              const std::string& site = "") {
  domain::Patient patient;
  domain::Pseudonym pseudonym;
  pseudonym.bytes.fill(seed);
  patient.pseudonym = pseudonym;
  domain::Procedure p;
  p.registry = "BCIR";
  p.procedure_ref = ref;
  if (!site.empty()) p.provider_site = *domain::OdsSiteCode::Parse(site);
  auto id = tx.PutPatient(patient);
  EXPECT_TRUE(id.has_value());
  p.patient = id.value_or(domain::PatientId{});
  p.date = date;
  p.implants.emplace_back();
  EXPECT_TRUE(tx.PutProcedure(p).has_value());
  return p;
}

// An open PAIN-NRS invitation of `p` at 6 months, invited on `due`, its link closing on
// `expires`, its token stored as `token_hash`. Not yet stored.
inline storage::PromInvitation PainInvitation(const domain::Procedure& p, Date due, Date expires,
                                              const std::string& token_hash) {
  storage::PromInvitation i;
  i.registry = "BCIR";
  i.procedure = p.id;
  i.patient = p.patient;
  i.instrument = "PAIN-NRS";
  i.months = 6;
  i.due = i.invited = due;
  i.expires = expires;
  i.token_hash = token_hash;
  return i;
}

}  // namespace orp::proms::fixtures
