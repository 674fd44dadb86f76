#include "orp/security/audit.h"

#include <fmt/format.h>

#include <chrono>

#include "orp/security/secrets.h"

namespace orp::security {
namespace {

constexpr int kAppendAttempts = 5;

// One field: 8-byte big-endian length, then the bytes.
void AppendField(std::string& out, std::string_view field) {
  uint64_t n = field.size();
  for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>((n >> shift) & 0xFF);
  out.append(field);
}

domain::Instant SystemNow() {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

bool IsChainMoved(const Error& error) { return error.code() == ErrorCode::kFailedPrecondition; }

// What is wrong with `record` following `previous` (none for the first entry), or "".
std::string ProblemWith(const domain::AuditRecord& record,
                        const std::optional<domain::AuditRecord>& previous) {
  const int64_t expected_seq = previous ? previous->seq + 1 : 1;
  const std::string expected_prev = previous ? previous->hash : std::string();
  if (record.seq != expected_seq) {
    if (record.seq < expected_seq) {
      return fmt::format("seq {} follows seq {}: out of order", record.seq, expected_seq - 1);
    }
    return record.seq == expected_seq + 1
               ? fmt::format("seq {} follows seq {}: entry {} is missing", record.seq,
                             expected_seq - 1, expected_seq)
               : fmt::format("seq {} follows seq {}: entries {} to {} are missing", record.seq,
                             expected_seq - 1, expected_seq, record.seq - 1);
  }
  if (record.prev_hash != expected_prev) {
    return previous ? fmt::format("prev_hash does not match the hash of seq {}: an entry was "
                                  "removed, inserted or reordered before it",
                                  previous->seq)
                    : "the first entry has a prev_hash: entries before it were removed";
  }
  if (AuditHash(record) != record.hash) {
    return "hash does not match the entry's fields: the entry was edited";
  }
  return "";
}

}  // namespace

std::string PatientObject(std::string_view pseudonym_hex) {
  return fmt::format("patient/{}", pseudonym_hex);
}

std::string AuditHash(const domain::AuditRecord& r) {
  std::string data;
  data.reserve(256);
  AppendField(data, "orp-audit-v1");
  AppendField(data, std::to_string(r.seq));
  AppendField(data, std::to_string(r.at.time_since_epoch().count()));
  for (const std::string* field : {&r.actor, &r.role, &r.action, &r.object, &r.request_id,
                                   &r.purpose, &r.outcome, &r.prev_hash}) {
    AppendField(data, *field);
  }
  return Sha256Hex(data);
}

Result<int64_t> AppendAudit(storage::Transaction& transaction, const AuditEvent& event) {
  auto last = transaction.LastAuditRecord();
  if (!last) return std::unexpected(last.error());
  domain::AuditRecord record{.seq = *last ? (*last)->seq + 1 : 1,
                             .at = event.at,
                             .actor = event.actor,
                             .role = event.role,
                             .action = event.action,
                             .object = event.object,
                             .request_id = event.request_id,
                             .purpose = event.purpose,
                             .outcome = event.outcome,
                             .prev_hash = *last ? (*last)->hash : std::string(),
                             .hash = {}};
  record.hash = AuditHash(record);
  auto seq = transaction.AppendAudit(record);
  if (!seq) return seq;
  if (*seq != record.seq) {
    // The hash covers the seq; a store that numbers differently would break the chain.
    return Internal(fmt::format("the store numbered an audit entry {} instead of {}", *seq,
                                record.seq));
  }
  return seq;
}

Result<void> RunAudited(storage::Store& store,
                        const std::function<Result<void>(storage::Transaction&)>& work) {
  for (int attempt = 1;; ++attempt) {
    auto txn = store.Begin();
    if (!txn) return std::unexpected(txn.error());
    auto done = work(**txn);
    if (done) done = (*txn)->Commit();
    if (done || !IsChainMoved(done.error()) || attempt == kAppendAttempts) return done;
  }
}

Result<VerifyReport> Verify(storage::Reader& reader) {
  VerifyReport report;
  std::optional<domain::AuditRecord> previous;
  auto walked = reader.ForEachAuditRecord(0, [&](const domain::AuditRecord& record) {
    ++report.entries;
    std::string problem = ProblemWith(record, previous);
    if (!problem.empty()) {
      report.first_bad = record.seq;
      report.problem = std::move(problem);
      return false;
    }
    report.head = record.hash;
    previous = record;
    return true;
  });
  if (!walked) return std::unexpected(walked.error());
  return report;
}

AuditLog::AuditLog(storage::Store& store, Clock clock)
    : store_(store), clock_(clock ? std::move(clock) : Clock(SystemNow)) {}

Result<int64_t> AuditLog::Append(AuditEvent event) {
  if (event.at == domain::Instant{}) event.at = clock_();
  int64_t seq = 0;
  auto done = RunAudited(store_, [&](storage::Transaction& txn) -> Result<void> {
    auto appended = AppendAudit(txn, event);
    if (!appended) return std::unexpected(appended.error());
    seq = *appended;
    return {};
  });
  if (!done) return std::unexpected(done.error());
  return seq;
}

Result<std::vector<domain::AuditRecord>> AuditLog::Query(const storage::AuditQuery& query) {
  std::vector<domain::AuditRecord> out;
  auto done = store_.ForEachAuditRecordWhere(query, [&](const domain::AuditRecord& r) {
    out.push_back(r);
    return true;
  });
  if (!done) return std::unexpected(done.error());
  return out;
}

}  // namespace orp::security
