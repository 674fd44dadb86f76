// The dispatcher's contract with the gatekeeper: deny by default, 401 versus 403, one JSON
// error body with the request id, 404/405 for unknown routes.
#include "orp/api/dispatch.h"

#include <gtest/gtest.h>

#include <set>
#include <stdexcept>

namespace orp::api {
namespace {

// A test double: one valid token names "alice"; only the listed actions are allowed.
class FakeGatekeeper : public Gatekeeper {
 public:
  explicit FakeGatekeeper(std::set<std::string> allowed) : allowed_(std::move(allowed)) {}

  Result<security::Principal> Authenticate(const RequestCredentials& c) override {
    last_credentials = c;
    if (c.bearer_token.empty()) return security::Principal{};
    if (c.bearer_token != "good") return Unauthenticated("unknown or expired token");
    return security::Principal{7, "alice", true, "", {{security::Role::kAnalyst, ""}}};
  }
  Decision Authorize(const security::Principal&, std::string_view action,
                     const ResourceScope&) override {
    ++authorize_calls;
    return allowed_.contains(std::string(action)) ? Decision::kAllow : Decision::kDeny;
  }
  Result<void> Record(const security::Principal&, const AccessEvent&) override { return {}; }

  RequestCredentials last_credentials;
  int authorize_calls = 0;

 private:
  std::set<std::string> allowed_;
};

class DispatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto ok = router_.Add({"GET", "/things/{id}", "things.read",
                           [this](const RequestContext& ctx) -> Result<HttpResponse> {
                             ran_ = true;
                             if (ctx.Param("id") == "missing") return NotFound("no thing 'missing'");
                             if (ctx.Param("id") == "throw") throw std::runtime_error("boom 999");
                             HttpResponse response;
                             response.body = ctx.principal().username;
                             return response;
                           },
                           ""});
    ASSERT_TRUE(ok);
  }

  HttpRequest Request(std::string path, std::string token = "", std::string method = "GET") {
    HttpRequest r;
    r.method = std::move(method);
    r.path = std::move(path);
    r.request_id = "req-1";
    if (!token.empty()) r.headers["authorization"] = "Bearer " + token;
    return r;
  }

  Router router_;
  bool ran_ = false;
};

TEST_F(DispatchTest, RunsNoHandlerWhenThePolicyDenies) {
  FakeGatekeeper gatekeeper({});
  HttpResponse r = Dispatcher(router_, gatekeeper).Handle(Request("/things/1", "good"));
  EXPECT_EQ(r.status, 403);
  EXPECT_FALSE(ran_);
  EXPECT_EQ(gatekeeper.authorize_calls, 1);
  EXPECT_NE(r.body.find(R"("code":"PERMISSION_DENIED")"), std::string::npos);
}

TEST_F(DispatchTest, AnAnonymousCallerDeniedGets401) {
  FakeGatekeeper gatekeeper({});
  HttpResponse r = Dispatcher(router_, gatekeeper).Handle(Request("/things/1"));
  EXPECT_EQ(r.status, 401);
  EXPECT_FALSE(ran_);
}

TEST_F(DispatchTest, BadCredentialsGet401BeforeAnyHandler) {
  FakeGatekeeper gatekeeper({"things.read"});
  HttpResponse r = Dispatcher(router_, gatekeeper).Handle(Request("/things/1", "forged"));
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.body,
            R"({"error":{"code":"UNAUTHENTICATED","message":"unknown or expired token","request_id":"req-1"}})");
  EXPECT_FALSE(ran_);
}

TEST_F(DispatchTest, AnAllowedRequestRunsTheHandlerAsThePrincipal) {
  FakeGatekeeper gatekeeper({"things.read"});
  HttpResponse r = Dispatcher(router_, gatekeeper).Handle(Request("/things/1", "good"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "alice");
  EXPECT_EQ(r.route, "/things/{id}");
}

TEST_F(DispatchTest, AHandlerErrorBecomesTheJsonErrorBodyWithItsHttpStatus) {
  FakeGatekeeper gatekeeper({"things.read"});
  HttpResponse r = Dispatcher(router_, gatekeeper).Handle(Request("/things/missing", "good"));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body,
            R"({"error":{"code":"NOT_FOUND","message":"no thing 'missing'","request_id":"req-1"}})");
}

TEST_F(DispatchTest, AThrowingHandlerIs500WithoutTheExceptionText) {
  FakeGatekeeper gatekeeper({"things.read"});
  HttpResponse r = Dispatcher(router_, gatekeeper).Handle(Request("/things/throw", "good"));
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body.find("boom"), std::string::npos);
  EXPECT_NE(r.body.find("req-1"), std::string::npos);
}

TEST_F(DispatchTest, UnknownPathIs404AndWrongMethodIs405) {
  FakeGatekeeper gatekeeper({"things.read"});
  Dispatcher dispatcher(router_, gatekeeper);
  EXPECT_EQ(dispatcher.Handle(Request("/nothing", "good")).status, 404);
  EXPECT_EQ(dispatcher.Handle(Request("/things/1", "good", "DELETE")).status, 405);
  EXPECT_EQ(gatekeeper.authorize_calls, 0);
}

TEST(CredentialsOf, ReadsBearerTokenSessionCookieAndCsrfHeader) {
  HttpRequest r;
  r.method = "POST";
  r.remote_address = "10.0.0.9";
  r.headers["authorization"] = "Bearer tok123";
  r.headers["cookie"] = "theme=dark; orp_session=s3ss; other=1";
  r.headers["x-csrf-token"] = "csrf9";
  RequestCredentials c = CredentialsOf(r);
  EXPECT_EQ(c.bearer_token, "tok123");
  EXPECT_EQ(c.session_cookie, "s3ss");
  EXPECT_EQ(c.csrf_token, "csrf9");
  EXPECT_EQ(c.method, "POST");
  EXPECT_EQ(c.remote_address, "10.0.0.9");
}

}  // namespace
}  // namespace orp::api
