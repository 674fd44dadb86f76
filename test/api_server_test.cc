// The HTTP API end to end: the real route table, dispatcher and server over an in-memory SQLite
// store, called with a real HTTP client. The gatekeeper is a small double with the scoping
// rules the issue states (provider A never sees provider B's records; national roles see all),
// so these tests check that every route asks it and honours the answer.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "orp/api/dispatch.h"
#include "orp/api/routes.h"
#include "orp/api/server.h"
#include "orp/api/test_client.h"
#include "orp/domain/nhs_number.h"
#include "orp/storage/sqlite/sqlite_store.h"

namespace orp::api {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using security::Grant;
using security::Principal;
using security::Role;

fs::path SourceDir() {
  const char* dir = std::getenv("ORP_SOURCE_DIR");
  return dir ? fs::path(dir) : fs::current_path();
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Tokens name principals; the policy: health for anyone; everything else needs a role; a row
// scoped to organisations needs a national role or a grant for every one of them; a patient's
// record without organisations only for national roles.
class ScopedGatekeeper : public Gatekeeper {
 public:
  Result<Principal> Authenticate(const RequestCredentials& c) override {
    static const std::map<std::string, Principal> kTokens = {
        {"admin", {1, "admin", false, "", {{Role::kAdmin, ""}}}},
        {"rxf", {2, "rxf-user", true, "", {{Role::kProvider, "RXF"}}}},
        {"nt4", {3, "nt4-user", true, "", {{Role::kProvider, "NT4"}}}},
        {"sub-rxf", {4, "rxf-system", true, "", {{Role::kSubmitter, "RXF"}}}},
    };
    if (!c.session_cookie.empty()) {
      if (c.session_cookie != "alice-session") return Unauthenticated("session expired");
      if (c.method != "GET" && c.csrf_token != "alice-csrf") return PermissionDenied("CSRF");
      return kTokens.at("rxf");
    }
    if (c.bearer_token.empty()) return Principal{};
    auto it = kTokens.find(c.bearer_token);
    if (it == kTokens.end()) return Unauthenticated("unknown token");
    return it->second;
  }

  Decision Authorize(const Principal& p, std::string_view action,
                     const ResourceScope& scope) override {
    if (action == "health.read" || action.starts_with("session.")) return Decision::kAllow;
    if (p.anonymous()) return Decision::kDeny;
    bool national = std::any_of(p.grants.begin(), p.grants.end(),
                                [](const Grant& g) { return g.role == Role::kAdmin; });
    if (national) return Decision::kAllow;
    if (action == "metrics.read") return Decision::kDeny;
    if (!scope.patient.empty() && scope.organisations.empty()) return Decision::kDeny;
    for (const std::string& org : scope.organisations) {
      bool granted = std::any_of(p.grants.begin(), p.grants.end(),
                                 [&](const Grant& g) { return g.scope == org; });
      if (!granted) return Decision::kDeny;
    }
    return Decision::kAllow;
  }

  Result<void> Record(const Principal& p, const AccessEvent& event) override {
    std::lock_guard lock(mutex_);
    events_.push_back(p.username + " " + event.action + " " + event.object);
    return {};
  }

  Result<SignedIn> SignIn(const SignInRequest& r) override {
    if (r.username != "alice" || r.password != "correct horse") {
      return Unauthenticated("username, password or code not accepted");
    }
    return SignedIn{"orp_session=alice-session; Path=/; Secure; HttpOnly; SameSite=Strict",
                    "alice-csrf",
                    "2026-11-27T00:00:00Z",
                    {2, "alice", false, "", {{Role::kProvider, "RXF"}}}};
  }
  Result<std::string> SignOut(std::string_view cookie) override {
    signed_out_ = std::string(cookie);
    return std::string("orp_session=; Max-Age=0");
  }
  std::string signed_out_;

  std::vector<std::string> events() {
    std::lock_guard lock(mutex_);
    return events_;
  }

 private:
  std::mutex mutex_;
  std::vector<std::string> events_;
};

class ApiServer : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = storage::sqlite::OpenStore(":memory:");
    ASSERT_TRUE(store.has_value());
    store_ = std::move(*store);
    auto registries = domain::LoadRegistries(SourceDir() / "registries");
    ASSERT_TRUE(registries.has_value());
    validators_.emplace(*registries, nullptr);
    ApiServices services;
    services.store = store_.get();
    services.pseudonymiser = &pseudonymiser_;
    services.validators = &*validators_;
    services.metrics = &metrics_;
    ASSERT_TRUE(AddRoutes(router_, services).has_value());
    dispatcher_.emplace(router_, gatekeeper_);
    ServerOptions options;
    options.port = 0;
    options.threads = 2;
    auto server = Server::Start(
        options, [this](const HttpRequest& r) { return dispatcher_->Handle(r); }, &metrics_);
    ASSERT_TRUE(server.has_value());
    server_ = std::move(*server);
  }

