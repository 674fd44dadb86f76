// orp token create --db URL --username U [--expires DAYS]   prints the token once
// orp token list --db URL --username U [--format table|json|csv]
// orp token revoke --db URL --id N
// API tokens for systems (security/accounts.h): "orp_…", stored only as a SHA-256 hash, so a
// lost token cannot be shown again — revoke it and create another.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "orp/cli/commands.h"
#include "orp/cli/exit.h"
#include "orp/cli/table.h"
#include "orp/core/date.h"
#include "orp/security/accounts.h"
#include "orp/storage/store.h"

namespace orp::cli {
namespace {

struct TokenOptions {
  std::string db;
  std::string username;
  int expires_days = 90;
  int64_t id = 0;
  std::string format = "table";
};

void RunCreate(const TokenOptions& o, const Environment& env) {
  OutputFormat format = ValueOrFail("token create", ParseOutputFormat(o.format));
  auto store = OpenStoreOrFail("token create", env, o.db);
  security::AuditLog audit(*store);
  security::Accounts accounts(*store, audit);
  security::CreatedToken token =
      ValueOrFail("token create", accounts.CreateToken(o.username, o.expires_days));
  if (format == OutputFormat::kJson) {
    nlohmann::ordered_json out = {{"token_id", token.token_id},
                                  {"token", token.token},
                                  {"expires_at", FormatIsoInstant(token.expires_at)}};
    fmt::print("{}\n", out.dump(2));
    return;
  }
  Table table({"token_id", "token", "expires_at"});
  table.AddRow({std::to_string(token.token_id), token.token, FormatIsoInstant(token.expires_at)});
  fmt::print("{}", format == OutputFormat::kCsv ? table.RenderCsv() : table.RenderText());
  if (format == OutputFormat::kTable) {
    fmt::print(stderr, "Store the token now: it is not shown again.\n");
  }
}

void RunList(const TokenOptions& o, const Environment& env) {
  OutputFormat format = ValueOrFail("token list", ParseOutputFormat(o.format));
  auto store = OpenStoreOrFail("token list", env, o.db);
  security::AuditLog audit(*store);
  security::Accounts accounts(*store, audit);
  const domain::Instant now = accounts.Now();
  Table table({"token_id", "created_at", "expires_at", "state"});
  nlohmann::ordered_json listed = nlohmann::ordered_json::array();
  for (const security::TokenInfo& t : ValueOrFail("token list", accounts.ListTokens(o.username))) {
    std::string state = t.revoked_at ? "revoked " + FormatIsoInstant(*t.revoked_at)
                                     : (now >= t.expires_at ? "expired" : "active");
    table.AddRow({std::to_string(t.token_id), FormatIsoInstant(t.created_at),
                  FormatIsoInstant(t.expires_at), state});
    listed.push_back({{"token_id", t.token_id},
                      {"created_at", FormatIsoInstant(t.created_at)},
                      {"expires_at", FormatIsoInstant(t.expires_at)},
                      {"state", state}});
  }
  if (format == OutputFormat::kJson) {
    fmt::print("{}\n", listed.dump(2));
  } else {
    fmt::print("{}", format == OutputFormat::kCsv ? table.RenderCsv() : table.RenderText());
  }
}

void RunRevoke(const TokenOptions& o, const Environment& env) {
  auto store = OpenStoreOrFail("token revoke", env, o.db);
  security::AuditLog audit(*store);
  security::Accounts accounts(*store, audit);
  auto done = accounts.RevokeToken(o.id);
  if (!done) Fail("token revoke", done.error());
  fmt::print("revoked token {}\n", o.id);
}

}  // namespace

void AddTokenCommand(CLI::App& app, const Environment& env) {
  auto o = std::make_shared<TokenOptions>();
  CLI::App* cmd = app.add_subcommand("token", "Create, list and revoke API tokens for systems.");
  cmd->require_subcommand(1);
  const std::string db_help = "Database URL: sqlite:PATH";

  CLI::App* create = cmd->add_subcommand("create", "Create a token for a user; printed once.");
  create->add_option("--db", o->db, db_help)->required();
  create->add_option("--username", o->username, "The user the token acts as")->required();
  create->add_option("--expires", o->expires_days, "Days until it expires (1-3650)")
      ->default_val(90);
  create->add_option("--format", o->format, "Output: table, json or csv")->default_val("table");
  create->callback([o, &env] { RunCreate(*o, env); });

  CLI::App* list = cmd->add_subcommand("list", "List a user's tokens (never the tokens).");
  list->add_option("--db", o->db, db_help)->required();
  list->add_option("--username", o->username, "Whose tokens")->required();
  list->add_option("--format", o->format, "Output: table, json or csv")->default_val("table");
  list->callback([o, &env] { RunList(*o, env); });

  CLI::App* revoke = cmd->add_subcommand("revoke", "Revoke a token by its id.");
  revoke->add_option("--db", o->db, db_help)->required();
  revoke->add_option("--id", o->id, "The token id (orp token list)")->required();
  revoke->callback([o, &env] { RunRevoke(*o, env); });
}

}  // namespace orp::cli
