// The route table and docs/openapi.yaml describe the same routes, and every route has an action.
#include "orp/api/routes.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <set>

namespace orp::api {
namespace {

using MethodAndPath = std::pair<std::string, std::string>;

std::filesystem::path SourceDir() {
  const char* dir = std::getenv("ORP_SOURCE_DIR");
  return dir ? std::filesystem::path(dir) : std::filesystem::current_path();
}

// (METHOD, path) under `paths:`: a path is a two-space-indented key starting with '/', a
// method a four-space-indented get/post/put/patch/delete key below it. Enough for our file
// (no YAML library for one list).
std::set<MethodAndPath> OpenApiRoutes(const std::filesystem::path& file) {
  std::ifstream in(file);
  EXPECT_TRUE(in) << file;
  static const std::regex kPath(R"(^  (/[^:\s]*):\s*$)");
  static const std::regex kMethod(R"(^    (get|post|put|patch|delete):\s*$)");
  std::set<MethodAndPath> routes;
  bool in_paths = false;
  std::string path;
  std::string line;
  std::smatch m;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] != ' ' && line[0] != '#') in_paths = line == "paths:";
    if (!in_paths) continue;
    if (std::regex_match(line, m, kPath)) {
      path = m[1];
    } else if (std::regex_match(line, m, kMethod) && !path.empty()) {
      std::string method = m[1];
      for (char& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      routes.emplace(method, path);
    }
  }
  return routes;
}

Router AllRoutes() {
  Router router;
  Result<void> added = AddRoutes(router, ApiServices{});
  EXPECT_TRUE(added.has_value()) << added.error().ToString();
  return router;
}

TEST(RouteTable, MatchesTheOpenApiDocumentExactly) {
  std::set<MethodAndPath> table;
  Router router = AllRoutes();
  for (const Route& route : router.Routes()) table.emplace(route.method, route.pattern);
  std::set<MethodAndPath> documented = OpenApiRoutes(SourceDir() / "docs" / "openapi.yaml");
  for (const auto& [method, path] : table) {
    EXPECT_TRUE(documented.contains({method, path}))
        << method << " " << path << " is served but not in docs/openapi.yaml";
  }
  for (const auto& [method, path] : documented) {
    EXPECT_TRUE(table.contains({method, path}))
        << method << " " << path << " is in docs/openapi.yaml but not in the route table";
  }
  EXPECT_GE(table.size(), 9u);
}

TEST(RouteTable, EveryRouteNamesAnActionAndASummary) {
  Router router = AllRoutes();
  for (const Route& route : router.Routes()) {
    EXPECT_FALSE(route.action.empty()) << route.pattern;
    EXPECT_FALSE(route.summary.empty()) << route.pattern;
    EXPECT_TRUE(route.handler) << route.pattern;
  }
}

}  // namespace
}  // namespace orp::api
