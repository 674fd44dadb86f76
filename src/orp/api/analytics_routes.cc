// GET /api/v1/analytics/survival: implant survival by group on one registry, the body of
// `orp survival --db ... --format json` (analytics/report_json.h), from the server's
// CohortCache (refreshed from the store's change sequence before each analysis).
//
// Who sees what (action analytics.aggregate.read, security/policy.h):
//   - a caller the policy allows nationally (analyst, regulator) gets the whole registry at the
//     national audience, or ?audience=public for figures fit to publish;
//   - every other caller (provider@, clinician@, manufacturer@) gets the units in its own scope
//     only — its organisation's sites, its own cases, its own devices — and always the public
//     audience (disclosure control: 1-7 as "*", other counts rounded to 5; statistics.md §13).
// Purpose: research (the national data opt-out applies) unless ?purpose=safety, which needs a
// caller who may read recalls nationally (the regulator). Every analysis is audited with its
// registry, grouping, audience and purpose; it returns no patient-level data.
#include <fmt/format.h>

#include <charconv>
#include <map>

#include "orp/analytics/report_json.h"
#include "orp/analytics/survival.h"
#include "orp/api/response.h"
#include "orp/api/routes.h"
#include "orp/core/text.h"
#include "orp/domain/device_id.h"

namespace orp::api {
namespace {

// Sets `out` to the parsed value, or passes the parse error on.
template <typename T>
Result<void> Assign(T& out, Result<T> parsed) {
  if (!parsed) return std::unexpected(parsed.error());
  out = std::move(*parsed);
  return {};
}

Result<std::vector<double>> ParseTimes(std::string_view text) {
  std::vector<double> years;
  for (std::string_view piece : Split(text, ',')) {
    std::string_view t = Trim(piece);
    double value = 0;
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
    if (t.empty() || ec != std::errc() || end != t.data() + t.size()) {
      return InvalidArgument(fmt::format("times: '{}' is not a number of years", Printable(t)));
    }
    years.push_back(value);
  }
  if (years.empty() || years.size() > 50) {
    return InvalidArgument("times: give 1 to 50 times in years, e.g. times=1,3,5,10");
  }
  return years;
}

Result<double> ParseLevel(std::string_view text) {
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !(value > 0 && value < 1)) {
    return InvalidArgument(
        fmt::format("conf_level: '{}' is not a level between 0 and 1", Printable(text)));
  }
  return value;
}

// The query's statistical options from the request (scope and audience are set by the caller).
Result<analytics::SurvivalQuery> ParseSurvivalQuery(const HttpRequest& r) {
  analytics::SurvivalQuery q;
  q.registry = r.QueryParam("registry").value_or("");
  if (q.registry.empty()) return InvalidArgument("registry: required, e.g. registry=BCIR");
  q.by = r.QueryParam("by").value_or("model");
  if (auto method = r.QueryParam("method"))
    ORP_RETURN_IF_ERROR(Assign(q.method, analytics::ParseSurvivalMethod(*method)));
  if (auto times = r.QueryParam("times"))
    ORP_RETURN_IF_ERROR(Assign(q.times_years, ParseTimes(*times)));
  if (auto cut = r.QueryParam("data_cut")) {
    Result<Date> date = ParseIsoDate(*cut);
    if (!date) return std::unexpected(date.error().WithContext("data_cut"));
    q.data_cut = *date;
  }
  if (auto type = r.QueryParam("conf_type"))
    ORP_RETURN_IF_ERROR(Assign(q.conf_type, stats::ParseConfType(*type)));
  if (auto level = r.QueryParam("conf_level"))
    ORP_RETURN_IF_ERROR(Assign(q.conf_level, ParseLevel(*level)));
  if (auto unit = r.QueryParam("unit")) {
    auto parsed = domain::ParseEnumName<domain::AnalysisUnit>(*unit);
    if (!parsed) return InvalidArgument("unit: choose implant or procedure");
    q.unit = *parsed;
  }
  if (auto curves = r.QueryParam("curves")) {
    if (*curves != "true" && *curves != "false") return InvalidArgument("curves: true or false");
    q.include_curves = *curves == "true";
  }
  return q;
}

// Keeps the units in the caller's own scope: a unit is kept when the policy allows the action on
// its organisation and clinician, or on the manufacturer of one of its devices. Lookups are
// cached per request; the filter runs outside store streams (analytics/survival.h).
class ScopeFilter {
 public:
  ScopeFilter(const ApiServices& s, const RequestContext& ctx) : s_(s), ctx_(ctx) {}

