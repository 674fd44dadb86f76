// Signals and surveillance runs (issue #7):
//   GET   /api/v1/signals                 surveillance.signal.read    filtered, sorted, paged
//   GET   /api/v1/signals/{id}            surveillance.signal.read    one signal with evidence
//   PATCH /api/v1/signals/{id}            surveillance.signal.update  move its status, with why
//   POST  /api/v1/surveillance/runs       surveillance.run            run every method now
//   GET   /api/v1/surveillance/runs/{id}  surveillance.run            a run's record
//
// Scope of a signal, from its unit (never from the request): a device model's manufacturer
// (the catalogue), a brand's manufacturer, a surgeon's GMC number, a hospital site's
// organisation; a construct has no single owner and is national only. The policy then lets a
// provider see signals about its own sites, a clinician about themselves, a manufacturer about
// its own devices, analysts and the regulator all (security/policy.h).
//
// Status workflow (who and why are recorded in the audit log, in the same transaction as the
// change): new -> under-review | dismissed; under-review -> confirmed | dismissed; confirmed ->
// under-review; dismissed -> under-review (reopened). A reason is required for every move.
#include <fmt/format.h>

#include <charconv>
#include <functional>
#include <map>

#include "orp/api/json_codec.h"
#include "orp/api/response.h"
#include "orp/api/routes.h"
#include "orp/api/surveillance_runs.h"
#include "orp/core/date.h"
#include "orp/core/text.h"
#include "orp/domain/device_id.h"
#include "orp/security/audit.h"
#include "orp/surveillance/run.h"
#include "orp/surveillance/signal_json.h"

namespace orp::api {
namespace {

using storage::Signal;
using storage::SignalStatus;

constexpr int kDefaultSignals = 100;
constexpr int kMaxSignals = 1000;

// The scope of a signal's unit, with catalogue and site lookups cached for one request.
class SignalScopes {
 public:
  explicit SignalScopes(storage::Reader& reader) : reader_(reader) {}

  ResourceScope operator()(const Signal& s) {
    ResourceScope scope;
    switch (s.unit_kind) {
      case storage::SignalUnitKind::kDeviceModel:
        scope.manufacturer = ManufacturerOf(s.unit);
        break;
      case storage::SignalUnitKind::kBrand: scope.manufacturer = ManufacturerOfBrand(s.unit); break;
      case storage::SignalUnitKind::kSurgeon: scope.clinician = s.unit; break;
      case storage::SignalUnitKind::kHospital:
        if (auto site = domain::OdsSiteCode::Parse(s.unit)) {
          scope.organisations.push_back(OrganisationOfSite(reader_, *site));
        }
        break;
      case storage::SignalUnitKind::kConstruct: break;  // no single owner: national roles only
    }
    return scope;
  }

 private:
  std::string ManufacturerOf(const std::string& di) {
    auto id = domain::DeviceId::Parse(di);
    if (!id) return "";
    auto model = reader_.FindDeviceModel(*id, std::nullopt);
    return model && *model ? (*model)->manufacturer : "";
  }
  std::string ManufacturerOfBrand(const std::string& brand) {
    if (!brands_) {
      brands_.emplace();
      (void)reader_.ForEachDeviceModel([&](const domain::DeviceModel& m) {
        if (!m.valid_to) brands_->emplace(m.brand, m.manufacturer);
        return true;
      });
    }
    auto it = brands_->find(brand);
    return it == brands_->end() ? "" : it->second;
  }

