// orp serve --db URL [--listen HOST:PORT] [--threads N] [--tls-cert F --tls-key F]
//           [--key-file F] [--definitions DIR] [--max-body-mb N] [--log-level L]
//           [--web-root DIR | --no-web] [--surveil] [--instruments DIR]
// orp serve --routes [--format table|json|csv]
//
// Serves the registry over HTTP (src/orp/api): opens the store, the pseudonymisation keys, the
// registry definitions and the stored catalogue as `orp ingest` does, builds the route table and
// the gatekeeper the composition root provides, and serves until SIGINT or SIGTERM (requests in
// progress finish first). Prints the address once listening. The web application (web/, built by
// `make build` into build/web) is served at `/` from --web-root, by default the `web` folder
// beside the orp binary when it holds a built bundle; /api/ paths and the route table's paths
// always go to the API. With --surveil, each HTTP submission that stores procedures asks for an
// incremental surveillance run in the background (surveillance/trigger.h: never blocking the
// response, a burst coalesced into one more run).
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>

#include "orp/api/dispatch.h"
#include "orp/api/gatekeeper.h"
#include "orp/api/logging.h"
#include "orp/api/routes.h"
#include "orp/api/server.h"
#include "orp/api/static_site.h"
#include "orp/catalogue/catalogue_store.h"
#include "orp/cli/commands.h"
#include "orp/cli/exit.h"
#include "orp/cli/proms_paths.h"
#include "orp/cli/startup.h"
#include "orp/cli/table.h"
#include "orp/domain/registry_loader.h"
#include "orp/storage/read_replica.h"
#include "orp/surveillance/resident.h"
#include "orp/surveillance/run.h"
#include "orp/surveillance/trigger.h"

namespace orp::cli {
namespace {

struct ServeOptions {
  std::string db;
  std::string db_read;  // analytics reads from this replica (ops, #10)
  std::string listen = "127.0.0.1:8080";
  int threads = 0;
  std::string tls_cert;
  std::string tls_key;
  std::string key_file;
  std::string definitions;
  int max_body_mb = 64;
  std::string log_level = "info";
  bool routes = false;
  std::string format = "table";
  std::string web_root;
  bool no_web = false;
  bool surveil = false;
  std::string instruments;    // PROMs questionnaires (proms, #11)
  int slow_request_ms = 100;  // recall, #8: the slow-request line with its phases
};

// The background surveillance after submissions (--surveil): each run writes the signals of the
// units changed since the previous one, data cut today; failures go to stderr (no identifiers).
std::unique_ptr<surveillance::RunTrigger> SurveilAfterSubmissions(std::string_view cmd,
                                                                  api::ApiServices& services) {
  const int64_t since = ValueOrFail(cmd, services.store->LastChange());
  storage::Store* store = &services.AnalyticsStore();
  // The cohort stays in memory between runs (the worker's alone: runs never overlap), so a run
  // after a submission reads the changed procedures, not the store (surveillance/resident.h).
  auto resident = std::make_shared<surveillance::ResidentCohort>();
  auto trigger = std::make_unique<surveillance::RunTrigger>(
      [store, resident](int64_t since_change) -> Result<int64_t> {
        surveillance::RunOptions run;
        run.data_cut = TodayUtc();
        run.since_change = since_change;
        Result<surveillance::RunSummary> summary =
            surveillance::RunSurveillance(*store, run, resident.get());
        if (!summary) {
          fmt::print(stderr, "orp serve: surveillance after submissions failed: {}\n",
                     summary.error().message());
          return std::unexpected(summary.error());
        }
        fmt::print(stderr,
                   "orp serve: surveillance after submissions: {} units touched, {} new "
                   "signals, {} updated, change {}\n",
                   summary->affected_units, summary->signals_new, summary->signals_updated,
                   summary->change_seq);
        return summary->change_seq;
      },
      since);
  services.after_submission = [t = trigger.get()] { t->Notify(); };
  return trigger;
}

// "HOST:PORT" or "[IPv6]:PORT".
Result<std::pair<std::string, uint16_t>> ParseListen(std::string_view text) {
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return InvalidArgument(fmt::format("--listen '{}': expected HOST:PORT", text));
  }
  std::string_view host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  std::string_view port_text = text.substr(colon + 1);
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port > 65535) {
    return InvalidArgument(fmt::format("--listen '{}': port must be 0 to 65535", text));
  }
  return std::pair<std::string, uint16_t>(std::string(host), static_cast<uint16_t>(port));
}

