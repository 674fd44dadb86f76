// The role table: (role, method, route) -> expected HTTP status for EVERY route of the route
// table, through the real server, dispatcher, SecurityGatekeeper (security::Decide, real users
// and API tokens, the audit chain) and handlers, over an in-memory SQLite store holding two
// providers' patients (NT4 and RXF), signals and a recall. A route added to the table without a
// row here fails RouteTable.EveryRouteHasARowForEveryRole. Then cross-tenant checks: provider A
// never reads provider B's procedures, patients, recalls or signals.
//
// Write routes are called with bodies that fail validation after authorisation, so a 400 (or
// 404/409 from the handler) means "allowed in, then refused on content" and 401/403 "refused at
// the door"; the state the read rows see does not change between rows.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "orp/api/dispatch.h"
#include "orp/api/routes.h"
#include "orp/api/security_gatekeeper.h"
#include "orp/api/server.h"
#include "orp/api/test_client.h"
#include "orp/core/suite_set_up.h"
#include "orp/domain/nhs_number.h"
#include "orp/ingest/pipeline.h"
#include "orp/recall/campaign.h"
#include "orp/security/accounts.h"
#include "orp/storage/sqlite/sqlite_store.h"

namespace orp::api {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

fs::path SourceDir() {
  const char* dir = std::getenv("ORP_SOURCE_DIR");
  return dir ? fs::path(dir) : fs::current_path();
}

// The callers, in the order of the status columns below.
const std::vector<std::string> kRoles = {
    "anonymous",         "submitter@RXF", "provider@NT4", "provider@RXF", "clinician@4123456",
    "manufacturer@acme", "patient@self",  "analyst",      "regulator",    "admin"};

constexpr std::string_view kHeader =
    "registry,procedure_ref,provider_site,clinician_gmc,nhs_number,date_of_birth,sex,postcode,"
    "procedure_date,procedure_type,opcs_codes,snomed_code,laterality,indication,asa_grade,bmi,"
    "device_action,device_scan,gtin,lot,serial,expiry,patient_consent,incision_site,"
    "implant_plane,baker_grade\n";

// One primary: (site, procedure_ref, GMC, NHS number, GTIN, lot, serial).
std::string Primary(std::string_view site, std::string_view ref, std::string_view gmc,
                    std::string_view nhs, std::string_view gtin, std::string_view lot,
                    std::string_view serial) {
  return fmt::format(
      "BCIR,{},{},{},{},1980-01-01,2,LS6 2AB,2020-01-10,primary,B30.1;Z94.1,,R,"
      "cosmetic_augmentation,1,22.8,implanted,,{},{},{},2030-01-01,true,inframammary,dual_plane,\n",
      ref, site, gmc, nhs, gtin, lot, serial);
}

class RoleTable : public ::testing::Test {
 public:
  static void SetUpTestSuite() {
    set_up_.Run([] { world_ = new World(); });
  }
  static void TearDownTestSuite() {
    delete world_;
    world_ = nullptr;
  }
  void SetUp() override { ASSERT_TRUE(set_up_.ok()) << set_up_.failures(); }

  // Everything the rows need, built once: store, data, users, server.
  struct World {
    World() {
      store = std::move(*storage::sqlite::OpenStore(":memory:"));
      registries = *domain::LoadRegistries(SourceDir() / "registries");
      validators.emplace(registries, nullptr);
      AddDevices();
      Ingest("NT4", Primary("NT451", "NT451-A", "4123456", "9990001200", kAcme, "L1", "S1"));
      Ingest("RXF", Primary("RXF05", "RXF05-B", "4987654", "9990001219", kGlobex, "L2", "S2") +
                        Primary("RXF05", "RXF05-C", "4987654", "9990001227", kAcme, "L1", "S3"));
      patient_a = pseudonymiser.Pseudonymise(*domain::NhsNumber::Parse("9990001200")).Hex();
      patient_c = pseudonymiser.Pseudonymise(*domain::NhsNumber::Parse("9990001227")).Hex();
      AddSignals();
      AddRecall();
      AddUsers();
      ServerUp();
    }

    void AddDevices() {
      auto tx = std::move(*store->Begin());
      for (auto [gtin, maker] : {std::pair{kAcme, "acme"}, std::pair{kGlobex, "globex"}}) {
        domain::DeviceModel m;
        m.device = *domain::DeviceId::Parse(gtin);
        m.manufacturer = maker;
        m.brand = std::string(maker) + " brand";
        m.model = std::string(maker) + " model";
        m.registries = {"BCIR"};
        m.valid_from = *ParseIsoDate("2010-01-01");
        EXPECT_TRUE(tx->PutDeviceModel(m).has_value());
      }
      EXPECT_TRUE(tx->Commit().has_value());
    }

    void Ingest(std::string submitter, const std::string& rows) {
      // The process id keeps ctest's parallel runs of this suite off each other's files.
      fs::path file = fs::temp_directory_path() /
                      fmt::format("orp-role-table-{}-{}.csv", submitter, ::getpid());
      std::ofstream(file) << kHeader << rows;
      auto validator = ingest::Validator::Create(registries, {});
      ASSERT_TRUE(validator.has_value());
      auto receipt = ingest::IngestFile(*store, *validator, pseudonymiser, file,
                                        {"seed-" + submitter, submitter, false, false, {}});
      fs::remove(file);
      ASSERT_TRUE(receipt.has_value()) << receipt.error().ToString();
      EXPECT_EQ(receipt->rejected, 0) << ingest::ReceiptJson(*receipt);
      submission_ids[submitter] = receipt->submission_id->value;
    }

    void AddSignals() {
      auto tx = std::move(*store->Begin());
      auto put = [&](storage::SignalUnitKind kind, std::string unit) {
        storage::Signal s;
        s.registry = "BCIR";
        s.unit_kind = kind;
        s.unit = unit;
        s.method = "funnel-revision";
        s.what = "test signal about " + unit;
        s.data_cut = s.first_seen = *ParseIsoDate("2025-12-31");
        auto put_result = tx->PutSignal(s);
        EXPECT_TRUE(put_result.has_value());
        return put_result->id;
      };
      signal_nt4 = put(storage::SignalUnitKind::kHospital, "NT451");
      signal_rxf = put(storage::SignalUnitKind::kHospital, "RXF05");
      signal_acme = put(storage::SignalUnitKind::kDeviceModel, kAcme);
      signal_surgeon = put(storage::SignalUnitKind::kSurgeon, "4123456");
      EXPECT_TRUE(tx->Commit().has_value());
    }

