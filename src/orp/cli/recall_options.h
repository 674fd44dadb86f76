// Shared pieces of the `orp recall` subcommands (recall_command.cc, recall_campaign_command.cc):
// the criteria flags, the audit appender and who is acting.
#pragma once

#include <string>
#include <vector>

#include "orp/recall/criteria.h"
#include "orp/recall/identify.h"

namespace orp::storage {
class Store;
}

namespace CLI {
class App;
}

namespace orp::cli {

// The criteria as flags; --criteria takes the JSON form (a file path or the text) instead.
struct CriteriaFlags {
  std::vector<std::string> gtins;
  std::vector<std::string> catalogue_numbers;
  std::vector<std::string> lots;
  std::string serial_from, serial_to, serial_order = "natural";
  std::string expiry_from, expiry_to, produced_from, produced_to, implanted_from, implanted_to;
  std::string criteria;
};

void AddCriteriaFlags(CLI::App* command, CriteriaFlags& flags);

// The validated criteria, or the command fails naming the flag and the rule.
recall::Criteria CriteriaOrFail(std::string_view command, const CriteriaFlags& flags);

// The person at the command line (the USER environment variable, else "operator") as an
// operator; the purpose as given.
recall::Access OperatorAccess(std::string purpose);

// The audit chain (security::AppendAudit through recall::SecurityAuditAppender).
recall::AuditAppender AuditChainAppender();

// After an ingest commit: joins new submissions to open recalls (recall::SyncOpenRecalls) and
// tells the operator which providers to alert, one line each on stderr. Fails the command on a
// store error.
void SyncRecallsAfterIngest(std::string_view command, storage::Store& store);

}  // namespace orp::cli
