// Reads for the dashboards (issue #9), all action analytics.aggregate.read:
//   GET /api/v1/analytics/funnel        every surgeon's or hospital's place on one funnel plot
//   GET /api/v1/analytics/cusum         one surgeon's or hospital's CUSUM path
//   GET /api/v1/analytics/completeness  primaries recorded per provider per month
// computed by surveillance/unit_charts.h over the surveillance cohort, which is built from the
// store on first use and again when the store's change sequence or the day moves on, each
// registry cut at the end of its own data (its latest primary, revision or death;
// dashboard_cohort.h), as survival cuts the registry it analyses.
//
// Who sees what:
//   funnel        national roles (analyst, regulator) see every unit named with its counts.
//                 Anyone else with the action (provider@, clinician@, manufacturer@) sees its own
//                 units named and marked "own", and every other unit anonymised (no name,
//                 observed count withheld, procedures rounded to 5, units under 8 procedures
//                 left out and counted in "withheld"), so they can see where they sit. This is
//                 the statistics.md §13 rule: O/E and E are complex statistics (no control); the
//                 counts are sub-national simple counts (observed withheld, procedures rounded
//                 to 5, 1-7 suppressed with their point).
//   cusum         only a unit the caller may see (its own clinician or organisation; national
//                 roles any); any other reads 404, as an unknown unit does.
//   completeness  national roles every provider organisation; others only their own.
// Each request is audited (the cohort holds dates of birth and death; nothing here returns
// patient-level data).
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <functional>
#include <limits>
#include <map>
#include <mutex>
#include <set>

#include "orp/api/dashboard_cohort.h"
#include "orp/api/json_codec.h"
#include "orp/api/response.h"
#include "orp/api/routes.h"
#include "orp/core/text.h"
#include "orp/domain/ods_code.h"
#include "orp/surveillance/unit_charts.h"

namespace orp::api {
namespace {

using surveillance::Cohort;
using CohortPtr = std::shared_ptr<const Cohort>;

// The day registry `code`'s data ends (the cohort's data_cut for a registry it does not hold).
Date RegistryCut(const Cohort& c, std::string_view code) {
  auto it = std::find(c.registries.begin(), c.registries.end(), code);
  return Date{std::chrono::days(
      surveillance::CutDayOf(c, static_cast<int32_t>(it - c.registries.begin())))};
}

// The surveillance cohort, each registry cut at the end of its own data, rebuilt when the store has
// changed or the day moves on. Thread safety: Get may be called from many threads; one builds while
// the others wait.
class DashboardCohort {
 public:
  Result<CohortPtr> Get(storage::Store& store) {
    Result<int64_t> change = store.LastChange();
    if (!change) return std::unexpected(change.error());
    const Date today = TodayUtc();
    std::lock_guard lock(mutex_);
    if (cohort_ && change_ == *change && cut_ == today) return cohort_;
    Result<Cohort> built = surveillance::BuildCohort(store, today);
    if (!built) return std::unexpected(built.error());
    CutEachRegistryAtItsEndOfData(*built);
    cohort_ = std::make_shared<const Cohort>(std::move(*built));
    change_ = *change;
    cut_ = today;
    return cohort_;
  }