  testing::ClientResponse Call(const std::string& method, const std::string& target,
                               const std::string& token, const std::string& body = "",
                               std::vector<std::pair<std::string, std::string>> headers = {}) {
    if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
    return testing::Client(server_->port()).Send(method, target, headers, body);
  }

  // Submits test/data/ingest/worked_example.csv: NT451-00000017 (site NT451, organisation NT4)
  // and RXF05-00004711 (RXF) are accepted; RXF05-00004712 is rejected (bad NHS number).
  json SubmitWorkedExample(const std::string& token, const std::string& key) {
    auto r = Call("POST", "/api/v1/submissions", token,
                  ReadFile(SourceDir() / "test/data/ingest/worked_example.csv"),
                  {{"Idempotency-Key", key}, {"Content-Type", "text/csv"}});
    EXPECT_EQ(r.status, 201) << r.body;
    json receipt = json::parse(r.body);
    EXPECT_EQ(receipt["procedures"]["accepted"], 2);
    return receipt;
  }

  std::set<std::string> ProcedureRefs(const std::string& token, const std::string& query = "") {
    auto r = Call("GET", "/api/v1/procedures" + query, token);
    EXPECT_EQ(r.status, 200) << r.body;
    std::set<std::string> refs;
    json body = json::parse(r.body);
    for (const auto& item : body["items"]) refs.insert(item["procedure_ref"].get<std::string>());
    return refs;
  }

  security::Pseudonymiser pseudonymiser_ = security::Pseudonymiser::FromSecret({});
  std::unique_ptr<storage::Store> store_;
  std::optional<SubmissionValidators> validators_;
  Metrics metrics_;
  Router router_;
  ScopedGatekeeper gatekeeper_;
  std::optional<Dispatcher> dispatcher_;
  std::unique_ptr<Server> server_;
};

TEST_F(ApiServer, ASubmissionIsStoredAndARepeatedKeyReturnsTheFirstReceipt) {
  json receipt = SubmitWorkedExample("admin", "batch-1");
  EXPECT_EQ(receipt["procedures"]["received"], 3);
  int64_t id = receipt["submission_id"];
  auto again = Call("POST", "/api/v1/submissions", "admin", "anything",
                    {{"Idempotency-Key", "batch-1"}, {"Content-Type", "text/csv"}});
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(json::parse(again.body), receipt);
  EXPECT_EQ(again.Header("Location"), "/api/v1/submissions/" + std::to_string(id));
  auto read = Call("GET", "/api/v1/submissions/" + std::to_string(id), "admin");
  ASSERT_EQ(read.status, 200) << read.body;
  json body = json::parse(read.body);
  EXPECT_EQ(body["submission"]["id"], id);
  EXPECT_EQ(body["findings_total"], receipt["findings"].size());
}

TEST_F(ApiServer, AJsonArraySubmissionIsAcceptedAndBadJsonIs400) {
  auto bad =
      Call("POST", "/api/v1/submissions", "admin",
           "[{\"registry\": ", {{"Idempotency-Key", "j1"}, {"Content-Type", "application/json"}});
  EXPECT_EQ(bad.status, 400);
  json error = json::parse(bad.body)["error"];
  EXPECT_EQ(error["code"], "INVALID_ARGUMENT");
  EXPECT_EQ(error["request_id"], bad.Header("X-Request-Id"));
  auto empty = Call("POST", "/api/v1/submissions", "admin", "[]",
                    {{"Idempotency-Key", "j2"}, {"Content-Type", "application/json"}});
  EXPECT_EQ(empty.status, 201) << empty.body;
}

TEST_F(ApiServer, ASubmissionNeedsAnIdempotencyKeyAndAKnownContentType) {
  EXPECT_EQ(
      Call("POST", "/api/v1/submissions", "admin", "x", {{"Content-Type", "text/csv"}}).status,
      400);
  EXPECT_EQ(Call("POST", "/api/v1/submissions", "admin", "x",
                 {{"Idempotency-Key", "k"}, {"Content-Type", "application/pdf"}})
                .status,
            415);
}

TEST_F(ApiServer, ASubmitterMayNotSubmitForAnotherOrganisation) {
  auto r = Call("POST", "/api/v1/submissions?as=NT4", "sub-rxf", "x",
                {{"Idempotency-Key", "k"}, {"Content-Type", "text/csv"}});
  EXPECT_EQ(r.status, 403);
}