  storage::Reader& reader_;
  std::optional<std::map<std::string, std::string>> brands_;
};

Result<int64_t> IdParam(const RequestContext& ctx) {
  const std::string& text = ctx.Param("id");
  int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0) {
    return InvalidArgument(fmt::format("id: '{}' is not a positive whole number", Printable(text)));
  }
  return id;
}

// The filters the store does not apply (?unit_kind=, ?unit=, ?method=, ?q=) and the order
// (?sort=, web #9).
struct SignalListQuery {
  std::optional<storage::SignalUnitKind> kind;
  std::optional<std::string> unit, method;
  std::string text;  // ?q=: in the unit or the finding, letter case ignored
  std::function<bool(const Signal&, const Signal&)> less;
};

// ?sort=data_cut|first_seen|statistic|times_seen|unit|method|status, '-' first for descending;
// default the store's order (newest data cut first). Ties keep the store's order.
Result<std::function<bool(const Signal&, const Signal&)>> SignalOrder(std::string_view sort) {
  if (sort.empty()) return nullptr;
  const bool descending = sort.front() == '-';
  if (descending) sort.remove_prefix(1);
  std::function<bool(const Signal&, const Signal&)> less;
  if (sort == "data_cut") less = [](auto& a, auto& b) { return a.data_cut < b.data_cut; };
  if (sort == "first_seen") less = [](auto& a, auto& b) { return a.first_seen < b.first_seen; };
  if (sort == "statistic") less = [](auto& a, auto& b) { return a.statistic < b.statistic; };
  if (sort == "times_seen") less = [](auto& a, auto& b) { return a.times_seen < b.times_seen; };
  if (sort == "unit") less = [](auto& a, auto& b) { return a.unit < b.unit; };
  if (sort == "method") less = [](auto& a, auto& b) { return a.method < b.method; };
  if (sort == "status") less = [](auto& a, auto& b) { return a.status < b.status; };
  if (!less) {
    return InvalidArgument(
        "sort: data_cut, first_seen, statistic, times_seen, unit, method or status, with '-' "
        "for descending");
  }
  if (!descending) return less;
  return [less](const Signal& a, const Signal& b) { return less(b, a); };
}

Result<SignalListQuery> ParseSignalList(const HttpRequest& r) {
  SignalListQuery q;
  if (auto unit_kind = r.QueryParam("unit_kind")) {
    auto parsed = storage::ParseSignalUnitKind(*unit_kind);
    if (!parsed) return std::unexpected(parsed.error().WithContext("unit_kind"));
    q.kind = *parsed;
  }
  q.unit = r.QueryParam("unit");
  q.method = r.QueryParam("method");
  q.text = ToUpperAscii(r.QueryParam("q").value_or(""));
  auto less = SignalOrder(r.QueryParam("sort").value_or(""));
  if (!less) return std::unexpected(less.error());
  q.less = std::move(*less);
  return q;
}

bool Matches(const SignalListQuery& q, const Signal& signal) {
  if ((q.kind && signal.unit_kind != *q.kind) || (q.unit && signal.unit != *q.unit) ||
      (q.method && signal.method != *q.method)) {
    return false;
  }
  return q.text.empty() || ToUpperAscii(signal.unit).find(q.text) != std::string::npos ||
         ToUpperAscii(signal.what).find(q.text) != std::string::npos;
}

Result<HttpResponse> ListSignals(const ApiServices& s, const RequestContext& ctx) {
  const HttpRequest& r = ctx.request();
  storage::SignalFilter filter;
  filter.registry = r.QueryParam("registry").value_or("");
  if (auto status = r.QueryParam("status")) {
    Result<SignalStatus> parsed = storage::ParseSignalStatus(*status);
    if (!parsed) return std::unexpected(parsed.error().WithContext("status"));
    filter.status = *parsed;
  }
  Result<SignalListQuery> q = ParseSignalList(r);
  if (!q) return std::unexpected(q.error());
  int64_t offset = 0;
  if (auto cursor = r.QueryParam("cursor")) {
    Result<int64_t> decoded = DecodeCursor("signals", *cursor);
    if (!decoded) return std::unexpected(decoded.error());
    offset = *decoded;
  }
  Result<int> limit = ParseLimit(r.QueryParam("limit"), kDefaultSignals, kMaxSignals);
  if (!limit) return std::unexpected(limit.error());
  Result<std::vector<Signal>> all = s.store->ListSignals(filter);
  if (!all) return std::unexpected(all.error());
  SignalScopes scope_of(*s.store);
  std::erase_if(*all, [&](const Signal& signal) {
    return !Matches(*q, signal) || !ctx.Allowed(scope_of(signal));
  });
  if (q->less) std::stable_sort(all->begin(), all->end(), q->less);
  Json items = Json::array();
  for (size_t k = static_cast<size_t>(offset);
       k < all->size() && items.size() < static_cast<size_t>(*limit); ++k) {
    items.push_back(surveillance::SignalJson((*all)[k], false));
  }
  const bool more = offset + *limit < static_cast<int64_t>(all->size());
  Json body = {
      {"items", items},
      {"total", all->size()},
      {"next_cursor", more ? Json(EncodeCursor("signals", offset + *limit)) : Json(nullptr)}};
  return JsonResponse(body.dump());
}

// The signal, if it exists and the caller may see it; unknown and not-yours read the same.
Result<Signal> VisibleSignal(const ApiServices& s, const RequestContext& ctx,
                             std::string_view read_action) {
  Result<int64_t> id = IdParam(ctx);
  if (!id) return std::unexpected(id.error());
  Result<std::optional<Signal>> signal = s.store->FindSignal(*id);
  if (!signal) return std::unexpected(signal.error());
  auto not_found = NotFound(fmt::format("no signal {} that you may see", *id));
  if (!*signal) return not_found;
  ResourceScope scope = SignalScopes(*s.store)(**signal);
  if (!ctx.AllowedTo(read_action, scope)) return not_found;
  return std::move(**signal);
}

Result<HttpResponse> GetSignal(const ApiServices& s, const RequestContext& ctx) {
  Result<Signal> signal = VisibleSignal(s, ctx, ctx.action());
  if (!signal) return std::unexpected(signal.error());
  return JsonResponse(surveillance::SignalJson(*signal, true).dump());
}

bool TransitionAllowed(SignalStatus from, SignalStatus to) {
  using enum SignalStatus;
  switch (from) {
    case kNew: return to == kUnderReview || to == kDismissed;
    case kUnderReview: return to == kConfirmed || to == kDismissed;
    case kConfirmed: return to == kUnderReview;
    case kDismissed: return to == kUnderReview;
  }
  return false;
}

Result<HttpResponse> UpdateSignal(const ApiServices& s, const RequestContext& ctx) {
  Result<Signal> signal = VisibleSignal(s, ctx, "surveillance.signal.read");
  if (!signal) return std::unexpected(signal.error());
  ORP_RETURN_IF_ERROR(ctx.Require(SignalScopes(*s.store)(*signal)));
  Json body = Json::parse(ctx.request().body, nullptr, false);
  if (body.is_discarded() || !body.is_object() || !body.contains("status") ||
      !body["status"].is_string()) {
    return InvalidArgument(R"(body: a JSON object {"status": "...", "reason": "..."})");
  }
  Result<SignalStatus> to = storage::ParseSignalStatus(body["status"].get<std::string>());
  if (!to) return std::unexpected(to.error().WithContext("status"));
  std::string reason = body.value("reason", Json("")).is_string() ? body.value("reason", "") : "";
  if (Trim(reason).empty()) return InvalidArgument("reason: required, why the status moves");
  if (reason.size() > 2000) return InvalidArgument("reason: longer than 2000 characters");
  if (!TransitionAllowed(signal->status, *to)) {
    return FailedPrecondition(fmt::format("status: a signal that is {} cannot become {}",
                                          storage::SignalStatusName(signal->status),
                                          storage::SignalStatusName(*to)));
  }
  const security::Principal& who = ctx.principal();
  Result<void> changed =
      security::RunAudited(*s.store, [&](storage::Transaction& tx) -> Result<void> {
        ORP_RETURN_IF_ERROR(tx.SetSignalStatus(signal->id, *to, reason));
        security::AuditEvent event;
        event.actor = who.username;
        event.role = security::FormatGrants(who.grants);
        event.action = ctx.action();
        event.object = fmt::format("signal/{}", signal->id);
        event.request_id = ctx.request_id();
        event.purpose = reason;
        event.outcome = fmt::format("ok: {} -> {}", storage::SignalStatusName(signal->status),
                                    storage::SignalStatusName(*to));
        Result<int64_t> appended = security::AppendAudit(tx, event);
        if (!appended) return std::unexpected(appended.error());
        return {};
      });
  if (!changed) return std::unexpected(changed.error());
  Result<std::optional<Signal>> updated = s.store->FindSignal(signal->id);
  if (!updated) return std::unexpected(updated.error());
  if (!*updated) return NotFound(fmt::format("signal {} was removed", signal->id));
  return JsonResponse(surveillance::SignalJson(**updated, true).dump());
}

Json RunJson(const SurveillanceRuns::Run& run) {
  return {{"id", run.id},
          {"status", run.status},
          {"started_by", run.started_by},
          {"started_at", run.started_at},
          {"data_cut", run.data_cut},
          {"error", run.error.empty() ? Json(nullptr) : Json(run.error)},
          {"primaries", run.primaries},
          {"device_models", run.device_models},
          {"surgeons", run.surgeons},
          {"hospitals", run.hospitals},
          {"signals_new", run.signals_new},
          {"signals_updated", run.signals_updated}};
}

// Runs every method now, in the request (a run over 100k procedures takes about a second of
// CPU: docs/performance.md); a second run while one is going is refused with 503.
Result<HttpResponse> StartRun(const ApiServices& s, const RequestContext& ctx) {
  surveillance::RunOptions options;
  options.data_cut = TodayUtc();
  if (!ctx.request().body.empty()) {
    Json body = Json::parse(ctx.request().body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) {
      return InvalidArgument(R"(body: empty, or a JSON object {"data_cut": "YYYY-MM-DD"})");
    }
    if (body.contains("data_cut")) {
      if (!body["data_cut"].is_string()) return InvalidArgument("data_cut: a date, YYYY-MM-DD");
      Result<Date> cut = ParseIsoDate(body["data_cut"].get<std::string>());
      if (!cut) return std::unexpected(cut.error().WithContext("data_cut"));
      options.data_cut = *cut;
    }
  }
  auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  std::optional<SurveillanceRuns::Run> run = s.surveillance_runs->Begin(
      ctx.principal().username, FormatIsoInstant(now), FormatIsoDate(options.data_cut));
  if (!run) return Unavailable("a surveillance run is in progress; try again when it ends");
  Result<surveillance::RunSummary> summary =
      surveillance::RunSurveillance(s.AnalyticsStore(), options);
  if (summary) {
    run->status = "done";
    run->primaries = summary->primaries;
    run->device_models = summary->device_models;
    run->surgeons = summary->surgeons;
    run->hospitals = summary->hospitals;
    run->signals_new = summary->signals_new;
    run->signals_updated = summary->signals_updated;
  } else {
    run->status = "failed";
    run->error = summary.error().message();
  }
  s.surveillance_runs->Finish(*run);
  ORP_RETURN_IF_ERROR(ctx.Audit(fmt::format("surveillance-run/{}", run->id), run->status));
  if (!summary) return std::unexpected(summary.error());
  HttpResponse response = JsonResponse(RunJson(*run).dump(), 201);
  response.headers.emplace_back("Location", fmt::format("/api/v1/surveillance/runs/{}", run->id));
  return response;
}

Result<HttpResponse> GetRun(const ApiServices& s, const RequestContext& ctx) {
  Result<int64_t> id = IdParam(ctx);
  if (!id) return std::unexpected(id.error());
  std::optional<SurveillanceRuns::Run> run = s.surveillance_runs->Find(*id);
  if (!run) return NotFound(fmt::format("no surveillance run {} since this server started", *id));
  return JsonResponse(RunJson(*run).dump());
}

}  // namespace

