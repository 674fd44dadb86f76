// The audit log: an append-only, hash-chained record of every read of identifiable data, every
// change and every sign-in attempt (who, role, action, what, when, request id, purpose, outcome).
//
// Chain: entry n stores prev_hash = hash of entry n-1 ("" for n = 1) and
//   hash = hex SHA-256( "orp-audit-v1" field | seq | at | actor | role | action | object |
//                       request_id | purpose | outcome | prev_hash )
// where every field is written as its 8-byte big-endian length followed by its bytes (seq and at
// as decimal text), so no two different entries serialise alike. Storage refuses an entry whose
// prev_hash is not the last hash (storage/store.h AppendAudit), and SQLite triggers refuse
// UPDATE and DELETE; an edit made around them is found by Verify.
//
// What Verify finds: an edited field (the hash no longer matches), a deleted entry (a gap in seq
// and a broken link), an inserted or reordered entry (a broken link or a seq out of order). It
// names the first bad seq. The chain alone cannot show entries removed from the END of the log:
// keep the head hash elsewhere (VerifyReport.head, printed by `orp audit verify`) and pass it
// back as the anchor.
//
// Objects are named "kind/id": "patient/<pseudonym hex>", "submission/42", "user/alice",
// "remote/<address>" (sign-in attempts). Never an NHS number, name or date of birth.
//
// Errors: kFailedPrecondition from Append when the chain moved on under it more times than it
// retries (a very busy log); the store's errors otherwise. Thread safety: AuditLog may be shared
// by threads (each Append is its own transaction, or runs in the caller's).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "orp/core/result.h"
#include "orp/domain/entities.h"
#include "orp/storage/store.h"

namespace orp::security {

// An entry before the log assigns seq, prev_hash and hash.
struct AuditEvent {
  domain::Instant at{};  // default: the log's clock at append time
  std::string actor;     // username or system name, never a patient identifier
  std::string role;      // the grant(s) acted under, e.g. "provider@RRK"
  std::string action;    // e.g. "patient.implants.read", "session.create"
  std::string object;    // "patient/<pseudonym hex>", "submission/42", …
  std::string request_id;
  std::string purpose;  // purpose or legal basis, when the caller knows it
  std::string outcome;  // "ok", "denied: <reason>"
};

// "patient/<hex>": the object name of a patient's record, so a patient's "who looked at my
// record" query finds every entry about them.
std::string PatientObject(std::string_view pseudonym_hex);

// The hash of `record` over its fields and prev_hash (its own `hash` field is ignored).
std::string AuditHash(const domain::AuditRecord& record);

// Appends `event` inside `transaction`, chained to the last entry the transaction sees; returns
// the seq. Use this to record a change in the same transaction as the change. On
// kFailedPrecondition (another writer appended first; PostgreSQL) the transaction is rolled back:
// run the whole transaction again (RunAudited does).
Result<int64_t> AppendAudit(storage::Transaction& transaction, const AuditEvent& event);

// AppendAudit for a caller that has no use for the seq.
Result<void> RecordAudit(storage::Transaction& transaction, const AuditEvent& event);

// An audit entry for an account change or sign-in (no request id or purpose at this level).
AuditEvent AccountEvent(domain::Instant at, std::string actor, std::string action,
                        std::string object, std::string outcome);

// The system clock, to the second: the default clock of accounts, sessions and the audit log.
domain::Instant SystemNow();

// Runs `work` in a fresh transaction and commits, retrying the whole transaction (up to 5 times)
// when the audit chain moved on (kFailedPrecondition from AppendAudit).
Result<void> RunAudited(storage::Store& store,
                        const std::function<Result<void>(storage::Transaction&)>& work);

struct VerifyReport {
  int64_t entries = 0;               // entries read
  std::optional<int64_t> first_bad;  // seq (as stored) of the first entry that fails
  std::string problem;               // what is wrong with it ("hash does not match …")
  std::string head;                  // hash of the last good entry ("" for an empty log)
  bool ok() const { return !first_bad.has_value(); }
};

// Walks the whole chain. An unreadable store is an error; a broken chain is a report.
// `anchor`, when given, is a head hash kept elsewhere earlier (`orp audit verify` prints it): an
// intact chain with no entry of that hash has lost entries from its end, reported with
// first_bad = the seq after the last entry.
Result<VerifyReport> Verify(storage::Reader& reader, std::string_view anchor = {});

class AuditLog {
 public:
  using Clock = std::function<domain::Instant()>;

  // `clock` stamps events whose `at` is unset (default: the system clock, whole seconds).
  explicit AuditLog(storage::Store& store, Clock clock = {});

  // Appends in a transaction of its own (retrying as RunAudited) and returns the seq once the
  // entry is durable. Group commit: callers that arrive while a transaction is being written
  // wait and go together in the next one, so many threads share one fsync.
  Result<int64_t> Append(AuditEvent event);

  // Entries matching the query (actor, object, time range), oldest first.
  Result<std::vector<domain::AuditRecord>> Query(const storage::AuditQuery& query);

  domain::Instant Now() const { return clock_(); }

 private:
  struct Pending;
  void WriteBatch(const std::vector<Pending*>& batch);

  storage::Store& store_;
  Clock clock_;
  std::mutex mu_;
  std::condition_variable written_;
  std::vector<Pending*> queue_;  // guarded by mu_
  bool writing_ = false;         // guarded by mu_: a thread is writing a batch
};

}  // namespace orp::security
