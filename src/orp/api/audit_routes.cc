// The audit log over HTTP (issue #5):
//   GET /api/v1/audit                         audit.read      by actor, object and time (admins)
//   GET /api/v1/patients/{pseudonym}/audit    audit.read_own  who looked at my record (patients)
// Entries carry no patient identifier beyond the pseudonym the object names. A patient is shown
// when, which role, what and why — not the staff member's username. Reading the log is itself
// audited (both actions are identifiable).
#include <fmt/format.h>

#include <charconv>

#include "orp/api/json_codec.h"
#include "orp/api/response.h"
#include "orp/api/routes.h"
#include "orp/core/date.h"
#include "orp/core/text.h"

namespace orp::api {
namespace {

constexpr int kDefaultEntries = 100;
constexpr int kMaxEntries = 1000;

// "YYYY-MM-DD" (midnight UTC) or "YYYY-MM-DDTHH:MM:SSZ".
Result<domain::Instant> ParseInstant(std::string_view text, std::string_view field) {
  auto bad = [&] {
    return InvalidArgument(
        fmt::format("{}: '{}' is not YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ", field, Printable(text)));
  };
  if (text.size() != 10 && text.size() != 20) return bad();
  Result<Date> day = ParseIsoDate(text.substr(0, 10));
  if (!day) return bad();
  domain::Instant at =
      std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::sys_days(*day));
  if (text.size() == 10) return at;
  if (text[10] != 'T' || text[13] != ':' || text[16] != ':' || text[19] != 'Z') return bad();
  int parts[3] = {0, 0, 0};
  for (int i = 0; i < 3; ++i) {
    std::string_view two = text.substr(11 + 3 * static_cast<size_t>(i), 2);
    auto [end, ec] = std::from_chars(two.data(), two.data() + 2, parts[i]);
    if (ec != std::errc() || end != two.data() + 2) return bad();
  }
  if (parts[0] > 23 || parts[1] > 59 || parts[2] > 59) return bad();
  return at + std::chrono::hours(parts[0]) + std::chrono::minutes(parts[1]) +
         std::chrono::seconds(parts[2]);
}

Json EntryJson(const domain::AuditRecord& r, bool with_actor) {
  Json out = {{"seq", r.seq},         {"at", FormatIsoInstant(r.at)}, {"role", r.role},
              {"action", r.action},   {"object", r.object},           {"purpose", r.purpose},
              {"outcome", r.outcome}, {"request_id", r.request_id}};
  if (with_actor) out["actor"] = r.actor;
  return out;
}

// One page of entries matching `query` after seq `after`, and whether more follow.
Result<HttpResponse> Page(const ApiServices& s, const RequestContext& ctx,
                          const storage::AuditQuery& query, bool with_actor) {
  int64_t after = 0;
  if (auto cursor = ctx.request().QueryParam("cursor")) {
    Result<int64_t> decoded = DecodeCursor("audit", *cursor);
    if (!decoded) return std::unexpected(decoded.error());
    after = *decoded;
  }
  Result<int> limit = ParseLimit(ctx.request().QueryParam("limit"), kDefaultEntries, kMaxEntries);
  if (!limit) return std::unexpected(limit.error());
  Json items = Json::array();
  bool more = false;
  int64_t last = after;
  Result<void> streamed =
      s.store->ForEachAuditRecordWhere(query, [&](const domain::AuditRecord& r) {
        if (r.seq <= after) return true;
        if (static_cast<int>(items.size()) == *limit) {
          more = true;
          return false;
        }
        items.push_back(EntryJson(r, with_actor));
        last = r.seq;
        return true;
      });
  if (!streamed) return std::unexpected(streamed.error());
  Json body = {{"items", items},
               {"next_cursor", more ? Json(EncodeCursor("audit", last)) : Json(nullptr)}};
  return JsonResponse(body.dump());
}

Result<HttpResponse> QueryAudit(const ApiServices& s, const RequestContext& ctx) {
  const HttpRequest& r = ctx.request();
  storage::AuditQuery query;
  query.actor = r.QueryParam("actor").value_or("");
  query.object = r.QueryParam("object").value_or("");
  for (auto [name, slot] : {std::pair{"since", &query.since}, std::pair{"until", &query.until}}) {
    if (auto text = r.QueryParam(name)) {
      Result<domain::Instant> at = ParseInstant(*text, name);
      if (!at) return std::unexpected(at.error());
      *slot = *at;
    }
  }
  ORP_RETURN_IF_ERROR(ctx.Require(ResourceScope{}));
  ORP_RETURN_IF_ERROR(ctx.Audit(
      fmt::format("audit?actor={}&object={}", Printable(query.actor), Printable(query.object)),
      "ok", r.QueryParam("purpose").value_or("")));
  return Page(s, ctx, query, /*with_actor=*/true);
}

Result<HttpResponse> PatientAudit(const ApiServices& s, const RequestContext& ctx) {
  Result<domain::Pseudonym> pseudonym = domain::Pseudonym::FromHex(ctx.Param("pseudonym"));
  if (!pseudonym) return std::unexpected(pseudonym.error());
  ResourceScope scope;
  scope.patient = pseudonym->Hex();
  if (!ctx.Allowed(scope)) {
    ORP_RETURN_IF_ERROR(ctx.Audit("patient/" + pseudonym->Hex(), "denied"));
    return NotFound("no record of yours with this pseudonym");
  }
  ORP_RETURN_IF_ERROR(ctx.Audit("patient/" + pseudonym->Hex()));
  storage::AuditQuery query;
  query.object = "patient/" + pseudonym->Hex();
  return Page(s, ctx, query, /*with_actor=*/false);
}

}  // namespace

Result<void> AddAuditRoutes(Router& router, const ApiServices& services) {
  ORP_RETURN_IF_ERROR(
      router.Add({"GET", "/api/v1/audit", "audit.read",
                  [services](const RequestContext& ctx) { return QueryAudit(services, ctx); },
                  "The audit log by actor, object and time (administrators)"}));
  ORP_RETURN_IF_ERROR(
      router.Add({"GET", "/api/v1/patients/{pseudonym}/audit", "audit.read_own",
                  [services](const RequestContext& ctx) { return PatientAudit(services, ctx); },
                  "Who looked at a patient's record (the patient)"}));
  return {};
}

}  // namespace orp::api
