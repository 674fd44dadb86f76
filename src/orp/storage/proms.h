// PROMs as the store keeps them (proms, #11): invitations to answer a questionnaire at a time
// point after a procedure, the responses, and the outbox of messages that carry invitations and
// reminders to patients.
//
// Identity and "nothing twice":
//   - one invitation per (procedure, instrument, months): AddPromInvitation returns false for a
//     repeat, so a daily run that is re-run or crashes half way invites nobody twice;
//   - one response per (procedure, instrument, months): AddPromResponse returns false for a
//     repeat (a resubmitted bulk file, a second use of a link);
//   - one outbox message per (invitation, purpose, channel): EnqueuePromMessage returns false for
//     a repeat; a message marked sent is never due again.
// Link tokens are stored only as SHA-256 hex hashes; the token itself exists only in the message.
// No contact details are stored: channels look the patient up when they send.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "orp/core/date.h"
#include "orp/core/result.h"
#include "orp/domain/entities.h"

namespace orp::storage {

enum class PromInvitationStatus { kOpen, kAnswered, kExpired, kWithdrawn };
enum class PromMessageStatus { kPending, kSent, kDead };

// "open", "answered", "expired", "withdrawn"; "pending", "sent", "dead".
std::string_view PromInvitationStatusName(PromInvitationStatus status);
Result<PromInvitationStatus> ParsePromInvitationStatus(std::string_view name);
std::string_view PromMessageStatusName(PromMessageStatus status);
Result<PromMessageStatus> ParsePromMessageStatus(std::string_view name);

struct PromInvitation {
  int64_t id = 0;  // assigned by the store
  std::string registry;
  domain::ProcedureId procedure{};
  domain::PatientId patient{};
  std::string instrument;  // instrument code
  int months = 0;          // the time point after the procedure
  Date due{};              // the procedure date + months
  Date invited{};          // when the invitation was created
  Date expires{};          // the link refuses answers after this day
  std::string token_hash;  // SHA-256 hex of the link token
  PromInvitationStatus status = PromInvitationStatus::kOpen;
  int reminders_sent = 0;
  friend bool operator==(const PromInvitation&, const PromInvitation&) = default;
};

struct PromResponse {
  int64_t id = 0;
  std::optional<int64_t> invitation;  // empty for bulk responses
  std::string registry;
  domain::ProcedureId procedure{};
  domain::PatientId patient{};
  std::string instrument;
  std::string instrument_version;
  int months = 0;  // 0 = before the procedure (baseline)
  Date completed{};
  std::string answers;  // "item=value;item=value", items in instrument order
  std::string source;   // "link", or "bulk:<submitter>"
  friend bool operator==(const PromResponse&, const PromResponse&) = default;
};

struct PromMessage {
  int64_t id = 0;
  int64_t invitation = 0;
  std::string purpose;  // "invitation", "reminder-1", "reminder-2", ...
  std::string channel;  // "email", "sms", "letter"
  PromMessageStatus status = PromMessageStatus::kPending;
  int attempts = 0;
  domain::Instant next_attempt{};
  std::string last_error;  // never holds a contact detail
  std::optional<domain::Instant> sent_at;
  friend bool operator==(const PromMessage&, const PromMessage&) = default;
};

// Which invitations to list; empty registry: all; no status: any.
struct PromInvitationFilter {
  std::string registry;
  std::optional<PromInvitationStatus> status;
};

}  // namespace orp::storage