// The PROMs instruments the questionnaire links show: --instruments when given (it must load),
// else `instruments/` beside the registry definitions when it loads, else none (a warning; the
// links then answer that their questionnaire is not installed).
proms::InstrumentSet LoadServeInstruments(std::string_view command, const ServeOptions& o) {
  if (!o.instruments.empty()) return ValueOrFail(command, proms::LoadInstruments(o.instruments));
  std::filesystem::path registries = PromsRegistriesDir(command, o.definitions);
  if (registries.filename().empty()) registries = registries.parent_path();
  Result<proms::InstrumentSet> loaded =
      proms::LoadInstruments(registries.parent_path() / "instruments");
  if (loaded) return std::move(*loaded);
  fmt::print(stderr, "orp serve: no PROMs instruments loaded: {}\n", loaded.error().message());
  return {};
}

// The web application's files: --web-root when given (it must hold a bundle), else `web` beside
// the binary (build/orp → build/web) when a bundle is there, else none (the API alone).
std::optional<api::StaticSite> OpenWebRoot(std::string_view command, const ServeOptions& o) {
  if (o.no_web) return std::nullopt;
  if (!o.web_root.empty()) return ValueOrFail(command, api::StaticSite::Open(o.web_root));
  std::error_code ec;
  std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return std::nullopt;
  Result<api::StaticSite> beside = api::StaticSite::Open(exe.parent_path() / "web");
  if (!beside) return std::nullopt;
  return std::move(*beside);
}

void OkOrFail(std::string_view command, const Result<void>& result) {
  if (!result) Fail(command, result.error());
}

void PrintRoutes(const api::Router& router, OutputFormat format) {
  if (format == OutputFormat::kJson) {
    nlohmann::ordered_json all = nlohmann::ordered_json::array();
    for (const api::Route& r : router.Routes()) {
      all.push_back({{"method", r.method},
                     {"path", r.pattern},
                     {"action", r.action},
                     {"summary", r.summary}});
    }
    fmt::print("{}\n", all.dump(2));
    return;
  }
  Table table({"method", "path", "action", "summary"});
  for (const api::Route& r : router.Routes()) {
    table.AddRow({r.method, r.pattern, r.action, r.summary});
  }
  fmt::print("{}", format == OutputFormat::kCsv ? table.RenderCsv() : table.RenderText());
}

void RunServe(const ServeOptions& o, const Environment& env) {
  const std::string_view cmd = "serve";
  OutputFormat format = ValueOrFail(cmd, ParseOutputFormat(o.format));
  if (o.routes) {
    api::Router router;
    OkOrFail(cmd, api::AddRoutes(router, api::ApiServices{}));
    PrintRoutes(router, format);
    return;
  }
  if (o.db.empty()) Fail(cmd, Error(ErrorCode::kInvalidArgument, "--db is required"));
  if (!env.make_gatekeeper) {
    Fail(cmd, Error(ErrorCode::kFailedPrecondition, "this build has no gatekeeper"));
  }
  auto [host, port] = ValueOrFail(cmd, ParseListen(o.listen));
  if (o.max_body_mb < 1 || o.max_body_mb > 4096) {
    Fail(cmd, Error(ErrorCode::kInvalidArgument, "--max-body-mb must be 1 to 4096"));
  }
  OkOrFail(cmd, api::ConfigureLogging(o.log_level));
  std::unique_ptr<storage::Store> store = OpenStoreOrFail(cmd, env, o.db);
  security::Pseudonymiser keys = OpenKeys(cmd, o.db, o.key_file);
  catalogue::Catalogue catalogue;
  bool has_catalogue = ValueOrFail(cmd, catalogue::LoadFromStore(*store, catalogue)) > 0;
  api::SubmissionValidators validators(LoadDefinitions(cmd, o.definitions),
                                       has_catalogue ? &catalogue : nullptr);
  api::Metrics metrics;
  api::Router router;
  api::ApiServices services;
  services.store = store.get();
  services.pseudonymiser = &keys;
  services.validators = &validators;
  services.metrics = &metrics;
  const proms::InstrumentSet instruments = LoadServeInstruments(cmd, o);
  services.instruments = &instruments;
  std::unique_ptr<storage::Store> replica;
  std::unique_ptr<storage::ReadReplicaStore> analytics;
  if (!o.db_read.empty()) {
    replica = OpenStoreOrFail(cmd, env, o.db_read);
    analytics = std::make_unique<storage::ReadReplicaStore>(*store, *replica);
    services.analytics_store = analytics.get();
  }
  std::unique_ptr<surveillance::RunTrigger> surveil;  // before the server: it outlives requests
  if (o.surveil) surveil = SurveilAfterSubmissions(cmd, services);
  OkOrFail(cmd, api::AddRoutes(router, services));
  std::unique_ptr<api::Gatekeeper> gatekeeper = env.make_gatekeeper(*store);
  api::Dispatcher dispatcher(router, *gatekeeper);
  std::optional<api::StaticSite> web = OpenWebRoot(cmd, o);
  auto handle = [&](const api::HttpRequest& r) {
    if (web && api::StaticSite::Claims(r)) {
      api::RouteMatch match = router.Match(r.method, r.path);
      if (match.route == nullptr && !match.path_known) return web->Serve(r);
    }
    return dispatcher.Handle(r);
  };

  api::ServerOptions options;
  options.address = host;
  options.port = port;
  options.threads = o.threads;
  options.tls_cert_file = o.tls_cert;
  options.tls_key_file = o.tls_key;
  options.max_body_bytes = static_cast<size_t>(o.max_body_mb) << 20;
  options.stop_on_signals = true;
  options.slow_request = std::chrono::milliseconds(o.slow_request_ms);
  std::unique_ptr<api::Server> server =
      ValueOrFail(cmd, api::Server::Start(options, handle, &metrics));
  fmt::print("orp serve: listening on {}://{}:{} (database {}; Ctrl-C stops)\n",
             server->tls() ? "https" : "http",
             host.find(':') != std::string::npos ? "[" + host + "]" : host, server->port(),
             store->Info().location);
  if (web) fmt::print("orp serve: web application from {}\n", web->root().string());
  std::fflush(stdout);
  server->Wait();
  fmt::print("orp serve: stopped\n");
}

}  // namespace

