#include "orp/security/policy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

namespace orp::security {
namespace {

using enum Action;

const std::string kOwnPatient(64, 'a');
const std::string kOtherPatient(64, 'b');

// One principal per role, each holding the role with "its own" scope.
struct RoleCase {
  std::string name;
  Principal principal;
};

std::vector<RoleCase> RoleCases() {
  auto one = [](int64_t id, const std::string& name, Role role, std::string scope) {
    Principal p{id, name, false, "", {Grant{role, std::move(scope)}}};
    return p;
  };
  Principal patient = one(5, "pat", Role::kPatient, "self");
  patient.patient = kOwnPatient;
  return {{"submitter", one(1, "sub", Role::kSubmitter, "RRK")},
          {"provider", one(2, "prov", Role::kProvider, "RRK")},
          {"clinician", one(3, "doc", Role::kClinician, "1234567")},
          {"manufacturer", one(4, "maker", Role::kManufacturer, "acme")},
          {"patient", patient},
          {"analyst", one(6, "ana", Role::kAnalyst, "")},
          {"regulator", one(7, "mhra", Role::kRegulator, "")},
          {"admin", one(8, "root", Role::kAdmin, "")}};
}

// A resource in the principal's own scope, or in someone else's.
Resource OwnScope() { return {{"RRK"}, "1234567", "acme", kOwnPatient}; }
Resource OtherScope() { return {{"RXF"}, "7654321", "globex", kOtherPatient}; }

// The policy as the issue states it: "yes" allowed whatever the scope, "own" only in the
// principal's own scope, "-" never. Columns follow AllActions().
// clang-format off
const std::map<std::string, std::vector<std::string>> kExpected = {
    //  sub.c  sub.r  proc   impl   nhs    cat    udi    agg    sig.r  sig.u  rec.r  rec.u  rec.c  run    aud   aud.o  user   metr  health session.c session.d pw  rec.s public
    {"submitter", {"own", "own", "-", "-", "-", "yes", "yes", "-", "-", "-", "-", "-", "-", "-", "-", "-", "-", "-", "yes", "yes", "yes", "yes", "-", "yes"}},
    {"provider", {"own", "own", "own", "own", "own", "yes", "yes", "own", "own", "-", "own", "own", "-", "-", "-", "-", "-", "-", "yes", "yes", "yes", "yes", "-", "yes"}},
    {"clinician", {"-", "-", "own", "own", "-", "yes", "yes", "own", "own", "-", "-", "-", "-", "-", "-", "-", "-", "-", "yes", "yes", "yes", "yes", "-", "yes"}},
    {"manufacturer", {"-", "-", "-", "-", "-", "yes", "yes", "own", "own", "-", "-", "-", "own", "-", "-", "-", "-", "-", "yes", "yes", "yes", "yes", "own", "yes"}},
    {"patient", {"-", "-", "own", "own", "-", "yes", "yes", "-", "-", "-", "own", "-", "-", "-", "-", "own", "-", "-", "yes", "yes", "yes", "yes", "-", "yes"}},
    {"analyst", {"-", "-", "yes", "yes", "-", "yes", "yes", "yes", "yes", "-", "-", "-", "-", "yes", "-", "-", "-", "-", "yes", "yes", "yes", "yes", "-", "yes"}},
    {"regulator", {"-", "-", "yes", "yes", "yes", "yes", "yes", "yes", "yes", "yes", "yes", "yes", "yes", "yes", "-", "-", "-", "-", "yes", "yes", "yes", "yes", "yes", "yes"}},
    {"admin", {"-", "-", "-", "-", "-", "yes", "yes", "-", "-", "-", "-", "-", "-", "-", "yes", "-", "yes", "yes", "yes", "yes", "yes", "yes", "-", "yes"}},
};
// clang-format on

std::string Observed(const Principal& p, Action a) {
  bool own = Decide(p, a, OwnScope()).allowed;
  bool other = Decide(p, a, OtherScope()).allowed;
  if (own && other) return "yes";
  if (own) return "own";
  return other ? "OTHER-ONLY" : "-";
}

TEST(Policy, EveryRoleAndActionInOwnAndOtherScopeMatchesTheTable) {
  ASSERT_EQ(AllActions().size(), 24u);
  for (const RoleCase& rc : RoleCases()) {
    const auto& row = kExpected.at(rc.name);
    for (size_t i = 0; i < AllActions().size(); ++i) {
      Action a = AllActions()[i];
      EXPECT_EQ(Observed(rc.principal, a), row[i]) << rc.name << " " << ActionName(a);
    }
  }
}

// docs/security.md shows the matrix to people; it must say what Decide does.
TEST(Policy, TheMatrixInDocsSecurityMdIsWhatDecideDoes) {
  const char* root = std::getenv("ORP_SOURCE_DIR");
  ASSERT_NE(root, nullptr) << "ORP_SOURCE_DIR is set by orp_test()";
  std::ifstream in(std::string(root) + "/docs/security.md");
  ASSERT_TRUE(in) << "docs/security.md";
  std::map<std::string, std::vector<std::string>> documented;
  bool in_matrix = false;
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("| Role | submission.create")) in_matrix = true;
    if (in_matrix && line.empty()) break;
    if (!in_matrix || !line.starts_with("| `")) continue;  // rows start with a role in backquotes
    std::vector<std::string> cells;
    std::stringstream s(line);
    for (std::string cell; std::getline(s, cell, '|');) {
      size_t b = cell.find_first_not_of(' '), e = cell.find_last_not_of(' ');
      cells.push_back(b == std::string::npos ? "" : cell.substr(b, e - b + 1));
    }
    // cells[0] is before the first '|'; cells[1] is the role.
    std::string role = cells[1].substr(1, cells[1].find_first_of("@`", 1) - 1);
    documented[role] = std::vector<std::string>(cells.begin() + 2, cells.end());
  }
  ASSERT_EQ(documented.size(), 8u);
  for (const RoleCase& rc : RoleCases()) {
    std::vector<std::string> observed;
    for (Action a : AllActions()) observed.push_back(Observed(rc.principal, a));
    EXPECT_EQ(documented[rc.name], observed) << rc.name;
  }
}

