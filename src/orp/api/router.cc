#include "orp/api/router.h"

#include <fmt/format.h>

#include <algorithm>

#include "orp/api/request_phases.h"

namespace orp::api {
namespace {

bool IsParameter(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

// "/a/b/c" -> {"a", "b", "c"}; "/" -> {}.
std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> out;
  size_t start = 1;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    out.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  if (out.size() == 1 && out.front().empty()) out.clear();
  return out;
}

// Matches and fills `params`; how many literal segments matched (more is more specific), or -1.
int MatchPattern(std::string_view pattern, std::string_view path,
                 std::map<std::string, std::string>& params) {
  std::vector<std::string_view> want = Segments(pattern);
  std::vector<std::string_view> got = Segments(path);
  if (want.size() != got.size()) return -1;
  int literals = 0;
  for (size_t i = 0; i < want.size(); ++i) {
    if (IsParameter(want[i])) {
      std::optional<std::string> value = PercentDecode(got[i], false);
      if (got[i].empty() || !value) return -1;
      params[std::string(want[i].substr(1, want[i].size() - 2))] = std::move(*value);
    } else if (want[i] == got[i]) {
      ++literals;
    } else {
      return -1;
    }
  }
  return literals;
}

}  // namespace

const std::string& RequestContext::Param(std::string_view name) const {
  static const std::string kEmpty;
  auto it = params_.find(std::string(name));
  return it == params_.end() ? kEmpty : it->second;
}

bool RequestContext::Allowed(const ResourceScope& scope) const {
  return gatekeeper_.Authorize(principal_, action_, scope) == Decision::kAllow;
}

bool RequestContext::AllowedTo(std::string_view action, const ResourceScope& scope) const {
  return gatekeeper_.Authorize(principal_, action, scope) == Decision::kAllow;
}

Result<void> RequestContext::Require(const ResourceScope& scope) const {
  if (Allowed(scope)) return {};
  return PermissionDenied(
      fmt::format("'{}' is not allowed on this resource for your roles", action_));
}

Result<void> RequestContext::Audit(std::string object, std::string outcome,
                                   std::string purpose) const {
  return AuditAction(action_, std::move(object), std::move(outcome), std::move(purpose));
}

Result<void> RequestContext::AuditAction(std::string action, std::string object,
                                         std::string outcome, std::string purpose) const {
  phases::Mark("handler");
  Result<void> recorded = gatekeeper_.Record(
      principal_,
      {std::move(action), std::move(object), request_id_, std::move(outcome), std::move(purpose)});
  phases::Mark("audit");
  return recorded;
}

Result<void> Router::Add(Route route) {
  if (!route.pattern.starts_with('/')) {
    return InvalidArgument(fmt::format("route pattern '{}' must start with '/'", route.pattern));
  }
  for (std::string_view segment : Segments(route.pattern)) {
    bool braces = segment.find_first_of("{}") != std::string_view::npos;
    if (segment.empty() || (braces && !IsParameter(segment))) {
      return InvalidArgument(
          fmt::format("route pattern '{}': bad segment '{}'", route.pattern, segment));
    }
  }
  bool repeated = std::any_of(routes_.begin(), routes_.end(), [&](const Route& r) {
    return r.method == route.method && r.pattern == route.pattern;
  });
  if (repeated) {
    return AlreadyExists(
        fmt::format("route {} {} is already defined", route.method, route.pattern));
  }
  routes_.push_back(std::move(route));
  return {};
}

RouteMatch Router::Match(std::string_view method, std::string_view path) const {
  RouteMatch best;
  int best_literals = -1;
  for (const Route& route : routes_) {
    std::map<std::string, std::string> params;
    int literals = MatchPattern(route.pattern, path, params);
    if (literals < 0) continue;
    best.path_known = true;
    if (route.method != method || literals <= best_literals) continue;
    best_literals = literals;
    best.route = &route;
    best.params = std::move(params);
  }
  return best;
}

}  // namespace orp::api