    void AddRecall() {
      recall::CreateRequest request{"R-1", "FSN-1", "Acme lot L1", {}};
      request.criteria.device_ids = {kAcme};
      request.criteria.lots = {"L1"};
      auto created = recall::CreateCampaign(*store, request, recall::SecurityAuditAppender(),
                                            {"mhra", "regulator", "test", ""},
                                            domain::Instant(std::chrono::seconds(1'700'000'000)));
      ASSERT_TRUE(created.has_value()) << created.error().ToString();
    }

    void AddUsers() {
      security::AccountsOptions options;
      options.password_cost = security::PasswordCost::kMinimum;
      gatekeeper = std::make_unique<SecurityGatekeeper>(*store, options);
      audit = std::make_unique<security::AuditLog>(*store);
      accounts = std::make_unique<security::Accounts>(*store, *audit, options);
      for (size_t i = 1; i < kRoles.size(); ++i) {
        std::string name = "user" + std::to_string(i);
        security::NewUser user{name,
                               {*security::ParseGrant(kRoles[i])},
                               std::nullopt,
                               false,
                               kRoles[i] == "patient@self" ? patient_a : ""};
        auto added = accounts->AddUser(user);
        ASSERT_TRUE(added.has_value()) << kRoles[i] << ": " << added.error().ToString();
        tokens[kRoles[i]] = accounts->CreateToken(name, 30)->token;
      }
    }

    void ServerUp() {
      ApiServices services;
      services.store = store.get();
      services.pseudonymiser = &pseudonymiser;
      services.validators = &*validators;
      services.metrics = &metrics;
      ASSERT_TRUE(AddRoutes(router, services).has_value());
      dispatcher.emplace(router, *gatekeeper);
      ServerOptions options;
      options.port = 0;
      options.threads = 2;
      server = std::move(*Server::Start(
          options, [this](const HttpRequest& r) { return dispatcher->Handle(r); }, &metrics));
    }

    static constexpr const char* kAcme = "09520012000375";
    static constexpr const char* kGlobex = "09520012000542";
    security::Pseudonymiser pseudonymiser = security::Pseudonymiser::FromSecret({});
    std::unique_ptr<storage::Store> store;
    domain::RegistrySet registries;
    std::optional<SubmissionValidators> validators;
    std::map<std::string, int64_t> submission_ids;
    std::string patient_a, patient_c;  // NT4's patient (the patient@self user), RXF's in the recall
    int64_t signal_nt4 = 0, signal_rxf = 0, signal_acme = 0, signal_surgeon = 0;
    std::unique_ptr<SecurityGatekeeper> gatekeeper;
    std::unique_ptr<security::AuditLog> audit;
    std::unique_ptr<security::Accounts> accounts;
    std::map<std::string, std::string> tokens;
    Metrics metrics;
    Router router;
    std::optional<Dispatcher> dispatcher;
    std::unique_ptr<Server> server;
  };

  static testing::ClientResponse Call(const std::string& role, const std::string& method,
                                      const std::string& target, const std::string& body = "") {
    std::vector<std::pair<std::string, std::string>> headers;
    if (role != "anonymous")
      headers.emplace_back("Authorization", "Bearer " + world_->tokens.at(role));
    if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
    return testing::Client(world_->server->port()).Send(method, target, headers, body);
  }

  static World* world_;
  static inline SuiteSetUp set_up_;
};

RoleTable::World* RoleTable::world_ = nullptr;

struct Row {
  std::string method;
  std::string target;
  std::string body;
  std::vector<int> status;  // per kRoles
};

// The table. Columns: anonymous, submitter@RXF, provider@NT4, provider@RXF, clinician@4123456,
// manufacturer@acme, patient@self (NT4's patient A), analyst, regulator, admin.
std::vector<Row> Rows(const RoleTable::World& w) {
  const std::string a = w.patient_a;
  const std::string bad_json = "not json";
  auto sig = [](int64_t id) { return "/api/v1/signals/" + std::to_string(id); };
  // clang-format off
  return {
    {"GET", "/healthz", "",                     {200, 200, 200, 200, 200, 200, 200, 200, 200, 200}},
    {"GET", "/readyz", "",                      {200, 200, 200, 200, 200, 200, 200, 200, 200, 200}},
    {"GET", "/metrics", "",                     {401, 403, 403, 403, 403, 403, 403, 403, 403, 200}},
    // No Idempotency-Key: 400 once the caller is let in.
    {"POST", "/api/v1/submissions", "",         {401, 400, 400, 400, 403, 403, 403, 403, 403, 403}},
    // RXF's submission: its submitter and provider; another organisation reads 404.
    {"GET", "/api/v1/submissions/" + std::to_string(w.submission_ids.at("RXF")), "",
                                                {401, 200, 404, 200, 403, 403, 403, 403, 403, 403}},
    {"GET", "/api/v1/procedures", "",           {401, 403, 200, 200, 200, 403, 200, 200, 200, 403}},
    // Patient A was treated by NT4 (clinician 4123456) only.
    {"GET", "/api/v1/patients/" + a + "/implants", "",
                                                {401, 403, 200, 404, 200, 403, 200, 200, 200, 403}},
    {"GET", "/api/v1/catalogue/devices/09520012000375", "",
                                                {401, 200, 200, 200, 200, 200, 200, 200, 200, 200}},
    {"GET", "/api/v1/udi/parse?udi=%2801%2909520012000375", "",
                                                {401, 200, 200, 200, 200, 200, 200, 200, 200, 200}},
    {"POST", "/api/v1/sessions", R"({"username":"nobody","password":"wrong"})",
                                                {401, 401, 401, 401, 401, 401, 401, 401, 401, 401}},
    {"DELETE", "/api/v1/sessions", "",          {204, 204, 204, 204, 204, 204, 204, 204, 204, 204}},
    {"GET", "/api/v1/analytics/survival?registry=BCIR&by=model&times=1", "",
                                                {401, 403, 200, 200, 200, 200, 403, 200, 200, 403}},
    {"GET", "/api/v1/signals", "",              {401, 403, 200, 200, 200, 200, 403, 200, 200, 403}},
    // RXF's hospital signal: RXF, analysts, the regulator; others read 404.
    {"GET", sig(w.signal_rxf), "",              {401, 403, 404, 200, 404, 404, 403, 200, 200, 403}},
    {"PATCH", sig(w.signal_rxf), bad_json,      {401, 403, 403, 403, 403, 403, 403, 403, 400, 403}},
    {"POST", "/api/v1/surveillance/runs", bad_json,
                                                {401, 403, 403, 403, 403, 403, 403, 400, 400, 403}},
    {"GET", "/api/v1/surveillance/runs/999", "",
                                                {401, 403, 403, 403, 403, 403, 403, 404, 404, 403}},
    {"POST", "/api/v1/recalls", bad_json,       {401, 403, 403, 403, 403, 400, 403, 403, 400, 403}},
    {"GET", "/api/v1/recalls", "",              {401, 403, 200, 200, 403, 403, 200, 403, 200, 403}},
    // R-1 has A (NT4) and C (RXF); the patient sees their own row only.
    {"GET", "/api/v1/recalls/R-1", "",          {401, 403, 200, 200, 403, 403, 200, 403, 200, 403}},
    {"PATCH", "/api/v1/recalls/R-1/patients/" + a, bad_json,
                                                {401, 403, 400, 404, 403, 403, 403, 403, 400, 403}},
    {"GET", "/api/v1/patients/" + a + "/recalls", "",
                                                {401, 403, 200, 200, 403, 403, 200, 403, 200, 403}},
    {"GET", "/api/v1/audit?object=recall/R-1", "",
                                                {401, 403, 403, 403, 403, 403, 403, 403, 403, 200}},
    // Patient A's own audit trail: the patient only (admins use /audit?object=patient/...).
    {"GET", "/api/v1/patients/" + a + "/audit", "",
                                                {401, 403, 403, 403, 403, 403, 200, 403, 403, 403}},
    // Dashboards (webdash): the funnel is anonymised for scoped roles; a CUSUM only for a unit
    // the caller may see (the clinician themself; everyone else scoped reads 404).
    {"GET", "/api/v1/analytics/funnel?registry=BCIR&unit_kind=surgeon", "",
                                                {401, 403, 200, 200, 200, 200, 403, 200, 200, 403}},
    {"GET", "/api/v1/analytics/cusum?registry=BCIR&unit_kind=surgeon&unit=4123456", "",
                                                {401, 403, 404, 404, 200, 404, 403, 200, 200, 403}},
    {"GET", "/api/v1/analytics/completeness?registry=BCIR", "",
                                                {401, 403, 200, 200, 200, 200, 403, 200, 200, 403}},
    // National figures at the public audience; a patient's device performance is theirs alone.
    {"GET", "/api/v1/analytics/benchmark?registry=BCIR&by=device_type", "",
                                                {401, 403, 200, 200, 200, 200, 403, 200, 200, 403}},
    {"GET", "/api/v1/patients/" + a + "/device-performance", "",
                                                {401, 403, 404, 404, 404, 403, 200, 200, 200, 403}},
    // Acme's lot L1: the regulator, and acme for its own device.
    {"GET", "/api/v1/recall-preview?device=09520012000375&lot=L1", "",
                                                {401, 403, 403, 403, 403, 200, 403, 403, 200, 403}},
    // A password is changed from a signed-in session: API tokens (every role here) are refused.
    {"POST", "/api/v1/sessions/password",
     R"({"current_password":"x","new_password":"a new passphrase"})",
                                                {401, 403, 403, 403, 403, 403, 403, 403, 403, 403}},
    // Registry definitions are reference data: everyone signed in (webentry, #9).
    {"GET", "/api/v1/registries", "",           {401, 200, 200, 200, 200, 200, 200, 200, 200, 200}},
    {"GET", "/api/v1/registries/BCIR", "",      {401, 200, 200, 200, 200, 200, 200, 200, 200, 200}},
    // Users and tokens: admins only; rows that would change something are made to fail after
    // the policy lets the admin in (bad body, unknown user or token).
    {"GET", "/api/v1/users", "",                {401, 403, 403, 403, 403, 403, 403, 403, 403, 200}},
    {"POST", "/api/v1/users", bad_json,         {401, 403, 403, 403, 403, 403, 403, 403, 403, 400}},
    {"POST", "/api/v1/users/nobody-here/disable", "",
                                                {401, 403, 403, 403, 403, 403, 403, 403, 403, 404}},
    {"GET", "/api/v1/users/user1/tokens", "",   {401, 403, 403, 403, 403, 403, 403, 403, 403, 200}},
    {"POST", "/api/v1/users/nobody-here/tokens", "",
                                                {401, 403, 403, 403, 403, 403, 403, 403, 403, 404}},
    {"DELETE", "/api/v1/tokens/999999", "",     {401, 403, 403, 403, 403, 403, 403, 403, 403, 404}},
    // The PROMs questionnaire link is public (its token is the credential): an unknown token
    // is 404 for everyone, anonymous included (test/api_proms_test.cc answers a real one).
    {"GET", "/api/v1/proms/invitations/notavalidtoken", "",
                                                {404, 404, 404, 404, 404, 404, 404, 404, 404, 404}},
    {"POST", "/api/v1/proms/invitations/notavalidtoken", R"({"answers":{"pain":3}})",
                                                {404, 404, 404, 404, 404, 404, 404, 404, 404, 404}},
    // A patient's PROMs (procedure.read): the patient and national roles; a provider or
    // clinician sees their own procedures' questionnaires only, and A has none yet (404).
    {"GET", "/api/v1/patients/" + a + "/proms", "",
                                                {401, 403, 404, 404, 404, 403, 200, 200, 200, 403}},
    // Answering from the patient's own page: public action, the handler requires the signed-in
    // patient whose record it is; invitation 999 is nobody's.
    {"GET", "/api/v1/patients/" + a + "/proms/invitations/999", "",
                                                {404, 404, 404, 404, 404, 404, 404, 404, 404, 404}},
    {"POST", "/api/v1/patients/" + a + "/proms/invitations/999", R"({"answers":{"pain":3}})",
                                                {404, 404, 404, 404, 404, 404, 404, 404, 404, 404}},
    // PROMs analyses: aggregate readers; gain needs an installed instrument (none here: 400
    // once let in).
    {"GET", "/api/v1/proms/participation?registry=BCIR", "",
                                                {401, 403, 200, 200, 200, 200, 403, 200, 200, 403}},
    {"GET", "/api/v1/proms/gain?instrument=PAIN-NRS&by=provider", "",
                                                {401, 403, 400, 400, 400, 400, 403, 400, 400, 403}},
    // A recall's patients a page at a time (recall, #8): as GET /recalls/R-1.
    {"GET", "/api/v1/recalls/R-1/patients?limit=1", "",
                                                {401, 403, 200, 200, 403, 403, 200, 403, 200, 403}},
    // Exact participation counts (the national audience) are for national roles only.
    {"GET", "/api/v1/proms/participation?registry=BCIR&audience=national", "",
                                                {401, 403, 403, 403, 403, 403, 403, 200, 200, 403}},
    // Submission history and records waiting for a fix (web, #9): the organisation's own
    // submitters and providers; everyone else has no submission.read.
    {"GET", "/api/v1/submissions", "",          {401, 200, 200, 200, 403, 403, 403, 403, 403, 403}},
    {"GET", "/api/v1/submissions/waiting", "",  {401, 200, 200, 200, 403, 403, 403, 403, 403, 403}},
    {"GET", "/api/v1/submissions?as=NT4", "",   {401, 403, 200, 403, 403, 403, 403, 403, 403, 403}},
    // Public device performance (no sign-in; rate limited) and recall status (counts only) for
    // the manufacturer of R-1's devices and the regulator (web, #9).
    {"GET", "/api/v1/public/device-performance", "",
                                                {200, 200, 200, 200, 200, 200, 200, 200, 200, 200}},
    {"GET", "/api/v1/public/device-performance?registry=BCIR&by=device_type", "",
                                                {200, 200, 200, 200, 200, 200, 200, 200, 200, 200}},
    {"GET", "/api/v1/recall-status", "",        {401, 403, 403, 403, 403, 200, 403, 403, 200, 403}},
  };
  // clang-format on
}

TEST_F(RoleTable, EveryRouteHasARowForEveryRole) {
  std::set<std::pair<std::string, std::string>> covered;
  for (const Row& row : Rows(*world_)) {
    ASSERT_EQ(row.status.size(), kRoles.size()) << row.method << " " << row.target;
    std::string path = row.target.substr(0, row.target.find('?'));
    RouteMatch match = world_->router.Match(row.method, path);
    ASSERT_NE(match.route, nullptr) << row.method << " " << row.target << " is no route";
    covered.emplace(row.method, match.route->pattern);
  }
  for (const Route& route : world_->router.Routes()) {
    EXPECT_TRUE(covered.contains({route.method, route.pattern}))
        << route.method << " " << route.pattern << " has no row in the role table";
  }
}

TEST_F(RoleTable, EveryRoleGetsTheExpectedStatusOnEveryRoute) {
  for (const Row& row : Rows(*world_)) {
    for (size_t i = 0; i < kRoles.size(); ++i) {
      auto r = Call(kRoles[i], row.method, row.target, row.body);
      EXPECT_EQ(r.status, row.status[i])
          << kRoles[i] << " " << row.method << " " << row.target << "\n"
          << r.body.substr(0, 300);
    }
  }
}

std::set<std::string> Refs(const json& items, const char* member) {
  std::set<std::string> out;
  for (const auto& item : items) out.insert(item[member].get<std::string>());
  return out;
}

TEST_F(RoleTable, AProviderListsOnlyItsOwnProcedures) {
  auto nt4 = json::parse(Call("provider@NT4", "GET", "/api/v1/procedures").body);
  auto rxf = json::parse(Call("provider@RXF", "GET", "/api/v1/procedures").body);
  EXPECT_EQ(Refs(nt4["items"], "procedure_ref"), (std::set<std::string>{"NT451-A"}));
  EXPECT_EQ(Refs(rxf["items"], "procedure_ref"), (std::set<std::string>{"RXF05-B", "RXF05-C"}));
}

TEST_F(RoleTable, ARecallPreviewCountsTheLotPerProviderAndNamesNoPatient) {
  auto preview = Call("regulator", "GET", "/api/v1/recall-preview?device=09520012000375&lot=L1");
  ASSERT_EQ(preview.status, 200) << preview.body;
  auto body = json::parse(preview.body);
  EXPECT_EQ(body["overall"]["patients"], 2);  // A (NT4) and C (RXF), the cohort of R-1
  EXPECT_EQ(body["by_provider"]["NT4"]["patients"], 1);
  EXPECT_EQ(body["by_provider"]["RXF"]["patients"], 1);
  EXPECT_EQ(preview.body.find(world_->patient_a), std::string::npos);
  EXPECT_EQ(preview.body.find(world_->patient_c), std::string::npos);
  auto other_lot = json::parse(
      Call("regulator", "GET", "/api/v1/recall-preview?device=09520012000375&lot=NONE").body);
  EXPECT_EQ(other_lot["overall"]["implants"], 0);
  EXPECT_EQ(Call("regulator", "GET", "/api/v1/recall-preview?lot=L1").status, 400);
}

TEST_F(RoleTable, RecallPatientsComeAPageAtATimeAndEachProviderPagesOnlyItsOwn) {
  auto first = json::parse(Call("regulator", "GET", "/api/v1/recalls/R-1/patients?limit=1").body);
  ASSERT_EQ(first["patients"].size(), 1u);
  ASSERT_TRUE(first["next_cursor"].is_string());
  auto second = json::parse(
      Call("regulator", "GET",
           "/api/v1/recalls/R-1/patients?limit=1&cursor=" + first["next_cursor"].get<std::string>())
          .body);
  ASSERT_EQ(second["patients"].size(), 1u);
  EXPECT_TRUE(second["next_cursor"].is_null());
  std::set<std::string> both = {first["patients"][0]["patient"].get<std::string>(),
                                second["patients"][0]["patient"].get<std::string>()};
  EXPECT_EQ(both, (std::set<std::string>{world_->patient_a, world_->patient_c}));
  auto nt4 = json::parse(Call("provider@NT4", "GET", "/api/v1/recalls/R-1/patients").body);
  EXPECT_EQ(Refs(nt4["patients"], "patient"), (std::set<std::string>{world_->patient_a}));
  EXPECT_TRUE(nt4["next_cursor"].is_null());
  EXPECT_EQ(Call("regulator", "GET", "/api/v1/recalls/R-1/patients?limit=0").status, 400);
  EXPECT_EQ(Call("regulator", "GET", "/api/v1/recalls/R-1/patients?cursor=nonsense").status, 400);
}

TEST_F(RoleTable, AProviderSeesAndUpdatesOnlyItsOwnRecallPatients) {
  auto nt4 = json::parse(Call("provider@NT4", "GET", "/api/v1/recalls/R-1").body);
  auto rxf = json::parse(Call("provider@RXF", "GET", "/api/v1/recalls/R-1").body);
  auto regulator = json::parse(Call("regulator", "GET", "/api/v1/recalls/R-1").body);
  EXPECT_EQ(Refs(nt4["patients"], "patient"), (std::set<std::string>{world_->patient_a}));
  EXPECT_EQ(Refs(rxf["patients"], "patient"), (std::set<std::string>{world_->patient_c}));
  EXPECT_EQ(regulator["patients"].size(), 2u);
  EXPECT_EQ(nt4["counts"]["patients"], 1);
  EXPECT_FALSE(nt4["patients"][0].contains("nhs_number"));

  const std::string path = "/api/v1/recalls/R-1/patients/" + world_->patient_c;
  const std::string contact = R"({"contacted_on":"2026-01-05","channel":"letter"})";
  EXPECT_EQ(Call("provider@NT4", "PATCH", path, contact).status, 404);
  auto updated = Call("provider@RXF", "PATCH", path, contact);
  ASSERT_EQ(updated.status, 200) << updated.body;
  EXPECT_EQ(json::parse(updated.body)["stage"], "contacted");
  EXPECT_EQ(json::parse(updated.body)["contacts"].size(), 1u);
}

TEST_F(RoleTable, NhsNumbersGoOnlyToTheResponsibleProviderAndTheRegulatorWithAPurpose) {
  const std::string target = "/api/v1/recalls/R-1?identifiable=true&purpose=recall%20letters";
  auto nt4 = Call("provider@NT4", "GET", target);
  ASSERT_EQ(nt4.status, 200) << nt4.body;
  auto patients = json::parse(nt4.body)["patients"];
  ASSERT_EQ(patients.size(), 1u);
  EXPECT_TRUE(domain::NhsNumber::Parse(patients[0]["nhs_number"].get<std::string>()).has_value());
  EXPECT_EQ(Call("provider@NT4", "GET", "/api/v1/recalls/R-1?identifiable=true").status, 400);
  auto regulator = json::parse(Call("regulator", "GET", target).body)["patients"];
  ASSERT_EQ(regulator.size(), 2u);
  for (const auto& p : regulator) EXPECT_TRUE(p["nhs_number"].is_string());
  EXPECT_EQ(Call("patient@self", "GET", target).status, 403);
  // The access and its purpose are in the audit chain.
  auto entries = world_->audit->Query({});
  ASSERT_TRUE(entries.has_value());
  bool found = false;
  for (const auto& e : *entries) {
    found |= e.object == "recall/R-1" && e.purpose == "recall letters" && e.actor == "user2";
  }
  EXPECT_TRUE(found);
}

TEST_F(RoleTable, APatientSeesTheRecallOnTheirDeviceAndAnotherProviderSeesNone) {
  const std::string target = "/api/v1/patients/" + world_->patient_a + "/recalls";
  auto own = json::parse(Call("patient@self", "GET", target).body);
  ASSERT_GE(own["recalls"].size(), 1u);  // R-1, and any recall a later test makes
  EXPECT_TRUE(Refs(own["recalls"], "reference").contains("R-1"));
  EXPECT_FALSE(own["recalls"][0]["what_to_do"].get<std::string>().empty());
  EXPECT_TRUE(json::parse(Call("provider@RXF", "GET", target).body)["recalls"].empty());
  // Another patient's page is not the patient's to read.
  auto other = Call("patient@self", "GET", "/api/v1/patients/" + world_->patient_c + "/recalls");
  EXPECT_TRUE(json::parse(other.body)["recalls"].empty());
}

TEST_F(RoleTable, SignalsAreScopedToTheProviderClinicianAndManufacturerTheyAreAbout) {
  auto ids = [](const std::string& role) {
    std::set<int64_t> out;
    json body = json::parse(Call(role, "GET", "/api/v1/signals").body);
    for (const auto& s : body["items"]) out.insert(s["id"].get<int64_t>());
    return out;
  };
  EXPECT_EQ(ids("provider@NT4"), (std::set<int64_t>{world_->signal_nt4}));
  EXPECT_EQ(ids("provider@RXF"), (std::set<int64_t>{world_->signal_rxf}));
  EXPECT_EQ(ids("clinician@4123456"), (std::set<int64_t>{world_->signal_surgeon}));
  EXPECT_EQ(ids("manufacturer@acme"), (std::set<int64_t>{world_->signal_acme}));
  EXPECT_EQ(ids("analyst").size(), 4u);
}

TEST_F(RoleTable, ScopedRolesGetSurvivalOverTheirOwnUnitsWithDisclosureControl) {
  auto groups = [](const std::string& role) {
    auto r = Call(role, "GET", "/api/v1/analytics/survival?registry=BCIR&by=model&times=1");
    json body = json::parse(r.body);
    std::map<std::string, json> out;
    for (const auto& g : body["groups"]) out[g["group"].get<std::string>()] = g;
    return std::pair(body["audience"].get<std::string>(), out);
  };
  auto [analyst_audience, national] = groups("analyst");
  EXPECT_EQ(analyst_audience, "national");
  EXPECT_EQ(national.size(), 2u);
  EXPECT_EQ(national["acme model"]["n"], 2);
  auto [maker_audience, maker] = groups("manufacturer@acme");
  EXPECT_EQ(maker_audience, "public");
  EXPECT_EQ(maker.size(), 1u);
  EXPECT_TRUE(maker.contains("acme model"));
  EXPECT_TRUE(maker["acme model"]["n"].is_null());  // 2 units: suppressed for publication
  auto [nt4_audience, nt4] = groups("provider@NT4");
  EXPECT_EQ(nt4.size(), 1u);  // NT4's one primary, an acme device
  EXPECT_TRUE(nt4.contains("acme model"));
  auto refused =
      Call("provider@NT4", "GET", "/api/v1/analytics/survival?registry=BCIR&audience=national");
  EXPECT_EQ(refused.status, 403);
}

TEST_F(RoleTable, AManufacturerCreatesARecallOnItsOwnDevicesOnlyAndSeesNoPatient) {
  const std::string other = R"({"reference":"R-globex","criteria":{"devices":["09520012000542"]}})";
  EXPECT_EQ(Call("manufacturer@acme", "POST", "/api/v1/recalls", other).status, 403);
  const std::string own =
      R"({"reference":"R-acme","fsn_reference":"FSN-9","title":"Acme all lots",)"
      R"("criteria":{"devices":["09520012000375"]}})";
  auto created = Call("manufacturer@acme", "POST", "/api/v1/recalls", own);
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.Header("Location"), "/api/v1/recalls/R-acme");
  json body = json::parse(created.body);
  EXPECT_EQ(body["overall"]["patients"], 2);
  EXPECT_EQ(body["by_provider"]["NT4"]["patients"], 1);
  EXPECT_EQ(created.body.find(world_->patient_a), std::string::npos);
  EXPECT_EQ(Call("manufacturer@acme", "POST", "/api/v1/recalls", own).status, 409);
  EXPECT_EQ(Call("manufacturer@acme", "GET", "/api/v1/recalls/R-acme").status, 403);
}

TEST_F(RoleTable, TheRegulatorMovesASignalThroughReviewWithAReasonAndTheAuditKeepsWhoAndWhy) {
  const std::string path = "/api/v1/signals/" + std::to_string(world_->signal_acme);
  EXPECT_EQ(Call("regulator", "PATCH", path, R"({"status":"under-review"})").status, 400);
  EXPECT_EQ(Call("regulator", "PATCH", path, R"({"status":"confirmed","reason":"x"})").status, 409);
  auto moved =
      Call("regulator", "PATCH", path, R"({"status":"under-review","reason":"ask maker"})");
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_EQ(json::parse(moved.body)["status"], "under-review");
  EXPECT_EQ(json::parse(moved.body)["status_reason"], "ask maker");
  auto entries = world_->audit->Query({});
  ASSERT_TRUE(entries.has_value());
  bool found = false;
  for (const auto& e : *entries) {
    found |= e.object == "signal/" + std::to_string(world_->signal_acme) &&
             e.purpose == "ask maker" && e.actor == "user8";
  }
  EXPECT_TRUE(found);
}

TEST_F(RoleTable, ASurveillanceRunIsRecordedAndCanBeReadBack) {
  auto run = Call("analyst", "POST", "/api/v1/surveillance/runs", R"({"data_cut":"2025-12-31"})");
  ASSERT_EQ(run.status, 201) << run.body;
  json body = json::parse(run.body);
  EXPECT_EQ(body["status"], "done");
  EXPECT_EQ(body["data_cut"], "2025-12-31");
  auto again = Call("regulator", "GET", run.Header("Location"));
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(json::parse(again.body)["started_by"], "user7");
}

TEST_F(RoleTable, APatientSeesWhoLookedAtTheirRecordButNotTheirNames) {
  ASSERT_EQ(
      Call("provider@NT4", "GET", "/api/v1/patients/" + world_->patient_a + "/implants").status,
      200);
  auto r = Call("patient@self", "GET", "/api/v1/patients/" + world_->patient_a + "/audit");
  ASSERT_EQ(r.status, 200) << r.body;
  json items = json::parse(r.body)["items"];
  bool provider_read = false;
  for (const auto& e : items) {
    EXPECT_FALSE(e.contains("actor"));
    provider_read |= e["role"] == "provider@NT4" && e["action"] == "patient.implants.read";
  }
  EXPECT_TRUE(provider_read);
  ASSERT_EQ(Call("provider@NT4", "GET", "/api/v1/recalls").status, 200);  // a second entry
  auto admin = Call("admin", "GET", "/api/v1/audit?actor=user2&limit=1");
  ASSERT_EQ(admin.status, 200) << admin.body;
  json page = json::parse(admin.body);
  EXPECT_EQ(page["items"].size(), 1u);
  EXPECT_EQ(page["items"][0]["actor"], "user2");
  EXPECT_TRUE(page["next_cursor"].is_string());
  EXPECT_EQ(Call("admin", "GET", "/api/v1/audit?since=yesterday").status, 400);
}

// --- webentry (#9): registry definitions, dry runs, users and tokens --------------------------

TEST_F(RoleTable, ARegistryDefinitionCarriesItsFieldsValueSetsAndConditions) {
  auto r = Call("submitter@RXF", "GET", "/api/v1/registries/BCIR");
  ASSERT_EQ(r.status, 200) << r.body;
  json def = json::parse(r.body);
  const domain::RegistryDefinition* bcir = world_->registries.Find("BCIR");
  ASSERT_NE(bcir, nullptr);
  ASSERT_EQ(def["fields"].size(), bcir->fields.size());
  for (size_t i = 0; i < bcir->fields.size(); ++i) {
    EXPECT_EQ(def["fields"][i]["name"], bcir->fields[i].name);
    EXPECT_EQ(def["fields"][i]["values"].size(), bcir->fields[i].values.size());
    EXPECT_EQ(def["fields"][i]["required_when"].is_null(),
              bcir->fields[i].required_when_text.empty());
  }
  EXPECT_EQ(def["rules"].size(), bcir->rules.size());
  EXPECT_EQ(def["laterality_required"], bcir->LateralityRequired());
  auto list = json::parse(Call("admin", "GET", "/api/v1/registries").body);
  EXPECT_EQ(list["items"].size(), world_->registries.size());
  EXPECT_EQ(Call("admin", "GET", "/api/v1/registries/NOPE").status, 404);
}

TEST_F(RoleTable, ADryRunValidatesLikeASubmissionAndStoresNothing) {
  const std::string body =
      R"([{"registry":"BCIR","procedure_ref":"DRY-1","provider_site":"RXF05"}])";
  auto r = Call("submitter@RXF", "POST", "/api/v1/submissions?dry_run=true", body);
  ASSERT_EQ(r.status, 200) << r.body;
  json receipt = json::parse(r.body);
  EXPECT_EQ(receipt["dry_run"], true);
  EXPECT_TRUE(receipt["submission_id"].is_null()) << r.body;
  EXPECT_EQ(receipt["procedures"]["received"], 1);
  EXPECT_EQ(receipt["procedures"]["rejected"], 1);
  bool names_date = false;
  for (const auto& f : receipt["findings"]) names_date |= f["field"] == "procedure_date";
  EXPECT_TRUE(names_date) << r.body;
  EXPECT_TRUE(r.Header("Location").empty());
  EXPECT_EQ(Call("submitter@RXF", "POST", "/api/v1/submissions?dry_run=maybe", body).status, 400);
  // Nothing was stored: the procedure reference is unknown to the store.
  auto listed = json::parse(Call("provider@RXF", "GET", "/api/v1/procedures?limit=100").body);
  for (const auto& p : listed["items"]) EXPECT_NE(p["procedure_ref"], "DRY-1");
}

TEST_F(RoleTable, AnAdminAddsAUserWhoseTokenWorksUntilRevokedAndWhoCanBeDisabled) {
  auto added = Call(
      "admin", "POST", "/api/v1/users",
      R"({"username":"new-provider","grants":["provider@RXF"],"password":"a long enough password","totp":true})");
  ASSERT_EQ(added.status, 201) << added.body;
  EXPECT_FALSE(json::parse(added.body)["totp_secret"].get<std::string>().empty());
  EXPECT_EQ(Call("admin", "POST", "/api/v1/users",
                 R"({"username":"new-provider","grants":["provider@RXF"]})")
                .status,
            409);
  EXPECT_EQ(
      Call("admin", "POST", "/api/v1/users", R"({"username":"x","grants":["provider"]})").status,
      400);
  auto token = Call("admin", "POST", "/api/v1/users/new-provider/tokens", R"({"expires_days":7})");
  ASSERT_EQ(token.status, 201) << token.body;
  json t = json::parse(token.body);
  auto as_new = [&](const std::string& secret) {
    return testing::Client(world_->server->port())
        .Send("GET", "/api/v1/procedures", {{"Authorization", "Bearer " + secret}}, "")
        .status;
  };
  EXPECT_EQ(as_new(t["token"]), 200);
  auto tokens = json::parse(Call("admin", "GET", "/api/v1/users/new-provider/tokens").body);
  ASSERT_EQ(tokens["items"].size(), 1u);
  EXPECT_FALSE(tokens["items"][0].contains("token"));  // the secret is never listed
  EXPECT_EQ(
      Call("admin", "DELETE", "/api/v1/tokens/" + std::to_string(t["token_id"].get<int64_t>()))
          .status,
      204);
  EXPECT_EQ(as_new(t["token"]), 401);
  auto second = json::parse(Call("admin", "POST", "/api/v1/users/new-provider/tokens").body);
  EXPECT_EQ(as_new(second["token"]), 200);
  EXPECT_EQ(Call("admin", "POST", "/api/v1/users/new-provider/disable").status, 200);
  EXPECT_EQ(as_new(second["token"]), 401);
  auto users = json::parse(Call("admin", "GET", "/api/v1/users").body);
  bool disabled = false;
  for (const auto& u : users["items"])
    disabled |= u["username"] == "new-provider" && u["disabled"] == true;
  EXPECT_TRUE(disabled);
}

}  // namespace
}  // namespace orp::api

namespace orp::api {
namespace {

// Web (#9): the history lists the organisation's own submissions newest first, and a procedure
// rejected over HTTP waits for a fix under the username that sent it.
TEST_F(RoleTable, SubmissionHistoryListsOwnSubmissionsAndTheRecordsWaitingForAFix) {
  auto history = json::parse(Call("provider@RXF", "GET", "/api/v1/submissions").body);
  ASSERT_FALSE(history["submissions"].empty()) << history.dump();
  EXPECT_EQ(history["organisation"], "RXF");
  for (const auto& s : history["submissions"]) EXPECT_NE(s["id"], world_->submission_ids.at("NT4"));
  const std::string body =
      R"([{"registry":"BCIR","procedure_ref":"WAIT-1","provider_site":"RXF05"}])";
  auto sent = testing::Client(world_->server->port())
                  .Send("POST", "/api/v1/submissions",
                        {{"Authorization", "Bearer " + world_->tokens.at("submitter@RXF")},
                         {"Content-Type", "application/json"},
                         {"Idempotency-Key", "waiting-test"}},
                        body);
  ASSERT_EQ(sent.status, 201) << sent.body;
  int64_t id = json::parse(sent.body)["submission_id"];
  auto newest = json::parse(Call("provider@RXF", "GET", "/api/v1/submissions?limit=1").body);
  ASSERT_EQ(newest["submissions"].size(), 1u);
  EXPECT_EQ(newest["submissions"][0]["id"], id);
  EXPECT_EQ(newest["submissions"][0]["source"], "http");
  EXPECT_TRUE(newest["submissions"][0]["by"].is_string());
  EXPECT_GE(newest["submissions"][0]["findings"]["errors"], 1);
  EXPECT_FALSE(newest["next_cursor"].is_null());
  auto older = json::parse(
      Call("provider@RXF", "GET",
           "/api/v1/submissions?limit=1&cursor=" + newest["next_cursor"].get<std::string>())
          .body);
  ASSERT_EQ(older["submissions"].size(), 1u);
  EXPECT_LT(older["submissions"][0]["id"], id);
  auto waiting = json::parse(Call("submitter@RXF", "GET", "/api/v1/submissions/waiting").body);
  ASSERT_FALSE(waiting["findings"].empty()) << waiting.dump();
  for (const auto& f : waiting["findings"]) {
    EXPECT_EQ(f["procedure_ref"], "WAIT-1");
    EXPECT_EQ(f["submission"], id);
  }
  auto nt4 = json::parse(Call("provider@NT4", "GET", "/api/v1/submissions/waiting").body);
  EXPECT_TRUE(nt4["findings"].empty()) << nt4.dump();
}

// Web (#9): a manufacturer follows the campaigns on its own devices, counted, never named.
TEST_F(RoleTable, RecallStatusCountsTheManufacturersOwnCampaignsWithoutPatients) {
  auto acme = Call("manufacturer@acme", "GET", "/api/v1/recall-status");
  ASSERT_EQ(acme.status, 200) << acme.body;
  json items = json::parse(acme.body)["items"];
  json r1;
  for (const auto& item : items) {
    if (item["reference"] == "R-1") r1 = item;
  }
  ASSERT_TRUE(r1.is_object()) << acme.body;
  EXPECT_GE(r1["patients"], 1);
  int64_t staged = 0;
  for (const auto& [stage, n] : r1["stages"].items()) staged += n.get<int64_t>();
  EXPECT_EQ(staged, r1["patients"]);

  EXPECT_EQ(acme.body.find(world_->patient_a), std::string::npos);
  // The regulator follows every campaign (other tests here may have added more).
  auto regulator = json::parse(Call("regulator", "GET", "/api/v1/recall-status").body);
  bool has_r1 = false;
  for (const auto& item : regulator["items"]) has_r1 |= item["reference"] == "R-1";
  EXPECT_TRUE(has_r1) << regulator.dump();
}

// Web (#9): the public page's route answers without a session, and its figures are the
// benchmark's (public audience).
TEST_F(RoleTable, PublicDevicePerformanceIsTheBenchmarkWithoutSigningIn) {
  auto registries = json::parse(Call("anonymous", "GET", "/api/v1/public/device-performance").body);
  EXPECT_FALSE(registries["registries"].empty());
  auto open = Call("anonymous", "GET", "/api/v1/public/device-performance?registry=BCIR&by=model");
  ASSERT_EQ(open.status, 200) << open.body;
  auto signed_in = Call("analyst", "GET", "/api/v1/analytics/benchmark?registry=BCIR&by=model");
  json a = json::parse(open.body), b = json::parse(signed_in.body);
  EXPECT_EQ(a["groups"], b["groups"]);
  EXPECT_EQ(Call("anonymous", "GET", "/api/v1/public/device-performance?registry=BCIR&by=provider")
                .status,
            400);
}

// Web (#9): the dashboards cut their cohort at the end of the data, as survival does, not today
// (the world's procedures are years old, so today would add years of unseen follow-up).
TEST_F(RoleTable, FunnelCusumAndCompletenessCutAtTheEndOfTheDataAsSurvivalDoes) {
  auto survival = json::parse(
      Call("analyst", "GET", "/api/v1/analytics/survival?registry=BCIR&by=model&times=1").body);
  const std::string end = survival["data_cut"];
  ASSERT_FALSE(end.empty());
  EXPECT_LT(end, FormatIsoDate(TodayUtc()));
  auto funnel = json::parse(
      Call("analyst", "GET", "/api/v1/analytics/funnel?registry=BCIR&unit_kind=surgeon").body);
  EXPECT_EQ(funnel["data_cut"], end);
  auto cusum = json::parse(
      Call("analyst", "GET", "/api/v1/analytics/cusum?registry=BCIR&unit_kind=surgeon&unit=4123456")
          .body);
  EXPECT_EQ(cusum["data_cut"], end);  // no primary has a year of follow-up by then: no path
  EXPECT_TRUE(cusum["path"].empty()) << cusum.dump();
  auto completeness =
      json::parse(Call("analyst", "GET", "/api/v1/analytics/completeness?registry=BCIR").body);
  EXPECT_EQ(completeness["data_cut"], end);
  EXPECT_EQ(completeness["months"].back(), end.substr(0, 7));
}

// Web (#9): signals sort and search on the server; paging follows the sorted order.
TEST_F(RoleTable, SignalsSortAndSearchOnTheServer) {
  auto units = [&](const std::string& query) {
    std::vector<std::string> out;
    auto body = json::parse(Call("analyst", "GET", "/api/v1/signals?" + query).body);
    for (const auto& s : body["items"]) out.push_back(s["unit"]);
    return out;
  };
  std::vector<std::string> up = units("sort=unit"), down = units("sort=-unit");
  ASSERT_GE(up.size(), 2u);
  EXPECT_TRUE(std::is_sorted(up.begin(), up.end()));
  EXPECT_EQ(down, std::vector<std::string>(up.rbegin(), up.rend()));
  EXPECT_EQ(units("sort=-unit&limit=1"), std::vector<std::string>{down.front()});
  EXPECT_EQ(units("q=" + up.front().substr(0, 4)), std::vector<std::string>{up.front()});
  EXPECT_TRUE(units("q=no-such-unit-anywhere").empty());
  EXPECT_EQ(Call("analyst", "GET", "/api/v1/signals?sort=colour").status, 400);
}

}  // namespace
}  // namespace orp::api
