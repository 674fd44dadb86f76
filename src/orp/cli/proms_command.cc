// orp proms run    --db URL [--today DATE] [--contacts FILE] [--channel email|letter|sms]...
//                  [--smtp-host H] [--smtp-port P] [--smtp-from ADDR] [--letters FILE]
//                  [--sms-file FILE | --sms-url URL [--sms-auth-file F] [--sms-from NAME]]
//                  [--link-base URL] [--registries DIR] [--instruments DIR]
//                  [--format table|json|csv]
// orp proms status --db URL [--by provider [--registry R]] [--format table|json|csv]
//
// The daily PROMs run (proms/run.h): creates the invitations due today, queues reminders,
// expires closed links, then delivers the outbox through the configured channels. Without
// --contacts nothing is delivered (the registry holds no contact details; messages wait).
// `status` counts invitations by registry, instrument and status, the outbox by status, and
// lists the dead letters with their reasons; with `--by provider`, response and pre-operative
// participation rates per provider with funnel plot data (proms/participation.h).
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <tuple>

#include "orp/cli/commands.h"
#include "orp/cli/exit.h"
#include "orp/cli/proms_paths.h"
#include "orp/cli/table.h"
#include "orp/domain/registry_loader.h"
#include "orp/proms/http_sms.h"
#include "orp/proms/participation.h"
#include "orp/proms/run.h"
#include "orp/proms/smtp.h"
#include "orp/storage/store.h"

