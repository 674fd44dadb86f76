// The daily PROMs run (`orp proms run`): plan, then deliver.
//
// Plan (one transaction per registry, so a crash leaves either the registry's whole day or
// none of it): for each current primary procedure with schedules, create the invitations due
// today (schedule.h: not for patients who died, opted out or whose implants were all removed),
// queue their messages on every configured channel, queue a reminder for open invitations whose
// reminder day has come, and expire invitations whose link has closed. Re-running a day adds
// nothing: invitations and messages are unique in the store (storage/proms.h).
//
// Deliver: every pending message whose next attempt is due. Each attempt mints a fresh
// single-use link token (32 random bytes, base32), stores only its SHA-256 and commits that
// before sending, so a link in a message always works until it is answered, replaced by a later
// message's link, or expires. Success marks the message sent (never due again); kUnavailable
// schedules a retry with back-off (RetryPolicy) until attempts run out; any other failure, or
// running out, moves it to the dead-letter list with the reason. Delivery is at least once: a
// crash between a relay's acceptance and the commit resends with the same Message-ID.
//
// Errors: store errors end the run (kUnavailable etc.); channel errors are data in the report.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "orp/core/date.h"
#include "orp/core/result.h"
#include "orp/domain/registry_loader.h"
#include "orp/proms/channel.h"
#include "orp/proms/instrument_loader.h"
#include "orp/proms/schedule.h"
#include "orp/storage/store.h"

namespace orp::proms {

struct RunOptions {
  Date today{};
  domain::Instant now{};                          // delivery clock; retries are due relative to it
  std::vector<std::string> channels = {"email"};  // queued for every invitation and reminder
  std::string link_base = "https://orp.invalid/proms/";  // the token is appended
  RetryPolicy retry;
};

struct RunReport {
  int invited = 0;
  int reminders = 0;
  int expired = 0;
  std::map<std::string, int> not_invited;  // IneligibleName -> time points skipped
  std::vector<std::string> not_installed;  // "REGISTRY: instrument" named but not installed
  int sent = 0;
  int retried = 0;
  int dead = 0;
};

Result<void> PlanInvitations(storage::Store& store, const domain::RegistrySet& registries,
                             const InstrumentSet& instruments, const RunOptions& options,
                             RunReport& report);

// Channels by name ("email", "letter", "sms"); a message for a channel that is not configured
// waits (it is not a failure of the patient's contact).
using Channels = std::map<std::string, std::unique_ptr<Channel>, std::less<>>;

Result<void> DeliverMessages(storage::Store& store, const InstrumentSet& instruments,
                             Channels& channels, ContactDirectory& contacts,
                             const RunOptions& options, RunReport& report);

}  // namespace orp::proms
