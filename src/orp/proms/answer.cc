#include "orp/proms/answer.h"

#include <fmt/format.h>

#include <functional>

#include "orp/proms/bulk.h"
#include "orp/security/secrets.h"

namespace orp::proms {
namespace {

constexpr std::string_view kUsedPrefix = "used:";
constexpr std::string_view kAlreadyAnswered =
    "this questionnaire has already been answered with this link (a link can be used once); "
    "thank you";

// Finds the invitation to answer, through the reader it is given (the store, or the
// transaction that will answer it).
using Locator = std::function<Result<std::optional<storage::PromInvitation>>(storage::Reader&)>;

// An unknown token, or one a later message replaced: the same answer for each, so a guesser
// learns nothing. A used token keeps its hash behind a prefix, so only its holder can tell
// that it was used.
Result<std::optional<storage::PromInvitation>> FindByToken(storage::Reader& reader,
                                                           std::string_view token) {
  const std::string hash = security::Sha256Hex(token);
  auto found = reader.FindPromInvitationByToken(hash);
  if (!found || *found) return found;
  auto used = reader.FindPromInvitationByToken(fmt::format("{}{}", kUsedPrefix, hash));
  if (!used) return std::unexpected(used.error());
  if (*used) return FailedPrecondition(std::string(kAlreadyAnswered));
  return std::optional<storage::PromInvitation>();
}

// The patient's own invitation with this number; none when it is another patient's. Reads the
// open invitations (the only ones that can be answered).
Result<std::optional<storage::PromInvitation>> FindForPatient(storage::Reader& reader,
                                                              domain::PatientId patient,
                                                              int64_t invitation) {
  auto open = reader.ListPromInvitations({"", storage::PromInvitationStatus::kOpen});
  if (!open) return std::unexpected(open.error());
  for (storage::PromInvitation& i : *open) {
    if (i.id == invitation && i.patient == patient) {
      return std::optional<storage::PromInvitation>(std::move(i));
    }
  }
  return std::optional<storage::PromInvitation>();
}

Result<OpenedInvitation> Check(std::optional<storage::PromInvitation> found,
                               const InstrumentSet& instruments, Date today) {
  if (!found)
    return NotFound(
        "this questionnaire link is not valid (a newer message may have "
        "replaced it; please use the link in the latest one)");
  if (found->status == storage::PromInvitationStatus::kAnswered) {
    return FailedPrecondition(std::string(kAlreadyAnswered));
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

Result<OpenedInvitation> Open(storage::Store& store, const InstrumentSet& instruments,
                              const Locator& locate, Date today) {
  auto found = locate(store);
  if (!found) return std::unexpected(found.error());
  return Check(std::move(*found), instruments, today);
}

// Stores the response with `source` ("link", or "patient-page" for a signed-in patient).
Result<storage::PromResponse> Answer(storage::Store& store, const InstrumentSet& instruments,
                                     const Locator& locate, const Answers& answers, Date today,
                                     std::string source) {
  auto tx = store.Begin();
  if (!tx) return std::unexpected(tx.error());
  // Read inside the transaction: two submissions of one link serialise on the writer, and the
  // second sees the retired token.
  auto found = locate(**tx);
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
                                 std::move(source)};
  auto added = (*tx)->AddPromResponse(response);
  if (!added) return std::unexpected(added.error());
  if (!*added) return FailedPrecondition(std::string(kAlreadyAnswered));
  i.status = storage::PromInvitationStatus::kAnswered;
  // Retired: no token hashes to it, but its holder can still be told it was used.
  i.token_hash = fmt::format("{}{}", kUsedPrefix, i.token_hash);
  ORP_RETURN_IF_ERROR((*tx)->UpdatePromInvitation(i));
  ORP_RETURN_IF_ERROR((*tx)->Commit());
  return response;
}

}  // namespace

Result<OpenedInvitation> OpenInvitation(storage::Store& store, const InstrumentSet& instruments,
                                        std::string_view token, Date today) {
  return Open(
      store, instruments, [&](storage::Reader& r) { return FindByToken(r, token); }, today);
}

Result<storage::PromResponse> AnswerInvitation(storage::Store& store,
                                               const InstrumentSet& instruments,
                                               std::string_view token, const Answers& answers,
                                               Date today) {
  return Answer(
      store, instruments, [&](storage::Reader& r) { return FindByToken(r, token); }, answers, today,
      "link");
}

Result<OpenedInvitation> OpenPatientInvitation(storage::Store& store,
                                               const InstrumentSet& instruments,
                                               domain::PatientId patient, int64_t invitation,
                                               Date today) {
  return Open(
      store, instruments,
      [&](storage::Reader& r) { return FindForPatient(r, patient, invitation); }, today);
}

Result<storage::PromResponse> AnswerPatientInvitation(storage::Store& store,
                                                      const InstrumentSet& instruments,
                                                      domain::PatientId patient, int64_t invitation,
                                                      const Answers& answers, Date today) {
  return Answer(
      store, instruments,
      [&](storage::Reader& r) { return FindForPatient(r, patient, invitation); }, answers, today,
      "patient-page");
}

}  // namespace orp::proms