Result<void> AddSurveillanceRoutes(Router& router, const ApiServices& services) {
  auto bind = [services](Result<HttpResponse> (*f)(const ApiServices&, const RequestContext&)) {
    return [services, f](const RequestContext& ctx) { return f(services, ctx); };
  };
  ORP_RETURN_IF_ERROR(
      router.Add({"GET", "/api/v1/signals", "surveillance.signal.read", bind(ListSignals),
                  "Surveillance signals you may see, by status, unit and method"}));
  ORP_RETURN_IF_ERROR(router.Add({"GET", "/api/v1/signals/{id}", "surveillance.signal.read",
                                  bind(GetSignal), "One signal with its evidence"}));
  ORP_RETURN_IF_ERROR(
      router.Add({"PATCH", "/api/v1/signals/{id}", "surveillance.signal.update", bind(UpdateSignal),
                  "Move a signal's status (review workflow), with the reason"}));
  ORP_RETURN_IF_ERROR(router.Add({"POST", "/api/v1/surveillance/runs", "surveillance.run",
                                  bind(StartRun), "Run every surveillance method now"}));
  ORP_RETURN_IF_ERROR(router.Add({"GET", "/api/v1/surveillance/runs/{id}", "surveillance.run",
                                  bind(GetRun), "A surveillance run's record"}));
  return {};
}

}  // namespace orp::api