TEST_F(ApiServer, AProviderSeesOnlyItsOwnOrganisationsProcedures) {
  SubmitWorkedExample("admin", "batch-1");
  EXPECT_EQ(ProcedureRefs("admin"), (std::set<std::string>{"NT451-00000017", "RXF05-00004711"}));
  EXPECT_EQ(ProcedureRefs("rxf"), (std::set<std::string>{"RXF05-00004711"}));
  EXPECT_EQ(ProcedureRefs("nt4"), (std::set<std::string>{"NT451-00000017"}));
  // Asking for the other provider's site does not widen the scope.
  EXPECT_EQ(ProcedureRefs("nt4", "?site=RXF05"), std::set<std::string>{});
}

TEST_F(ApiServer, ProceduresArePagedByAnOpaqueCursorAndFiltered) {
  SubmitWorkedExample("admin", "batch-1");
  std::set<std::string> seen;
  std::string target = "/api/v1/procedures?registry=BCIR&limit=1";
  for (int page = 0; page < 5; ++page) {
    json body = json::parse(Call("GET", target, "admin").body);
    ASSERT_LE(body["items"].size(), 1u);
    for (const auto& item : body["items"]) seen.insert(item["procedure_ref"].get<std::string>());
    if (body["next_cursor"].is_null()) break;
    target =
        "/api/v1/procedures?registry=BCIR&limit=1&cursor=" + body["next_cursor"].get<std::string>();
  }
  EXPECT_EQ(seen, (std::set<std::string>{"NT451-00000017", "RXF05-00004711"}));
  EXPECT_EQ(ProcedureRefs("admin", "?from=2020-01-01&to=2022-12-31"),
            std::set<std::string>{"RXF05-00004711"});
  EXPECT_EQ(Call("GET", "/api/v1/procedures?cursor=zz", "admin").status, 400);
  EXPECT_EQ(Call("GET", "/api/v1/procedures?limit=0", "admin").status, 400);
  EXPECT_EQ(Call("GET", "/api/v1/procedures?from=2022-02-30", "admin").status, 400);
}

TEST_F(ApiServer, APatientsImplantsAreScopedAndTheReadIsAudited) {
  SubmitWorkedExample("admin", "batch-1");
  std::string hex = pseudonymiser_.Pseudonymise(*domain::NhsNumber::Parse("9990001235")).Hex();
  std::string target = "/api/v1/patients/" + hex + "/implants";
  auto all = json::parse(Call("GET", target, "admin").body)["implants"];
  auto rxf = json::parse(Call("GET", target, "rxf").body)["implants"];
  ASSERT_FALSE(all.empty());
  ASSERT_FALSE(rxf.empty());
  EXPECT_LT(rxf.size(), all.size() + 1);
  for (const auto& implant : rxf) EXPECT_EQ(implant["provider_site"], "RXF05");
  EXPECT_EQ(Call("GET", "/api/v1/patients/" + std::string(64, 'a') + "/implants", "admin").status,
            404);
  EXPECT_EQ(Call("GET", "/api/v1/patients/xyz/implants", "admin").status, 400);
  auto events = gatekeeper_.events();
  EXPECT_NE(
      std::find(events.begin(), events.end(), "rxf-user patient.implants.read patient/" + hex),
      events.end());
}

TEST_F(ApiServer, AnotherOrganisationsSubmissionReadsAsNotFound) {
  auto r = Call("POST", "/api/v1/submissions", "sub-rxf", "[]",
                {{"Idempotency-Key", "mine"}, {"Content-Type", "application/json"}});
  ASSERT_EQ(r.status, 201) << r.body;
  std::string target =
      "/api/v1/submissions/" + std::to_string(json::parse(r.body)["submission_id"].get<int64_t>());
  EXPECT_EQ(Call("GET", target, "rxf").status, 200);
  EXPECT_EQ(Call("GET", target, "nt4").status, 404);
}

TEST_F(ApiServer, TheCatalogueShowsADeviceWithItsHistory) {
  EXPECT_EQ(Call("GET", "/api/v1/catalogue/devices/09506000134352", "admin").status, 404);
  EXPECT_EQ(Call("GET", "/api/v1/catalogue/devices/123", "admin").status, 400);
  auto txn = store_->Begin();
  ASSERT_TRUE(txn.has_value());
  domain::DeviceModel model;
  model.device = *domain::Gtin::Parse("09506000134352");
  model.manufacturer = "Maker";
  model.brand = "Brand";
  model.device_type = "breast implant";
  model.registries = {"BCIR"};
  model.valid_from = Date{std::chrono::year{2020} / 1 / 1};
  ASSERT_TRUE((*txn)->PutDeviceModel(model).has_value());
  model.brand = "Brand 2";
  model.valid_from = Date{std::chrono::year{2023} / 1 / 1};
  ASSERT_TRUE((*txn)->PutDeviceModel(model).has_value());
  ASSERT_TRUE((*txn)->Commit().has_value());
  auto r = Call("GET", "/api/v1/catalogue/devices/09506000134352", "rxf");
  ASSERT_EQ(r.status, 200) << r.body;
  json body = json::parse(r.body);
  EXPECT_EQ(body["current"]["brand"], "Brand 2");
  EXPECT_EQ(body["history"].size(), 2u);
}

