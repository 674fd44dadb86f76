// POST /api/v1/submissions and GET /api/v1/submissions/{id}: the same ingest pipeline as
// `orp ingest`, over HTTP. The body is spooled to a file (the pipeline streams files, so a
// 64 MiB submission is read once more from the page cache, not held twice in memory) and
// deleted after. Idempotency keys are per caller: "http:<username>:<key>", so one caller's key
// can never return another's receipt. `?dry_run=true` validates exactly as a real submission
// would (same validator, same linkage reads) and writes nothing but the audit entry: the answer
// is the receipt with "dry_run": true and no submission id, status 200, no Location; the
// Idempotency-Key is then optional and not recorded.
#include <fmt/format.h>

#include <atomic>
#include <charconv>
#include <fstream>
#include <random>

#include "orp/api/json_codec.h"
#include "orp/api/response.h"
#include "orp/api/routes.h"
#include "orp/ingest/pipeline.h"

namespace orp::api {
namespace {

constexpr int kDefaultFindings = 100;
constexpr int kMaxFindings = 1000;

// ".csv" or ".ndjson" from the Content-Type (parameters such as charset ignored), or empty.
std::string ExtensionFor(std::string_view content_type) {
  std::string_view media = content_type.substr(0, content_type.find(';'));
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  if (media == "text/csv") return ".csv";
  if (media == "application/json") return ".json";
  if (media == "application/x-ndjson" || media == "application/ndjson" ||
      media == "application/jsonl") {
    return ".ndjson";
  }
  return {};
}

Result<std::string> IdempotencyKey(const RequestContext& ctx) {
  std::string_view key = ctx.request().Header("idempotency-key");
  if (key.empty()) {
    return InvalidArgument(
        "Idempotency-Key header: required (any unique text up to 200 characters per submission; "
        "a repeat returns the first receipt)");
  }
  if (key.size() > 200)
    return InvalidArgument("Idempotency-Key header: longer than 200 characters");
  for (char c : key) {
    if (c < 0x21 || c > 0x7e) {
      return InvalidArgument("Idempotency-Key header: only visible ASCII characters are allowed");
    }
  }
  return fmt::format("http:{}:{}", ctx.principal().username, key);
}

HttpResponse ReceiptResponse(std::string receipt_json, int status, int64_t id) {
  HttpResponse response = JsonResponse(std::move(receipt_json), status);
  response.headers.emplace_back("Location", fmt::format("/api/v1/submissions/{}", id));
  return response;
}

// A JSON body is an array of procedure objects, each as one NDJSON line would be
// (docs/submission-format.md); it is rewritten as NDJSON for the pipeline. kInvalidArgument
// when it is not JSON or not an array of objects.
Result<std::string> JsonArrayToNdjson(const std::string& body) {
  Json parsed = Json::parse(body, nullptr, false);
  if (parsed.is_discarded()) {
    return InvalidArgument("body: not valid JSON (send an array of procedure objects)");
  }
  if (!parsed.is_array())
    return InvalidArgument("body: a JSON submission is an array of procedures");
  std::string out;
  for (size_t i = 0; i < parsed.size(); ++i) {
    if (!parsed[i].is_object()) {
      return InvalidArgument(fmt::format("body: element {} is not a JSON object", i + 1));
    }
    out += parsed[i].dump();
    out += '\n';
  }
  return out;
}

// Writes the body to a new file in `dir`; the caller deletes it.
Result<std::filesystem::path> Spool(const std::filesystem::path& dir, const std::string& body,
                                    const std::string& extension) {
  static std::atomic<uint64_t> counter{0};
  thread_local std::mt19937_64 random{std::random_device{}()};
  std::filesystem::path path =
      dir / fmt::format("orp-submission-{:x}-{}{}", random(), counter++, extension);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(body.data(), static_cast<std::streamsize>(body.size()));
  out.close();
  if (!out) {
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
    return Unavailable(fmt::format("cannot spool the submission in {}", dir.string()));
  }
  return path;
}

// The dry run's receipt, marked as such; audited (the file held patient data) as
// "submission/dry-run".
Result<HttpResponse> DryRunResponse(const RequestContext& ctx, const ingest::Receipt& receipt) {
  ORP_RETURN_IF_ERROR(ctx.Audit("submission/dry-run", "ok", "dry run"));
  Json body = Json::parse(receipt.json, nullptr, false);
  if (!body.is_object()) return Internal("the dry run's receipt is not a JSON object");
  body["dry_run"] = true;
  return JsonResponse(body.dump(), 200);
}

// ?dry_run=true|false (absent: false).
Result<bool> DryRun(const RequestContext& ctx) {
  std::optional<std::string> text = ctx.request().QueryParam("dry_run");
  if (!text || *text == "false") return false;
  if (*text == "true") return true;
  return InvalidArgument("dry_run: must be true or false");
}

Result<HttpResponse> CreateSubmission(const ApiServices& s, const RequestContext& ctx) {
  Result<bool> dry_run = DryRun(ctx);
  if (!dry_run) return std::unexpected(dry_run.error());
  bool keyless_dry_run = *dry_run && ctx.request().Header("idempotency-key").empty();
  Result<std::string> key =
      keyless_dry_run ? Result<std::string>(std::string()) : IdempotencyKey(ctx);
  if (!key) return std::unexpected(key.error());
  std::string extension = ExtensionFor(ctx.request().Header("content-type"));
  if (extension.empty()) {
    return ErrorResponse(415, "UNSUPPORTED_MEDIA_TYPE",
                         "Content-Type must be text/csv, application/x-ndjson or application/json",
                         ctx.request_id());
  }
  Result<std::optional<domain::OdsCode>> as_ods = SubmittingOrganisation(ctx);
  if (!as_ods) return std::unexpected(as_ods.error());
  ResourceScope scope;
  if (*as_ods) scope.organisations.push_back((*as_ods)->code());
  ORP_RETURN_IF_ERROR(ctx.Require(scope));
  if (!*dry_run) {
    Result<std::optional<domain::Submission>> earlier = s.store->FindSubmissionByKey(*key);
    if (!earlier) return std::unexpected(earlier.error());
    if (*earlier) return ReceiptResponse((*earlier)->receipt_json, 200, (*earlier)->id.value);
  }

  std::string registry = ctx.request().QueryParam("registry").value_or("");
  Result<const ingest::Validator*> validator = s.validators->For(*as_ods, registry);
  if (!validator) return std::unexpected(validator.error().WithContext("registry"));
  const std::string* body = &ctx.request().body;
  std::string converted;
  if (extension == ".json") {
    Result<std::string> ndjson = JsonArrayToNdjson(*body);
    if (!ndjson) return std::unexpected(ndjson.error());
    converted = std::move(*ndjson);
    body = &converted;
    extension = ".ndjson";
  }
  Result<std::filesystem::path> file = Spool(s.spool_directory, *body, extension);
  if (!file) return std::unexpected(file.error());
  ingest::IngestOptions options;
  options.idempotency_key = *dry_run ? "" : *key;
  options.submitter = *as_ods ? (*as_ods)->code() : "user:" + ctx.principal().username;
  options.dry_run = *dry_run;
  Result<ingest::Receipt> receipt =
      ingest::IngestFile(*s.store, **validator, *s.pseudonymiser, *file, options);
  std::error_code ignored;
  std::filesystem::remove(*file, ignored);
  if (!receipt) return std::unexpected(receipt.error());
  if (*dry_run) return DryRunResponse(ctx, *receipt);
  int64_t id = receipt->submission_id ? receipt->submission_id->value : 0;
  ORP_RETURN_IF_ERROR(ctx.Audit(fmt::format("submission/{}", id)));
  if (receipt->status == "duplicate") {  // another request with this key committed first
    Result<std::optional<domain::Submission>> first = s.store->FindSubmission({id});
    if (first && *first) return ReceiptResponse((*first)->receipt_json, 200, id);
  }
  if (s.after_submission && receipt->submission_id) s.after_submission();  // surveillance (#7)
  return ReceiptResponse(receipt->json, 201, id);
}

Result<int64_t> ParseId(const std::string& text) {
  int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0) {
    return InvalidArgument(fmt::format("submission id '{}' is not a positive whole number", text));
  }
  return id;
}

// The submission, its receipt and one page of its findings (?cursor=&limit=).
Result<HttpResponse> ReadSubmission(const ApiServices& s, const RequestContext& ctx) {
  Result<int64_t> id = ParseId(ctx.Param("id"));
  if (!id) return std::unexpected(id.error());
  Result<std::optional<domain::Submission>> found = s.store->FindSubmission({*id});
  if (!found) return std::unexpected(found.error());
  auto not_found = NotFound(fmt::format("no submission {}", *id));
  if (!*found) return not_found;
  const domain::Submission& submission = **found;
  ResourceScope scope;
  if (domain::OdsCode::Parse(submission.submitter)) {
    scope.organisations.push_back(submission.submitter);
  }
  // Another organisation's submission is reported as absent, not forbidden: its existence is
  // not the caller's to learn.
  if (!ctx.Allowed(scope)) return not_found;
  Result<int> limit = ParseLimit(ctx.request().QueryParam("limit"), kDefaultFindings, kMaxFindings);
  if (!limit) return std::unexpected(limit.error());
  int64_t offset = 0;
  if (auto cursor = ctx.request().QueryParam("cursor")) {
    Result<int64_t> decoded = DecodeCursor("findings", *cursor);
    if (!decoded) return std::unexpected(decoded.error());
    offset = *decoded;
  }
  Result<std::vector<domain::Finding>> findings = s.store->FindingsOf(submission.id);
  if (!findings) return std::unexpected(findings.error());
  Json page = Json::array();
  int64_t end = std::min<int64_t>(offset + *limit, static_cast<int64_t>(findings->size()));
  for (int64_t i = offset; i < end; ++i) page.push_back(FindingJson((*findings)[i]));
  Json receipt = Json::parse(submission.receipt_json, nullptr, false);
  if (receipt.is_object()) receipt.erase("findings");  // paged below instead
  Json body = {{"submission", SubmissionJson(submission)},
               {"receipt", receipt.is_discarded() ? Json(nullptr) : receipt},
               {"findings", page},
               {"findings_total", findings->size()},
               {"next_cursor", end < static_cast<int64_t>(findings->size())
                                   ? Json(EncodeCursor("findings", end))
                                   : Json(nullptr)}};
  return JsonResponse(body.dump());
}

}  // namespace

