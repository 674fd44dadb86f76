// A bulk load stores exactly what a load with every index in place stores (#4, ADR 0009 and
// 0010): the same synthetic registry ingested with --bulk and with --no-bulk, into a store that
// was empty (every index off the write path, linkage served from the writer's memory) and into
// one that already held rows (the indexes ingest does not read), gives the same receipts and the
// same rows in every table, and the bulk store passes SQLite's integrity check with every index.
// Into a store without patients the writer also finds patients from memory (session 9): a file
// made to link within itself on pseudonyms and on demographics checks that path.
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

  // The file of Joined(0, false) followed by procedures copied from its first primary ones
  // (new procedure_refs; one device row each) that link within the file: without an NHS number
  // (a unique demographic match), with a changed postcode (the patient's demographics change, and
  // a later record matches the new ones), a second person with the same demographics (no unique
  // match after that), and a new person without an NHS number met twice (the second links to the
  // first on demographics).
  fs::path LinkingWithinTheFile() {
    const fs::path out_path = dir_ / "linking.csv";
    const fs::path joined = Joined(0, false);
    std::ifstream in(joined, std::ios::binary);
    std::ofstream out(out_path, std::ios::binary);
    std::string line;
    std::getline(in, line);
    out << line << "\n";
    const std::vector<std::string> header = Split(line);
    auto column = [&](std::string_view name) {
      const auto at = std::find(header.begin(), header.end(), name);
      EXPECT_NE(at, header.end()) << name;
      return static_cast<size_t>(at - header.begin());
    };
    const size_t ref = column("procedure_ref"), nhs = column("nhs_number");
    const size_t type = column("procedure_type"), postcode = column("postcode");
    std::vector<std::vector<std::string>> primaries;
    std::string last_ref;
    while (std::getline(in, line)) {
      out << line << "\n";
      if (line.find('"') != std::string::npos) continue;
      std::vector<std::string> row = Split(line);
      if (row.size() != header.size() || row[ref] == last_ref) continue;
      last_ref = row[ref];
      if (row[type] == "primary" && !row[nhs].empty() && primaries.size() < 60) {
        primaries.push_back(std::move(row));
      }
    }
    EXPECT_EQ(primaries.size(), 60u);
    int n = 0;
    auto emit = [&](std::vector<std::string> row, std::string_view nhs_number,
                    std::string_view new_postcode) {
      row[ref] = fmt::format("LINK-{:04}", n++);
      row[nhs] = nhs_number;
      if (!new_postcode.empty()) row[postcode] = new_postcode;
      for (size_t c = 0; c < row.size(); ++c) out << (c ? "," : "") << row[c];
      out << "\n";
    };
    for (size_t i = 0; i < primaries.size(); ++i) {
      const std::vector<std::string>& row = primaries[i];
      const std::string moved = fmt::format("LS{} 4HT", 1 + i % 9);
      switch (i % 4) {
        case 0:  // no NHS number: the patient, on demographics
          emit(row, "", "");
          break;
        case 1:  // the patient moves; a record without an NHS number finds the new address
          emit(row, row[nhs], moved);
          emit(row, "", moved);
          break;
        case 2:  // another person with the same demographics: no unique match any more
          emit(row, NhsNumber(static_cast<int>(i)), "");
          emit(row, "", "");
          break;
        default:  // a new person without an NHS number, twice
          emit(row, "", moved);
          emit(row, "", moved);
          break;
      }
    }
    return out_path;
  }

  static std::vector<std::string> Split(const std::string& line) {
    std::vector<std::string> fields;
    std::string field;
    std::istringstream in(line);
    while (std::getline(in, field, ',')) fields.push_back(field);
    if (!line.empty() && line.back() == ',') fields.emplace_back();
    return fields;
  }

  // A valid NHS number (modulus 11) that no synthetic patient has (the 999 test range).
  static std::string NhsNumber(int seed) {
    for (int k = seed * 10;; ++k) {
      const std::string digits = fmt::format("999{:06}", k);
      int sum = 0;
      for (int d = 0; d < 9; ++d) sum += (digits[static_cast<size_t>(d)] - '0') * (10 - d);
      const int check = (11 - sum % 11) % 11;
      if (check != 10) return digits + std::to_string(check);
    }
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
      options.known_patients_limit = known_patients_limit_;
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

  // Returns the receipt of the load with every index.
  std::string ExpectSame(const std::vector<fs::path>& before, const fs::path& file) {
    auto [plain_receipt, plain] = Load("plain", before, file, ingest::BulkLoad::kNever);
    auto [bulk_receipt, bulk] = Load("bulk", before, file, ingest::BulkLoad::kAlways);
    EXPECT_TRUE(bulk_receipt == plain_receipt);  // (too long to print)
    EXPECT_EQ(plain_receipt.find("csv.malformed"), std::string::npos);
    EXPECT_EQ(bulk["integrity"], "ok");
    EXPECT_EQ(bulk.size(), plain.size());
    if (bulk.size() != plain.size()) return plain_receipt;
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
    return plain_receipt;
  }

  fs::path dir_;
  size_t known_patients_limit_ = ingest::IngestOptions{}.known_patients_limit;
  std::vector<fs::path> files_;
  catalogue::Catalogue catalogue_;
  std::optional<ingest::Validator> validator_;
};

TEST_F(IngestBulkEquivalence, IntoAnEmptyStoreEveryTableHoldsWhatTheLoadWithEveryIndexStores) {
  ExpectSame({}, Joined(0, false));
}

TEST_F(IngestBulkEquivalence, PatientsLinkedWithinTheFileFromMemoryAreThoseTheIndexesFind) {
  const fs::path file = LinkingWithinTheFile();
  const std::string receipt = ExpectSame({}, file);
  // The file's own records: 15 second persons make their demographics ambiguous, 15 new persons
  // without an NHS number are met for the first time (their second record links to them).
  size_t unmatched = 0;
  for (size_t at = receipt.find("linkage.no_unique_match"); at != std::string::npos;
       at = receipt.find("linkage.no_unique_match", at + 1)) {
    ++unmatched;
  }
  EXPECT_GE(unmatched, 30u);
  // The writer forgets the patients it met every 100 (and looks them up again when met).
  known_patients_limit_ = 100;
  ExpectSame({}, file);
}

TEST_F(IngestBulkEquivalence, ACorrectionInAnEmptyStoreBulkLoadStoresWhatTheLoadWithIndexesStores) {
  ExpectSame({}, Joined(0, true));
}

TEST_F(IngestBulkEquivalence, IntoAStoreHoldingRowsEveryTableHoldsWhatTheLoadWithEveryIndexStores) {
  ExpectSame({files_[0], files_[1]}, Joined(2, false));
}

}  // namespace
}  // namespace orp