TEST_F(ApiServer, ParsesAUdiLabel) {
  auto r =
      Call("GET", "/api/v1/udi/parse?udi=%2801%2909506000134352%2810%29ABC123%2821%2912345", "rxf");
  ASSERT_EQ(r.status, 200) << r.body;
  json body = json::parse(r.body);
  EXPECT_EQ(body["di"], "09506000134352");
  EXPECT_EQ(body["lot"], "ABC123");
  EXPECT_EQ(Call("GET", "/api/v1/udi/parse", "rxf").status, 400);
}

TEST_F(ApiServer, HealthIsPublicButRecordsNeedCredentials) {
  EXPECT_EQ(Call("GET", "/healthz", "").status, 200);
  auto ready = Call("GET", "/readyz", "");
  EXPECT_EQ(ready.status, 200);
  EXPECT_NE(ready.body.find("schema_version"), std::string::npos);
  auto anonymous = Call("GET", "/api/v1/procedures", "");
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(anonymous.Header("X-Frame-Options"), "DENY");
  EXPECT_EQ(Call("GET", "/api/v1/procedures", "forged").status, 401);
  EXPECT_EQ(Call("GET", "/metrics", "rxf").status, 403);
}

TEST_F(ApiServer, SignInSetsASessionCookieAndSignOutNeedsTheCsrfToken) {
  auto bad_json =
      Call("POST", "/api/v1/sessions", "", "{username:", {{"Content-Type", "application/json"}});
  EXPECT_EQ(bad_json.status, 400);
  EXPECT_EQ(json::parse(bad_json.body)["error"]["code"], "INVALID_ARGUMENT");
  EXPECT_EQ(
      Call("POST", "/api/v1/sessions", "", R"({"username":"alice","password":"guess"})").status,
      401);
  // An expired cookie does not stop a new sign-in.
  auto r =
      Call("POST", "/api/v1/sessions", "", R"({"username":"alice","password":"correct horse"})",
           {{"Cookie", "orp_session=old"}});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.Header("Set-Cookie"),
            "orp_session=alice-session; Path=/; Secure; HttpOnly; SameSite=Strict");
  EXPECT_EQ(json::parse(r.body)["roles"], json::array({"provider@RXF"}));
  EXPECT_EQ(
      Call("GET", "/api/v1/procedures", "", "", {{"Cookie", "orp_session=alice-session"}}).status,
      200);
  EXPECT_EQ(
      Call("DELETE", "/api/v1/sessions", "", "", {{"Cookie", "orp_session=alice-session"}}).status,
      403);
  auto out = Call("DELETE", "/api/v1/sessions", "", "",
                  {{"Cookie", "orp_session=alice-session"}, {"X-CSRF-Token", "alice-csrf"}});
  EXPECT_EQ(out.status, 204);
  EXPECT_EQ(out.Header("Set-Cookie"), "orp_session=; Max-Age=0");
  EXPECT_EQ(gatekeeper_.signed_out_, "alice-session");
}

TEST_F(ApiServer, MetricsCountRequestsByRouteAndStatus) {
  Call("GET", "/healthz", "");
  Call("GET", "/api/v1/procedures", "");
  auto r = Call("GET", "/metrics", "admin");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("Content-Type"), "text/plain; version=0.0.4");
  EXPECT_NE(r.body.find(R"(orp_http_requests_total{method="GET",route="/healthz",status="200"} 1)"),
            std::string::npos);
  EXPECT_NE(r.body.find(R"(route="/api/v1/procedures",status="401"} 1)"), std::string::npos);
  EXPECT_NE(
      r.body.find("orp_http_request_duration_seconds_bucket{route=\"/healthz\",le=\"+Inf\"} 1"),
      std::string::npos);
  // At least this request's connection (earlier clients' closes may not have been seen yet).
  EXPECT_TRUE(std::regex_search(r.body, std::regex("\norp_http_open_connections [1-9]"))) << r.body;
}

}  // namespace
}  // namespace orp::api