TEST(Policy, AnonymousAndGrantlessPrincipalsAreDeniedAllButThePublicActions) {
  Principal anonymous;
  Principal grantless{9, "nobody", false, "", {}};
  for (Action a : AllActions()) {
    bool is_public =
        a == kHealthRead || a == kSessionCreate || a == kSessionDelete || a == kPublicDeviceRead;
    EXPECT_EQ(Decide(anonymous, a, OwnScope()).allowed, is_public) << ActionName(a);
    EXPECT_EQ(Decide(grantless, a, OwnScope()).allowed, is_public) << ActionName(a);
    EXPECT_EQ(Decide(anonymous, a, Resource{{}, "", "", "", true}).allowed, is_public);
  }
}

TEST(Policy, ACollectionCheckAllowsARoleThatMaySeeSomeRowsAndNoOther) {
  Resource listing{{}, "", "", "", true};
  auto allowed = [&](Role role, std::string scope, Action a, std::string patient = "") {
    Principal p{1, "u", false, std::move(patient), {Grant{role, std::move(scope)}}};
    return Decide(p, a, listing).allowed;
  };
  EXPECT_TRUE(allowed(Role::kProvider, "RRK", kProcedureRead));
  EXPECT_TRUE(allowed(Role::kClinician, "1234567", kProcedureRead));
  EXPECT_TRUE(allowed(Role::kPatient, "self", kPatientImplantsRead, kOwnPatient));
  EXPECT_FALSE(allowed(Role::kPatient, "self", kPatientImplantsRead));  // no pseudonym
  EXPECT_FALSE(allowed(Role::kManufacturer, "acme", kProcedureRead));
  EXPECT_FALSE(allowed(Role::kAdmin, "", kProcedureRead));
  EXPECT_FALSE(allowed(Role::kAnalyst, "", kPatientIdentifierRead));
  EXPECT_FALSE(allowed(Role::kSubmitter, "RRK", kProcedureRead));
}

TEST(Policy, ProviderIsDeniedWhenAnyRecordBelongsToAnotherProvider) {
  Principal p{2, "prov", false, "", {{Role::kProvider, "RRK"}}};
  Resource mixed{{"RRK", "RXF"}, "", "", ""};
  for (Action a : {kProcedureRead, kPatientImplantsRead, kSubmissionRead, kSubmissionCreate,
                   kRecallRead, kRecallUpdate, kAnalyticsAggregateRead}) {
    EXPECT_FALSE(Decide(p, a, mixed).allowed) << ActionName(a);
    EXPECT_FALSE(Decide(p, a, Resource{}).allowed) << ActionName(a) << " with no organisation";
  }
  // A patient treated by both may be contacted by either: the NHS number needs one of them.
  EXPECT_TRUE(Decide(p, kPatientIdentifierRead, mixed).allowed);
  EXPECT_FALSE(Decide(p, kPatientIdentifierRead, Resource{}).allowed);
}