namespace orp::cli {
namespace {

struct RunFlags {
  std::string db, today, contacts, letters, sms_file, registries, instruments;
  proms::HttpSmsOptions sms_http;
  std::vector<std::string> channels = {"email"};
  std::string link_base = "https://orp.invalid/proms/";
  proms::SmtpOptions smtp;
  std::string format = "table";
};

proms::Channels MakeChannels(std::string_view command, const RunFlags& f) {
  proms::Channels channels;
  channels["email"] = std::make_unique<proms::SmtpChannel>(f.smtp);
  if (!f.letters.empty())
    channels["letter"] = std::make_unique<proms::LetterBatchChannel>(f.letters);
  if (!f.sms_file.empty()) {
    channels["sms"] =
        std::make_unique<proms::SmsChannel>(std::make_unique<proms::FileSmsAdapter>(f.sms_file));
  } else if (!f.sms_http.url.empty()) {
    channels["sms"] = std::make_unique<proms::SmsChannel>(
        ValueOrFail(command, proms::HttpSmsAdapter::Create(f.sms_http)));
  }
  return channels;
}

void PrintRunReport(const proms::RunReport& r, OutputFormat format) {
  std::vector<std::pair<std::string, int>> rows = {
      {"invited", r.invited}, {"reminders", r.reminders}, {"expired", r.expired},
      {"sent", r.sent},       {"retried", r.retried},     {"dead", r.dead}};
  for (const auto& [why, n] : r.not_invited) rows.emplace_back("not_invited:" + why, n);
  if (format == OutputFormat::kJson) {
    nlohmann::ordered_json j;
    for (const auto& [k, v] : rows) j[k] = v;
    j["not_installed"] = r.not_installed;
    std::printf("%s\n", j.dump(2).c_str());
    return;
  }
  Table table({"what", "count"});
  for (const auto& [k, v] : rows) table.AddRow({k, std::to_string(v)});
  for (const auto& name : r.not_installed) table.AddRow({"not_installed:" + name, "0"});
  std::fputs((format == OutputFormat::kCsv ? table.RenderCsv() : table.RenderText()).c_str(),
             stdout);
}

void Run(const RunFlags& f, const Environment& env) {
  constexpr std::string_view kCmd = "proms run";
  const OutputFormat format = ValueOrFail(kCmd, ParseOutputFormat(f.format));
  const auto registries =
      ValueOrFail(kCmd, domain::LoadRegistries(PromsRegistriesDir(kCmd, f.registries)));
  const auto instruments = LoadPromsInstruments(kCmd, f.instruments, f.registries);
  proms::RunOptions options;
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  options.today = f.today.empty() ? std::chrono::floor<std::chrono::days>(now)
                                  : ValueOrFail(kCmd, ParseIsoDate(f.today));
  options.now = f.today.empty() ? now : domain::Instant(options.today) + std::chrono::hours(9);
  options.channels = f.channels;
  options.link_base = f.link_base;
  auto store = OpenStoreOrFail(kCmd, env, f.db);
  proms::RunReport report;
  if (auto planned = proms::PlanInvitations(*store, registries, instruments, options, report);
      !planned) {
    Fail(kCmd, planned.error());
  }
  if (!f.contacts.empty()) {
    auto contacts = ValueOrFail(kCmd, proms::CsvContactDirectory::Load(f.contacts));
    proms::Channels channels = MakeChannels(kCmd, f);
    auto delivered =
        proms::DeliverMessages(*store, instruments, channels, *contacts, options, report);
    if (!delivered) Fail(kCmd, delivered.error());
  }
  PrintRunReport(report, format);
}

std::string Percent(const std::optional<double>& rate, const stats::ControlledCount& denominator) {
  if (!rate) return "*";
  return denominator.value && *denominator.value > 0 ? fmt::format("{:.1f}", 100.0 * *rate) : "";
}

std::string FunnelClass(const std::optional<stats::FunnelPoint>& point) {
  return point ? std::string(stats::FunnelClassName(point->classification)) : "";
}

// Participation per provider for `audience` (national: exact; public: disclosure control, counts
// 1-7 as "*", others rounded to 5; proms/participation.h PublishParticipation).
void StatusByProvider(storage::Store& store, const std::string& registry, OutputFormat format,
                      stats::Audience audience) {
  constexpr std::string_view kCmd = "proms status";
  const proms::ParticipationReport report =
      ValueOrFail(kCmd, proms::Participation(store, registry));
  if (format == OutputFormat::kJson) {
    std::printf("%s\n", proms::ParticipationJson(report, {}, audience).c_str());
    return;
  }
  Table table({"provider", "invited", "responded", "response_pct", "response_funnel", "primaries",
               "pre_op_returned", "pre_op_pct", "pre_op_funnel"});
  for (const proms::PublishedParticipation& p : proms::PublishParticipation(report, audience)) {
    table.AddRow({p.provider, p.invited.Text(), p.responded.Text(),
                  Percent(p.response_rate, p.invited), FunnelClass(p.response_funnel),
                  p.primaries.Text(), p.pre_op_returned.Text(), Percent(p.pre_op_rate, p.primaries),
                  FunnelClass(p.pre_op_funnel)});
  }
  std::fputs((format == OutputFormat::kCsv ? table.RenderCsv() : table.RenderText()).c_str(),
             stdout);
}

struct StatusFlags {
  std::string db, by, registry, format = "table", audience = "national";
};

void Status(const StatusFlags& f, const Environment& env) {
  constexpr std::string_view kCmd = "proms status";
  const OutputFormat format = ValueOrFail(kCmd, ParseOutputFormat(f.format));
  auto store = OpenStoreOrFail(kCmd, env, f.db);
  const stats::Audience audience = ValueOrFail(kCmd, stats::ParseAudience(f.audience));
  if (f.by == "provider") return StatusByProvider(*store, f.registry, format, audience);
  auto invitations = ValueOrFail(kCmd, store->ListPromInvitations({}));
  std::map<std::tuple<std::string, std::string, std::string>, int> counts;
  for (const auto& i : invitations) {
    ++counts[{i.registry, i.instrument, std::string(storage::PromInvitationStatusName(i.status))}];
  }
  std::map<std::string, int> outbox;
  std::vector<storage::PromMessage> dead;
  for (auto status : {storage::PromMessageStatus::kPending, storage::PromMessageStatus::kSent,
                      storage::PromMessageStatus::kDead}) {
    auto messages = ValueOrFail(kCmd, store->ListPromMessages(status, std::nullopt));
    outbox[std::string(storage::PromMessageStatusName(status))] = static_cast<int>(messages.size());
    if (status == storage::PromMessageStatus::kDead) dead = std::move(messages);
  }
  if (format == OutputFormat::kJson) {
    nlohmann::ordered_json j;
    j["invitations"] = nlohmann::ordered_json::array();
    for (const auto& [key, n] : counts) {
      j["invitations"].push_back({{"registry", std::get<0>(key)},
                                  {"instrument", std::get<1>(key)},
                                  {"status", std::get<2>(key)},
                                  {"count", n}});
    }
    j["outbox"] = outbox;
    j["dead_letters"] = nlohmann::ordered_json::array();
    for (const auto& m : dead) {
      j["dead_letters"].push_back({{"message", m.id},
                                   {"invitation", m.invitation},
                                   {"purpose", m.purpose},
                                   {"channel", m.channel},
                                   {"attempts", m.attempts},
                                   {"reason", m.last_error}});
    }
    std::printf("%s\n", j.dump(2).c_str());
    return;
  }
  Table table({"what", "registry", "instrument", "status", "count", "reason"});
  for (const auto& [key, n] : counts) {
    table.AddRow({"invitations", std::get<0>(key), std::get<1>(key), std::get<2>(key),
                  std::to_string(n), ""});
  }
  for (const auto& [status, n] : outbox)
    table.AddRow({"outbox", "", "", status, std::to_string(n), ""});
  for (const auto& m : dead) {
    table.AddRow({fmt::format("dead letter {}", m.id), "", "", m.channel + " " + m.purpose,
                  std::to_string(m.attempts), m.last_error});
  }
  std::fputs((format == OutputFormat::kCsv ? table.RenderCsv() : table.RenderText()).c_str(),
             stdout);
}

}  // namespace

void AddPromsCommand(CLI::App& app, const Environment& env) {
  CLI::App* proms = app.add_subcommand("proms", "Patient-reported outcomes: invitations, outbox");
  proms->require_subcommand(1);

  auto f = std::make_shared<RunFlags>();
  CLI::App* run = proms->add_subcommand("run", "The daily run: invite, remind, expire, deliver");
  run->add_option("--db", f->db, "Database URL")->required();
  run->add_option("--today", f->today, "The day to run as (YYYY-MM-DD; default today)");
  run->add_option("--contacts", f->contacts,
                  "CSV of pseudonym,name,email,phone,address; without it nothing is sent");
  run->add_option("--channel", f->channels, "Channels to queue: email, letter, sms")
      ->check(CLI::IsMember({"email", "letter", "sms"}));
  run->add_option("--smtp-host", f->smtp.host, "SMTP relay host");
  run->add_option("--smtp-port", f->smtp.port, "SMTP relay port");
  run->add_option("--smtp-from", f->smtp.from, "Sender address");
  run->add_option("--letters", f->letters, "Letter batch CSV to append to");
  run->add_option("--sms-file", f->sms_file, "File the SMS adapter appends texts to");
  run->add_option("--sms-url", f->sms_http.url,
                  "SMS provider's HTTP API (http://host[:port]/path): one JSON POST per text");
  run->add_option("--sms-auth-file", f->sms_http.auth_file,
                  "File holding the provider's auth header as one line 'Name: value'");
  run->add_option("--sms-from", f->sms_http.sender, "Sender name the SMS provider shows");
  run->add_option("--link-base", f->link_base, "Questionnaire URL the token is appended to");
  run->add_option("--registries", f->registries, "Registry definitions directory");
  run->add_option("--instruments", f->instruments,
                  "Instrument definitions directory (default: beside the registries)");
  run->add_option("--format", f->format, "table, json or csv");
  run->callback([f, &env] { Run(*f, env); });

  auto s = std::make_shared<StatusFlags>();
  CLI::App* status = proms->add_subcommand(
      "status", "Invitations, outbox and dead letters; --by provider: participation and funnels");
  status->add_option("--db", s->db, "Database URL")->required();
  status->add_option("--by", s->by, "provider: response and pre-op participation per provider")
      ->check(CLI::IsMember({"provider"}));
  status->add_option("--registry", s->registry, "With --by provider: one registry (default all)");
  status->add_option("--audience", s->audience,
                     "With --by provider: national (default) or public (disclosure control: "
                     "counts 1-7 as *, others rounded to 5)");
  status->add_option("--format", s->format, "table, json or csv");
  status->callback([s, &env] { Status(*s, env); });

  AddPromsGainCommand(*proms, env);
}

std::filesystem::path PromsRegistriesDir(std::string_view command, const std::string& flag) {
  if (!flag.empty()) return flag;
  std::error_code ec;
  std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ValueOrFail(command, domain::FindRegistriesDirectory(ec ? "" : exe));
}

proms::InstrumentSet LoadPromsInstruments(std::string_view command, const std::string& flag,
                                          const std::string& registries_flag) {
  if (!flag.empty()) return ValueOrFail(command, proms::LoadInstruments(flag));
  std::filesystem::path registries = PromsRegistriesDir(command, registries_flag);
  if (registries.filename().empty()) registries = registries.parent_path();  // "dir/"
  return ValueOrFail(command, proms::LoadInstruments(registries.parent_path() / "instruments"));
}

}  // namespace orp::cli
