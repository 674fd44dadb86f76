// End-to-end tests of the synthetic registry: generate into a temporary directory, read the
// files back as a consumer would, and check them against the domain parsers and the ground truth.
#include "orp/synth/synth.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "orp/core/date.h"
#include "orp/core/text.h"
#include "orp/domain/gmc_number.h"
#include "orp/domain/gtin.h"
#include "orp/domain/laterality.h"
#include "orp/domain/nhs_number.h"
#include "orp/domain/ods_code.h"
#include "orp/domain/opcs4_code.h"
#include "orp/domain/postcode.h"
#include "orp/domain/registry_loader.h"
#include "orp/domain/registry_rule_eval.h"
#include "orp/domain/sex.h"
#include "orp/synth/profiles.h"
#include "orp/udi/parse.h"

namespace orp::synth {
namespace {

namespace fs = std::filesystem;
using Row = std::map<std::string, std::string>;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// RFC 4180 reader, enough for the synth's output (quoted fields, doubled quotes).
std::vector<std::vector<std::string>> ParseCsv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1);
  std::string field;
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"')
        field += '"', ++i;
      else if (c == '"')
        quoted = false;
      else
        field += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().push_back(std::move(field)), field.clear();
    } else if (c == '\n') {
      rows.back().push_back(std::move(field)), field.clear();
      rows.emplace_back();
    } else {
      field += c;
    }
  }
  if (rows.back().empty()) rows.pop_back();
  return rows;
}

