// PROMs over HTTP (proms, #11):
//   GET  /api/v1/proms/invitations/{token}   proms.invitation  the questionnaire to show
//   POST /api/v1/proms/invitations/{token}   proms.invitation  the answers, once
//   GET  /api/v1/patients/{pseudonym}/proms  procedure.read    questionnaires due, scores over time
//   GET  /api/v1/patients/{pseudonym}/proms/invitations/{id}   proms.invitation  (the patient)
//   POST /api/v1/patients/{pseudonym}/proms/invitations/{id}   proms.invitation  (the patient)
// The link needs no account: the single-use token in it is the credential (proms/answer.h
// hashes it and never stores it), so the action is public and the gatekeeper lets anyone in.
// The patient's own routes use the same public action and apply the own-record condition of
// security::Decide themselves (the signed-in principal's patient pseudonym must be the one in
// the path): anyone else, signed in or not, gets the 404 an unknown record gets.
// Neither answer names the patient, the procedure or the provider. Requests are limited per
// remote address (PromsLinkLimiter) so tokens cannot be guessed at speed; the server logs only
// the route pattern, never the token in the path. Opening and answering are audited against
// the invitation's number.
#include <fmt/format.h>

#include <charconv>
#include <chrono>
#include <map>
#include <mutex>

#include "orp/api/json_codec.h"
#include "orp/api/response.h"
#include "orp/api/routes.h"
#include "orp/core/text.h"
#include "orp/proms/answer.h"
#include "orp/proms/patient.h"

