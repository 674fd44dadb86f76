// What a questionnaire link does (the back end of GET/POST /api/v1/proms/invitations/{token},
// which the web app will call): open an invitation by its token and answer it once.
//
// The token is hashed (SHA-256) and looked up; the raw token is never stored or logged.
// OpenInvitation returns the instrument to show; AnswerInvitation validates the answers
// (scoring.h CheckAnswers), stores the response (source "link"), marks the invitation answered
// and retires the token in one transaction, so a second use of the link is refused.
//
// Errors: kNotFound for an unknown or replaced token (the same answer for each, so a guesser
// learns nothing); kFailedPrecondition for a token already used (its hash is kept as
// "used:<hash>", so only the holder of the token can learn that), or an expired or withdrawn
// invitation;
// kInvalidArgument for answers the instrument does not allow; store errors as the store gives.
#pragma once

#include <string_view>

#include "orp/core/date.h"
#include "orp/core/result.h"
#include "orp/proms/instrument_loader.h"
#include "orp/proms/scoring.h"
#include "orp/storage/store.h"

namespace orp::proms {

struct OpenedInvitation {
  storage::PromInvitation invitation;
  const Instrument* instrument = nullptr;  // points into the InstrumentSet
};

Result<OpenedInvitation> OpenInvitation(storage::Store& store, const InstrumentSet& instruments,
                                        std::string_view token, Date today);

Result<storage::PromResponse> AnswerInvitation(storage::Store& store,
                                               const InstrumentSet& instruments,
                                               std::string_view token, const Answers& answers,
                                               Date today);

// The same for a signed-in patient answering from their own page (no link): the invitation by
// its number, which must be the patient's own (kNotFound otherwise, as for an unknown one).
// Answering retires the invitation's link too; the response's source is "patient-page".
Result<OpenedInvitation> OpenPatientInvitation(storage::Store& store,
                                               const InstrumentSet& instruments,
                                               domain::PatientId patient, int64_t invitation,
                                               Date today);
Result<storage::PromResponse> AnswerPatientInvitation(storage::Store& store,
                                                      const InstrumentSet& instruments,
                                                      domain::PatientId patient, int64_t invitation,
                                                      const Answers& answers, Date today);

}  // namespace orp::proms
