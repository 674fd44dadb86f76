#include "orp/api/router.h"

#include <gtest/gtest.h>

namespace orp::api {
namespace {

Route MakeRoute(std::string method, std::string pattern, std::string action) {
  return Route{std::move(method), std::move(pattern), std::move(action),
               [](const RequestContext&) -> Result<HttpResponse> { return HttpResponse{}; },
               ""};
}

TEST(Router, MatchesAPatternAndDecodesItsParameters) {
  Router router;
  ASSERT_TRUE(router.Add(MakeRoute("GET", "/api/v1/submissions/{id}", "submission.read")));
  RouteMatch m = router.Match("GET", "/api/v1/submissions/4%202");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->action, "submission.read");
  EXPECT_EQ(m.params.at("id"), "4 2");
}

TEST(Router, PrefersALiteralSegmentOverAParameter) {
  Router router;
  ASSERT_TRUE(router.Add(MakeRoute("GET", "/a/{x}", "param")));
  ASSERT_TRUE(router.Add(MakeRoute("GET", "/a/literal", "literal")));
  EXPECT_EQ(router.Match("GET", "/a/literal").route->action, "literal");
  EXPECT_EQ(router.Match("GET", "/a/other").route->action, "param");
}

TEST(Router, KnowsAPathServedOnlyForAnotherMethod) {
  Router router;
  ASSERT_TRUE(router.Add(MakeRoute("POST", "/api/v1/submissions", "submission.create")));
  RouteMatch m = router.Match("GET", "/api/v1/submissions");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_TRUE(m.path_known);
  RouteMatch none = router.Match("GET", "/nowhere");
  EXPECT_FALSE(none.path_known);
}

TEST(Router, DoesNotMatchAnEmptyParameterOrExtraSegments) {
  Router router;
  ASSERT_TRUE(router.Add(MakeRoute("GET", "/p/{id}/implants", "x")));
  EXPECT_EQ(router.Match("GET", "/p//implants").route, nullptr);
  EXPECT_EQ(router.Match("GET", "/p/1/implants/2").route, nullptr);
  EXPECT_EQ(router.Match("GET", "/p/%zz/implants").route, nullptr);
}

TEST(Router, RefusesARepeatedRouteAndMalformedPatterns) {
  Router router;
  ASSERT_TRUE(router.Add(MakeRoute("GET", "/x", "a")));
  EXPECT_EQ(router.Add(MakeRoute("GET", "/x", "b")).error().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(router.Add(MakeRoute("GET", "x", "c")).error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(router.Add(MakeRoute("GET", "/a/{b", "d")).error().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(router.Add(MakeRoute("GET", "/a//b", "e")).error().code(),
            ErrorCode::kInvalidArgument);
}

TEST(HttpRequest, DecodesQueryParameters) {
  HttpRequest request;
  request.query = "udi=%2801%29095+x&limit=5&flag";
  EXPECT_EQ(request.QueryParam("udi"), "(01)095 x");
  EXPECT_EQ(request.QueryParam("limit"), "5");
  EXPECT_EQ(request.QueryParam("flag"), "");
  EXPECT_EQ(request.QueryParam("missing"), std::nullopt);
}

}  // namespace
}  // namespace orp::api
