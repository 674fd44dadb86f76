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

// The databases stores hold today were made before 0013 existed, with 0014, 0016 and 0018
// applied: for them 0013 comes after the higher numbers. Such a database (every migration but
// 0013, `pseudonym BLOB UNIQUE` the column's constraint again, the representative data in it)
// receives 0013 when opened: every patient row is kept with its id, the uniqueness is the named
// index, a duplicate pseudonym is refused and no row names a missing patient.
TEST(SqliteMigrator, ADatabaseMadeBeforeThePseudonymIndexReceivesItAfterHigherNumbers) {
  auto dir = std::filesystem::path(::testing::TempDir());
  const std::string path = (dir / ("orp-pre13-" + std::to_string(getpid()) + ".db")).string();
  const std::string patients =
      "SELECT id || ',' || coalesce(hex(pseudonym), '') || ',' || coalesce(hex(nhs_cipher), '') "
      "|| ',' || coalesce(date_of_birth, '') || ',' || sex || ',' || postcode || ',' || "
      "coalesce(date_of_death, '') || ',' || opted_out || ',' || change_seq FROM patients "
      "ORDER BY id";
  std::vector<std::string> before;
  {
    auto store = OpenStore(path);
    ASSERT_TRUE(store.has_value()) << store.error().ToString();
    upgrade::WriteRepresentativeData(**store);
  }
  {
    auto c = Connection::Open(path, {});
    ASSERT_TRUE(c.has_value());
    before = Strings(**c, patients);
    ASSERT_FALSE(before.empty());
    // 0013 undone: the table as 0001 and 0002 made it, its rows and ids kept.
    ASSERT_TRUE((*c)->Exec(R"sql(
      PRAGMA foreign_keys = OFF;
      BEGIN;
      CREATE TABLE patients_old (id INTEGER PRIMARY KEY, pseudonym BLOB UNIQUE, nhs_cipher BLOB,
        date_of_birth INTEGER, sex TEXT NOT NULL, postcode TEXT NOT NULL, date_of_death INTEGER,
        opted_out INTEGER NOT NULL DEFAULT 0, change_seq INTEGER NOT NULL DEFAULT 0);
      INSERT INTO patients_old SELECT id, pseudonym, nhs_cipher, date_of_birth, sex, postcode,
        date_of_death, opted_out, change_seq FROM patients;
      DROP TABLE patients;
      ALTER TABLE patients_old RENAME TO patients;
      CREATE INDEX patients_by_demographics ON patients(date_of_birth, sex, postcode);
      CREATE INDEX patients_by_change ON patients(change_seq);
      DELETE FROM schema_version WHERE version = 13;
      COMMIT;
    )sql"));
    EXPECT_EQ(Strings(**c, "SELECT name FROM sqlite_master WHERE name = 'patients_by_pseudonym'"),
              std::vector<std::string>{});
    EXPECT_EQ(*CurrentSchemaVersion(**c), Migrations().back().version);
  }
  auto store = OpenStore(path);
  ASSERT_TRUE(store.has_value()) << store.error().ToString();
  EXPECT_EQ((*store)->Info().migrations_applied, std::vector<std::string>{"0013_pseudonym_index"});
  store->reset();
  auto c = Connection::Open(path, {});
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(Strings(**c, patients), before);
  EXPECT_EQ(Strings(**c,
                    "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = "
                    "'patients' ORDER BY name"),
            (std::vector<std::string>{"patients_by_change", "patients_by_demographics",
                                      "patients_by_pseudonym"}));
  EXPECT_EQ(Strings(**c, "SELECT \"table\" FROM pragma_foreign_key_check"),
            std::vector<std::string>{});
  EXPECT_FALSE(
      (*c)->Exec("INSERT INTO patients (pseudonym, sex, postcode) SELECT pseudonym, sex, "
                 "postcode FROM patients WHERE pseudonym IS NOT NULL LIMIT 1"));
  c->reset();
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