// The organisation the caller submits for: ?as=ODS, else the scope of its only submitter or
// provider grant, else none (a national role submitting as the operator). Shared with the
// submission history (submission_history_routes.cc).
Result<std::optional<domain::OdsCode>> SubmittingOrganisation(const RequestContext& ctx) {
  if (auto as = ctx.request().QueryParam("as")) {
    Result<domain::OdsCode> code = domain::OdsCode::Parse(*as);
    if (!code) return std::unexpected(code.error().WithContext("as"));
    return *code;
  }
  std::optional<domain::OdsCode> only;
  int count = 0;
  for (const security::Grant& grant : ctx.principal().grants) {
    if (grant.role != security::Role::kSubmitter && grant.role != security::Role::kProvider) {
      continue;
    }
    Result<domain::OdsCode> code = domain::OdsCode::Parse(grant.scope);
    if (code && (!only || *only != *code)) {
      only = *code;
      ++count;
    }
  }
  if (count > 1) {
    return InvalidArgument("as: you submit for several organisations; name one with ?as=ODS");
  }
  return only;
}

Result<void> AddSubmissionRoutes(Router& router, const ApiServices& services) {
  ORP_RETURN_IF_ERROR(
      router.Add({"POST", "/api/v1/submissions", "submission.create",
                  [services](const RequestContext& ctx) { return CreateSubmission(services, ctx); },
                  "Submit a CSV or NDJSON file (Idempotency-Key required)"}));
  ORP_RETURN_IF_ERROR(
      router.Add({"GET", "/api/v1/submissions/{id}", "submission.read",
                  [services](const RequestContext& ctx) { return ReadSubmission(services, ctx); },
                  "A submission's receipt and a page of its findings"}));
  return {};
}

}  // namespace orp::api
