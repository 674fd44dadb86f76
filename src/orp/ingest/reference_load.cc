#include "orp/ingest/reference_load.h"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "orp/ingest/pipeline.h"
#include "orp/security/audit.h"

namespace orp::ingest {

Result<ReferenceFile> ReadReferenceFile(const std::filesystem::path& file) {
  ReferenceFile out;
  Result<std::string> digest = FileSha256(file);
  if (!digest) return std::unexpected(digest.error());
  out.sha256 = std::move(*digest);
  std::ifstream in(file, std::ios::binary);
  if (!in) return NotFound(fmt::format("cannot open {}", file.string()));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return DataLoss(fmt::format("read error in {}", file.string()));
  out.text = std::move(text).str();
  return out;
}

Result<void> StoreAuditedLoad(
    storage::Store& store, const ReferenceLoadAudit& audit,
    const std::function<Result<std::string>(storage::Transaction&)>& write) {
  return security::RunAudited(store, [&](storage::Transaction& txn) -> Result<void> {
    Result<std::string> outcome = write(txn);
    if (!outcome) return std::unexpected(outcome.error());
    security::AuditEvent event;
    event.at = audit.at;
    event.actor = audit.actor;
    event.action = audit.action;
    event.object = audit.object;
    event.purpose = audit.purpose;
    event.outcome = std::move(*outcome);
    Result<int64_t> seq = security::AppendAudit(txn, event);
    if (!seq) return std::unexpected(seq.error());
    return {};
  });
}

}  // namespace orp::ingest
