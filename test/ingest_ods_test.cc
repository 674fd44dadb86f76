// ODS reference data at ingest (#4): `orp ods load`'s loader (ingest/ods_file.h) and the site
// findings ingest then reports (ingest/site_check.h). Fixtures in test/data/ods/ are made up in
// the ODS standard CSV layout: trust RXF with sites RXF05 (open), RXF09 (closed 2019-03-31) and
// RXF12 (opened 2025-06-01).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "orp/domain/registry_loader.h"
#include "orp/ingest/ods_file.h"
#include "orp/ingest/pipeline.h"
#include "orp/storage/sqlite/sqlite_store.h"

namespace orp {
namespace {

namespace fs = std::filesystem;

fs::path Data(const char* name) {
  const char* dir = std::getenv("ORP_SOURCE_DIR");
  return (dir ? fs::path(dir) : fs::current_path()) / "test/data/ods" / name;
}

class IngestOds : public ::testing::Test {
 protected:
  void SetUp() override { store_ = std::move(storage::sqlite::OpenStore(":memory:").value()); }

  void LoadReferenceData() {
    auto orgs = ingest::LoadOdsFile(*store_, Data("etr.csv"), storage::OdsKind::kOrganisation, "t");
    ASSERT_TRUE(orgs.has_value()) << orgs.error().message();
    ASSERT_TRUE(orgs->findings.empty()) << orgs->findings[0].message;
    EXPECT_EQ(orgs->records, 2);
    auto sites = ingest::LoadOdsFile(*store_, Data("ets.csv"), storage::OdsKind::kSite, "t");
    ASSERT_TRUE(sites.has_value()) << sites.error().message();
    ASSERT_TRUE(sites->findings.empty()) << sites->findings[0].message;
    EXPECT_EQ(sites->records, 3);
  }

  ingest::Receipt Ingest() {
    const char* dir = std::getenv("ORP_SOURCE_DIR");
    auto registries =
        domain::LoadRegistries((dir ? fs::path(dir) : fs::current_path()) / "registries").value();
    auto validator = ingest::Validator::Create(registries, {}).value();
    auto r = ingest::IngestFile(*store_, validator, keys_, Data("bcir_sites.csv"), {});
    EXPECT_TRUE(r.has_value()) << r.error().message();
    return r.value_or(ingest::Receipt{});
  }

  static std::map<std::string, std::string> SiteRules(const ingest::Receipt& r) {
    std::map<std::string, std::string> rules;
    for (const auto& f : r.findings) {
      if (f.field == "provider_site") rules[f.procedure_ref] = f.rule;
    }
    return rules;
  }

  std::unique_ptr<storage::Store> store_;
  security::Pseudonymiser keys_ =
      security::Pseudonymiser::FromSecret(security::Pseudonymiser::Secret{3});
};

TEST_F(IngestOds, WithoutReferenceDataNoSiteIsQuestioned) {
  ingest::Receipt r = Ingest();
  EXPECT_EQ(r.accepted, 5);
  EXPECT_TRUE(SiteRules(r).empty());
}

TEST_F(IngestOds, UnknownClosedAndNotYetOpenSitesAreWarnedAboutAndStillAccepted) {
  LoadReferenceData();
  ingest::Receipt r = Ingest();
  EXPECT_EQ(r.accepted, 5);
  const std::map<std::string, std::string> expected = {{"RXF09-C", "provider_site.closed"},
                                                       {"RXF12-E", "provider_site.not_open"},
                                                       {"RXF44-F", "provider_site.unknown"}};
  EXPECT_EQ(SiteRules(r), expected);
  for (const auto& f : r.findings) {
    if (f.procedure_ref == "RXF09-C") {
      EXPECT_EQ(f.row, 4);
      EXPECT_EQ(f.severity, domain::Severity::kWarning);
      EXPECT_NE(f.message.find("2019-03-31"), std::string::npos) << f.message;
    }
  }
}

TEST_F(IngestOds, ADryRunReportsTheSameSiteFindings) {
  LoadReferenceData();
  const char* dir = std::getenv("ORP_SOURCE_DIR");
  auto registries =
      domain::LoadRegistries((dir ? fs::path(dir) : fs::current_path()) / "registries").value();
  auto validator = ingest::Validator::Create(registries, {}).value();
  ingest::IngestOptions options;
  options.dry_run = true;
  auto r = ingest::IngestFile(*store_, validator, keys_, Data("bcir_sites.csv"), options);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(SiteRules(*r).size(), 3u);
}

TEST_F(IngestOds, ABadFileIsRefusedWholeNamingLineColumnAndRule) {
  LoadReferenceData();
  auto report = ingest::LoadOdsFile(*store_, Data("ets_bad.csv"), storage::OdsKind::kSite, "t");
  ASSERT_TRUE(report.has_value());
  ASSERT_EQ(report->findings.size(), 2u);
  EXPECT_EQ(report->findings[0].row, 1);
  EXPECT_EQ(report->findings[0].rule, "ods.parent");
  EXPECT_EQ(report->findings[1].row, 2);
  EXPECT_EQ(report->findings[1].rule, "ods.code");
  EXPECT_FALSE(store_->FindOdsSite("RXF77")->has_value());
}

TEST_F(IngestOds, SitesNeedTheirOrganisationLoadedFirst) {
  auto sites = ingest::LoadOdsFile(*store_, Data("ets.csv"), storage::OdsKind::kSite, "t");
  ASSERT_FALSE(sites.has_value());
  EXPECT_EQ(sites.error().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace orp