std::vector<Row> ReadCsvRows(const fs::path& path) {
  const auto table = ParseCsv(ReadFile(path));
  std::vector<Row> rows;
  for (size_t r = 1; r < table.size(); ++r) {
    Row row;
    for (size_t c = 0; c < table[0].size(); ++c) row[table[0][c]] = table[r].at(c);
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<fs::path> Files(const fs::path& dir, const std::string& ext) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ext) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// A fresh directory under the system temporary directory, removed when the test process ends.
struct TempDir {
  explicit TempDir(const std::string& name)
      : path(fs::temp_directory_path() / (name + "_" + std::to_string(getpid()))) {
    fs::remove_all(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  fs::path path;
};

struct Dataset {
  TempDir dir{"orp_synth_test"};
  std::vector<Row> rows;  // every CSV row, files in name order
  nlohmann::json truth;
  std::map<std::string, std::string> spoiled;  // procedure_ref -> defect
};

fs::path Definitions() {
  const char* source = std::getenv("ORP_SOURCE_DIR");
  return fs::path(source != nullptr ? source : ".") / "registries";
}

std::unique_ptr<Dataset> MakeDataset() {
  auto d = std::make_unique<Dataset>();
  SynthOptions options;
  options.seed = 3;
  options.procedures = 20000;
  options.out_dir = d->dir.path;
  options.definitions = Definitions();
  auto summary = GenerateRegistry(options);
  EXPECT_TRUE(summary.has_value()) << summary.error().ToString();
  for (const fs::path& f : Files(d->dir.path / "submissions", ".csv")) {
    for (Row& r : ReadCsvRows(f)) d->rows.push_back(std::move(r));
  }
  d->truth = nlohmann::json::parse(ReadFile(d->dir.path / "ground-truth.json"));
  for (const auto& e : d->truth["errors"]) d->spoiled[e["procedure_ref"]] = e["defect"];
  return d;
}

// Generated once per test process; the directory goes when the process ends.
const Dataset& Data() {
  static const std::unique_ptr<Dataset> data = MakeDataset();
  return *data;
}

bool Clean(const Row& r) { return !Data().spoiled.contains(r.at("procedure_ref")); }

Date DateOf(const std::string& text) { return ParseIsoDate(text).value(); }

// A small registry (3,000 procedures) from `seed`, written into `out`.
bool GenerateSmall(const fs::path& out, uint64_t seed) {
  SynthOptions options;
  options.definitions = Definitions();
  options.procedures = 3000;
  options.seed = seed;
  options.out_dir = out;
  return GenerateRegistry(options).has_value();
}

TEST(Synth, SameSeedWritesIdenticalBytesAndAnotherSeedDoesNot) {
  TempDir a("orp_synth_a"), b("orp_synth_b"), c("orp_synth_c");
  ASSERT_TRUE(GenerateSmall(a.path, 5));
  ASSERT_TRUE(GenerateSmall(b.path, 5));
  ASSERT_TRUE(GenerateSmall(c.path, 6));
  for (const auto& e : fs::recursive_directory_iterator(a.path)) {
    if (!e.is_regular_file()) continue;
    const fs::path rel = fs::relative(e.path(), a.path);
    EXPECT_EQ(ReadFile(e.path()), ReadFile(b.path / rel)) << rel;
  }
  EXPECT_NE(ReadFile(a.path / "ground-truth.json"), ReadFile(c.path / "ground-truth.json"));
  EXPECT_NE(ReadFile(a.path / "deaths.csv"), ReadFile(c.path / "deaths.csv"));
}

// FNV-1a, 64-bit: a fingerprint of the files, not a security measure.
uint64_t Fingerprint(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) files.push_back(fs::relative(e.path(), dir));
  std::sort(files.begin(), files.end());
  uint64_t h = 14695981039346656037ull;
  for (const fs::path& f : files)
    for (const std::string& part : {f.generic_string(), ReadFile(dir / f)})
      for (unsigned char ch : part) h = (h ^ ch) * 1099511628211ull;
  return h;
}

// "Same seed, same bytes" holds across compilers too: g++ (the plain tree) and clang (the
// sanitizer tree) evaluate a call's arguments in opposite orders, so two draws in one call
// would give each its own registry (random.h). Both trees check this one fingerprint; it
// changes, deliberately, whenever the generator does.
TEST(Synth, SeedFiveGivesTheSameBytesWhicheverCompilerBuiltTheGenerator) {
  TempDir dir("orp_synth_fingerprint");
  ASSERT_TRUE(GenerateSmall(dir.path, 5));
  EXPECT_EQ(fmt::format("{:016x}", Fingerprint(dir.path)), "76e57abf21349901");
}

TEST(Synth, WritesExactlyTheRequestedNumberOfProcedures) {
  std::set<std::string> refs;
  for (const Row& r : Data().rows) refs.insert(r.at("procedure_ref"));
  EXPECT_EQ(refs.size(), 20000u);
}

TEST(Synth, CleanRecordsCarryIdentifiersTheDomainParsersAccept) {
  int nhs_checked = 0;
  for (const Row& r : Data().rows) {
    if (!Clean(r)) continue;
    const std::string& nhs = r.at("nhs_number");
    if (!nhs.empty()) {
      auto parsed = domain::NhsNumber::Parse(nhs);
      ASSERT_TRUE(parsed.has_value()) << parsed.error().ToString();
      ASSERT_TRUE(parsed->IsTestRange());
      ++nhs_checked;
    }
    auto postcode = domain::Postcode::Parse(r.at("postcode"), true);
    ASSERT_TRUE(postcode.has_value()) << postcode.error().ToString();
    auto site = domain::OdsSiteCode::Parse(r.at("provider_site"));
    ASSERT_TRUE(site.has_value()) << site.error().ToString();
    auto gmc = domain::GmcNumber::Parse(r.at("clinician_gmc"));
    ASSERT_TRUE(gmc.has_value()) << gmc.error().ToString();
    ASSERT_TRUE(domain::ParseSex(r.at("sex")).has_value()) << r.at("sex");
    ASSERT_TRUE(domain::ParseLaterality(r.at("laterality")).has_value()) << r.at("laterality");
    for (std::string_view code : Split(r.at("opcs_codes"), ';')) {
      if (code.empty()) continue;
      auto opcs = domain::Opcs4Code::Parse(code);
      ASSERT_TRUE(opcs.has_value()) << opcs.error().ToString();
    }
    ASSERT_LT(DateOf(r.at("date_of_birth")), DateOf(r.at("procedure_date")));
    ASSERT_LE(DateOf(r.at("procedure_date")), DateOf("2025-12-31"));
    if (!r.at("gtin").empty()) {
      ASSERT_TRUE(domain::Gtin::Parse(r.at("gtin")).has_value()) << r.at("gtin");
      ASSERT_TRUE(ParseIsoDate(r.at("expiry")).has_value());
    }
  }
  EXPECT_GT(nhs_checked, 30000);
}

TEST(Synth, CleanScansCarryTheSameLotSerialAndGtinAsTheirColumns) {
  int scans = 0;
  for (const Row& r : Data().rows) {
    const std::string& scan = r.at("device_scan");
    if (scan.empty() || !Clean(r)) continue;
    ++scans;
    EXPECT_NE(scan.find(r.at("lot")), std::string::npos) << scan;
    EXPECT_NE(scan.find(r.at("serial")), std::string::npos) << scan;
    if (scan[0] != '+') {
      EXPECT_NE(scan.find(r.at("gtin")), std::string::npos) << scan;
    }
  }
  EXPECT_GT(scans, 5000);
}

TEST(Synth, EveryListedErrorIsInvalidInTheWayTheGroundTruthSays) {
  std::map<std::string, std::vector<const Row*>> by_ref;
  std::map<std::string, std::set<std::string>> registry_codes;
  for (const Row& r : Data().rows) {
    by_ref[r.at("procedure_ref")].push_back(&r);
    if (Clean(r)) registry_codes[r.at("registry")].insert(r.at("opcs_codes").substr(0, 5));
  }
  const auto& errors = Data().truth["errors"];
  ASSERT_GT(errors.size(), 100u);
  for (const auto& e : errors) {
    const auto& rows = by_ref.at(e["procedure_ref"]);
    const Row& r = *rows.front();
    const std::string field = e["field"], defect = e["defect"];
    if (defect == "missing") {
      EXPECT_EQ(r.at(field), "");
    } else if (field == "nhs_number") {
      EXPECT_FALSE(domain::NhsNumber::Parse(r.at(field)).has_value());
    } else if (defect == "after_procedure_date") {
      EXPECT_GT(DateOf(r.at("date_of_birth")), DateOf(r.at("procedure_date")));
    } else if (defect == "in_future") {
      EXPECT_GT(DateOf(r.at("procedure_date")), TodayUtc());
    } else if (field == "gtin") {
      EXPECT_TRUE(std::any_of(rows.begin(), rows.end(), [](const Row* x) {
        return !domain::Gtin::Parse(x->at("gtin")).has_value();
      }));
    } else if (field == "lot") {
      EXPECT_TRUE(std::any_of(rows.begin(), rows.end(), [](const Row* x) {
        return !x->at("device_scan").empty() &&
               x->at("device_scan").find(x->at("lot")) == std::string::npos;
      }));
    } else if (field == "opcs_codes") {
      EXPECT_FALSE(registry_codes[r.at("registry")].contains(r.at("opcs_codes").substr(0, 5)));
    } else {
      ADD_FAILURE() << "unexpected error kind " << field << " " << defect;
    }
  }
}

TEST(Synth, PlantedUnitsAppearInTheirRegistryWithEnoughProcedures) {
  for (const auto& p : Data().truth["planted"]) {
    const std::string kind = p["kind"], id = p["id"], registry = p["registry"];
    const std::string column = kind == "device_model" ? "gtin"
                               : kind == "surgeon"    ? "clinician_gmc"
                                                      : "provider_site";
    std::set<std::string> procedures, in_registry;
    for (const Row& r : Data().rows) {
      if (r.at("registry") != registry) continue;
      in_registry.insert(r.at("procedure_ref"));
      if (r.at(column) == id) procedures.insert(r.at("procedure_ref"));
    }
    // Busy units (1% of their registry or more), so that methods have numbers to work on.
    EXPECT_GE(procedures.size(), 20u) << kind << " " << id;
    EXPECT_GE(procedures.size() * 100, in_registry.size()) << kind << " " << id;
    EXPECT_GT(p["effect"].get<double>(), 1.0);
    EXPECT_TRUE(ParseIsoDate(p["from"].get<std::string>()).has_value());
  }
  EXPECT_GE(Data().truth["planted"].size(), 10u);
}

// The CSV rows an NDJSON procedure stands for: one per device (one when there is none), each
// with the procedure's values, its registry fields and the device's own values and fields.
std::vector<Row> RowsOf(const nlohmann::json& j, const std::vector<std::string>& columns) {
  std::vector<Row> rows;
  const size_t n = std::max<size_t>(1, j["devices"].size());
  for (size_t d = 0; d < n; ++d) {
    Row row;
    for (const std::string& c : columns) row[c] = "";
    for (const auto& [k, v] : j.items()) {
      if (v.is_string()) row[k] = v.get<std::string>();
    }
    for (const auto& [k, v] : j["fields"].items()) row[k] = v.get<std::string>();
    if (d < j["devices"].size()) {
      const auto& device = j["devices"][d];
      for (const auto& [k, v] : device.items()) {
        if (v.is_string()) row[k] = v.get<std::string>();
      }
      if (device.contains("fields")) {
        for (const auto& [k, v] : device["fields"].items()) row[k] = v.get<std::string>();
      }
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

TEST(Synth, CsvAndNdjsonCarryTheSameProceduresInTheSameOrder) {
  const fs::path dir = Data().dir.path / "submissions";
  for (const fs::path& csv : Files(dir, ".csv")) {
    const std::vector<Row> from_csv = ReadCsvRows(csv);
    std::set<std::string> seen;
    std::string last_ref;
    for (const Row& r : from_csv) {
      if (r.at("procedure_ref") == last_ref) continue;
      ASSERT_TRUE(seen.insert(r.at("procedure_ref")).second) << "rows not grouped";
      last_ref = r.at("procedure_ref");
    }
    fs::path ndjson = csv;
    ndjson.replace_extension(".ndjson");
    const std::vector<std::string> columns = ParseCsv(ReadFile(csv)).front();
    std::istringstream lines(ReadFile(ndjson));
    std::vector<Row> from_ndjson;
    for (std::string line; std::getline(lines, line);) {
      for (Row& r : RowsOf(nlohmann::json::parse(line), columns))
        from_ndjson.push_back(std::move(r));
    }
    ASSERT_EQ(from_csv.size(), from_ndjson.size()) << csv;
    for (size_t i = 0; i < from_csv.size(); ++i)
      ASSERT_EQ(from_csv[i], from_ndjson[i]) << csv << " row " << i;
  }
}

TEST(Synth, PopulationsLookLikeTheirRegistries) {
  std::map<std::string, std::pair<int, int>> female;  // registry -> (female, all) primaries
  int bcir_bilateral = 0, bcir = 0, hemi = 0, nrhi_children = 0, nrhi_older = 0, nrhi = 0;
  double hemi_age = 0;
  std::set<std::string> seen;
  for (const Row& r : Data().rows) {
    if (!Clean(r) || r.at("procedure_type") != "primary" ||
        !seen.insert(r.at("procedure_ref")).second)
      continue;
    const std::string& reg = r.at("registry");
    const int age =
        WholeYearsBetween(DateOf(r.at("date_of_birth")), DateOf(r.at("procedure_date")));
    female[reg].first += r.at("sex") == "2";
    female[reg].second += 1;
    if (reg == "BCIR") bcir_bilateral += r.at("laterality") == "B", ++bcir;
    if (r.at("opcs_codes").starts_with("W46.1")) hemi_age += age, ++hemi;
    if (reg == "NRHI") nrhi_children += age < 18, nrhi_older += age >= 50, ++nrhi;
  }
  EXPECT_GE(female["BCIR"].first, 0.9 * female["BCIR"].second);
  EXPECT_EQ(female["POPSUI"].first, female["POPSUI"].second);
  EXPECT_LT(female["MDOR"].first, 0.6 * female["MDOR"].second);
  EXPECT_GT(bcir_bilateral, bcir / 2);
  ASSERT_GT(hemi, 0);
  EXPECT_GT(hemi_age / hemi, 75);
  EXPECT_GT(nrhi_children, nrhi / 5);
  EXPECT_GT(nrhi_older, nrhi / 4);
}

TEST(Synth, RevisionsRemoveDevicesImplantedEarlierInTheSamePatientAndSide) {
  struct Implant {
    std::string patient, registry, laterality;
    Date date;
  };
  std::map<std::string, Implant> implants;  // gtin|lot|serial
  int explanted = 0;
  for (const Row& r : Data().rows) {
    const std::string key = r.at("gtin") + "|" + r.at("lot") + "|" + r.at("serial");
    const std::string patient = r.at("date_of_birth") + r.at("sex") + r.at("postcode");
    if (!Clean(r)) continue;
    if (r.at("device_action") == "implanted") {
      implants[key] = {patient, r.at("registry"), r.at("laterality"),
                       DateOf(r.at("procedure_date"))};
    } else if (r.at("device_action") == "explanted") {
      ++explanted;
      ASSERT_TRUE(implants.contains(key)) << key;
      const Implant& i = implants[key];
      EXPECT_EQ(i.patient, patient);
      EXPECT_EQ(i.registry, r.at("registry"));
      EXPECT_LT(i.date, DateOf(r.at("procedure_date")));
      EXPECT_TRUE(i.laterality == r.at("laterality") || i.laterality == "B") << key;
    }
  }
  EXPECT_GT(explanted, 300);
}

TEST(Synth, NoProcedureFollowsTheDeathOfItsPatient) {
  const auto deaths = ReadCsvRows(Data().dir.path / "deaths.csv");
  ASSERT_GT(deaths.size(), 500u);
  std::map<std::string, Date> died;
  for (const Row& d : deaths) {
    ASSERT_TRUE(domain::NhsNumber::Parse(d.at("nhs_number")).has_value());
    died[d.at("nhs_number")] = DateOf(d.at("date_of_death"));
  }
  int matched = 0;
  for (const Row& r : Data().rows) {
    auto it = died.find(r.at("nhs_number"));
    if (it == died.end() || !Clean(r)) continue;
    ++matched;
    EXPECT_LE(DateOf(r.at("procedure_date")), it->second);
  }
  EXPECT_GT(matched, 500);
}

TEST(Synth, CatalogueListsEveryDeviceModelTheSubmissionsUse) {
  const auto catalogue = ReadCsvRows(Data().dir.path / "device-catalogue.csv");
  std::set<std::string> gtins;
  for (const Row& m : catalogue) {
    if (m.at("gtin").starts_with("+")) continue;  // the HIBC identifier of a dual-labelled model
    ASSERT_TRUE(domain::Gtin::Parse(m.at("gtin")).has_value());
    ASSERT_TRUE(gtins.insert(m.at("gtin")).second) << "duplicate " << m.at("gtin");
  }
  EXPECT_GE(catalogue.size(), 350u);
  for (const Row& r : Data().rows) {
    if (!r.at("gtin").empty() && Clean(r)) {
      ASSERT_TRUE(gtins.contains(r.at("gtin"))) << r.at("gtin");
    }
  }
}

TEST(Synth, EveryScanParsesBackToTheSameDeviceIdentifiers) {
  std::map<std::string, std::string> hibc_di;  // catalogue number -> "+LICPCN0" without '+'
  for (const Row& m : ReadCsvRows(Data().dir.path / "device-catalogue.csv")) {
    if (m.at("gtin").starts_with("+")) hibc_di[m.at("catalogue_number")] = m.at("gtin").substr(1);
  }
  std::map<std::string, std::string> catalogue_number;
  for (const Row& m : ReadCsvRows(Data().dir.path / "device-catalogue.csv")) {
    if (!m.at("gtin").starts_with("+")) catalogue_number[m.at("gtin")] = m.at("catalogue_number");
  }
  udi::ParseOptions options;
  options.today = DateOf("2026-06-01");
  std::map<udi::Format, int> formats;
  for (const Row& r : Data().rows) {
    if (r.at("device_scan").empty() || !Clean(r)) continue;
    const udi::ParsedUdi parsed = udi::ParseUdi(r.at("device_scan"), options);
    ASSERT_TRUE(parsed.ok()) << Printable(r.at("device_scan")) << ": "
                             << parsed.findings.front().message;
    ++formats[parsed.format];
    if (parsed.issuer == udi::Issuer::kHibcc) {
      EXPECT_EQ(parsed.di, hibc_di.at(catalogue_number.at(r.at("gtin"))));
    } else {
      EXPECT_EQ(parsed.di, r.at("gtin"));
    }
    EXPECT_EQ(parsed.lot, r.at("lot"));
    EXPECT_EQ(parsed.serial, r.at("serial"));
    ASSERT_TRUE(parsed.expiry.has_value());
    EXPECT_EQ(FormatIsoDate(*parsed.expiry), r.at("expiry"));
  }
  EXPECT_GT(formats[udi::Format::kGs1ElementString], 1000);
  EXPECT_GT(formats[udi::Format::kGs1Hri], 500);
  EXPECT_GT(formats[udi::Format::kGs1DigitalLink], 300);
  EXPECT_GT(formats[udi::Format::kHibcc], 10);
}

// Every clean procedure passes its registry's required fields, value sets and cross-field rules
// (by the synth's own reading of the rule language; the ingest validator is the real judge).
TEST(Synth, CleanRecordsPassTheirRegistryDefinitions) {
  auto registries = domain::LoadRegistries(Definitions());
  ASSERT_TRUE(registries.has_value()) << registries.error().ToString();
  std::map<std::string, std::string> device_type;
  for (const Row& m : ReadCsvRows(Data().dir.path / "device-catalogue.csv")) {
    device_type[m.at("gtin")] = m.at("device_type");
  }
  std::map<std::string, std::vector<const Row*>> procedures;
  for (const Row& r : Data().rows) {
    if (Clean(r)) procedures[r.at("procedure_ref")].push_back(&r);
  }
  int checked = 0;
  for (const auto& [ref, rows] : procedures) {
    const domain::RegistryDefinition* def = registries->Find(rows.front()->at("registry"));
    ASSERT_NE(def, nullptr);
    for (size_t d = 0; d < rows.size(); ++d) {
      const Row& row = *rows[d];
      for (const auto& f : def->fields) {
        const std::string& v = row.at(f.name);
        if (f.required &&
            !(f.level == domain::FieldLevel::kDevice && row.at("device_action").empty())) {
          EXPECT_FALSE(v.empty()) << ref << " " << f.name;
        }
        if (f.type == domain::FieldType::kCode && !v.empty()) {
          EXPECT_TRUE(std::any_of(f.values.begin(), f.values.end(),
                                  [&](const auto& e) { return e.code == v; }))
              << ref << " " << f.name << "=" << v;
        }
      }
      domain::RuleRecordView view;
      view.value = [&](std::string_view name) -> std::string_view {
        auto it = row.find(std::string(name));
        return it == row.end() ? std::string_view() : std::string_view(it->second);
      };
      view.device_count = [&](std::string_view type) {
        int n = 0;
        for (const Row* x : rows)
          n += x->at("device_action") == "implanted" && device_type[x->at("gtin")] == type;
        return n;
      };
      for (const auto& rule : def->rules) {
        EXPECT_TRUE(RulePasses(rule.when, rule.check, view)) << ref << " breaks " << rule.id;
      }
      for (const auto& f : def->fields) {
        if (f.required_when && EvaluateRule(*f.required_when, view) &&
            !(f.level == domain::FieldLevel::kDevice && row.at("device_action").empty())) {
          EXPECT_FALSE(row.at(f.name).empty()) << ref << " needs " << f.name;
        }
      }
    }
    ++checked;
  }
  EXPECT_GT(checked, 19000);
}

// Implants that must match (a bilateral breast pair, a hemiarthroplasty's stem and head, a plate
// and its screws) do, by the definitions' same-attribute compatibility rules.
TEST(Synth, MatchedImplantsShareTheAttributesTheirDefinitionRequires) {
  auto registries = domain::LoadRegistries(Definitions());
  ASSERT_TRUE(registries.has_value());
  std::map<std::string, Row> catalogue;
  for (Row& m : ReadCsvRows(Data().dir.path / "device-catalogue.csv")) catalogue[m.at("gtin")] = m;
  std::map<std::string, std::vector<const Row*>> procedures;
  for (const Row& r : Data().rows) {
    if (Clean(r) && r.at("device_action") == "implanted")
      procedures[r.at("procedure_ref")].push_back(&r);
  }
  int checked = 0;
  for (const auto& [ref, rows] : procedures) {
    const domain::RegistryDefinition* def = registries->Find(rows.front()->at("registry"));
    for (const auto& rule : def->compatibility) {
      if (rule.kind != domain::CompatibilityKind::kSameAttribute) continue;
      domain::RuleRecordView view;
      view.value = [&](std::string_view name) -> std::string_view {
        auto it = rows.front()->find(std::string(name));
        return it == rows.front()->end() ? std::string_view() : std::string_view(it->second);
      };
      view.device_count = [](std::string_view) { return 0; };
      if (rule.when && !EvaluateRule(*rule.when, view)) continue;
      std::set<std::string> manufacturers, models;
      for (const Row* r : rows) {
        const Row& model = catalogue.at(r->at("gtin"));
        const auto& types = rule.device_types;
        if (std::find(types.begin(), types.end(), model.at("device_type")) == types.end()) continue;
        manufacturers.insert(model.at("manufacturer"));
        models.insert(model.at("model"));
      }
      for (domain::DeviceAttribute a : rule.attributes) {
        const size_t distinct = a == domain::DeviceAttribute::kManufacturer ? manufacturers.size()
                                : a == domain::DeviceAttribute::kModel      ? models.size()
                                                                            : 1;
        EXPECT_LE(distinct, 1u) << ref << " " << rule.id;
      }
      ++checked;
    }
  }
  EXPECT_GT(checked, 3000);
}

TEST(Synth, RejectsAnUnknownRegistryCode) {
  auto parsed = ParseRegistryList("BCIR,NJR");
  ASSERT_FALSE(parsed.has_value());
  EXPECT_NE(parsed.error().message().find("NJR"), std::string::npos);
  EXPECT_EQ(ParseRegistryList("otr, bcir").value(), (std::vector<int>{1, 4}));
}

}  // namespace
}  // namespace orp::synth