void AddServeCommand(CLI::App& app, const Environment& env) {
  auto o = std::make_shared<ServeOptions>();
  CLI::App* cmd = app.add_subcommand(
      "serve",
      "Serve the registry over HTTP: the web application at /, the /api/v1 JSON API, health and "
      "metrics.");
  cmd->add_option("--db", o->db, "Database URL: sqlite:PATH or postgresql://…");
  cmd->add_option("--db-read", o->db_read,
                  "Read replica URL for analytics routes (sessions, tokens, submissions: --db)");
  cmd->add_option("--listen", o->listen, "Address to listen on, HOST:PORT (port 0: any free)")
      ->default_val("127.0.0.1:8080");
  cmd->add_option("--threads", o->threads,
                  "Server threads (default: 4 per core, at least 8; handlers wait on the store)");
  cmd->add_option("--tls-cert", o->tls_cert, "PEM certificate chain: serve HTTPS only");
  cmd->add_option("--tls-key", o->tls_key, "PEM private key for --tls-cert");
  cmd->add_option("--key-file", o->key_file,
                  "Pseudonymisation key file (default: PATH.key beside a sqlite:PATH database)");
  cmd->add_option("--definitions", o->definitions, "Registry definitions directory");
  cmd->add_option("--max-body-mb", o->max_body_mb, "Largest request body (submissions), MiB")
      ->default_val(64);
  cmd->add_option("--log-level", o->log_level, "debug, info (a line per request), warn, error")
      ->default_val("info");
  cmd->add_option("--web-root", o->web_root,
                  "Built web application to serve at / (default: `web` beside the binary)");
  cmd->add_flag("--no-web", o->no_web, "Serve the API only, not the web application");
  cmd->add_option("--slow-request-ms", o->slow_request_ms,
                  "Log requests slower than this at warn level, with where the time went (0: off)")
      ->default_val(100);
  cmd->add_flag("--surveil", o->surveil,
                "After each HTTP submission, run surveillance incrementally in the background "
                "(coalesced; never delays the response)");
  cmd->add_flag("--routes", o->routes, "Print the route table and exit");
  cmd->add_option("--instruments", o->instruments,
                  "PROMs instruments directory (default: instruments/ beside the definitions)");
  cmd->add_option("--format", o->format, "Output of --routes: table, json or csv")
      ->default_val("table");
  cmd->callback([o, &env] { RunServe(*o, env); });
}

}  // namespace orp::cli