TEST(Policy, ProviderWithTwoOrganisationsSeesRecordsOfBoth) {
  Principal p{2, "prov", false, "", {{Role::kProvider, "RRK"}, {Role::kProvider, "RXF"}}};
  EXPECT_TRUE(Decide(p, kProcedureRead, Resource{{"RRK", "RXF"}, "", "", ""}).allowed);
  EXPECT_FALSE(Decide(p, kProcedureRead, Resource{{"RRK", "RTH"}, "", "", ""}).allowed);
}

TEST(Policy, SubmitterScopeDoesNotLeakIntoProviderActions) {
  // submitter@RXF and provider@RRK: reading RXF's procedures needs provider@RXF.
  Principal p{2, "both", false, "", {{Role::kSubmitter, "RXF"}, {Role::kProvider, "RRK"}}};
  EXPECT_FALSE(Decide(p, kProcedureRead, Resource{{"RXF"}, "", "", ""}).allowed);
  EXPECT_TRUE(Decide(p, kSubmissionCreate, Resource{{"RXF"}, "", "", ""}).allowed);
}

TEST(Policy, ManufacturerSeesNoPatientEvenOfItsOwnDevices) {
  Principal m{4, "maker", false, "", {{Role::kManufacturer, "acme"}}};
  Resource own_devices{{"RRK"}, "", "acme", kOwnPatient};
  for (Action a : {kProcedureRead, kPatientImplantsRead, kPatientIdentifierRead, kRecallRead}) {
    EXPECT_FALSE(Decide(m, a, own_devices).allowed) << ActionName(a);
  }
  EXPECT_TRUE(Decide(m, kAnalyticsAggregateRead, own_devices).allowed);
  EXPECT_FALSE(Decide(m, kAnalyticsAggregateRead, Resource{{}, "", "", ""}).allowed);
}

TEST(Policy, AnalystNeverReadsAnNhsNumber) {
  Principal a{6, "ana", false, "", {{Role::kAnalyst, ""}}};
  EXPECT_FALSE(Decide(a, kPatientIdentifierRead, OwnScope()).allowed);
  EXPECT_TRUE(Decide(a, kProcedureRead, OwnScope()).allowed);
}

TEST(Policy, PatientWithoutAPseudonymSeesNothingOfAnyPatient) {
  Principal p{5, "pat", false, "", {{Role::kPatient, "self"}}};
  EXPECT_FALSE(Decide(p, kPatientImplantsRead, Resource{{}, "", "", ""}).allowed);
  EXPECT_FALSE(Decide(p, kPatientImplantsRead, OwnScope()).allowed);
}

TEST(Policy, AdminReadsNoClinicalData) {
  Principal a{8, "root", false, "", {{Role::kAdmin, ""}}};
  for (Action x : {kProcedureRead, kPatientImplantsRead, kPatientIdentifierRead, kRecallRead,
                   kAnalyticsAggregateRead, kSubmissionRead}) {
    EXPECT_FALSE(Decide(a, x, OwnScope()).allowed) << ActionName(x);
  }
}

TEST(Policy, DecisionSaysWhyAndWhetherTheDataIsIdentifiable) {
  Principal p{2, "prov", false, "", {{Role::kProvider, "RRK"}}};
  Decision allowed = Decide(p, kPatientImplantsRead, OwnScope());
  EXPECT_TRUE(allowed.allowed);
  EXPECT_TRUE(allowed.identifiable);
  EXPECT_EQ(allowed.grant, (Grant{Role::kProvider, "RRK"}));
  EXPECT_THAT(allowed.reason, testing::HasSubstr("provider@RRK may patient.implants.read"));
  Decision denied = Decide(p, kPatientImplantsRead, OtherScope());
  EXPECT_FALSE(denied.allowed);
  EXPECT_FALSE(denied.grant.has_value());
  EXPECT_THAT(denied.reason, testing::HasSubstr("own organisation"));
  EXPECT_THAT(Decide(p, kAuditRead, OwnScope()).reason, testing::HasSubstr("no role of prov"));
  EXPECT_FALSE(Decide(p, kCatalogueRead, OwnScope()).identifiable);
  EXPECT_FALSE(Decide(p, kAnalyticsAggregateRead, OwnScope()).identifiable);
}

TEST(Policy, ActionNamesRoundTrip) {
  for (Action a : AllActions()) EXPECT_EQ(ParseAction(ActionName(a)), a);
  EXPECT_EQ(ParseAction("patient.read").error().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace orp::security
