// A bulk load stores exactly what a load with every index in place stores (#4, ADR 0009 and
// 0010): the same synthetic registry ingested with --bulk and with --no-bulk, into a store that
// was empty (every index off the write path, linkage served from the writer's memory) and into
// one that already held rows (the indexes ingest does not read), gives the same receipts and the
// same rows in every table, and the bulk store passes SQLite's integrity check with every index.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "orp/catalogue/catalogue_file.h"
#include "orp/domain/registry_loader.h"
#include "orp/ingest/pipeline.h"
#include "orp/storage/sqlite/sqlite_store.h"
#include "orp/synth/synth.h"

namespace orp {
namespace {

namespace fs = std::filesystem;

// Every row of every table (and the index list), as text, by table name; clock
// times (`at`, `..._at`) are left out (the two loads run at different moments), and a BLOB is shown
// as its hex digits, but the NHS number's ciphertext only as its length (encrypting the same number
// twice gives different ciphertexts).
std::string Value(sqlite3_stmt* s, int c, std::string_view column) {
  if (column == "at" || column.ends_with("_at")) return "T";
  switch (sqlite3_column_type(s, c)) {
    case SQLITE_NULL: return "~";
    case SQLITE_BLOB: {
      const auto* bytes = static_cast<const unsigned char*>(sqlite3_column_blob(s, c));
      const int size = sqlite3_column_bytes(s, c);
      if (column == "nhs_cipher") return "cipher:" + std::to_string(size);
      std::string hex;
      for (int i = 0; i < size; ++i) hex += fmt::format("{:02x}", bytes[i]);
      return hex;
    }
    default: return reinterpret_cast<const char*>(sqlite3_column_text(s, c));
  }
}

std::map<std::string, std::string> Dump(const fs::path& db) {
  sqlite3* raw = nullptr;
  EXPECT_EQ(sqlite3_open_v2(db.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  std::map<std::string, std::string> out;
  auto each = [&](const std::string& sql, auto on_row) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(raw, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      // A WITHOUT ROWID table has no rowid: its rows come in primary key order anyway.
      const std::string plain = sql.substr(0, sql.find(" ORDER BY rowid"));
      EXPECT_EQ(sqlite3_prepare_v2(raw, plain.c_str(), -1, &stmt, nullptr), SQLITE_OK) << sql;
    }
    while (sqlite3_step(stmt) == SQLITE_ROW) on_row(stmt);
    sqlite3_finalize(stmt);
  };
  std::vector<std::string> tables;
  each("SELECT name, type FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name",
       [&](sqlite3_stmt* s) {
         const std::string name = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
         const std::string type = reinterpret_cast<const char*>(sqlite3_column_text(s, 1));
         out["schema"] += type + " " + name + "\n";
         if (type == "table") tables.push_back(name);
       });
  for (const std::string& table : tables) {
    each("SELECT * FROM \"" + table + "\" ORDER BY rowid", [&](sqlite3_stmt* s) {
      for (int c = 0; c < sqlite3_column_count(s); ++c) {
        const std::string column = sqlite3_column_name(s, c);
        out[table] += column + "=" + Value(s, c, column);
        out[table] += c + 1 < sqlite3_column_count(s) ? "|" : "\n";
      }
    });
  }
  each("PRAGMA integrity_check", [&](sqlite3_stmt* s) {
    out["integrity"] += reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
  });
  sqlite3_close(raw);
  return out;
}

class IngestBulkEquivalence : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* source = std::getenv("ORP_SOURCE_DIR");  // set by orp_test()
    const fs::path definitions = fs::path(source != nullptr ? source : ".") / "registries";
    dir_ = fs::temp_directory_path() / ("orp_ingest_bulk_eq-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    synth::SynthOptions options;
    options.seed = 5;
    options.procedures = 4000;
    options.out_dir = dir_;
    options.definitions = definitions;
    options.error_rate = 0.03;
    options.registries = {0};  // MDOR: one registry, so its yearly files share one header
    ASSERT_TRUE(synth::GenerateRegistry(options).has_value());
    for (const auto& entry : fs::directory_iterator(dir_ / "submissions")) {
      if (entry.path().extension() == ".csv") files_.push_back(entry.path());
    }
    std::sort(files_.begin(), files_.end());
    ASSERT_GE(files_.size(), 3u);
    ASSERT_TRUE(catalogue::ImportCatalogueFile(dir_ / "device-catalogue.csv",
                                               Date{std::chrono::year{1900} / 1 / 1}, catalogue_)
                    .has_value());
    auto registries = domain::LoadRegistries(definitions);
    ASSERT_TRUE(registries.has_value());
    ingest::ValidatorOptions validator_options;
    validator_options.catalogue = &catalogue_;
    auto validator = ingest::Validator::Create(*registries, validator_options);
    ASSERT_TRUE(validator.has_value());
    validator_.emplace(std::move(*validator));
  }
  void TearDown() override { fs::remove_all(dir_); }

  // files_[from..] joined into one file (header once); with `repeat`, the first data row again
  // at the end (a correction of a ref the same load wrote).
  fs::path Joined(size_t from, bool repeat) {
    const fs::path out_path =
        dir_ / ("joined-" + std::to_string(from) + (repeat ? "r" : "") + ".csv");
    std::ofstream out(out_path, std::ios::binary);
    std::string header;
    std::string first;
    std::string line;
    for (size_t i = from; i < files_.size(); ++i) {
      std::ifstream in(files_[i], std::ios::binary);
      std::getline(in, line);
      if (i == from) out << line << "\n";
      while (std::getline(in, line)) {
        if (first.empty()) first = line;
        out << line << "\n";
      }
    }
    if (repeat) out << first << "\n";
    return out_path;
  }

  // Loads `before` (each with every index) and then `file` with `bulk` into a fresh store.
  std::pair<std::string, std::map<std::string, std::string>> Load(
      const std::string& name, const std::vector<fs::path>& before, const fs::path& file,
      ingest::BulkLoad bulk) {
    const fs::path db = dir_ / (name + ".db");
    std::string receipts;
    {
      auto store = storage::sqlite::OpenStore(db.string());
      EXPECT_TRUE(store.has_value());
      auto keys = security::Pseudonymiser::FromSecret(security::Pseudonymiser::Secret{3});
      ingest::IngestOptions options;
      options.bulk = ingest::BulkLoad::kNever;
      for (const fs::path& f : before) {
        auto r = ingest::IngestFile(**store, *validator_, keys, f, options);
        EXPECT_TRUE(r.has_value());
      }
      options.bulk = bulk;
      auto r = ingest::IngestFile(**store, *validator_, keys, file, options);
      EXPECT_TRUE(r.has_value()) << r.error().message();
      if (r) receipts = r->json;
    }
    return {receipts, Dump(db)};
  }

  void ExpectSame(const std::vector<fs::path>& before, const fs::path& file) {
    auto [plain_receipt, plain] = Load("plain", before, file, ingest::BulkLoad::kNever);
    auto [bulk_receipt, bulk] = Load("bulk", before, file, ingest::BulkLoad::kAlways);
    EXPECT_TRUE(bulk_receipt == plain_receipt);  // (too long to print)
    EXPECT_EQ(plain_receipt.find("csv.malformed"), std::string::npos);
    EXPECT_EQ(bulk["integrity"], "ok");
    ASSERT_EQ(bulk.size(), plain.size());
    for (const auto& [table, rows] : plain) {
      // The first line that differs, not the whole table.
      std::istringstream a(rows), b(bulk[table]);
      std::string line_a, line_b;
      int line = 0;
      while (std::getline(a, line_a) && std::getline(b, line_b) && line_a == line_b) ++line;
      EXPECT_EQ(bulk[table].size(), rows.size()) << table;
      EXPECT_TRUE(bulk[table] == rows)
          << table << " line " << line << ":\n  " << line_a << "\n  " << line_b;
    }
    EXPECT_GT(plain["procedures"].size(), 1000u);  // the registry's rows are there
    EXPECT_NE(plain["outcome_events"], "");        // revisions linked to implants
  }

  fs::path dir_;
  std::vector<fs::path> files_;
  catalogue::Catalogue catalogue_;
  std::optional<ingest::Validator> validator_;
};

TEST_F(IngestBulkEquivalence, IntoAnEmptyStoreEveryTableHoldsWhatTheLoadWithEveryIndexStores) {
  ExpectSame({}, Joined(0, false));
}

TEST_F(IngestBulkEquivalence, ACorrectionInAnEmptyStoreBulkLoadStoresWhatTheLoadWithIndexesStores) {
  ExpectSame({}, Joined(0, true));
}

TEST_F(IngestBulkEquivalence, IntoAStoreHoldingRowsEveryTableHoldsWhatTheLoadWithEveryIndexStores) {
  ExpectSame({files_[0], files_[1]}, Joined(2, false));
}

}  // namespace
}  // namespace orp
