// kill -9 during ingest, then a retry with the same idempotency keys, with the real `orp` binary
// (issue #4). A synthetic registry is loaded one yearly file per `orp ingest` process, each file
// with its own key; in each round the process loading a randomly chosen file is killed with
// SIGKILL after a random delay within the time a load of that file takes (a round whose victim
// finished first is checked as a clean load; rounds go on until some victim was killed). Then:
//   - every file whose process answered with a receipt (acknowledged) is stored whole: its
//     submission is there and holds exactly as many procedures as the receipt accepted;
//   - nothing partial is visible: every stored submission is finished and whole, and the store
//     holds no procedure of a submission that is not there;
//   - a retry of every file with the same keys answers "duplicate" for the ones stored before and
//     loads the rest, and the store ends exactly as one clean load of the files leaves it.
// The same with --bulk (ADR 0009: the indexes ingest does not read are dropped and built again in
// the submission's transaction): also, after every kill the store has every index the clean load
// left, whatever moment the kill hit (during the drop, the load or the rebuild).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "orp/storage/sqlite/sqlite_store.h"

namespace orp {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// Rounds of kills per test: four, one under the sanitizers (test/CMakeLists.txt), where each of
// a round's ~30 `orp` processes runs instrumented and four rounds took a quarter of CI's
// sanitizer suite; the rounds' variety is the plain build's to test, the memory errors on the
// kill and retry paths the sanitizers'.
#ifndef ORP_CRASH_ROUNDS
#define ORP_CRASH_ROUNDS 4
#endif
constexpr int kRounds = ORP_CRASH_ROUNDS;

fs::path SourceDir() {
  const char* dir = std::getenv("ORP_SOURCE_DIR");
  return dir ? fs::path(dir) : fs::current_path();
}

// Starts `args` (args[0] is the program) with stdout to `out`; returns the child's pid.
pid_t Start(const std::vector<std::string>& args, const fs::path& out) {
  pid_t pid = fork();
  if (pid != 0) return pid;
  int fd = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0) _exit(120);
  int null = open("/dev/null", O_WRONLY);
  if (null >= 0) dup2(null, STDERR_FILENO);
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  execv(argv[0], argv.data());
  _exit(121);
}

// Waits for the child; its exit status, or -signal when a signal ended it.
int Wait(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

std::string Slurp(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The receipt's accepted count, or -1 when the output is not a receipt.
int64_t Accepted(const std::string& receipt) {
  const std::string marker = "\"accepted\":";
  size_t at = receipt.find(marker);
  if (at == std::string::npos) return -1;
  return std::stoll(receipt.substr(at + marker.size()));
}

class IngestCrash : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("orp-ingest-crash-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    ASSERT_EQ(Wait(Start({ORP_BINARY, "synth", "--seed", "3", "--procedures", "4000",
                          "--registries", "MDOR", "--out", (dir_ / "synth").string(),
                          "--definitions", (SourceDir() / "registries").string()},
                         dir_ / "synth.out")),
              0);
    for (const auto& entry : fs::directory_iterator(dir_ / "synth" / "submissions")) {
      if (entry.path().extension() == ".csv") files_.push_back(entry.path());
    }
    std::sort(files_.begin(), files_.end());
    ASSERT_GT(files_.size(), 5u);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::vector<std::string> IngestArgs(const fs::path& db, size_t file) const {
    std::vector<std::string> args = {ORP_BINARY,
                                     "ingest",
                                     "--db",
                                     "sqlite:" + db.string(),
                                     "--key-file",
                                     (dir_ / "orp.key").string(),
                                     "--catalogue",
                                     (dir_ / "synth" / "device-catalogue.csv").string(),
                                     "--definitions",
                                     (SourceDir() / "registries").string(),
                                     "--idempotency-key",
                                     "file-" + std::to_string(file),
                                     "--format",
                                     "json",
                                     files_[file].string()};
    if (bulk_) args.push_back("--bulk");
    return args;
  }

  // The rounds of kills described above, each against `reference_db`'s clean load.
  void KillRounds();

  // kRounds rounds, and up to eight more while no victim has been killed yet: a loaded machine
  // can let every victim finish inside its delay, so each further round aims at a shorter one.
  // `round(r, reach)` runs round r, whose kill comes within `reach` times the load's time.
  void EachRound(const std::function<void(int round, double reach)>& round) {
    killed_ = 0;
    double reach = 1.2;
    for (int r = 0; r < kRounds || (killed_ == 0 && r < kRounds + 8); ++r) {
      if (r >= kRounds) reach /= 2;
      SCOPED_TRACE("round " + std::to_string(r));
      round(r, reach);
    }
    EXPECT_GT(killed_, 0) << "every victim finished before its kill";
  }

  // Starts `orp ingest` of file `i` into `db` with stdout to `out`, sends SIGKILL after a random
  // delay under `max_seconds`, and answers the child's exit status (-SIGKILL when it was killed).
  int LoadAndKill(const fs::path& db, size_t i, const fs::path& out, double max_seconds) {
    const pid_t child = Start(IngestArgs(db, i), out);
    usleep(static_cast<useconds_t>(
        std::uniform_real_distribution<double>(0.0, max_seconds)(random_) * 1e6));
    kill(child, SIGKILL);
    const int status = Wait(child);
    killed_ += status == -SIGKILL;
    return status;
  }

  // Loads file `i` to completion; its receipt.
  std::string Load(const fs::path& db, size_t i) {
    const fs::path out = dir_ / "receipt.json";
    EXPECT_EQ(Wait(Start(IngestArgs(db, i), out)), 0) << files_[i];
    return Slurp(out);
  }

  static std::unique_ptr<storage::Store> Open(const fs::path& db) {
    auto store = storage::sqlite::OpenStore(db.string());
    EXPECT_TRUE(store.has_value()) << store.error().ToString();
    return store ? std::move(*store) : nullptr;
  }

  fs::path dir_;
  std::vector<fs::path> files_;
  bool bulk_ = false;  // every `orp ingest` with --bulk
  std::mt19937 random_{std::random_device{}()};
  int killed_ = 0;  // victims killed in EachRound
};

