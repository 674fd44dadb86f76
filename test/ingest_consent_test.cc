// Consent and the national data opt-out at ingest (#5): a registry's legal basis decides what
// happens to a procedure whose patient is on the opt-out list (ingest/opt_out_screen.h) or who
// did not consent to a consent-based registry. The fixture test/data/consent/ holds four BCIR
// procedures (patients A–D, test-range NHS numbers); A and C are on the list; D did not consent.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "orp/domain/registry_loader.h"
#include "orp/ingest/opt_out_file.h"
#include "orp/ingest/pipeline.h"
#include "orp/storage/sqlite/sqlite_store.h"

namespace orp {
namespace {

namespace fs = std::filesystem;
using domain::OptOutAtIngest;

fs::path SourceDir() {
  const char* dir = std::getenv("ORP_SOURCE_DIR");
  return dir ? fs::path(dir) : fs::current_path();
}
fs::path Data(const char* name) { return SourceDir() / "test/data/consent" / name; }

class IngestConsent : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = storage::sqlite::OpenStore(":memory:");
    ASSERT_TRUE(store.has_value()) << store.error().message();
    store_ = std::move(*store);
  }

  // The shipped BCIR definition with its legal basis changed as the test needs.
  ingest::Validator ValidatorWith(OptOutAtIngest treatment,
                                  domain::WithoutConsent without_consent) {
    domain::RegistrySet shipped = domain::LoadRegistries(SourceDir() / "registries").value();
    domain::RegistryDefinition bcir = *shipped.Find("BCIR");
    bcir.legal_basis.opt_out_at_ingest = treatment;
    bcir.legal_basis.without_consent = without_consent;
    std::vector<domain::RegistryDefinition> defs = {bcir};
    ingest::ValidatorOptions options;
    options.today = Date{std::chrono::year{2026} / 11 / 26};
    return ingest::Validator::Create(domain::RegistrySet::Create(defs).value(), options).value();
  }

  void LoadList() {
    auto report = ingest::LoadOptOutFile(*store_, keys_, Data("opt_outs.txt"), "test");
    ASSERT_TRUE(report.has_value()) << report.error().message();
    ASSERT_TRUE(report->findings.empty());
    ASSERT_EQ(report->result.entries, 2);
  }

  ingest::Receipt Ingest(const ingest::Validator& validator, bool dry_run = false) {
    ingest::IngestOptions options;
    options.dry_run = dry_run;
    auto r = ingest::IngestFile(*store_, validator, keys_, Data("bcir.csv"), options);
    EXPECT_TRUE(r.has_value()) << r.error().message();
    return r.value_or(ingest::Receipt{});
  }

  std::optional<domain::Patient> PatientOf(const std::string& ref) {
    auto procedure = store_->FindProcedure("BCIR", ref).value();
    if (!procedure) return std::nullopt;
    return store_->FindPatient(procedure->patient).value();
  }

  static std::vector<std::string> Rules(const ingest::Receipt& r, const std::string& ref) {
    std::vector<std::string> rules;
    for (const auto& f : r.findings) {
      if (f.procedure_ref == ref) rules.push_back(f.rule);
    }
    return rules;
  }

  std::unique_ptr<storage::Store> store_;
  security::Pseudonymiser keys_ =
      security::Pseudonymiser::FromSecret(security::Pseudonymiser::Secret{5});
};

TEST_F(IngestConsent, WithoutAListEveryConsentedProcedureIsAcceptedAndNobodyIsFlagged) {
  ingest::Receipt r =
      Ingest(ValidatorWith(OptOutAtIngest::kReject, domain::WithoutConsent::kReject));
  EXPECT_EQ(r.accepted, 3);
  EXPECT_FALSE(PatientOf("RXF05-A")->opted_out);
}

TEST_F(IngestConsent, RejectTreatmentRejectsListedPatientsWithAFindingThatNeverEchoesTheNumber) {
  LoadList();
  ingest::Receipt r =
      Ingest(ValidatorWith(OptOutAtIngest::kReject, domain::WithoutConsent::kAnonymous));
  EXPECT_EQ(r.received, 4);
  EXPECT_EQ(r.accepted, 2);  // B, and D kept anonymous (no consent)
  EXPECT_EQ(r.rejected, 2);
  EXPECT_EQ(r.status, "partially_accepted");
  EXPECT_EQ(Rules(r, "RXF05-A"), std::vector<std::string>{"national_data_opt_out.reject"});
  EXPECT_EQ(Rules(r, "RXF05-C"), std::vector<std::string>{"national_data_opt_out.reject"});
  for (const auto& f : r.findings) {
    if (f.procedure_ref != "RXF05-A") continue;
    EXPECT_EQ(f.row, 2);
    EXPECT_EQ(f.field, "nhs_number");
    EXPECT_EQ(f.severity, domain::Severity::kError);
  }
  EXPECT_EQ(r.json.find("9990000018"), std::string::npos);
  EXPECT_EQ(r.json.find("999 000 0018"), std::string::npos);
  EXPECT_FALSE(store_->FindProcedure("BCIR", "RXF05-A").value().has_value());
  EXPECT_TRUE(store_->FindProcedure("BCIR", "RXF05-B").value().has_value());
}

