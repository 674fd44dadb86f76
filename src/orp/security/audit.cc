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
    return previous ? fmt::format(
                          "prev_hash does not match the hash of seq {}: an entry was "
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

Result<void> RecordAudit(storage::Transaction& transaction, const AuditEvent& event) {
  auto seq = AppendAudit(transaction, event);
  if (!seq) return std::unexpected(seq.error());
  return {};
}

AuditEvent AccountEvent(domain::Instant at, std::string actor, std::string action,
                        std::string object, std::string outcome) {
  AuditEvent e;
  e.at = at;
  e.actor = std::move(actor);
  e.action = std::move(action);
  e.object = std::move(object);
  e.outcome = std::move(outcome);
  return e;
}

domain::Instant SystemNow() {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

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

namespace {

// Appends `event` after `last` (the chain's head as the transaction sees it) and makes the new
// entry the head.
Result<int64_t> AppendAfter(storage::Transaction& transaction, const AuditEvent& event,
                            std::optional<domain::AuditRecord>& last) {
  domain::AuditRecord record{.seq = last ? last->seq + 1 : 1,
                             .at = event.at,
                             .actor = event.actor,
                             .role = event.role,
                             .action = event.action,
                             .object = event.object,
                             .request_id = event.request_id,
                             .purpose = event.purpose,
                             .outcome = event.outcome,
                             .prev_hash = last ? last->hash : std::string(),
                             .hash = {}};
  record.hash = AuditHash(record);
  auto seq = transaction.AppendAudit(record);
  if (!seq) return seq;
  if (*seq != record.seq) {
    // The hash covers the seq; a store that numbers differently would break the chain.
    return Internal(
        fmt::format("the store numbered an audit entry {} instead of {}", *seq, record.seq));
  }
  last = std::move(record);
  return seq;
}

}  // namespace

Result<int64_t> AppendAudit(storage::Transaction& transaction, const AuditEvent& event) {
  auto last = transaction.LastAuditRecord();
  if (!last) return std::unexpected(last.error());
  return AppendAfter(transaction, event, *last);
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

Result<VerifyReport> Verify(storage::Reader& reader, std::string_view anchor) {
  VerifyReport report;
  std::optional<domain::AuditRecord> previous;
  bool anchor_seen = anchor.empty();
  auto walked = reader.ForEachAuditRecord(0, [&](const domain::AuditRecord& record) {
    ++report.entries;
    std::string problem = ProblemWith(record, previous);
    if (!problem.empty()) {
      report.first_bad = record.seq;
      report.problem = std::move(problem);
      return false;
    }
    anchor_seen = anchor_seen || record.hash == anchor;
    report.head = record.hash;
    previous = record;
    return true;
  });
  if (!walked) return std::unexpected(walked.error());
  if (report.ok() && !anchor_seen) {
    report.first_bad = previous ? previous->seq + 1 : 1;
    report.problem = fmt::format(
        "no entry has the anchor hash {}: entries were removed from the end of the log (or the "
        "anchor belongs to another database)",
        anchor);
  }
  return report;
}

AuditLog::AuditLog(storage::Store& store, Clock clock)
    : store_(store), clock_(clock ? std::move(clock) : Clock(SystemNow)) {}

struct AuditLog::Pending {
  AuditEvent event;
  Result<int64_t> result = Internal("the audit entry was not written");
  bool done = false;
};

Result<int64_t> AuditLog::Append(AuditEvent event) {
  if (event.at == domain::Instant{}) event.at = clock_();
  Pending pending{std::move(event)};
  std::unique_lock<std::mutex> lock(mu_);
  queue_.push_back(&pending);
  while (!pending.done) {
    if (writing_) {
      written_.wait(lock);
      continue;
    }
    // Lead: take everything queued so far and write it in one transaction.
    writing_ = true;
    std::vector<Pending*> batch;
    batch.swap(queue_);
    lock.unlock();
    WriteBatch(batch);
    lock.lock();
    writing_ = false;
    for (Pending* p : batch) p->done = true;
    written_.notify_all();
  }
  return pending.result;
}

void AuditLog::WriteBatch(const std::vector<Pending*>& batch) {
  // The head is read once per batch: the transaction holds the chain (SQLite's write lock,
  // PostgreSQL's chain lock), so each entry's successor follows the entry just appended.
  auto done = RunAudited(store_, [&](storage::Transaction& txn) -> Result<void> {
    auto last = txn.LastAuditRecord();
    if (!last) return std::unexpected(last.error());
    for (Pending* p : batch) {
      p->result = AppendAfter(txn, p->event, *last);
      if (!p->result) return std::unexpected(p->result.error());
    }
    return {};
  });
  if (!done) {
    for (Pending* p : batch) p->result = std::unexpected(done.error());
  }
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
