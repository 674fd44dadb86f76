// A provider's submission history and its records waiting for a fix (web, #9), for theatre and
// data staff (submission.read, own organisations):
//   GET /api/v1/submissions          newest first, keyset paged (?cursor=&limit=): receipt id,
//       when, who (the signed-in username that sent it over HTTP; null for a file loaded with
//       `orp ingest`), source ("http" or "file"), registry, status and the counts received,
//       accepted, rejected, errors and warnings.
//   GET /api/v1/submissions/waiting  the findings of rejected procedures not written by a later
//       submission of the same organisation (storage/submission_reads.h), latest rejection only,
//       keyset paged.
// The organisation is ?as=ODS or the caller's only submitter/provider grant, as for POST.
// Neither reads patient data (findings never name a patient identifier), so neither is audited.
#include <fmt/format.h>

#include "orp/api/json_codec.h"
#include "orp/api/response.h"
#include "orp/api/routes.h"
#include "orp/core/date.h"
#include "orp/storage/submission_reads.h"

namespace orp::api {
namespace {

constexpr int kDefaultPage = 50;
constexpr int kMaxPage = 500;
// The waiting list's key (submission, ordinal) in one cursor position; no submission file holds
// a billion findings (bodies are capped far below that).
constexpr int64_t kOrdinalSpan = 1'000'000'000;

// "http:<username>:<key>" is the key HTTP submissions are stored under (submission_routes.cc).
std::optional<std::string> HttpSubmitter(std::string_view key) {
  if (!key.starts_with("http:")) return std::nullopt;
  key.remove_prefix(5);
  size_t colon = key.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  return std::string(key.substr(0, colon));
}

Json SummaryJson(const storage::SubmissionSummary& s) {
  const domain::Submission& m = s.submission;
  std::optional<std::string> by = HttpSubmitter(m.idempotency_key);
  return {{"id", m.id.value},
          {"received_at", FormatIsoInstant(m.received_at)},
          {"by", by ? Json(*by) : Json(nullptr)},
          {"source", by ? "http" : "file"},
          {"registry", m.registry},
          {"status", domain::Name(m.status)},
          {"procedures",
           {{"received", m.received}, {"accepted", m.accepted}, {"rejected", m.rejected}}},
          {"findings", {{"errors", s.errors}, {"warnings", s.warnings}}}};
}

// The caller's organisation and its submission reads, once the policy lets the caller in.
Result<std::pair<std::string, storage::SubmissionReads*>> Prepare(const ApiServices& s,
                                                                  const RequestContext& ctx) {
  Result<std::optional<domain::OdsCode>> ods = SubmittingOrganisation(ctx);
  if (!ods) return std::unexpected(ods.error());
  ResourceScope scope;
  if (*ods) scope.organisations.push_back((*ods)->code());
  ORP_RETURN_IF_ERROR(ctx.Require(scope));
  if (!*ods) return InvalidArgument("as: name the organisation whose submissions to list");
  storage::SubmissionReads* reads = storage::AsSubmissionReads(*s.store);
  if (reads == nullptr) return Unavailable("this store cannot list submissions");
  return std::pair{(*ods)->code(), reads};
}

Result<int64_t> Position(const RequestContext& ctx, std::string_view kind) {
  std::optional<std::string> cursor = ctx.request().QueryParam("cursor");
  if (!cursor) return 0;
  return DecodeCursor(kind, *cursor);
}

Result<HttpResponse> ListHistory(const ApiServices& s, const RequestContext& ctx) {
  auto prepared = Prepare(s, ctx);
  if (!prepared) return std::unexpected(prepared.error());
  Result<int> limit = ParseLimit(ctx.request().QueryParam("limit"), kDefaultPage, kMaxPage);
  if (!limit) return std::unexpected(limit.error());
  Result<int64_t> before = Position(ctx, "submissions");
  if (!before) return std::unexpected(before.error());
  auto list = prepared->second->ListSubmissions(prepared->first, *before, *limit + 1);
  if (!list) return std::unexpected(list.error());
  bool more = static_cast<int>(list->size()) > *limit;
  if (more) list->pop_back();
  Json items = Json::array();
  for (const storage::SubmissionSummary& summary : *list) items.push_back(SummaryJson(summary));
  Json next =
      more ? Json(EncodeCursor("submissions", list->back().submission.id.value)) : Json(nullptr);
  return JsonResponse(
      Json{{"organisation", prepared->first}, {"submissions", items}, {"next_cursor", next}}
          .dump());
}

Json WaitingJson(const storage::WaitingFinding& w) {
  Json out = FindingJson(w.finding);
  out["submission"] = w.submission;
  out["received_at"] = FormatIsoInstant(w.received_at);
  return out;
}

Result<HttpResponse> ListWaiting(const ApiServices& s, const RequestContext& ctx) {
  auto prepared = Prepare(s, ctx);
  if (!prepared) return std::unexpected(prepared.error());
  Result<int> limit = ParseLimit(ctx.request().QueryParam("limit"), kDefaultPage, kMaxPage);
  if (!limit) return std::unexpected(limit.error());
  Result<int64_t> after = Position(ctx, "waiting");
  if (!after) return std::unexpected(after.error());
  auto list = prepared->second->ListWaitingForFix(prepared->first, *after / kOrdinalSpan,
                                                  *after % kOrdinalSpan, *limit + 1);
  if (!list) return std::unexpected(list.error());
  bool more = static_cast<int>(list->size()) > *limit;
  if (more) list->pop_back();
  Json items = Json::array();
  for (const storage::WaitingFinding& w : *list) items.push_back(WaitingJson(w));
  Json next = more ? Json(EncodeCursor(
                         "waiting", list->back().submission * kOrdinalSpan + list->back().ordinal))
                   : Json(nullptr);
  return JsonResponse(
      Json{{"organisation", prepared->first}, {"findings", items}, {"next_cursor", next}}.dump());
}

}  // namespace

Result<void> AddSubmissionHistoryRoutes(Router& router, const ApiServices& services) {
  ORP_RETURN_IF_ERROR(
      router.Add({"GET", "/api/v1/submissions", "submission.read",
                  [services](const RequestContext& ctx) { return ListHistory(services, ctx); },
                  "The organisation's submissions, newest first (keyset paged)"}));
  ORP_RETURN_IF_ERROR(
      router.Add({"GET", "/api/v1/submissions/waiting", "submission.read",
                  [services](const RequestContext& ctx) { return ListWaiting(services, ctx); },
                  "Findings of rejected procedures not yet fixed by a later submission"}));
  return {};
}

}  // namespace orp::api