namespace orp::api {

bool PromsLinkLimiter::Admit(std::string_view address, std::chrono::steady_clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (now - window_start_ >= std::chrono::minutes(1)) {
    window_start_ = now;
    counts_.clear();  // a fixed window: the map never outgrows one minute of callers
  }
  int& count = counts_[std::string(address)];
  if (count >= per_minute_) return false;
  ++count;
  return true;
}

namespace {

const proms::InstrumentSet& InstrumentsOf(const ApiServices& s) {
  static const proms::InstrumentSet kNone;
  return s.instruments ? *s.instruments : kNone;
}

Json ItemJson(const proms::Item& item) {
  Json out = {{"code", item.code},
              {"text", item.text},
              {"kind", item.IsChoice() ? "choice" : "scale"},
              {"optional", item.optional}};
  if (item.IsChoice()) {
    Json options = Json::array();
    for (const proms::ResponseOption& o : item.options) {
      options.push_back({{"value", o.value}, {"label", o.label}});
    }
    out["options"] = std::move(options);
  } else {
    out["min"] = item.min;
    out["max"] = item.max;
    out["min_label"] = item.min_label;
    out["max_label"] = item.max_label;
  }
  return out;
}

std::string TimePointWords(int months) {
  if (months == 0) return "before your operation";
  if (months % 12 == 0) {
    return months == 12 ? "1 year after your operation"
                        : fmt::format("{} years after your operation", months / 12);
  }
  return fmt::format("{} months after your operation", months);
}

Json QuestionnaireJson(const proms::OpenedInvitation& opened) {
  const proms::Instrument& instrument = *opened.instrument;
  Json items = Json::array();
  for (const proms::Item& item : instrument.items) items.push_back(ItemJson(item));
  return {{"instrument",
           {{"code", instrument.code},
            {"name", instrument.name},
            {"version", instrument.version},
            {"kind", instrument.kind == proms::InstrumentKind::kPrem ? "prem" : "prom"}}},
          {"months", opened.invitation.months},
          {"time_point", TimePointWords(opened.invitation.months)},
          {"expires", FormatIsoDate(opened.invitation.expires)},
          {"items", std::move(items)}};
}

// {"answers": {"item": integer, ...}}; null or absent items are unanswered.
Result<proms::Answers> ParseAnswersBody(std::string_view text) {
  Json body = Json::parse(text, nullptr, false);
  if (body.is_discarded() || !body.is_object() || !body.contains("answers") ||
      !body["answers"].is_object()) {
    return InvalidArgument(R"(body: expected a JSON object {"answers": {"item": number, …}})");
  }
  proms::Answers answers;
  for (const auto& [item, value] : body["answers"].items()) {
    if (value.is_null()) continue;
    if (!value.is_number_integer() || value.get<int64_t>() < -1'000'000 ||
        value.get<int64_t>() > 1'000'000) {
      return InvalidArgument(fmt::format("answers.{}: must be a whole number", Printable(item)));
    }
    answers[item] = static_cast<int>(value.get<int64_t>());
  }
  return answers;
}

// 429 with Retry-After when the caller's address has used its minute.
std::optional<HttpResponse> Limited(const ApiServices& s, const RequestContext& ctx) {
  if (!s.proms_link_limiter) return std::nullopt;
  if (s.proms_link_limiter->Admit(ctx.request().remote_address, std::chrono::steady_clock::now()))
    return std::nullopt;
  HttpResponse response = ErrorResponse(
      429, "RESOURCE_EXHAUSTED",
      "too many questionnaire requests from this address; try again in a minute", ctx.request_id());
  response.headers.emplace_back("Retry-After", "60");
  return response;
}

Result<HttpResponse> OpenQuestionnaire(const ApiServices& s, const RequestContext& ctx) {
  if (auto limited = Limited(s, ctx)) return *limited;
  auto opened = proms::OpenInvitation(*s.store, InstrumentsOf(s), ctx.Param("token"), TodayUtc());
  if (!opened) return std::unexpected(opened.error());
  ORP_RETURN_IF_ERROR(ctx.Audit(fmt::format("prom_invitation/{}", opened->invitation.id)));
  HttpResponse response = JsonResponse(QuestionnaireJson(*opened).dump());
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

// 201 with the scores of what was stored.
HttpResponse AnsweredResponse(const proms::InstrumentSet& instruments,
                              const storage::PromResponse& stored, const proms::Answers& answers) {
  Json scores = Json::array();
  if (const proms::Instrument* instrument = instruments.Find(stored.instrument)) {
    auto scored = proms::ScoreAnswers(*instrument, answers);
    for (const proms::ScoreResult& r : scored ? *scored : std::vector<proms::ScoreResult>{}) {
      const proms::ScoreDefinition* def = instrument->FindScore(r.code);
      scores.push_back({{"code", r.code},
                        {"label", def ? def->label : r.code},
                        {"value", r.value ? Json(*r.value) : Json(nullptr)},
                        {"reason", r.reason}});
    }
  }
  Json body = {{"status", "answered"},
               {"completed", FormatIsoDate(stored.completed)},
               {"scores", std::move(scores)}};
  HttpResponse response = JsonResponse(body.dump(), 201);
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

Result<HttpResponse> SubmitAnswers(const ApiServices& s, const RequestContext& ctx) {
  if (auto limited = Limited(s, ctx)) return *limited;
  auto answers = ParseAnswersBody(ctx.request().body);
  if (!answers) return std::unexpected(answers.error());
  const proms::InstrumentSet& instruments = InstrumentsOf(s);
  auto stored =
      proms::AnswerInvitation(*s.store, instruments, ctx.Param("token"), *answers, TodayUtc());
  if (!stored) return std::unexpected(stored.error());
  ORP_RETURN_IF_ERROR(ctx.Audit(fmt::format("prom_invitation/{}", *stored->invitation)));
  return AnsweredResponse(instruments, *stored, *answers);
}

Json PatientPromsJson(const proms::PatientProms& p) {
  Json due = Json::array();
  for (const proms::DueQuestionnaire& d : p.due) {
    due.push_back({{"invitation", d.invitation},
                   {"instrument", d.instrument},
                   {"name", d.name},
                   {"months", d.months},
                   {"time_point", TimePointWords(d.months)},
                   {"expires", FormatIsoDate(d.expires)}});
  }
  Json scores = Json::array();
  for (const proms::ScoreSeries& s : p.scores) {
    Json points = Json::array();
    for (const proms::ScorePoint& point : s.points) {
      points.push_back({{"months", point.months},
                        {"time_point", TimePointWords(point.months)},
                        {"completed", FormatIsoDate(point.completed)},
                        {"value", point.value ? Json(*point.value) : Json(nullptr)}});
    }
    scores.push_back({{"instrument", s.instrument},
                      {"name", s.instrument_name},
                      {"score", s.score},
                      {"label", s.label},
                      {"higher_is_better", s.higher_is_better},
                      {"min", s.min},
                      {"max", s.max},
                      {"points", std::move(points)}});
  }
  return {{"due", std::move(due)}, {"scores", std::move(scores)}};
}

// The scope of one procedure of the patient: its organisation, clinician and the patient.
Result<ResourceScope> ScopeOf(const ApiServices& s, domain::ProcedureId id,
                              const std::string& pseudonym_hex) {
  auto procedure = s.store->FindProcedureById(id);
  if (!procedure) return std::unexpected(procedure.error());
  ResourceScope scope;
  scope.patient = pseudonym_hex;
  if (*procedure && (*procedure)->provider_site) {
    scope.organisations.push_back(OrganisationOfSite(*s.store, *(*procedure)->provider_site));
  }
  if (*procedure && (*procedure)->clinician) scope.clinician = (*procedure)->clinician->number();
  return scope;
}

// Keeps only what the caller may see of each procedure; false when nothing is left and the
// caller may not see the patient's record at all.
Result<bool> KeepAllowed(const ApiServices& s, const RequestContext& ctx, const std::string& hex,
                         proms::PatientProms& p) {
  std::map<int64_t, bool> allowed;
  auto may = [&](domain::ProcedureId id) -> Result<bool> {
    auto it = allowed.find(id.value);
    if (it != allowed.end()) return it->second;
    auto scope = ScopeOf(s, id, hex);
    if (!scope) return std::unexpected(scope.error());
    return allowed[id.value] = ctx.Allowed(*scope);
  };
  std::vector<proms::DueQuestionnaire> due;
  for (auto& d : p.due) {
    auto ok = may(d.procedure);
    if (!ok) return std::unexpected(ok.error());
    if (*ok) due.push_back(std::move(d));
  }
  p.due = std::move(due);
  std::vector<proms::ScoreSeries> kept;
  for (auto& series : p.scores) {
    auto ok = may(series.procedure);
    if (!ok) return std::unexpected(ok.error());
    if (*ok) kept.push_back(std::move(series));
  }
  p.scores = std::move(kept);
  ResourceScope own;
  own.patient = hex;
  return !p.due.empty() || !p.scores.empty() || ctx.Allowed(own);
}

Result<HttpResponse> PatientProms(const ApiServices& s, const RequestContext& ctx) {
  Result<domain::Pseudonym> pseudonym = domain::Pseudonym::FromHex(ctx.Param("pseudonym"));
  if (!pseudonym) return std::unexpected(pseudonym.error());
  const std::string hex = pseudonym->Hex();
  auto patient = s.store->FindPatientByPseudonym(*pseudonym);
  if (!patient) return std::unexpected(patient.error());
  auto not_found = NotFound("no patient with this pseudonym that you may see");
  if (!*patient) return not_found;
  auto proms = proms::PatientPromsOf(*s.store, InstrumentsOf(s), (*patient)->id, TodayUtc());
  if (!proms) return std::unexpected(proms.error());
  auto visible = KeepAllowed(s, ctx, hex, *proms);
  if (!visible) return std::unexpected(visible.error());
  if (!*visible) {
    ORP_RETURN_IF_ERROR(ctx.Audit("patient/" + hex, "denied"));
    return not_found;
  }
  ORP_RETURN_IF_ERROR(ctx.Audit("patient/" + hex));
  Json body = PatientPromsJson(*proms);
  body["pseudonym"] = hex;
  return JsonResponse(body.dump());
}

// The signed-in patient whose pseudonym is in the path, or kNotFound for anyone else.
Result<domain::PatientId> OwnPatient(const ApiServices& s, const RequestContext& ctx) {
  auto not_found = NotFound("no questionnaire of yours with this number");
  Result<domain::Pseudonym> pseudonym = domain::Pseudonym::FromHex(ctx.Param("pseudonym"));
  if (!pseudonym) return std::unexpected(pseudonym.error());
  if (ctx.principal().patient.empty() || ctx.principal().patient != pseudonym->Hex()) {
    return not_found;
  }
  auto patient = s.store->FindPatientByPseudonym(*pseudonym);
  if (!patient) return std::unexpected(patient.error());
  if (!*patient) return not_found;
  return (*patient)->id;
}

Result<int64_t> InvitationNumber(const RequestContext& ctx) {
  int64_t id = 0;
  const std::string& text = ctx.Param("id");
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0) {
    return NotFound("no questionnaire of yours with this number");
  }
  return id;
}

Result<HttpResponse> OpenOwnQuestionnaire(const ApiServices& s, const RequestContext& ctx) {
  auto patient = OwnPatient(s, ctx);
  if (!patient) return std::unexpected(patient.error());
  auto id = InvitationNumber(ctx);
  if (!id) return std::unexpected(id.error());
  auto opened = proms::OpenPatientInvitation(*s.store, InstrumentsOf(s), *patient, *id, TodayUtc());
  if (!opened) return std::unexpected(opened.error());
  ORP_RETURN_IF_ERROR(ctx.Audit(fmt::format("prom_invitation/{}", *id)));
  HttpResponse response = JsonResponse(QuestionnaireJson(*opened).dump());
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

Result<HttpResponse> AnswerOwnQuestionnaire(const ApiServices& s, const RequestContext& ctx) {
  auto patient = OwnPatient(s, ctx);
  if (!patient) return std::unexpected(patient.error());
  auto id = InvitationNumber(ctx);
  if (!id) return std::unexpected(id.error());
  auto answers = ParseAnswersBody(ctx.request().body);
  if (!answers) return std::unexpected(answers.error());
  auto stored = proms::AnswerPatientInvitation(*s.store, InstrumentsOf(s), *patient, *id, *answers,
                                               TodayUtc());
  if (!stored) return std::unexpected(stored.error());
  ORP_RETURN_IF_ERROR(ctx.Audit(fmt::format("prom_invitation/{}", *id)));
  return AnsweredResponse(InstrumentsOf(s), *stored, *answers);
}

}  // namespace

Result<void> AddPromsRoutes(Router& router, const ApiServices& services) {
  ORP_RETURN_IF_ERROR(router.Add(
      {"GET", "/api/v1/proms/invitations/{token}", "proms.invitation",
       [services](const RequestContext& ctx) { return OpenQuestionnaire(services, ctx); },
       "The questionnaire a single-use link opens (no account; the token is the credential)"}));
  ORP_RETURN_IF_ERROR(
      router.Add({"POST", "/api/v1/proms/invitations/{token}", "proms.invitation",
                  [services](const RequestContext& ctx) { return SubmitAnswers(services, ctx); },
                  "Answers to the questionnaire; the link then refuses a second use"}));
  ORP_RETURN_IF_ERROR(
      router.Add({"GET", "/api/v1/patients/{pseudonym}/proms", "procedure.read",
                  [services](const RequestContext& ctx) { return PatientProms(services, ctx); },
                  "A patient's questionnaires due and their scores over time"}));
  ORP_RETURN_IF_ERROR(router.Add(
      {"GET", "/api/v1/patients/{pseudonym}/proms/invitations/{id}", "proms.invitation",
       [services](const RequestContext& ctx) { return OpenOwnQuestionnaire(services, ctx); },
       "A due questionnaire, opened by the signed-in patient from their page"}));
  ORP_RETURN_IF_ERROR(router.Add(
      {"POST", "/api/v1/patients/{pseudonym}/proms/invitations/{id}", "proms.invitation",
       [services](const RequestContext& ctx) { return AnswerOwnQuestionnaire(services, ctx); },
       "The signed-in patient's answers to a due questionnaire, once"}));
  return {};
}

}  // namespace orp::api
