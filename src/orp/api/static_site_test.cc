// StaticSite over a temporary directory: content types, cache headers, the single-page fallback
// and every way a path could leave the root (dot segments, encoded slashes and dots, backslashes,
// NUL, a symlink pointing outside).
#include "orp/api/static_site.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "orp/api/response.h"

namespace orp::api {
namespace {

namespace fs = std::filesystem;

class StaticSiteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() /
            ("orp-static-" +
             std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(base_);
    fs::create_directories(base_ / "site" / "assets");
    Write(base_ / "site" / "index.html", "<!doctype html><title>ORP</title>");
    Write(base_ / "site" / "assets" / "app-ABC123.js", "console.log(1)");
    Write(base_ / "site" / "assets" / "app-ABC123.css", "body{}");
    Write(base_ / "site" / "notes.exe", "MZ");
    Write(base_ / "secret.txt", "outside the root");
    auto site = StaticSite::Open(base_ / "site");
    ASSERT_TRUE(site.has_value()) << site.error().ToString();
    site_.emplace(std::move(*site));
  }
  void TearDown() override { fs::remove_all(base_); }

  static void Write(const fs::path& path, const std::string& text) { std::ofstream(path) << text; }

  HttpResponse Get(const std::string& path, const std::string& accept_encoding = "") const {
    HttpRequest request;
    request.method = "GET";
    request.path = path;
    if (!accept_encoding.empty()) request.headers["accept-encoding"] = accept_encoding;
    request.request_id = "static-test";
    return site_->Serve(request);
  }

  static std::string Header(const HttpResponse& r, std::string_view name) {
    for (const auto& [n, v] : r.headers) {
      if (n == name) return v;
    }
    return {};
  }

  fs::path base_;
  std::optional<StaticSite> site_;
};

TEST_F(StaticSiteTest, ServesTheIndexAtTheRootUncachedUnderAStrictPolicy) {
  HttpResponse r = Get("/");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(r.body, "<!doctype html><title>ORP</title>");
  EXPECT_EQ(Header(r, "Cache-Control"), "no-cache");
  std::string csp = Header(r, "Content-Security-Policy");
  EXPECT_NE(csp.find("script-src 'self'"), std::string::npos);
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos);
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos);
}

