// A database created by every earlier schema version upgrades with this orp and keeps its data
// and behaviour (ops, #10). See storage/upgrade_fixture.h for how each old database is built.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "orp/core/suite_set_up.h"
#include "orp/storage/sqlite/connection.h"
#include "orp/storage/sqlite/migrations.h"
#include "orp/storage/sqlite/sqlite_store.h"
#include "orp/storage/upgrade_fixture.h"

namespace orp::storage::sqlite {
namespace {

// How many migrations come after `version` (numbers have gaps: 0015 and 0017 are unused).
int LaterMigrations(int version) {
  return static_cast<int>(std::count_if(Migrations().begin(), Migrations().end(),
                                        [&](const Migration& m) { return m.version > version; }));
}

namespace upgrade = storage::upgrade;

class SqliteUpgrade : public ::testing::TestWithParam<int> {
 protected:
  static void SetUpTestSuite() {
    set_up_.Run([] {
      dir_ =
          std::filesystem::path(::testing::TempDir()) / ("orp-upgrade-" + std::to_string(getpid()));
      std::filesystem::create_directories(dir_);
      auto reference = OpenStore((dir_ / "reference.db").string());
      ASSERT_TRUE(reference.has_value()) << reference.error().ToString();
      upgrade::WriteRepresentativeData(**reference);
    });
  }
  static void TearDownTestSuite() { std::filesystem::remove_all(dir_); }
  void SetUp() override { ASSERT_TRUE(set_up_.ok()) << set_up_.failures(); }
  static std::string Path(const std::string& name) { return (dir_ / name).string(); }
  static std::filesystem::path dir_;
  static inline SuiteSetUp set_up_;
};
std::filesystem::path SqliteUpgrade::dir_;

std::vector<std::string> Strings(Connection& c, const std::string& sql) {
  std::vector<std::string> out;
  auto stmt = c.Prepare(sql);
  EXPECT_TRUE(stmt.has_value()) << sql;
  if (!stmt) return out;
  while (true) {
    auto row = stmt->Step();
    EXPECT_TRUE(row.has_value()) << row.error().ToString();
    if (!row || !*row) break;
    out.push_back(stmt->Text(0));
  }
  return out;
}

// Table -> its stored (not generated) columns, by their current names, in the database at `path`
// created at schema `version`.
std::vector<std::pair<std::string, std::vector<std::string>>> TablesAt(Connection& c, int version) {
  std::vector<std::pair<std::string, std::vector<std::string>>> tables;
  for (const std::string& table :
       Strings(c,
               "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
               "'sqlite_%' AND name <> 'schema_version' ORDER BY rowid")) {
    std::vector<std::string> columns;
    for (const std::string& column :
         Strings(c, "SELECT name FROM pragma_table_xinfo('" + table + "') WHERE hidden = 0"))
      columns.push_back(upgrade::ColumnNow(table, column, version));
    tables.emplace_back(table, columns);
  }
  return tables;
}

TEST_P(SqliteUpgrade, DatabaseCreatedAtThisVersionUpgradesWithItsDataAndBehaviourIntact) {
  const int version = GetParam();
  const std::string path = Path("v" + std::to_string(version) + ".db");
  std::vector<std::pair<std::string, std::vector<std::string>>> tables;
  {
    auto c = Connection::Open(path, {});
    ASSERT_TRUE(c.has_value());
    ASSERT_TRUE(Migrate(**c, version).has_value());
    ASSERT_EQ(*CurrentSchemaVersion(**c), version);
    tables = TablesAt(**c, version);
    ASSERT_TRUE((*c)->Exec("PRAGMA foreign_keys = OFF"));
    ASSERT_TRUE((*c)->Exec("ATTACH DATABASE '" + Path("reference.db") + "' AS ref"));
    for (const auto& [table, columns] : tables) {
      auto copied = (*c)->Exec(upgrade::CopySql(table, columns, "ref.", version));
      ASSERT_TRUE(copied.has_value()) << table << ": " << copied.error().ToString();
    }
  }
  auto upgraded = OpenStore(path);
  ASSERT_TRUE(upgraded.has_value()) << upgraded.error().ToString();
  EXPECT_EQ(static_cast<int>((*upgraded)->Info().migrations_applied.size()),
            LaterMigrations(version));
  {
    auto c = Connection::Open(path, {});
    ASSERT_TRUE((*c)->Exec("ATTACH DATABASE '" + Path("reference.db") + "' AS ref"));
    for (const auto& [table, columns] : tables) {
      EXPECT_EQ(Strings(**c, upgrade::DumpSql(table, columns, "")),
                Strings(**c, upgrade::DumpSql(table, columns, "ref.")))
          << table;
    }
  }
  auto reference = OpenStore(Path("reference.db"));
  ASSERT_TRUE(reference.has_value());
  upgrade::ExpectBehavesLikeReference(**upgraded, **reference, version);
}

std::vector<int> EveryEarlierVersion() {
  std::vector<int> versions;
  for (const Migration& m : Migrations()) {
    if (m.version < Migrations().back().version) versions.push_back(m.version);
  }
  return versions;
}

INSTANTIATE_TEST_SUITE_P(EveryVersion, SqliteUpgrade, ::testing::ValuesIn(EveryEarlierVersion()),
                         [](const auto& param_info) {
                           return "from" + std::to_string(param_info.param);
                         });

// A database from a build that had a higher-numbered migration but lacked a lower one receives
// the lower one (the migrator applies every migration not recorded, not only newer ones).
TEST(SqliteMigrator, AppliesAMissingLowerMigrationBelowTheHighestRecorded) {
  auto dir = std::filesystem::path(::testing::TempDir());
  const std::string path = (dir / ("orp-gap-" + std::to_string(getpid()) + ".db")).string();
  {
    auto c = Connection::Open(path, {});
    ASSERT_TRUE(Migrate(**c).has_value());
    // Undo 0006_signals as if this database had been made by a build without it.
    ASSERT_TRUE((*c)->Exec("DROP TABLE signals; DELETE FROM schema_version WHERE version = 6"));
  }
  auto store = OpenStore(path);
  ASSERT_TRUE(store.has_value()) << store.error().ToString();
  EXPECT_EQ((*store)->Info().migrations_applied, std::vector<std::string>{"0006_signals"});
  EXPECT_TRUE((*store)->ListSignals({}).has_value());
  store->reset();
  std::filesystem::remove(path);
}

// A recorded migration that this orp does not know — even below its newest — is refused, naming it.
TEST(SqliteMigrator, RefusesADatabaseRecordingAnUnknownMigrationNamingIt) {
  auto dir = std::filesystem::path(::testing::TempDir());
  const std::string path = (dir / ("orp-foreign-" + std::to_string(getpid()) + ".db")).string();
  {
    auto c = Connection::Open(path, {});
    ASSERT_TRUE(Migrate(**c).has_value());
    ASSERT_TRUE(
        (*c)->Exec("UPDATE schema_version SET name = '0002_from_a_branch' "
                   "WHERE version = 2"));
  }
  auto store = OpenStore(path);
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(store.error().message().find("0002_from_a_branch"), std::string::npos);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace orp::storage::sqlite
