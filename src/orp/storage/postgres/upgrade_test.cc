// A schema created by every earlier schema version upgrades with this orp and keeps its data and
// behaviour (ops, #10). See storage/upgrade_fixture.h for how each old schema is built.
#include <gtest/gtest.h>

#include <algorithm>

#include "orp/core/suite_set_up.h"
#include "orp/storage/postgres/connection.h"
#include "orp/storage/postgres/migrations.h"
#include "orp/storage/postgres/postgres_store.h"
#include "orp/storage/postgres/test_schema.h"
#include "orp/storage/upgrade_fixture.h"

namespace orp::storage::postgres {
namespace {

// How many migrations come after `version` (numbers have gaps: 0015 and 0017 are unused).
int LaterMigrations(int version) {
  return static_cast<int>(std::count_if(Migrations().begin(), Migrations().end(),
                                        [&](const Migration& m) { return m.version > version; }));
}

namespace upgrade = storage::upgrade;
using testing::FreshSchemaUrl;

// The schema a FreshSchemaUrl() connects to (its search_path option).
std::string SchemaOf(const std::string& url) {
  return url.substr(url.rfind("search_path%3D") + std::string("search_path%3D").size());
}

std::vector<std::string> Strings(Connection& c, const std::string& sql, const Params& params = {}) {
  std::vector<std::string> out;
  auto rows = c.Query(sql, params);
  EXPECT_TRUE(rows.has_value()) << sql << ": " << rows.error().ToString();
  if (!rows) return out;
  for (int r = 0; r < rows->size(); ++r) out.push_back((*rows)[r].Text(0));
  return out;
}

class PostgresUpgrade : public ::testing::TestWithParam<int> {
 protected:
  static void SetUpTestSuite() {
    set_up_.Run([] {
      auto url = FreshSchemaUrl();
      ASSERT_TRUE(url.has_value()) << url.error().ToString();
      reference_url_ = *url;
      auto reference = OpenStore(reference_url_);
      ASSERT_TRUE(reference.has_value()) << reference.error().ToString();
      upgrade::WriteRepresentativeData(**reference);
    });
  }
  void SetUp() override { ASSERT_TRUE(set_up_.ok()) << set_up_.failures(); }
  static std::string reference_url_;
  static inline SuiteSetUp set_up_;
};
std::string PostgresUpgrade::reference_url_;

using Tables = std::vector<std::pair<std::string, std::vector<std::string>>>;

Tables TablesAt(Connection& c, int version) {
  Tables tables;
  for (const std::string& table :
       Strings(c,
               "SELECT table_name FROM information_schema.tables WHERE table_schema = "
               "current_schema() AND table_type = 'BASE TABLE' AND table_name <> "
               "'schema_version' ORDER BY table_name")) {
    std::vector<std::string> columns;
    for (const std::string& column :
         Strings(c,
                 "SELECT column_name FROM information_schema.columns WHERE table_schema = "
                 "current_schema() AND table_name = $1 AND is_generated = 'NEVER' "
                 "ORDER BY ordinal_position",
                 Params().Add(table)))
      columns.push_back(upgrade::ColumnNow(table, column, version));
    tables.emplace_back(table, columns);
  }
  return tables;
}

// Copies the reference's rows into the schema as it was at `version`, with foreign keys and
// triggers off (replica role) and identity sequences moved past the copied ids, as inserts
// through the old orp would have left them.
void CopyReference(Connection& c, const Tables& tables, const std::string& reference_schema,
                   int version) {
  ASSERT_TRUE(c.Exec("SET session_replication_role = replica"));
  for (const auto& [table, columns] : tables) {
    auto copied = c.Exec(upgrade::CopySql(table, columns, reference_schema + ".", version));
    ASSERT_TRUE(copied.has_value()) << table << ": " << copied.error().ToString();
    if (std::find(columns.begin(), columns.end(), "id") == columns.end()) continue;
    auto moved = c.Exec("SELECT setval(pg_get_serial_sequence('" + table +
                        "', 'id'), coalesce(max(id), 0) + 1, false) FROM " + table);
    ASSERT_TRUE(moved.has_value()) << table << ": " << moved.error().ToString();
  }
  ASSERT_TRUE(c.Exec("SET session_replication_role = origin"));
}

TEST_P(PostgresUpgrade, SchemaCreatedAtThisVersionUpgradesWithItsDataAndBehaviourIntact) {
  const int version = GetParam();
  const std::string reference_schema = SchemaOf(reference_url_);
  auto url = FreshSchemaUrl();
  ASSERT_TRUE(url.has_value());
  Tables tables;
  {
    auto c = Connection::Open(*url, "test");
    ASSERT_TRUE(c.has_value());
    ASSERT_TRUE(Migrate(**c, version).has_value());
    ASSERT_EQ(*CurrentSchemaVersion(**c), version);
    tables = TablesAt(**c, version);
    CopyReference(**c, tables, reference_schema, version);
  }
  auto upgraded = OpenStore(*url);
  ASSERT_TRUE(upgraded.has_value()) << upgraded.error().ToString();
  EXPECT_EQ(static_cast<int>((*upgraded)->Info().migrations_applied.size()),
            LaterMigrations(version));
  {
    auto c = Connection::Open(*url, "test");
    for (const auto& [table, columns] : tables) {
      EXPECT_EQ(Strings(**c, upgrade::DumpSql(table, columns, "")),
                Strings(**c, upgrade::DumpSql(table, columns, reference_schema + ".")))
          << table;
    }
  }
  auto reference = OpenStore(reference_url_);
  ASSERT_TRUE(reference.has_value());
  upgrade::ExpectBehavesLikeReference(**upgraded, **reference, version);
}

// The databases stores hold today were made before 0013 existed, with 0014, 0016 and 0018
// applied: for them 0013 comes after the higher numbers. Such a schema (every migration but
// 0013, the pseudonym's uniqueness the column's constraint `patients_pseudonym_key` again, the
// representative data in it) receives 0013 when opened: the rows are kept, the uniqueness is the
// named index, and a duplicate pseudonym is refused.
TEST(PostgresMigrator, ASchemaMadeBeforeThePseudonymIndexReceivesItAfterHigherNumbers) {
  auto url = FreshSchemaUrl();
  ASSERT_TRUE(url.has_value());
  const std::string patients =
      "SELECT concat_ws(',', id, encode(pseudonym, 'hex'), encode(nhs_cipher, 'hex'), "
      "date_of_birth, sex, postcode, date_of_death, opted_out, change_seq) FROM patients "
      "ORDER BY id";
  const std::string indexes =
      "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = "
      "'patients' ORDER BY indexname";
  std::vector<std::string> before;
  {
    auto store = OpenStore(*url);
    ASSERT_TRUE(store.has_value()) << store.error().ToString();
    upgrade::WriteRepresentativeData(**store);
  }
  {
    auto c = Connection::Open(*url, "test");
    ASSERT_TRUE(c.has_value());
    before = Strings(**c, patients);
    ASSERT_FALSE(before.empty());
    ASSERT_TRUE((*c)->Exec(
        "BEGIN; DROP INDEX patients_by_pseudonym; ALTER TABLE patients ADD CONSTRAINT "
        "patients_pseudonym_key UNIQUE (pseudonym); DELETE FROM schema_version WHERE version = "
        "13; COMMIT"));
    EXPECT_EQ(Strings(**c, indexes),
              (std::vector<std::string>{"patients_by_change", "patients_by_demographics",
                                        "patients_pkey", "patients_pseudonym_key"}));
  }
  auto store = OpenStore(*url);
  ASSERT_TRUE(store.has_value()) << store.error().ToString();
  EXPECT_EQ((*store)->Info().migrations_applied, std::vector<std::string>{"0013_pseudonym_index"});
  store->reset();
  auto c = Connection::Open(*url, "test");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(Strings(**c, patients), before);
  EXPECT_EQ(Strings(**c, indexes),
            (std::vector<std::string>{"patients_by_change", "patients_by_demographics",
                                      "patients_by_pseudonym", "patients_pkey"}));
  EXPECT_FALSE(
      (*c)->Exec("INSERT INTO patients (pseudonym, sex, postcode) SELECT pseudonym, sex, "
                 "postcode FROM patients WHERE pseudonym IS NOT NULL LIMIT 1"));
}

std::vector<int> EveryEarlierVersion() {
  std::vector<int> versions;
  for (const Migration& m : Migrations()) {
    if (m.version < Migrations().back().version) versions.push_back(m.version);
  }
  return versions;
}

INSTANTIATE_TEST_SUITE_P(EveryVersion, PostgresUpgrade, ::testing::ValuesIn(EveryEarlierVersion()),
                         [](const auto& param_info) {
                           return "from" + std::to_string(param_info.param);
                         });

TEST(PostgresMigrator, AppliesAMissingLowerMigrationBelowTheHighestRecorded) {
  auto url = FreshSchemaUrl();
  ASSERT_TRUE(url.has_value());
  {
    auto c = Connection::Open(*url, "test");
    ASSERT_TRUE(Migrate(**c).has_value());
    ASSERT_TRUE((*c)->Exec("DROP TABLE signals; DELETE FROM schema_version WHERE version = 6"));
  }
  auto store = OpenStore(*url);
  ASSERT_TRUE(store.has_value()) << store.error().ToString();
  EXPECT_EQ((*store)->Info().migrations_applied, std::vector<std::string>{"0006_signals"});
  EXPECT_TRUE((*store)->ListSignals({}).has_value());
}

TEST(PostgresMigrator, RefusesASchemaRecordingAnUnknownMigrationNamingIt) {
  auto url = FreshSchemaUrl();
  ASSERT_TRUE(url.has_value());
  {
    auto c = Connection::Open(*url, "test");
    ASSERT_TRUE(Migrate(**c).has_value());
    ASSERT_TRUE(
        (*c)->Exec("UPDATE schema_version SET name = '0002_from_a_branch' "
                   "WHERE version = 2"));
  }
  auto store = OpenStore(*url);
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(store.error().message().find("0002_from_a_branch"), std::string::npos);
}

}  // namespace
}  // namespace orp::storage::postgres