TEST_F(IngestConsent, ADryRunReportsTheSameVerdictsAndWritesNothing) {
  LoadList();
  ingest::Receipt r =
      Ingest(ValidatorWith(OptOutAtIngest::kReject, domain::WithoutConsent::kAnonymous), true);
  EXPECT_EQ(r.accepted, 2);
  EXPECT_EQ(r.rejected, 2);
  EXPECT_EQ(Rules(r, "RXF05-C"), std::vector<std::string>{"national_data_opt_out.reject"});
  EXPECT_FALSE(store_->FindProcedure("BCIR", "RXF05-B").value().has_value());
}

TEST_F(IngestConsent, AllOrNothingRejectsTheFileWhenAListedPatientMustBeRejected) {
  LoadList();
  ingest::IngestOptions options;
  options.all_or_nothing = true;
  auto r = ingest::IngestFile(
      *store_, ValidatorWith(OptOutAtIngest::kReject, domain::WithoutConsent::kAnonymous), keys_,
      Data("bcir.csv"), options);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, "rejected");
  EXPECT_FALSE(store_->FindProcedure("BCIR", "RXF05-B").value().has_value());
}

TEST_F(IngestConsent, AcceptTreatmentStoresListedPatientsFlaggedForResearchExclusion) {
  LoadList();
  ingest::Receipt r =
      Ingest(ValidatorWith(OptOutAtIngest::kAccept, domain::WithoutConsent::kAnonymous));
  EXPECT_EQ(r.accepted, 4);
  EXPECT_TRUE(Rules(r, "RXF05-A").empty());
  EXPECT_TRUE(PatientOf("RXF05-A")->opted_out);
  EXPECT_TRUE(PatientOf("RXF05-A")->nhs_number.has_value());
  EXPECT_FALSE(PatientOf("RXF05-B")->opted_out);
  EXPECT_TRUE(PatientOf("RXF05-C")->opted_out);
}

TEST_F(IngestConsent, PseudonymisedTreatmentKeepsThePseudonymButNoOtherIdentifier) {
  LoadList();
  ingest::Receipt r =
      Ingest(ValidatorWith(OptOutAtIngest::kPseudonymised, domain::WithoutConsent::kAnonymous));
  EXPECT_EQ(r.accepted, 4);
  EXPECT_EQ(Rules(r, "RXF05-A"), std::vector<std::string>{"national_data_opt_out.pseudonymised"});
  domain::Patient a = *PatientOf("RXF05-A");
  EXPECT_EQ(a.pseudonym, keys_.Pseudonymise(*domain::NhsNumber::Parse("9990000018")));
  EXPECT_FALSE(a.nhs_number.has_value());
  EXPECT_FALSE(a.date_of_birth.has_value());
  EXPECT_FALSE(a.postcode.has_value());
  EXPECT_TRUE(a.opted_out);
  EXPECT_TRUE(PatientOf("RXF05-B")->date_of_birth.has_value());
}

TEST_F(IngestConsent, AnonymousTreatmentKeepsTheProcedureWithoutAnyPatientIdentifier) {
  LoadList();
  ingest::Receipt r =
      Ingest(ValidatorWith(OptOutAtIngest::kAnonymous, domain::WithoutConsent::kAnonymous));
  EXPECT_EQ(r.accepted, 4);
  EXPECT_EQ(Rules(r, "RXF05-C"), std::vector<std::string>{"national_data_opt_out.anonymous"});
  domain::Patient c = *PatientOf("RXF05-C");
  EXPECT_FALSE(c.pseudonym.has_value());
  EXPECT_FALSE(c.nhs_number.has_value());
}

TEST_F(IngestConsent, AConsentRegistryRejectsAProcedureRecordedWithoutConsent) {
  ingest::Receipt r =
      Ingest(ValidatorWith(OptOutAtIngest::kAccept, domain::WithoutConsent::kReject));
  EXPECT_EQ(r.accepted, 3);
  EXPECT_EQ(Rules(r, "RXF05-D"), std::vector<std::string>{"legal_basis.no_consent"});
  for (const auto& f : r.findings) {
    if (f.procedure_ref == "RXF05-D") {
      EXPECT_EQ(f.field, "patient_consent");
    }
  }
}

TEST_F(IngestConsent, AListWithABadLineIsRefusedWholeNamingLinesNotNumbers) {
  LoadList();
  auto report = ingest::LoadOptOutFile(*store_, keys_, Data("opt_outs_bad.txt"), "test");
  ASSERT_TRUE(report.has_value());
  ASSERT_EQ(report->findings.size(), 2u);
  EXPECT_EQ(report->findings[0].row, 3);
  EXPECT_EQ(report->findings[0].rule, "nhs_number.invalid");
  EXPECT_EQ(report->findings[1].row, 4);
  for (const auto& f : report->findings) {
    EXPECT_EQ(f.message.find("999000001"), std::string::npos) << f.message;
    EXPECT_EQ(f.message.find("1111111111"), std::string::npos) << f.message;
  }
  EXPECT_EQ(store_->OptOutList()->entries, 2);  // the earlier list stands
}

TEST_F(IngestConsent, TheListIsStoredAsPseudonymsAndItsLoadIsAudited) {
  LoadList();
  std::vector<domain::Pseudonym> asked = {
      keys_.Pseudonymise(*domain::NhsNumber::Parse("9990000034")),
      keys_.Pseudonymise(*domain::NhsNumber::Parse("9990000026"))};
  EXPECT_EQ(store_->FindOptedOut(asked)->size(), 1u);
  auto last = store_->LastAuditRecord().value();
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->action, "opt_out.load");
  EXPECT_EQ(last->actor, "test");
}

}  // namespace
}  // namespace orp
