#include "orp/proms/answer.h"

#include <fmt/format.h>

#include "orp/proms/bulk.h"
#include "orp/security/secrets.h"

namespace orp::proms {
namespace {

Result<OpenedInvitation> Check(std::optional<storage::PromInvitation> found,
                               const InstrumentSet& instruments, Date today) {
  if (!found || found->status == storage::PromInvitationStatus::kAnswered) {
    return NotFound("this questionnaire link is not valid (it may have been used already)");
  }
  if (found->status != storage::PromInvitationStatus::kOpen || today > found->expires) {
    return FailedPrecondition("this questionnaire link has expired");
  }
  const Instrument* instrument = instruments.Find(found->instrument);
  if (instrument == nullptr) {
    return FailedPrecondition(fmt::format("instrument '{}' is not installed", found->instrument));
  }
  return OpenedInvitation{std::move(*found), instrument};
}

}  // namespace

Result<OpenedInvitation> OpenInvitation(storage::Store& store, const InstrumentSet& instruments,
                                        std::string_view token, Date today) {
  auto found = store.FindPromInvitationByToken(security::Sha256Hex(token));
  if (!found) return std::unexpected(found.error());
  return Check(std::move(*found), instruments, today);
}

Result<storage::PromResponse> AnswerInvitation(storage::Store& store,
                                               const InstrumentSet& instruments,
                                               std::string_view token, const Answers& answers,
                                               Date today) {
  auto tx = store.Begin();
  if (!tx) return std::unexpected(tx.error());
  // Read inside the transaction: two submissions of one link serialise on the writer, and the
  // second sees the retired token.
  auto found = (*tx)->FindPromInvitationByToken(security::Sha256Hex(token));
  if (!found) return std::unexpected(found.error());
  auto opened = Check(std::move(*found), instruments, today);
  if (!opened) return std::unexpected(opened.error());
  ORP_RETURN_IF_ERROR(CheckAnswers(*opened->instrument, answers));
  if (answers.empty()) return InvalidArgument("no question was answered");
  storage::PromInvitation& i = opened->invitation;
  storage::PromResponse response{0,
                                 i.id,
                                 i.registry,
                                 i.procedure,
                                 i.patient,
                                 i.instrument,
                                 opened->instrument->version,
                                 i.months,
                                 today,
                                 FormatAnswers(*opened->instrument, answers),
                                 "link"};
  auto added = (*tx)->AddPromResponse(response);
  if (!added) return std::unexpected(added.error());
  if (!*added)
    return NotFound("this questionnaire link is not valid (it may have been used already)");
  i.status = storage::PromInvitationStatus::kAnswered;
  i.token_hash = fmt::format("used:{}", i.id);  // retired: no token hashes to it
  ORP_RETURN_IF_ERROR((*tx)->UpdatePromInvitation(i));
  ORP_RETURN_IF_ERROR((*tx)->Commit());
  return response;
}

}  // namespace orp::proms
