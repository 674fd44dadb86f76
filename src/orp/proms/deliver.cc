// DeliverMessages (run.h): the outbox, one message at a time.
#include <fmt/format.h>

#include "orp/proms/run.h"
#include "orp/security/secrets.h"

namespace orp::proms {
namespace {

using storage::PromInvitation;
using storage::PromInvitationStatus;
using storage::PromMessage;
using storage::PromMessageStatus;

constexpr size_t kTokenBytes = 32;

// Records the outcome of one attempt in its own transaction.
Result<void> Record(storage::Store& store, PromMessage& m, const Result<void>& sent,
                    const RunOptions& options, RunReport& report) {
  ++m.attempts;
  if (sent) {
    m.status = PromMessageStatus::kSent;
    m.sent_at = options.now;
    m.last_error.clear();
    ++report.sent;
  } else if (sent.error().code() == ErrorCode::kUnavailable &&
             !options.retry.Exhausted(m.attempts)) {
    m.next_attempt = options.now + options.retry.DelayAfter(m.attempts);
    m.last_error = sent.error().message();
    ++report.retried;
  } else {
    m.status = PromMessageStatus::kDead;
    m.last_error = sent.error().message();
    ++report.dead;
  }
  auto tx = store.Begin();
  if (!tx) return std::unexpected(tx.error());
  ORP_RETURN_IF_ERROR((*tx)->UpdatePromMessage(m));
  return (*tx)->Commit();
}

// A fresh token for the invitation; only its hash is committed, before anything is sent.
Result<std::string> MintToken(storage::Store& store, PromInvitation& invitation) {
  auto bytes = security::RandomBytes(kTokenBytes);
  if (!bytes) return std::unexpected(bytes.error());
  std::string token = security::Base32Encode(*bytes, /*lower=*/true);
  invitation.token_hash = security::Sha256Hex(token);
  auto tx = store.Begin();
  if (!tx) return std::unexpected(tx.error());
  ORP_RETURN_IF_ERROR((*tx)->UpdatePromInvitation(invitation));
  ORP_RETURN_IF_ERROR((*tx)->Commit());
  return token;
}

// The message to send, or the reason it cannot be sent (a non-retryable error).
Result<OutgoingMessage> Compose(storage::Store& store, const InstrumentSet& instruments,
                                ContactDirectory& contacts, const PromMessage& m,
                                PromInvitation& invitation, const RunOptions& options) {
  if (invitation.status != PromInvitationStatus::kOpen) {
    return FailedPrecondition(fmt::format("not sent: the invitation is {}",
                                          storage::PromInvitationStatusName(invitation.status)));
  }
  auto patient = store.FindPatient(invitation.patient);
  if (!patient) return std::unexpected(patient.error());
  if (!*patient || !(*patient)->pseudonym) {
    return FailedPrecondition("not sent: the patient has no pseudonym to find contact details by");
  }
  auto contact = contacts.Find(*(*patient)->pseudonym);
  if (!contact) return std::unexpected(contact.error());
  if (!*contact) return FailedPrecondition("not sent: no contact details for this patient");
  auto token = MintToken(store, invitation);
  if (!token) return std::unexpected(token.error());
  const Instrument* instrument = instruments.Find(invitation.instrument);
  return OutgoingMessage{fmt::format("<prom-{}@orp>", m.id),
                         m.purpose,
                         instrument ? instrument->name : invitation.instrument,
                         options.link_base + *token,
                         invitation.expires,
                         **contact};
}

}  // namespace

Result<void> DeliverMessages(storage::Store& store, const InstrumentSet& instruments,
                             Channels& channels, ContactDirectory& contacts,
                             const RunOptions& options, RunReport& report) {
  auto due = store.ListPromMessages(PromMessageStatus::kPending, options.now);
  if (!due) return std::unexpected(due.error());
  auto invitations = store.ListPromInvitations({});
  if (!invitations) return std::unexpected(invitations.error());
  std::map<int64_t, PromInvitation> by_id;
  for (PromInvitation& i : *invitations) by_id[i.id] = std::move(i);
  for (PromMessage& m : *due) {
    auto channel = channels.find(m.channel);
    if (channel == channels.end()) continue;  // waits for the channel to be configured
    auto invitation = by_id.find(m.invitation);
    if (invitation == by_id.end()) return DataLoss(fmt::format("message {}: no invitation", m.id));
    auto message = Compose(store, instruments, contacts, m, invitation->second, options);
    if (!message && message.error().code() != ErrorCode::kFailedPrecondition) {
      return std::unexpected(message.error());  // the store or the random source failed
    }
    Result<void> sent =
        message ? channel->second->Send(*message) : Result<void>(std::unexpected(message.error()));
    ORP_RETURN_IF_ERROR(Record(store, m, sent, options, report));
  }
  return {};
}

}  // namespace orp::proms
