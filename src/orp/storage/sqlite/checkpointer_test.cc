#include "orp/storage/sqlite/checkpointer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

namespace orp::storage::sqlite {
namespace {

namespace fs = std::filesystem;

struct TempDb {
  fs::path dir = fs::path(::testing::TempDir()) / ("orp-ckpt-" + std::to_string(getpid()));
  std::string path = (dir / "c.db").string();
  TempDb() { fs::create_directories(dir); }
  ~TempDb() { fs::remove_all(dir); }
};

int64_t RowCount(Connection& c) {
  auto stmt = c.Prepare("SELECT count(*) FROM t");
  EXPECT_TRUE(stmt.has_value());
  EXPECT_TRUE(*stmt->Step());
  return stmt->Int(0);
}

// Commits `n` transactions of about eleven 4 KiB pages each, one straight after another.
void CommitMany(Connection& writer, int n) {
  const std::string blob(40000, 'x');
  for (int i = 0; i < n; ++i) {
    ASSERT_TRUE(writer.Exec("BEGIN IMMEDIATE").has_value());
    auto insert = writer.Prepare("INSERT INTO t (payload) VALUES (?1)");
    ASSERT_TRUE(insert.has_value());
    ASSERT_TRUE(insert->Bind(1, std::string_view(blob)).Run().has_value());
    ASSERT_TRUE(writer.Exec("COMMIT").has_value());
  }
}

TEST(Checkpointer, KeepsTheWalBoundedWhenCommitsFollowEachOtherWithoutAGap) {
  TempDb db;
  auto writer = Connection::Open(db.path, {});
  ASSERT_TRUE(writer.has_value()) << writer.error().ToString();
  ASSERT_TRUE((*writer)->Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, payload BLOB)"));
  {
    auto checkpointer =
        Checkpointer::Start(**writer, db.path, {}, /*wake_at_frames=*/0, /*wait_above_frames=*/64);
    ASSERT_TRUE(checkpointer.has_value()) << checkpointer.error().ToString();
    CommitMany(**writer, 300);
    // 300 commits of ~11 pages would be ~13 MB of WAL with no checkpoint at all; the writer
    // waits whenever a commit leaves more than 64 frames, and the WAL restarts after each
    // complete pass, so its file never holds much more than 64 frames plus one transaction.
    EXPECT_LT(fs::file_size(db.path + "-wal"), uintmax_t{100 * 4096 + 4096});
    EXPECT_GT((*checkpointer)->passes(), 0);
    EXPECT_GT((*checkpointer)->complete_passes(), 0);
  }
  EXPECT_EQ(RowCount(**writer), 300);
  writer->reset();
  auto reopened = Connection::Open(db.path, {});
  ASSERT_TRUE(reopened.has_value());
  EXPECT_EQ(RowCount(**reopened), 300);
}

TEST(Checkpointer, CopiesCommittedPagesIntoTheDatabaseFileOffTheWritingThread) {
  TempDb db;
  auto writer = Connection::Open(db.path, {});
  ASSERT_TRUE(writer.has_value());
  ASSERT_TRUE((*writer)->Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, payload BLOB)"));
  // Nothing copied yet: the table's creation may still sit in the WAL.
  ASSERT_TRUE((*writer)->Exec("PRAGMA wal_checkpoint(TRUNCATE)"));
  const uintmax_t before = fs::file_size(db.path);
  auto checkpointer = Checkpointer::Start(**writer, db.path, {}, /*wake_at_frames=*/20);
  ASSERT_TRUE(checkpointer.has_value());
  // Far under SQLite's automatic threshold (1,000 pages) and under the wait bound: only the
  // checkpointer's pass can have grown the database file (woken once the WAL holds 20 frames).
  CommitMany(**writer, 5);
  const uintmax_t expected = before + 5 * 40000;
  // The file grows while the pass copies pages, before the pass is counted complete: wait for both.
  auto done = [&] {
    return fs::file_size(db.path) >= expected && (*checkpointer)->complete_passes() > 0;
  };
  for (int i = 0; i < 1000 && !done(); ++i) usleep(10000);
  EXPECT_GE(fs::file_size(db.path), expected);
  EXPECT_GT((*checkpointer)->complete_passes(), 0);
}

TEST(Checkpointer, SmallCommitsWakeNobodyBelowTheThreshold) {
  TempDb db;
  auto writer = Connection::Open(db.path, {});
  ASSERT_TRUE(writer.has_value());
  ASSERT_TRUE((*writer)->Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, payload BLOB)"));
  auto checkpointer = Checkpointer::Start(**writer, db.path, {});
  ASSERT_TRUE(checkpointer.has_value());
  CommitMany(**writer, 5);  // ~55 frames, under the default 1,000
  usleep(50000);
  EXPECT_EQ((*checkpointer)->passes(), 0);
}

TEST(WritebackAhead, StartsWritebackOfTheFileEveryPeriodUntilDestroyed) {
  TempDb db;
  {
    std::ofstream out(db.path, std::ios::binary);
    out << std::string(1 << 20, 'x');  // a megabyte of dirty pages
  }
  auto writeback = WritebackAhead::Start(db.path, std::chrono::milliseconds(5));
  ASSERT_NE(writeback, nullptr);
  for (int i = 0; i < 400 && writeback->rounds() < 3; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_GE(writeback->rounds(), 3);
  writeback.reset();  // joins: a period of a second would not hold the destructor up either
  EXPECT_EQ(fs::file_size(db.path), 1u << 20);  // the file as written
}

TEST(WritebackAhead, IsNothingForAFileThatCannotBeOpened) {
  TempDb db;
  EXPECT_EQ(WritebackAhead::Start((db.dir / "missing.db").string()), nullptr);
}

}  // namespace
}  // namespace orp::storage::sqlite
