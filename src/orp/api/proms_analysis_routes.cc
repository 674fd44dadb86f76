// PROMs analyses for the dashboards (proms, #11), action analytics.aggregate.read:
//   GET /api/v1/proms/participation?registry=R   response and pre-op participation per provider,
//                                                 with funnel data (proms/participation.h)
//   GET /api/v1/proms/gain?instrument=C&by=provider|clinician[&score=S][&months=N][&registry=R]
//                                                 case-mix adjusted gain per hospital or surgeon
//                                                 against the country (proms/gain.h)
// Participation counts pass the project's one disclosure control (stats/disclosure.h): exact for
// national roles (or ?audience=public), controlled for everyone else. National totals are
// aggregates every caller may see; rows are kept only where the caller may
// read that unit (a provider its own organisation, a clinician their own cases; analysts and the
// regulator all). The gain model reads dates of birth, which proms audits before it reads them;
// each request is audited too.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "orp/api/json_codec.h"
#include "orp/api/response.h"
#include "orp/api/routes.h"
#include "orp/proms/gain_records.h"
#include "orp/proms/instrument_loader.h"
#include "orp/proms/participation.h"

namespace orp::api {
namespace {

constexpr int kMinimumReportable = 30;  // statistics.md §12

Result<HttpResponse> ParticipationRoute(const ApiServices& s, const RequestContext& ctx) {
  const std::string registry = ctx.request().QueryParam("registry").value_or("");
  // Disclosure control (stats/disclosure.h) as for survival: national roles see exact counts
  // unless they ask for audience=public; every other caller gets the public audience.
  const bool national = ctx.Allowed(ResourceScope{});
  auto audience = stats::ParseAudience(
      ctx.request().QueryParam("audience").value_or(national ? "national" : "public"));
  if (!audience) return std::unexpected(audience.error());
  if (!national && *audience != stats::Audience::kPublic) {
    return PermissionDenied(
        "audience: national figures are for national roles; yours get audience=public over "
        "your own units");
  }
  auto report = proms::Participation(s.AnalyticsStore(), registry);
  if (!report) return std::unexpected(report.error());
  ORP_RETURN_IF_ERROR(ctx.Audit(fmt::format("proms/participation?registry={}&audience={}", registry,
                                            stats::AudienceName(*audience))));
  auto keep = [&](const std::string& provider) {
    ResourceScope scope;
    scope.organisations = {provider};
    return ctx.Allowed(scope);
  };
  return JsonResponse(proms::ParticipationJson(*report, keep, *audience));
}

struct GainQuery {
  const proms::Instrument* instrument = nullptr;
  const proms::ScoreDefinition* score = nullptr;
  proms::GainGroupBy by = proms::GainGroupBy::kProvider;
  int months = 6;
  std::string registry;
};

Result<GainQuery> ParseGainQuery(const ApiServices& s, const HttpRequest& r) {
  GainQuery q;
  const std::string code = r.QueryParam("instrument").value_or("");
  q.instrument = s.instruments ? s.instruments->Find(code) : nullptr;
  if (q.instrument == nullptr || q.instrument->scores.empty()) {
    return InvalidArgument(
        fmt::format("instrument: '{}' is not an installed instrument with a score", code));
  }
  const std::string score = r.QueryParam("score").value_or("");
  q.score = score.empty() ? &q.instrument->scores.front() : q.instrument->FindScore(score);
  if (q.score == nullptr) {
    return InvalidArgument(fmt::format("score: {} has no score '{}'", code, score));
  }
  const std::string by = r.QueryParam("by").value_or("provider");
  if (by != "provider" && by != "clinician") {
    return InvalidArgument(fmt::format("by: must be provider or clinician; found '{}'", by));
  }
  q.by = by == "provider" ? proms::GainGroupBy::kProvider : proms::GainGroupBy::kClinician;
  if (auto months = r.QueryParam("months")) {
    auto [end, ec] = std::from_chars(months->data(), months->data() + months->size(), q.months);
    if (ec != std::errc() || end != months->data() + months->size() || q.months <= 0) {
      return InvalidArgument("months: must be a whole number of months after the operation");
    }
  }
  q.registry = r.QueryParam("registry").value_or("");
  return q;
}

// May the caller see this group's row: a provider site's organisation, or a surgeon's GMC number.
bool MaySee(const ApiServices& s, const RequestContext& ctx, proms::GainGroupBy by,
            const std::string& group) {
  ResourceScope scope;
  if (by == proms::GainGroupBy::kClinician) {
    scope.clinician = group;
  } else {
    auto site = domain::OdsSiteCode::Parse(group);
    if (!site) return false;
    scope.organisations = {OrganisationOfSite(s.AnalyticsStore(), *site)};
  }
  return ctx.Allowed(scope);
}

// The funnel of adjusted gain around the national gain (as NHS PROMs draws it): limits at n
// patients are national +/- z * sigma / sqrt(n), sigma the case-mix model's residual standard
// error, z 1.96 (95%) and 3.09 (99.8%).
Json GainLimitsJson(double national, double sigma, double n) {
  const double se = sigma / std::sqrt(n);
  return {{"size", n},
          {"lower998", national - 3.090232 * se},
          {"lower95", national - 1.959964 * se},
          {"upper95", national + 1.959964 * se},
          {"upper998", national + 3.090232 * se}};
}

// The limit curve from the smallest reportable group to a fifth past the largest group.
Json GainCurveJson(const proms::GainReport& report) {
  Json curve = Json::array();
  int largest = kMinimumReportable;
  for (const proms::GroupGain& g : report.groups) largest = std::max(largest, g.n);
  if (report.model.sigma <= 0) return curve;
  constexpr int kSteps = 30;
  const double low = std::log(kMinimumReportable), high = std::log(largest * 1.2);
  for (int k = 0; k <= kSteps; ++k) {
    const double n = std::exp(low + (high - low) * k / kSteps);
    curve.push_back(GainLimitsJson(report.national_gain, report.model.sigma, n));
  }
  return curve;
}

Result<HttpResponse> GainRoute(const ApiServices& s, const RequestContext& ctx) {
  auto q = ParseGainQuery(s, ctx.request());
  if (!q) return std::unexpected(q.error());
  proms::GainAudit audit;
  audit.actor = ctx.principal().anonymous() ? "anonymous" : ctx.principal().username;
  audit.role = security::FormatGrants(ctx.principal().grants);
  audit.request_id = ctx.request_id();
  auto input = proms::CollectGainRecords(s.AnalyticsStore(), *q->instrument, *q->score, q->registry,
                                         q->months, q->by, audit);
  if (!input) return std::unexpected(input.error());
  auto report = proms::CaseMixAdjustedGain(input->records, q->score->higher_is_better);
  if (!report) return std::unexpected(report.error());
  ORP_RETURN_IF_ERROR(ctx.Audit(fmt::format("proms/gain?instrument={}", q->instrument->code)));
  Json groups = Json::array();
  for (const proms::GroupGain& g : report->groups) {
    if (!MaySee(s, ctx, q->by, g.group)) continue;
    const bool reportable = g.n >= kMinimumReportable;
    groups.push_back(
        {{"group", g.group},
         {"n", g.n},
         {"reportable", reportable},
         {"observed_gain", reportable ? Json(g.observed_gain) : Json(nullptr)},
         {"adjusted_gain", reportable ? Json(g.adjusted_gain) : Json(nullptr)},
         {"difference_from_national",
          reportable ? Json(g.adjusted_gain - report->national_gain) : Json(nullptr)},
         {"limits", reportable && report->model.sigma > 0
                        ? GainLimitsJson(report->national_gain, report->model.sigma, g.n)
                        : Json(nullptr)}});
  }
  Json body = {{"instrument", q->instrument->code},
               {"score", q->score->code},
               {"label", q->score->label},
               {"months", q->months},
               {"by", q->by == proms::GainGroupBy::kProvider ? "provider" : "clinician"},
               {"national", {{"n", report->model.n}, {"gain", report->national_gain}}},
               {"groups", std::move(groups)},
               {"limits", GainCurveJson(*report)}};
  return JsonResponse(body.dump());
}

}  // namespace

Result<void> AddPromsAnalysisRoutes(Router& router, const ApiServices& services) {
  ORP_RETURN_IF_ERROR(router.Add(
      {"GET", "/api/v1/proms/participation", "analytics.aggregate.read",
       [services](const RequestContext& ctx) { return ParticipationRoute(services, ctx); },
       "PROMs response and pre-operative participation per provider, with funnel data"}));
  ORP_RETURN_IF_ERROR(
      router.Add({"GET", "/api/v1/proms/gain", "analytics.aggregate.read",
                  [services](const RequestContext& ctx) { return GainRoute(services, ctx); },
                  "Case-mix adjusted health gain per hospital or surgeon against the country"}));
  return {};
}

}  // namespace orp::api