TEST_F(StaticSiteTest, ServesHashedAssetsWithTheirTypeCachedForAYear) {
  HttpResponse js = Get("/assets/app-ABC123.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(js.body, "console.log(1)");
  EXPECT_EQ(Header(js, "Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(Get("/assets/app-ABC123.css").content_type, "text/css; charset=utf-8");
}

TEST_F(StaticSiteTest, AnswersAClientRouteWithTheIndexAndAMissingFileWith404) {
  HttpResponse route = Get("/procedures");
  EXPECT_EQ(route.status, 200);
  EXPECT_EQ(route.body, "<!doctype html><title>ORP</title>");
  EXPECT_EQ(Get("/patients/me/implants").status, 200);
  EXPECT_EQ(Get("/assets/missing-1.js").status, 404);
  EXPECT_EQ(Get("/favicon.ico").status, 404);
}

TEST_F(StaticSiteTest, RefusesAFileOfATypeItDoesNotServe) {
  EXPECT_EQ(Get("/notes.exe").status, 404);
}

TEST_F(StaticSiteTest, NeverServesAFileOutsideTheRoot) {
  for (const char* path :
       {"/../secret.txt", "/assets/../../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt",
        "/assets/%2E%2E/%2E%2E/secret.txt", "/..\\secret.txt", "/assets/..%5c..%5csecret.txt",
        "/assets//app-ABC123.js", "/./index.html", "/%00", "/bad%zzescape", "relative.txt"}) {
    HttpResponse r = Get(path);
    EXPECT_EQ(r.status, 400) << path;
    EXPECT_EQ(r.body.find("outside the root"), std::string::npos) << path;
  }
}

TEST_F(StaticSiteTest, DoesNotFollowASymlinkOutOfTheRoot) {
  std::error_code ec;
  fs::create_symlink(base_ / "secret.txt", base_ / "site" / "leak.txt", ec);
  if (ec) GTEST_SKIP() << "cannot create a symlink here: " << ec.message();
  HttpResponse r = Get("/leak.txt");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body.find("outside the root"), std::string::npos);
}

TEST_F(StaticSiteTest, ClaimsGetsOutsideTheApiOnly) {
  HttpRequest request;
  request.method = "GET";
  request.path = "/scan";
  EXPECT_TRUE(StaticSite::Claims(request));
  request.path = "/api/v1/procedures";
  EXPECT_FALSE(StaticSite::Claims(request));
  request.path = "/scan";
  request.method = "POST";
  EXPECT_FALSE(StaticSite::Claims(request));
}

// The siblings hold marker text rather than real compressed bytes: what is tested is which file
// is chosen and how it is labelled (the browser test checks that real ones decode).
TEST_F(StaticSiteTest, SendsThePrecompressedSiblingTheClientAccepts) {
  Write(base_ / "site" / "assets" / "app-ABC123.js.br", "BROTLI");
  Write(base_ / "site" / "assets" / "app-ABC123.js.gz", "GZIP");
  HttpResponse br = Get("/assets/app-ABC123.js", "gzip, deflate, br");
  EXPECT_EQ(br.body, "BROTLI");
  EXPECT_EQ(Header(br, "Content-Encoding"), "br");
  EXPECT_EQ(br.content_type, "text/javascript; charset=utf-8");
  EXPECT_NE(Header(br, "Cache-Control").find("immutable"), std::string::npos);
  HttpResponse gzip = Get("/assets/app-ABC123.js", "gzip");
  EXPECT_EQ(gzip.body, "GZIP");
  EXPECT_EQ(Header(gzip, "Content-Encoding"), "gzip");
  HttpResponse refused = Get("/assets/app-ABC123.js", "br;q=0, gzip;q=0.5");
  EXPECT_EQ(refused.body, "GZIP");
  HttpResponse plain = Get("/assets/app-ABC123.js");
  EXPECT_EQ(plain.body, "console.log(1)");
  EXPECT_EQ(Header(plain, "Content-Encoding"), "");
  for (const HttpResponse* r : {&br, &gzip, &plain})
    EXPECT_EQ(Header(*r, "Vary"), "Accept-Encoding");
}

TEST_F(StaticSiteTest, SendsTheFileAsItIsWhenNoSiblingExists) {
  HttpResponse css = Get("/assets/app-ABC123.css", "br, gzip");
  EXPECT_EQ(css.body, "body{}");
  EXPECT_EQ(Header(css, "Content-Encoding"), "");
}

TEST_F(StaticSiteTest, NeverServesACompressedSiblingByName) {
  Write(base_ / "site" / "assets" / "app-ABC123.js.gz", "GZIP");
  EXPECT_EQ(Get("/assets/app-ABC123.js.gz", "gzip").status, 404);
}

TEST(AcceptEncoding, FollowsNamesWildcardsAndQValues) {
  EXPECT_TRUE(AcceptsEncoding("gzip, deflate, br", "br"));
  EXPECT_TRUE(AcceptsEncoding("GZIP", "gzip"));
  EXPECT_FALSE(AcceptsEncoding("", "gzip"));
  EXPECT_FALSE(AcceptsEncoding("identity", "gzip"));
  EXPECT_FALSE(AcceptsEncoding("gzip;q=0", "gzip"));
  EXPECT_FALSE(AcceptsEncoding("gzip; q=0.000", "gzip"));
  EXPECT_TRUE(AcceptsEncoding("gzip;q=0.001", "gzip"));
  EXPECT_TRUE(AcceptsEncoding("*", "br"));
  EXPECT_FALSE(AcceptsEncoding("*, br;q=0", "br"));
  EXPECT_FALSE(AcceptsEncoding("*;q=0", "gzip"));
  EXPECT_FALSE(AcceptsEncoding("gzip;q=nonsense", "gzip"));
  EXPECT_FALSE(AcceptsEncoding("gzip;q=2", "gzip"));
}

TEST(StaticSiteOpen, RefusesARootWithoutAnIndex) {
  auto site = StaticSite::Open(fs::temp_directory_path() / "orp-no-such-web-root");
  ASSERT_FALSE(site.has_value());
  EXPECT_EQ(site.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(site.error().message().find("make build"), std::string::npos);
}

TEST(StandardHeaders, KeepAHandlersOwnCachePolicyAndFillInTheRest) {
  HttpResponse response;
  response.headers.emplace_back("Cache-Control", "no-cache");
  AddStandardHeaders(response, "rid", false);
  int cache_headers = 0;
  bool nosniff = false;
  for (const auto& [name, value] : response.headers) {
    if (name == "Cache-Control") {
      ++cache_headers;
      EXPECT_EQ(value, "no-cache");
    }
    if (name == "X-Content-Type-Options") nosniff = value == "nosniff";
  }
  EXPECT_EQ(cache_headers, 1);
  EXPECT_TRUE(nosniff);
}

}  // namespace
}  // namespace orp::api