 private:
  std::mutex mutex_;
  CohortPtr cohort_;
  int64_t change_ = -1;
  Date cut_{};
};

using Cache = std::shared_ptr<DashboardCohort>;

// The scope of a surgeon (GMC number) or hospital (ODS site) unit.
ResourceScope UnitScope(storage::Reader& reader, storage::SignalUnitKind kind,
                        const std::string& unit) {
  ResourceScope scope;
  if (kind == storage::SignalUnitKind::kSurgeon) {
    scope.clinician = unit;
  } else if (auto site = domain::OdsSiteCode::Parse(unit)) {
    scope.organisations.push_back(OrganisationOfSite(reader, *site));
  }
  return scope;
}

Result<storage::SignalUnitKind> UnitKindParam(const HttpRequest& r) {
  const std::string kind = r.QueryParam("unit_kind").value_or("hospital");
  if (kind == "surgeon") return storage::SignalUnitKind::kSurgeon;
  if (kind == "hospital") return storage::SignalUnitKind::kHospital;
  return InvalidArgument(
      fmt::format("unit_kind: '{}' is not surgeon or hospital", Printable(kind)));
}

Result<int> IntParam(const HttpRequest& r, const char* name, int fallback, int lo, int hi) {
  auto text = r.QueryParam(name);
  if (!text) return fallback;
  int value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size() || value < lo || value > hi) {
    return InvalidArgument(fmt::format("{}: '{}' is not a whole number from {} to {}", name,
                                       Printable(*text), lo, hi));
  }
  return value;
}

Result<std::string> RegistryParam(const ApiServices& s, const HttpRequest& r) {
  std::string registry = r.QueryParam("registry").value_or("");
  if (registry.empty()) return InvalidArgument("registry: required, e.g. registry=NJR");
  if (s.validators->registries().Find(registry) == nullptr) {
    return NotFound(fmt::format("registry: no registry '{}'", Printable(registry)));
  }
  return registry;
}

int64_t RoundTo5(int64_t n) { return (n + 2) / 5 * 5; }

Json LimitsJson(const stats::FunnelLimits& l) {
  return {{"expected", l.size},
          {"lower998", l.lower998},
          {"lower95", l.lower95},
          {"upper95", l.upper95},
          {"upper998", l.upper998}};
}

// ?min_expected=: the methods leave units with fewer than 1 expected event off the funnel (no
// signal); a small registry may plot them with a lower floor (their limits are wide).
Result<surveillance::MethodOptions> FunnelOptions(const HttpRequest& r) {
  surveillance::MethodOptions options;
  auto floor = r.QueryParam("min_expected");
  if (!floor) return options;
  double value = 0;
  auto [end, ec] = std::from_chars(floor->data(), floor->data() + floor->size(), value);
  if (ec != std::errc() || end != floor->data() + floor->size() ||
      !(value >= 0.01 && value <= 100)) {
    return InvalidArgument(
        fmt::format("min_expected: '{}' is not a number from 0.01 to 100", Printable(*floor)));
  }
  options.min_expected = value;
  return options;
}

// ?registry=&unit_kind=&metric=&years=.
Result<surveillance::FunnelQuery> FunnelQueryOf(const ApiServices& s, const HttpRequest& r) {
  surveillance::FunnelQuery q;
  Result<std::string> registry = RegistryParam(s, r);
  if (!registry) return std::unexpected(registry.error());
  q.registry = *registry;
  Result<storage::SignalUnitKind> kind = UnitKindParam(r);
  if (!kind) return std::unexpected(kind.error());
  q.unit_kind = *kind;
  q.metric = r.QueryParam("metric").value_or("revision");
  Result<int> years = IntParam(r, "years", 5, 1, 30);
  if (!years) return std::unexpected(years.error());
  q.years = *years;
  return q;
}

// The units as points: named for national callers and for the caller's own units; every other
// unit anonymised (observed withheld, procedures rounded to 5, under 8 procedures left out and
// counted in `withheld`), in order of size so that their order says nothing about who they are.
Json FunnelPoints(const ApiServices& s, const RequestContext& ctx,
                  const surveillance::FunnelQuery& q, const surveillance::UnitFunnel& funnel,
                  bool national, int64_t& withheld) {
  Json points = Json::array();
  for (const surveillance::FunnelUnit& u : funnel.units) {
    const bool own = !national && ctx.Allowed(UnitScope(*s.store, q.unit_kind, u.unit));
    const bool named = national || own;
    if (!named && u.procedures < 8) {
      ++withheld;
      continue;
    }
    points.push_back({{"unit", named ? Json(u.unit) : Json(nullptr)},
                      {"own", own},
                      {"procedures", named ? u.procedures : RoundTo5(u.procedures)},
                      {"observed", named ? Json(u.point.observed) : Json(nullptr)},
                      {"expected", u.point.size},
                      {"ratio", u.point.y},
                      {"classification", stats::FunnelClassName(u.point.classification)},
                      {"limits", LimitsJson(u.point.limits)}});
  }
  std::stable_sort(points.begin(), points.end(), [](const Json& a, const Json& b) {
    return a["expected"].get<double>() < b["expected"].get<double>();
  });
  return points;
}

// The funnel's method, limit curves and points into `body`.
void AddFunnelJson(Json& body, const surveillance::UnitFunnel& funnel, Json points) {
  body["method"] = funnel.method;
  body["overdispersion"] = stats::OverdispersionName(funnel.overdispersion);
  body["phi"] = funnel.phi;
  body["insufficient"] = funnel.insufficient;
  body["model_terms"] = funnel.model_terms;
  Json limits = Json::array();
  for (const auto& l : funnel.curve) limits.push_back(LimitsJson(l));
  body["limits"] = std::move(limits);
  body["points"] = std::move(points);
}

Result<HttpResponse> Funnel(const ApiServices& s, const Cache& cache, const RequestContext& ctx) {
  const HttpRequest& r = ctx.request();
  Result<surveillance::FunnelQuery> q = FunnelQueryOf(s, r);
  if (!q) return std::unexpected(q.error());
  Result<surveillance::MethodOptions> options = FunnelOptions(r);
  if (!options) return std::unexpected(options.error());
  Result<CohortPtr> cohort = cache->Get(s.AnalyticsStore());
  if (!cohort) return std::unexpected(cohort.error());
  const bool national = ctx.Allowed(ResourceScope{});
  const std::string unit_kind = r.QueryParam("unit_kind").value_or("hospital");
  Json body = {{"registry", q->registry},
               {"unit_kind", unit_kind},
               {"metric", q->metric},
               {"years", q->years},
               {"data_cut", FormatIsoDate(RegistryCut(**cohort, q->registry))},
               {"audience", national ? "national" : "public"},
               {"limits", Json::array()},
               {"points", Json::array()}};
  Result<surveillance::UnitFunnel> funnel = surveillance::ComputeUnitFunnel(**cohort, *q, *options);
  int64_t withheld = 0;
  if (funnel) {
    AddFunnelJson(body, *funnel, FunnelPoints(s, ctx, *q, *funnel, national, withheld));
  } else if (funnel.error().code() == ErrorCode::kFailedPrecondition ||
             funnel.error().code() == ErrorCode::kNotFound) {
    body["note"] = funnel.error().message();
  } else {
    return std::unexpected(funnel.error());
  }
  body["withheld"] = withheld;
  ORP_RETURN_IF_ERROR(ctx.Audit(fmt::format("analytics/funnel?registry={}&unit_kind={}&metric={}",
                                            q->registry, unit_kind, Printable(q->metric))));
  return JsonResponse(body.dump());
}

// Whether the cohort has primaries by this surgeon or at this hospital.
bool InCohort(const Cohort& c, storage::SignalUnitKind kind, const std::string& unit) {
  const auto& units = kind == storage::SignalUnitKind::kSurgeon ? c.surgeons : c.hospitals;
  return std::find(units.begin(), units.end(), unit) != units.end();
}

Result<HttpResponse> Cusum(const ApiServices& s, const Cache& cache, const RequestContext& ctx) {
  const HttpRequest& r = ctx.request();
  Result<std::string> registry = RegistryParam(s, r);
  if (!registry) return std::unexpected(registry.error());
  Result<storage::SignalUnitKind> kind = UnitKindParam(r);
  if (!kind) return std::unexpected(kind.error());
  const std::string unit = r.QueryParam("unit").value_or("");
  if (unit.empty()) return InvalidArgument("unit: required, a GMC number or an ODS site code");
  auto not_found =
      NotFound(fmt::format("unit: no {} '{}' that you may see",
                           r.QueryParam("unit_kind").value_or("hospital"), Printable(unit)));
  if (!ctx.Allowed(UnitScope(*s.store, *kind, unit))) return not_found;
  Result<CohortPtr> cohort = cache->Get(s.AnalyticsStore());
  if (!cohort) return std::unexpected(cohort.error());
  Result<surveillance::UnitCusum> chart = surveillance::ComputeUnitCusum(
      **cohort, *registry, *kind, unit, surveillance::MethodOptions{});
  if (!chart && chart.error().code() == ErrorCode::kNotFound && !InCohort(**cohort, *kind, unit)) {
    return not_found;
  }
  if (!chart && (chart.error().code() == ErrorCode::kFailedPrecondition ||
                 chart.error().code() == ErrorCode::kNotFound)) {
    // A known unit with nothing to draw: the risk model cannot be fitted (too few primaries or
    // events), or no primary has a year of follow-up before the data cut. Say so.
    Json body = {{"registry", *registry},
                 {"unit", unit},
                 {"note", chart.error().message()},
                 {"h", nullptr},
                 {"data_cut", FormatIsoDate(RegistryCut(**cohort, *registry))},
                 {"signals", Json::array()},
                 {"path", Json::array()}};
    ORP_RETURN_IF_ERROR(
        ctx.Audit(fmt::format("analytics/cusum?registry={}&unit={}", *registry, Printable(unit)),
                  "no chart"));
    return JsonResponse(body.dump());
  }
  if (!chart) return std::unexpected(chart.error());
  // At most about 1,000 points drawn; crossings always kept.
  const size_t step = std::max<size_t>(1, chart->upper.size() / 1000);
  Json path = Json::array();
  for (size_t t = 0; t < chart->upper.size(); ++t) {
    const bool crossing =
        std::binary_search(chart->signals.begin(), chart->signals.end(), static_cast<int64_t>(t));
    if (t % step != 0 && !crossing && t + 1 != chart->upper.size()) continue;
    path.push_back({{"index", t}, {"date", chart->dates[t]}, {"cusum", chart->upper[t]}});
  }
  Json body = {{"registry", chart->registry},
               {"unit_kind", r.QueryParam("unit_kind").value_or("hospital")},
               {"unit", chart->unit},
               {"method", "cusum-revision-1y"},
               {"data_cut", FormatIsoDate(RegistryCut(**cohort, *registry))},
               {"h", chart->h},
               {"odds_ratio", chart->odds_ratio},
               {"patients", chart->upper.size()},
               {"signals", chart->signals},
               {"path", std::move(path)}};
  ORP_RETURN_IF_ERROR(
      ctx.Audit(fmt::format("analytics/cusum?registry={}&unit={}", *registry, Printable(unit))));
  return JsonResponse(body.dump());
}

// Months since year 0, for grouping days into calendar months.
int MonthIndex(int32_t day) {
  const std::chrono::year_month_day ymd{Date{std::chrono::days(day)}};
  return static_cast<int>(ymd.year()) * 12 + static_cast<int>(static_cast<unsigned>(ymd.month())) -
         1;
}

struct Provider {
  std::string code;
  std::vector<int64_t> counts;  // per month of the window
  int64_t total = 0;            // in the window
  int32_t last_day = 0;         // the latest primary, in or before the window
  std::set<std::string> sites;
};

// Sorts by provider, total or last (a leading '-' for descending); kInvalidArgument otherwise.
Result<void> SortProviders(std::vector<Provider>& rows, std::string_view sort) {
  const bool descending = !sort.empty() && sort.front() == '-';
  if (descending) sort.remove_prefix(1);
  std::function<bool(const Provider&, const Provider&)> less;
  if (sort == "provider")
    less = [](auto& a, auto& b) { return a.code < b.code; };
  else if (sort == "total")
    less = [](auto& a, auto& b) { return a.total < b.total; };
  else if (sort == "last")
    less = [](auto& a, auto& b) { return a.last_day < b.last_day; };
  else
    return InvalidArgument("sort: provider, total or last, with '-' for descending");
  std::stable_sort(rows.begin(), rows.end(), [&](const Provider& a, const Provider& b) {
    return descending ? less(b, a) : less(a, b);
  });
  return {};
}

Result<std::vector<Provider>> CountProviders(const ApiServices& s, const RequestContext& ctx,
                                             const Cohort& c, int registry, int first_month,
                                             int months) {
  std::map<int32_t, std::string> organisation_of;  // hospital code -> organisation
  std::map<std::string, Provider> by_code;
  const bool national = ctx.Allowed(ResourceScope{});
  for (size_t i = 0; i < c.size(); ++i) {
    if ((registry >= 0 && c.registry[i] != registry) || c.hospital[i] == surveillance::kNoUnit)
      continue;
    auto [it, inserted] = organisation_of.try_emplace(c.hospital[i]);
    const std::string& site = c.hospitals[static_cast<size_t>(c.hospital[i])];
    if (inserted) {
      auto code = domain::OdsSiteCode::Parse(site);
      it->second = code ? OrganisationOfSite(*s.store, *code) : site.substr(0, 3);
    }
    Provider& p = by_code[it->second];
    if (p.code.empty()) {
      p.code = it->second;
      p.counts.assign(static_cast<size_t>(months), 0);
    }
    p.sites.insert(site);
    p.last_day = std::max(p.last_day, c.entry_day[i]);
    const int m = MonthIndex(c.entry_day[i]) - first_month;
    if (m >= 0 && m < months) {
      ++p.counts[static_cast<size_t>(m)];
      ++p.total;
    }
  }
  std::vector<Provider> rows;
  for (auto& [code, p] : by_code) {
    ResourceScope scope;
    scope.organisations = {code};
    if (national || ctx.Allowed(scope)) rows.push_back(std::move(p));
  }
  return rows;
}

// What a completeness request asks for: ?registry= (-1: every registry; past the cohort's
// registries: one with no primaries), ?months=, ?limit=, ?cursor=, ?q=, ?sort=.
struct CompletenessRequest {
  std::string registry_code;
  int registry = -1;
  int months = 24;
  int limit = 50;
  int64_t offset = 0;
};

Result<CompletenessRequest> ParseCompleteness(const ApiServices& s, const HttpRequest& r,
                                              const Cohort& c) {
  CompletenessRequest out;
  out.registry_code = r.QueryParam("registry").value_or("");
  if (!out.registry_code.empty()) {
    Result<std::string> known = RegistryParam(s, r);
    if (!known) return std::unexpected(known.error());
    auto it = std::find(c.registries.begin(), c.registries.end(), out.registry_code);
    out.registry = static_cast<int>(it - c.registries.begin());  // size() when absent
  }
  Result<int> months = IntParam(r, "months", 24, 1, 120);
  if (!months) return std::unexpected(months.error());
  out.months = *months;
  Result<int> limit = ParseLimit(r.QueryParam("limit"), 50, 500);
  if (!limit) return std::unexpected(limit.error());
  out.limit = *limit;
  if (auto cursor = r.QueryParam("cursor")) {
    Result<int64_t> decoded = DecodeCursor("completeness", *cursor);
    if (!decoded) return std::unexpected(decoded.error());
    out.offset = *decoded;
  }
  return out;
}

// One page of providers from `offset`.
Json CompletenessItems(const std::vector<Provider>& rows, const CompletenessRequest& q) {
  Json items = Json::array();
  for (size_t k = static_cast<size_t>(q.offset);
       k < rows.size() && items.size() < static_cast<size_t>(q.limit); ++k) {
    const Provider& p = rows[k];
    items.push_back({{"provider", p.code},
                     {"sites", p.sites.size()},
                     {"total", p.total},
                     {"last_procedure", FormatIsoDate(Date{std::chrono::days(p.last_day)})},
                     {"months_without", std::count(p.counts.begin(), p.counts.end(), 0)},
                     {"counts", p.counts}});
  }
  return items;
}

Result<HttpResponse> Completeness(const ApiServices& s, const Cache& cache,
                                  const RequestContext& ctx) {
  const HttpRequest& r = ctx.request();
  Result<CohortPtr> cohort = cache->Get(s.AnalyticsStore());
  if (!cohort) return std::unexpected(cohort.error());
  const Cohort& c = **cohort;
  Result<CompletenessRequest> q = ParseCompleteness(s, r, c);
  if (!q) return std::unexpected(q.error());
  // One registry ends at its own end of data; every registry at the latest of them.
  const int32_t cut = surveillance::CutDayOf(c, q->registry);
  const int last_month = MonthIndex(cut);
  const int first_month = last_month - q->months + 1;
  Result<std::vector<Provider>> rows =
      CountProviders(s, ctx, c, q->registry, first_month, q->months);
  if (!rows) return std::unexpected(rows.error());
  const std::string filter = ToUpperAscii(r.QueryParam("q").value_or(""));
  if (!filter.empty()) {
    std::erase_if(*rows,
                  [&](const Provider& p) { return p.code.find(filter) == std::string::npos; });
  }
  ORP_RETURN_IF_ERROR(SortProviders(*rows, r.QueryParam("sort").value_or("-total")));
  Json month_names = Json::array();
  for (int m = first_month; m <= last_month; ++m)
    month_names.push_back(fmt::format("{:04}-{:02}", m / 12, m % 12 + 1));
  const bool more = q->offset + q->limit < static_cast<int64_t>(rows->size());
  Json body = {{"registry", q->registry_code.empty() ? Json(nullptr) : Json(q->registry_code)},
               {"data_cut", FormatIsoDate(Date{std::chrono::days(cut)})},
               {"months", month_names},
               {"total", rows->size()},
               {"items", CompletenessItems(*rows, *q)},
               {"next_cursor",
                more ? Json(EncodeCursor("completeness", q->offset + q->limit)) : Json(nullptr)}};
  ORP_RETURN_IF_ERROR(
      ctx.Audit(fmt::format("analytics/completeness?registry={}", Printable(q->registry_code))));
  return JsonResponse(body.dump());
}

}  // namespace

Result<void> AddDashboardRoutes(Router& router, const ApiServices& services) {
  auto cache = std::make_shared<DashboardCohort>();
  using F = Result<HttpResponse> (*)(const ApiServices&, const Cache&, const RequestContext&);
  auto bind = [services, cache](F f) {
    return [services, cache, f](const RequestContext& ctx) { return f(services, cache, ctx); };
  };
  ORP_RETURN_IF_ERROR(
      router.Add({"GET", "/api/v1/analytics/funnel", "analytics.aggregate.read", bind(Funnel),
                  "Every surgeon's or hospital's place on a funnel plot"}));
  ORP_RETURN_IF_ERROR(router.Add({"GET", "/api/v1/analytics/cusum", "analytics.aggregate.read",
                                  bind(Cusum), "One surgeon's or hospital's CUSUM path"}));
  ORP_RETURN_IF_ERROR(router.Add(
      {"GET", "/api/v1/analytics/completeness", "analytics.aggregate.read", bind(Completeness),
       "Primaries recorded per provider per month (sorted, filtered, paged)"}));
  return {};
}

}  // namespace orp::api