// The names of the indexes in the SQLite file `db`, sorted and comma-separated.
std::string IndexNames(const fs::path& db) {
  sqlite3* handle = nullptr;
  std::string names;
  if (sqlite3_open_v2(db.c_str(), &handle, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* s = nullptr;
    sqlite3_prepare_v2(handle, "SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name",
                       -1, &s, nullptr);
    while (s != nullptr && sqlite3_step(s) == SQLITE_ROW) {
      names += reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
      names += ',';
    }
    sqlite3_finalize(s);
  }
  sqlite3_close(handle);
  return names;
}

// Procedures stored per submission id.
std::map<int64_t, int64_t> ProceduresBySubmission(storage::Store& store) {
  std::map<int64_t, int64_t> count;
  auto streamed = store.ForEachProcedure({}, [&](const domain::Procedure& p) {
    ++count[p.submission.value];
    return true;
  });
  EXPECT_TRUE(streamed.has_value());
  return count;
}

TEST_F(IngestCrash, KillNineLosesNothingAcknowledgedShowsNothingPartialAndRetriesOnce) {
  KillRounds();
}

TEST_F(IngestCrash, KillNineDuringABulkLoadLeavesTheOldStoreOrTheNewOneWithEveryIndex) {
  bulk_ = true;
  KillRounds();
}

// The first load into an empty store under a rollback journal (ADR 0011: `orp ingest` asks for an
// exclusive load, and with --bulk into a store without procedures SQLite journals to a rollback
// journal instead of the WAL). The whole registry in one file, killed at a random moment: the
// next open rolls the hot journal back, so the store holds the whole file (the COMMIT was
// reached) or nothing of it, with every index, in WAL again; a retry loads it once.
TEST_F(IngestCrash, KillNineDuringAnExclusiveFirstLoadLeavesTheEmptyStoreOrTheWholeFile) {
  bulk_ = true;
  // Every yearly file's rows under the first file's header.
  const fs::path whole = dir_ / "whole.csv";
  {
    std::ofstream out(whole);
    for (size_t i = 0; i < files_.size(); ++i) {
      std::ifstream in(files_[i]);
      std::string line;
      for (bool header = true; std::getline(in, line); header = false) {
        if (!header || i == 0) out << line << '\n';
      }
    }
  }
  files_ = {whole};
  const fs::path reference_db = dir_ / "reference.db";
  const auto start = Clock::now();
  const int64_t accepted = Accepted(Load(reference_db, 0));
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  ASSERT_GT(accepted, 3000);
  const storage::TableCounts reference = Open(reference_db)->CountRows().value();
  const std::string indexes = IndexNames(reference_db);

  EachRound([&](int round, double reach) {
    const fs::path db = dir_ / ("exclusive-" + std::to_string(round) + ".db");
    const fs::path out = dir_ / "victim.json";
    const bool acknowledged = LoadAndKill(db, 0, out, reach * seconds) == 0;
    if (acknowledged) {
      EXPECT_EQ(Accepted(Slurp(out)), accepted);
    }

    if (!fs::exists(db)) return;  // killed before it created the file
    // Opening rolls a hot journal back (a read-only look could not), then sets WAL.
    {
      auto store = Open(db);
      ASSERT_NE(store, nullptr);
      const storage::TableCounts counts = store->CountRows().value();
      auto sub = store->FindSubmissionByKey("file-0");
      ASSERT_TRUE(sub.has_value());
      if (acknowledged) {
        ASSERT_TRUE(sub->has_value()) << "the acknowledged load was lost";
      }
      if (sub->has_value()) {
        EXPECT_EQ(counts, reference) << "a committed load is whole";
      } else {
        EXPECT_EQ(counts.at("procedures"), 0) << "nothing partial";
        EXPECT_EQ(counts.at("patients"), 0);
        EXPECT_EQ(counts.at("submissions"), 0);
      }
    }
    // No hot journal is left. A kill between SQLite creating the journal and writing its header
    // leaves an empty one, which is not hot (SQLite reads a journal as hot only when its first
    // byte is not zero, and ignores and later reuses any other): that one may stay.
    if (const fs::path journal = db.string() + "-journal"; fs::exists(journal)) {
      std::ifstream in(journal, std::ios::binary);
      char first = 0;
      in.read(&first, 1);
      EXPECT_EQ(first, 0) << "a hot journal of " << fs::file_size(journal) << " bytes was left";
    }
    EXPECT_EQ(IndexNames(db), indexes) << "after the kill";
    const std::string receipt = Load(db, 0);
    EXPECT_EQ(Accepted(receipt), accepted) << receipt;
    EXPECT_EQ(Open(db)->CountRows().value(), reference);
    EXPECT_EQ(IndexNames(db), indexes) << "after the retry";
  });
}

void IngestCrash::KillRounds() {
  // The reference: one clean load, timing each file to aim the kills (with --bulk, a bulk load
  // of each file, so the delays span the index rebuild too).
  const fs::path reference_db = dir_ / "reference.db";
  std::vector<double> seconds;
  for (size_t i = 0; i < files_.size(); ++i) {
    const auto start = Clock::now();
    Load(reference_db, i);
    seconds.push_back(std::chrono::duration<double>(Clock::now() - start).count());
  }
  const storage::TableCounts reference = Open(reference_db)->CountRows().value();
  ASSERT_GT(reference.at("procedures"), 3000);
  const std::string indexes = IndexNames(reference_db);
  ASSERT_NE(indexes.find("implants_by_device,"), std::string::npos) << indexes;

  EachRound([&](int round, double reach) {
    const fs::path db = dir_ / ("crash-" + std::to_string(round) + ".db");
    const size_t victim = std::uniform_int_distribution<size_t>(1, files_.size() - 1)(random_);
    std::map<std::string, int64_t> acknowledged;  // key -> accepted
    for (size_t i = 0; i < victim; ++i) {
      acknowledged["file-" + std::to_string(i)] = Accepted(Load(db, i));
    }
    const fs::path out = dir_ / "victim.json";
    const int status = LoadAndKill(db, victim, out, reach * seconds[victim]);
    if (status == 0) acknowledged["file-" + std::to_string(victim)] = Accepted(Slurp(out));

    EXPECT_EQ(IndexNames(db), indexes) << "after the kill";
    auto store = Open(db);
    ASSERT_NE(store, nullptr);
    std::map<int64_t, int64_t> stored = ProceduresBySubmission(*store);
    for (const auto& [key, accepted] : acknowledged) {
      auto sub = store->FindSubmissionByKey(key);
      ASSERT_TRUE(sub.has_value() && sub->has_value()) << "acknowledged " << key << " lost";
      EXPECT_EQ((*sub)->accepted, accepted) << key;
      EXPECT_EQ(stored[(*sub)->id.value], accepted) << key;
    }
    int64_t submitted = 0;
    for (size_t i = 0; i < files_.size(); ++i) {
      auto sub = store->FindSubmissionByKey("file-" + std::to_string(i));
      ASSERT_TRUE(sub.has_value());
      if (!*sub) continue;
      ++submitted;
      EXPECT_NE((*sub)->status, domain::SubmissionStatus::kPending);
      EXPECT_EQ(stored[(*sub)->id.value], (*sub)->accepted) << "submission of file " << i;
    }
    EXPECT_EQ(submitted, store->CountRows()->at("submissions"));
    int64_t in_submissions = 0;
    for (const auto& [id, n] : stored) in_submissions += n;
    EXPECT_EQ(in_submissions, store->CountRows()->at("procedures"));
    store.reset();

    for (size_t i = 0; i < files_.size(); ++i) {
      const std::string receipt = Load(db, i);
      const bool before = i < victim || acknowledged.contains("file-" + std::to_string(i));
      if (before) {
        EXPECT_NE(receipt.find("\"status\":\"duplicate\""), std::string::npos) << receipt;
      } else if (i > victim) {
        EXPECT_EQ(receipt.find("\"status\":\"duplicate\""), std::string::npos) << receipt;
      }
    }
    EXPECT_EQ(Open(db)->CountRows().value(), reference);
    EXPECT_EQ(IndexNames(db), indexes) << "after the retry";
  });
}

}  // namespace
}  // namespace orp
