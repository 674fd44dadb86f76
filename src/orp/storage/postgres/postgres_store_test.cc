#include "orp/storage/postgres/postgres_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "orp/storage/conformance_test.h"
#include "orp/storage/open.h"
#include "orp/storage/postgres/connection.h"
#include "orp/storage/postgres/migrations.h"
#include "orp/storage/postgres/test_schema.h"

namespace orp::storage::postgres {
namespace {

using storage::conformance::SamplePatient;
using storage::conformance::StoreConformance;
using storage::conformance::StoreMaker;
using testing::FreshSchemaUrl;

Result<std::unique_ptr<Store>> OpenFresh() {
  auto url = FreshSchemaUrl();
  if (!url) return std::unexpected(url.error());
  return OpenStore(*url);
}

INSTANTIATE_TEST_SUITE_P(Postgres, StoreConformance,
                         ::testing::Values(StoreMaker{"server", OpenFresh}),
                         storage::conformance::MakerName);

TEST(PostgresStore, NewSchemaIsMigratedToTheLatestVersion) {
  auto store = OpenFresh();
  ASSERT_TRUE(store.has_value()) << store.error().ToString();
  StoreInfo info = (*store)->Info();
  EXPECT_EQ(info.backend, "postgresql");
  EXPECT_EQ(info.schema_version, Migrations().back().version);
  ASSERT_EQ(info.migrations_applied.size(), Migrations().size());
  EXPECT_EQ(info.migrations_applied[0], "0001_core");
  EXPECT_EQ(info.migrations_applied[1], "0002_change_sequence");
  EXPECT_EQ(*(*store)->SchemaVersion(), Migrations().back().version);
}

TEST(PostgresStore, ReopeningAppliesNothingAndKeepsTheData) {
  auto url = FreshSchemaUrl();
  ASSERT_TRUE(url.has_value()) << url.error().ToString();
  {
    auto store = OpenStore(*url);
    ASSERT_TRUE(store.has_value()) << store.error().ToString();
    auto txn = (*store)->Begin();
    ASSERT_TRUE((*txn)->PutPatient(SamplePatient(1)).has_value());
    ASSERT_TRUE((*txn)->Commit().has_value());
  }
  auto again = OpenStore(*url);
  ASSERT_TRUE(again.has_value());
  EXPECT_TRUE((*again)->Info().migrations_applied.empty());
  EXPECT_TRUE((*again)->FindPatientByPseudonym(*SamplePatient(1).pseudonym)->has_value());
}

// A schema left by an orp that knew only 0001_core upgrades at open, and its rows stay readable.
TEST(PostgresStore, SchemaFromTheFirstVersionUpgradesAtOpen) {
  auto url = FreshSchemaUrl();
  ASSERT_TRUE(url.has_value());
  {
    auto connection = Connection::Open(*url, "test");
    ASSERT_TRUE(connection.has_value());
    ASSERT_TRUE(Migrate(**connection, 1).has_value());
    ASSERT_TRUE(
        (*connection)->Exec("INSERT INTO patients (sex, postcode) VALUES ('2', 'LS1 4AP')"));
  }
  auto store = OpenStore(*url);
  ASSERT_TRUE(store.has_value()) << store.error().ToString();
  std::vector<std::string> later;
  for (const Migration& m : Migrations()) {
    if (m.version > 1) later.emplace_back(m.name);
  }
  EXPECT_EQ((*store)->Info().migrations_applied, later);
  int streamed = 0;
  ASSERT_TRUE((*store)->ForEachPatient(0, [&](const Patient& p) {
    EXPECT_EQ(p.sex, domain::Sex::kFemale);
    return ++streamed > 0;
  }));
  EXPECT_EQ(streamed, 1);
}

TEST(PostgresStore, RefusesASchemaFromANewerOrp) {
  auto url = FreshSchemaUrl();
  ASSERT_TRUE(url.has_value());
  ASSERT_TRUE(OpenStore(*url).has_value());
  {
    auto connection = Connection::Open(*url, "test");
    ASSERT_TRUE((*connection)->Exec("INSERT INTO schema_version VALUES (999, '0999_future', 0)"));
  }
  auto store = OpenStore(*url);
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(store.error().message().find("999"), std::string::npos);
}

TEST(PostgresStore, AuditLogRefusesUpdateDeleteAndTruncate) {
  auto url = FreshSchemaUrl();
  ASSERT_TRUE(url.has_value());
  {
    auto store = OpenStore(*url);
    auto txn = (**store).Begin();
    AuditRecord r;
    r.hash = "h1";
    ASSERT_TRUE((*txn)->AppendAudit(r).has_value());
    ASSERT_TRUE((*txn)->Commit().has_value());
  }
  auto connection = Connection::Open(*url, "test");
  EXPECT_FALSE((*connection)->Exec("UPDATE audit_log SET actor = 'mallory'").has_value());
  EXPECT_FALSE((*connection)->Exec("DELETE FROM audit_log").has_value());
  EXPECT_FALSE((*connection)->Exec("TRUNCATE audit_log").has_value());
}

TEST(PostgresStore, LocationNeverHoldsThePassword) {
  EXPECT_EQ(*RedactedLocation("postgresql://orp:s3cret@db.example:5433/registry?sslmode=require"),
            "postgresql://orp@db.example:5433/registry");
  EXPECT_EQ(*RedactedLocation("host=/run/pg port=5432 dbname=orp user=u password=s3cret"),
            "postgresql://u@/orp?host=/run/pg&port=5432");
  EXPECT_EQ(RedactedLocation("postgresql://[bad").error().code(), ErrorCode::kInvalidArgument);
}

// Nothing listens on port 1: the server is "down", which is kUnavailable (retry), and the
// message names the server without its password.
TEST(PostgresStore, UnreachableServerIsUnavailableAndTheMessageHasNoPassword) {
  auto store = OpenStore("postgresql://orp:s3cret@127.0.0.1:1/orp?connect_timeout=5");
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(store.error().message().find("s3cret"), std::string::npos);
  EXPECT_NE(store.error().message().find("postgresql://orp@127.0.0.1:1/orp"), std::string::npos);
}

TEST(PostgresStore, FactoryOpensBothUrlSchemes) {
  auto url = FreshSchemaUrl();
  ASSERT_TRUE(url.has_value());
  StoreFactory factory;
  factory.Register("postgresql", OpenStoreFromUrl);
  factory.Register("postgres", OpenStoreFromUrl);
  auto store = factory.Open(*url);
  ASSERT_TRUE(store.has_value()) << store.error().ToString();
  EXPECT_EQ((*store)->Info().backend, "postgresql");
  EXPECT_TRUE((*store)->Info().location.starts_with("postgresql://postgres@/postgres?host="));
  auto short_scheme = factory.Open("postgres" + url->substr(std::string("postgresql").size()));
  ASSERT_TRUE(short_scheme.has_value()) << short_scheme.error().ToString();
}

TEST(PostgresStore, CreatesTheSchemaNamedInTheUrl) {
  auto server = testing::ServerUrl();
  ASSERT_TRUE(server.has_value()) << server.error().ToString();
  std::string schema = "orp_named_" + std::to_string(getpid());
  char separator = server->find('?') == std::string::npos ? '?' : '&';
  auto store = OpenStore(*server + separator + "options=-csearch_path%3D" + schema);
  ASSERT_TRUE(store.has_value()) << store.error().ToString();
  EXPECT_EQ((*store)->Info().migrations_applied.size(), Migrations().size());
  auto admin = Connection::Open(*server, "test");
  auto tables =
      (*admin)->Query("SELECT count(*) FROM information_schema.tables WHERE table_schema = $1",
                      Params().Add(schema));
  ASSERT_TRUE(tables.has_value());
  EXPECT_GT((*tables)[0].Int(0), 10);
  EXPECT_TRUE((*admin)->Exec("DROP SCHEMA " + schema + " CASCADE"));
}

TEST(PostgresStore, ReadingAfterAFailedStatementInATransactionCannotCommit) {
  auto store = OpenFresh();
  ASSERT_TRUE(store.has_value());
  auto txn = (*store)->Begin();
  ASSERT_TRUE((*txn)->PutPatient(SamplePatient(1)).has_value());
  Patient missing = SamplePatient(2);
  missing.id = PatientId{424242};
  auto put = (*txn)->PutPatient(missing);
  ASSERT_FALSE(put.has_value());
  EXPECT_EQ(put.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ((*txn)->Commit().error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ((*store)->CountRows()->at("patients"), 0);
}

// Streamed statements (sql::Database::WithStreamedStatement): rows one at a time, and a stream
// its callback ends (by an error here) leaves the connection usable, both outside a transaction
// (the rest is cancelled) and inside one (the rest is read and dropped, the transaction lives).
TEST(PostgresStream, ACallbackErrorEndsTheStreamAndTheConnectionGoesOn) {
  auto server = testing::ServerUrl();
  ASSERT_TRUE(server.has_value()) << server.error().ToString();
  auto db = Connection::Open(*server, "test");
  ASSERT_TRUE(db.has_value()) << db.error().ToString();
  for (bool in_transaction : {false, true}) {
    if (in_transaction) {
      ASSERT_TRUE((*db)->Exec("BEGIN").has_value());
    }
    std::vector<int64_t> seen;
    auto streamed = sql::StreamEachRow(
        **db, "SELECT generate_series(1, ?1)", [](sql::Statement& s) { s.Bind(1, 100000); },
        [&](const sql::Statement& s) -> Result<bool> {
          seen.push_back(s.Int(0));
          if (seen.size() == 3) return InvalidArgument("stop here");
          return true;
        });
    ASSERT_FALSE(streamed.has_value());
    EXPECT_EQ(streamed.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(seen, (std::vector<int64_t>{1, 2, 3}));
    auto after = (*db)->Query("SELECT 41 + 1");
    ASSERT_TRUE(after.has_value()) << after.error().ToString();
    EXPECT_EQ((*after)[0].Int(0), 42);
    if (in_transaction) {
      EXPECT_TRUE((*db)->Commit().has_value());
    }
  }
  EXPECT_TRUE((*db)->ReusableIdle());
}

TEST(PostgresStream, StreamedAndWholeReadsGiveTheSameRowsInTheSameOrder) {
  auto server = testing::ServerUrl();
  ASSERT_TRUE(server.has_value()) << server.error().ToString();
  auto db = Connection::Open(*server, "test");
  ASSERT_TRUE(db.has_value());
  constexpr std::string_view kSql =
      "SELECT (g * 7919) % 1000, g FROM generate_series(1, 5000) g "
      "ORDER BY 1, 2";
  auto read = [](const sql::Statement& s) -> Result<std::pair<int64_t, int64_t>> {
    return std::pair(s.Int(0), s.Int(1));
  };
  std::vector<std::pair<int64_t, int64_t>> streamed;
  ASSERT_TRUE(sql::StreamEachRow(
                  **db, kSql, [](sql::Statement&) {},
                  [&](const sql::Statement& s) -> Result<bool> {
                    streamed.push_back(*read(s));
                    return true;
                  })
                  .has_value());
  auto whole = sql::Collect<std::pair<int64_t, int64_t>>(
      **db, kSql, [](sql::Statement&) {}, read);
  ASSERT_TRUE(whole.has_value());
  EXPECT_EQ(streamed.size(), 5000u);
  EXPECT_EQ(streamed, *whole);
}

// The constraint that makes streaming opt-in: the streamed connection runs nothing else until the
// stream ends. A transaction's own read from inside its stream's visitor fails, and the
// transaction is still usable afterwards.
TEST(PostgresStream, QueryingTheStreamedConnectionFromItsCallbackFailsAndLeavesItUsable) {
  auto store = OpenFresh();
  ASSERT_TRUE(store.has_value());
  auto txn = (*store)->Begin();
  PatientId patient = *(*txn)->PutPatient(SamplePatient(1));
  std::optional<Error> inner;
  ASSERT_TRUE((*txn)
                  ->ForEachPatient(0,
                                   [&](const Patient& p) {
                                     auto read = (*txn)->FindPatient(p.id);
                                     if (!read) inner = read.error();
                                     return true;
                                   })
                  .has_value());
  ASSERT_TRUE(inner.has_value());
  EXPECT_EQ(inner->code(), ErrorCode::kFailedPrecondition);
  EXPECT_TRUE((*txn)->FindPatient(patient)->has_value());
  ASSERT_TRUE((*txn)->Commit().has_value());
  EXPECT_TRUE((*store)->FindPatient(patient)->has_value());
}

// Cursor statements (sql::Database::WithCursorStatement): two open at once on one connection,
// read a few rows per FETCH and merged, outside a transaction (WithReadSnapshot opens one and
// ends it) and inside the caller's; the connection goes back to idle with no cursor left.
TEST(PostgresCursor, TwoCursorsOpenAtOnceAreMergedAcrossBatches) {
  auto server = testing::ServerUrl();
  ASSERT_TRUE(server.has_value()) << server.error().ToString();
  auto db = Connection::Open(*server, "test");
  ASSERT_TRUE(db.has_value()) << db.error().ToString();
  sql::SetCursorBatchRows(3);
  for (bool in_transaction : {false, true}) {
    if (in_transaction) {
      ASSERT_TRUE((*db)->Exec("BEGIN").has_value());
    }
    std::vector<int64_t> merged;
    auto read = (*db)->WithCursorStatement(
        "SELECT g * 2 FROM generate_series(1, ?1) g ORDER BY 1", [&](sql::Statement& even) {
          even.Bind(1, 10);
          return (*db)->WithCursorStatement("SELECT g * 3 FROM generate_series(1, 7) g ORDER BY 1",
                                            [&](sql::Statement& triple) -> Result<void> {
                                              Result<bool> a = even.Step(), b = triple.Step();
                                              while (a && b && (*a || *b)) {
                                                if (*a && (!*b || even.Int(0) <= triple.Int(0))) {
                                                  merged.push_back(even.Int(0));
                                                  a = even.Step();
                                                } else {
                                                  merged.push_back(triple.Int(0));
                                                  b = triple.Step();
                                                }
                                              }
                                              if (!a) return std::unexpected(a.error());
                                              if (!b) return std::unexpected(b.error());
                                              return {};
                                            });
        });
    ASSERT_TRUE(read.has_value()) << read.error().ToString();
    EXPECT_EQ(merged,
              (std::vector<int64_t>{2, 3, 4, 6, 6, 8, 9, 10, 12, 12, 14, 15, 16, 18, 18, 20, 21}));
    auto open = (*db)->Query("SELECT count(*) FROM pg_cursors WHERE name LIKE 'orp_cursor%'");
    ASSERT_TRUE(open.has_value());
    EXPECT_EQ((*open)[0].Int(0), 0);
    if (in_transaction) {
      EXPECT_FALSE((*db)->ReusableIdle());
      ASSERT_TRUE((*db)->Commit().has_value());
    }
    EXPECT_TRUE((*db)->ReusableIdle());
  }
  sql::SetCursorBatchRows(10000);
}

// A cursor read that stops early (an error here) leaves the connection usable and idle.
TEST(PostgresCursor, ACursorStoppedEarlyLeavesTheConnectionIdle) {
  auto server = testing::ServerUrl();
  ASSERT_TRUE(server.has_value()) << server.error().ToString();
  auto db = Connection::Open(*server, "test");
  ASSERT_TRUE(db.has_value()) << db.error().ToString();
  sql::SetCursorBatchRows(2);
  auto read = (*db)->WithCursorStatement("SELECT generate_series(1, 100)",
                                         [&](sql::Statement& s) -> Result<void> {
                                           for (int k = 0; k < 5; ++k) {
                                             auto more = s.Step();
                                             if (!more) return std::unexpected(more.error());
                                           }
                                           return InvalidArgument("stop here");
                                         });
  sql::SetCursorBatchRows(10000);
  ASSERT_FALSE(read.has_value());
  EXPECT_EQ(read.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE((*db)->ReusableIdle());
  auto after = (*db)->Query("SELECT 41 + 1");
  ASSERT_TRUE(after.has_value()) << after.error().ToString();
  EXPECT_EQ((*after)[0].Int(0), 42);
}

// WithReadSnapshot: every read inside sees the store as it was at the first, even when another
// connection commits in between (READ COMMITTED would see the new row in the second read).
TEST(PostgresCursor, ReadsInOneSnapshotDoNotSeeALaterCommit) {
  auto url = FreshSchemaUrl();
  ASSERT_TRUE(url.has_value()) << url.error().ToString();
  auto reader = Connection::Open(*url, "test");
  auto writer = Connection::Open(*url, "test");
  ASSERT_TRUE(reader.has_value() && writer.has_value());
  ASSERT_TRUE((*writer)->Exec("CREATE TABLE t (v BIGINT); INSERT INTO t VALUES (1)").has_value());
  auto count = [](sql::Database& db) -> Result<int64_t> {
    auto n = sql::First<int64_t>(
        db, "SELECT count(*) FROM t", [](sql::Statement&) {},
        [](const sql::Statement& s) -> Result<int64_t> { return s.Int(0); });
    if (!n) return std::unexpected(n.error());
    return n->value_or(-1);
  };
  std::vector<int64_t> seen;
  auto read = (*reader)->WithReadSnapshot([&](sql::Database& db) -> Result<void> {
    auto before = count(db);
    if (!before) return std::unexpected(before.error());
    seen.push_back(*before);
    ORP_RETURN_IF_ERROR((*writer)->Exec("INSERT INTO t VALUES (2)"));
    return db.WithCursorStatement("SELECT v FROM t", [&](sql::Statement& s) -> Result<void> {
      int64_t rows = 0;
      while (true) {
        auto more = s.Step();
        if (!more) return std::unexpected(more.error());
        if (!*more) break;
        ++rows;
      }
      seen.push_back(rows);
      return {};
    });
  });
  ASSERT_TRUE(read.has_value()) << read.error().ToString();
  EXPECT_EQ(seen, (std::vector<int64_t>{1, 1}));
  EXPECT_TRUE((*reader)->ReusableIdle());
  EXPECT_EQ(*count(**reader), 2);
}

}  // namespace
}  // namespace orp::storage::postgres