  bool operator()(const analytics::UnitScope& unit) {
    ResourceScope scope;
    if (!unit.site.empty()) scope.organisations.push_back(OrganisationOf(unit.site));
    scope.clinician = std::string(unit.clinician);
    if ((!scope.organisations.empty() || !scope.clinician.empty()) && ctx_.Allowed(scope)) {
      return true;
    }
    for (std::string_view di : Split(unit.devices, '|')) {
      ResourceScope device;
      device.manufacturer = ManufacturerOf(di);
      if (!device.manufacturer.empty() && ctx_.Allowed(device)) return true;
    }
    return false;
  }

 private:
  const std::string& OrganisationOf(std::string_view site) {
    auto it = organisations_.find(site);
    if (it != organisations_.end()) return it->second;
    std::string organisation(site.substr(0, 3));
    if (auto code = domain::OdsSiteCode::Parse(site))
      organisation = OrganisationOfSite(*s_.store, *code);
    return organisations_.emplace(std::string(site), std::move(organisation)).first->second;
  }

  const std::string& ManufacturerOf(std::string_view di) {
    auto it = manufacturers_.find(di);
    if (it != manufacturers_.end()) return it->second;
    std::string manufacturer;
    if (auto id = domain::DeviceId::Parse(di)) {
      auto model = s_.store->FindDeviceModel(*id, std::nullopt);
      if (model && *model) manufacturer = (*model)->manufacturer;
    }
    return manufacturers_.emplace(std::string(di), std::move(manufacturer)).first->second;
  }

  const ApiServices& s_;
  const RequestContext& ctx_;
  std::map<std::string, std::string, std::less<>> organisations_;
  std::map<std::string, std::string, std::less<>> manufacturers_;
};

Result<HttpResponse> Survival(const ApiServices& s, const RequestContext& ctx) {
  Result<analytics::SurvivalQuery> q = ParseSurvivalQuery(ctx.request());
  if (!q) return std::unexpected(q.error());
  q->definition = s.validators->registries().Find(q->registry);
  if (q->definition == nullptr) {
    return NotFound(fmt::format("registry: no registry '{}'", Printable(q->registry)));
  }
  // National roles have no scope condition, so an empty resource is allowed only to them.
  const bool national = ctx.Allowed(ResourceScope{});
  std::string audience =
      ctx.request().QueryParam("audience").value_or(national ? "national" : "public");
  ORP_RETURN_IF_ERROR(Assign(q->audience, stats::ParseAudience(audience)));
  if (!national && q->audience != stats::Audience::kPublic) {
    return PermissionDenied(
        "audience: national figures are for national roles; yours get audience=public over "
        "your own units");
  }
  ORP_RETURN_IF_ERROR(
      Assign(q->purpose,
             analytics::ParsePurpose(ctx.request().QueryParam("purpose").value_or("research"))));
  if (q->purpose == analytics::Purpose::kSafety && !ctx.AllowedTo("recall.read", ResourceScope{})) {
    return PermissionDenied(
        "purpose=safety (the opt-out not applied) is for the regulator's safety work only");
  }
  std::shared_ptr<ScopeFilter> filter;
  if (!national) {
    filter = std::make_shared<ScopeFilter>(s, ctx);
    q->unit_filter = [filter](const analytics::UnitScope& unit) { return (*filter)(unit); };
  }
  Result<analytics::SurvivalReport> report = s.cohorts->Survival(s.AnalyticsStore(), *q);
  if (!report) return std::unexpected(report.error());
  ORP_RETURN_IF_ERROR(
      ctx.Audit(fmt::format("analytics/survival?registry={}&by={}&audience={}", q->registry,
                            Printable(q->by), stats::AudienceName(q->audience)),
                "ok", q->purpose == analytics::Purpose::kSafety ? "safety" : "research"));
  return JsonResponse(analytics::SurvivalReportJson(*report));
}

}  // namespace

Result<void> AddAnalyticsRoutes(Router& router, const ApiServices& services) {
  return router.Add({"GET", "/api/v1/analytics/survival", "analytics.aggregate.read",
                     [services](const RequestContext& ctx) { return Survival(services, ctx); },
                     "Implant survival by group (Kaplan-Meier or Aalen-Johansen) on a registry"});
}

}  // namespace orp::api
