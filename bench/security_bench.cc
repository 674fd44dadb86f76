// The per-request costs of security on the API's hot path: the policy decision, and
// authenticating a bearer token and a session cookie against a file SQLite store (two indexed
// reads each; the session also reads the user's grants). Also the audit append (one
// transaction with synchronous=FULL, so mostly fsync) and argon2id at the production cost.
// docs/performance.md "## Security" quotes these.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>

#include "orp/security/accounts.h"
#include "orp/security/policy.h"
#include "orp/storage/sqlite/sqlite_store.h"

namespace orp::security {
namespace {

void BM_Decide(benchmark::State& state) {
  Principal p{2, "prov", false, "", {{Role::kProvider, "RRK"}, {Role::kAnalyst, ""}}};
  Resource r{{"RRK"}, "1234567", "", ""};
  for (auto _ : state) {
    benchmark::DoNotOptimize(Decide(p, Action::kPatientImplantsRead, r));
  }
}
BENCHMARK(BM_Decide);

struct Fixture {
  Fixture() {
    path = (std::filesystem::temp_directory_path() /
            ("orp-security-bench-" + std::to_string(getpid()) + ".db"))
               .string();
    store = std::move(*storage::sqlite::OpenStore(path));
    audit = std::make_unique<AuditLog>(*store);
    AccountsOptions options;
    options.password_cost = PasswordCost::kMinimum;
    accounts = std::make_unique<Accounts>(*store, *audit, options);
    (void)accounts->AddUser({"alice", {{Role::kProvider, "RRK"}}, "pw", false, ""});
    token = accounts->CreateToken("alice", 30)->token;
    session = *accounts->Login("alice", "pw", "", "127.0.0.1");
  }
  ~Fixture() {
    accounts.reset();
    audit.reset();
    store.reset();
    for (const char* s : {"", "-wal", "-shm"}) std::filesystem::remove(path + s);
  }
  std::string path;
  std::unique_ptr<storage::Store> store;
  std::unique_ptr<AuditLog> audit;
  std::unique_ptr<Accounts> accounts;
  std::string token;
  Session session;
};

void BM_AuthenticateBearer(benchmark::State& state) {
  Fixture f;
  Credentials c{f.token, "", "", "GET", "127.0.0.1"};
  for (auto _ : state) benchmark::DoNotOptimize(f.accounts->Authenticate(c));
}
BENCHMARK(BM_AuthenticateBearer);

void BM_AuthenticateSession(benchmark::State& state) {
  Fixture f;
  Credentials c{"", f.session.id, "", "GET", "127.0.0.1"};
  for (auto _ : state) benchmark::DoNotOptimize(f.accounts->Authenticate(c));
}
BENCHMARK(BM_AuthenticateSession);

void BM_AuditAppend(benchmark::State& state) {
  Fixture f;
  AuditEvent e;
  e.actor = "alice";
  e.action = "patient.implants.read";
  e.object = "patient/" + std::string(64, 'a');
  e.outcome = "ok";
  for (auto _ : state) benchmark::DoNotOptimize(f.audit->Append(e));
}
BENCHMARK(BM_AuditAppend)->Iterations(200);

// Eight threads appending at once: group commit shares each transaction's fsync.
void BM_AuditAppendConcurrent(benchmark::State& state) {
  static Fixture* f = nullptr;
  if (state.thread_index() == 0) f = new Fixture;
  AuditEvent e;
  e.actor = "alice";
  e.action = "patient.implants.read";
  e.object = "patient/" + std::string(64, 'a');
  e.outcome = "ok";
  for (auto _ : state) benchmark::DoNotOptimize(f->audit->Append(e));
  if (state.thread_index() == 0) {
    delete f;
    f = nullptr;
  }
}
BENCHMARK(BM_AuditAppendConcurrent)->Threads(8)->Iterations(100)->UseRealTime();

void BM_HashPasswordInteractive(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(HashPassword("correct horse", PasswordCost::kInteractive));
  }
}
BENCHMARK(BM_HashPasswordInteractive)->Iterations(5);

}  // namespace
}  // namespace orp::security

BENCHMARK_MAIN();
