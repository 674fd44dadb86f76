// orp user add --db URL --username U --role ROLE[@SCOPE]... [--password-stdin] [--totp]
//               [--no-second-factor] [--patient HEX]
// orp user disable --db URL --username U
// orp user password --db URL --username U --password-stdin
// orp user list --db URL [--format table|json|csv]
// People and systems that may use the registry (security/accounts.h). A user without
// --password-stdin is a system account: it signs in only with API tokens (orp token create).
// With --totp the TOTP seed and its otpauth:// URI are printed once, for an authenticator app.
// A person with a password needs --totp unless their only role is patient@self, or
// --no-second-factor is given. `user password` sets a new password (administrators: the
// password policy of security/accounts.h applies, every session of the user ends, audited).
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>

#include "orp/cli/commands.h"
#include "orp/cli/exit.h"
#include "orp/cli/table.h"
#include "orp/core/date.h"
#include "orp/security/accounts.h"
#include "orp/storage/store.h"

namespace orp::cli {
namespace {

struct UserOptions {
  std::string db;
  std::string username;
  std::vector<std::string> roles;
  bool password_stdin = false;
  bool totp = false;
  bool no_second_factor = false;
  std::string patient;
  std::string format = "table";
};

// One line from standard input, without its line ending.
std::string ReadPasswordLine() {
  std::string line;
  std::getline(std::cin, line);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  return line;
}

void RunAdd(const UserOptions& o, const Environment& env) {
  constexpr std::string_view kCommand = "user add";
  OutputFormat format = ValueOrFail(kCommand, ParseOutputFormat(o.format));
  security::NewUser user{o.username, {}, std::nullopt, o.totp, o.patient};
  for (const std::string& role : o.roles) {
    user.grants.push_back(ValueOrFail(kCommand, security::ParseGrant(role)));
  }
  if (o.password_stdin) user.password = ReadPasswordLine();
  if (o.totp && !user.password) {
    Fail(kCommand, Error(ErrorCode::kInvalidArgument,
                         "--totp needs a password (--password-stdin): tokens need no code"));
  }
  auto store = OpenStoreOrFail(kCommand, env, o.db);
  security::AuditLog audit(*store);
  security::AccountsOptions options;
  options.require_second_factor = !o.no_second_factor;
  security::Accounts accounts(*store, audit, options);
  security::CreatedUser created = ValueOrFail(kCommand, accounts.AddUser(user));
  std::vector<std::vector<std::string>> rows = {
      {std::to_string(created.user_id), *security::NormaliseUsername(o.username),
       security::FormatGrants(user.grants), user.password ? "yes" : "no (tokens only)",
       created.totp_secret, created.otpauth_uri}};
  PrintRows({"user_id", "username", "roles", "password", "totp_secret", "otpauth_uri"}, rows,
            format);
}

void RunDisable(const UserOptions& o, const Environment& env) {
  auto store = OpenStoreOrFail("user disable", env, o.db);
  security::AuditLog audit(*store);
  security::Accounts accounts(*store, audit);
  auto done = accounts.DisableUser(o.username);
  if (!done) Fail("user disable", done.error());
  fmt::print("disabled {}\n", *security::NormaliseUsername(o.username));
}

void RunPassword(const UserOptions& o, const Environment& env) {
  constexpr std::string_view kCommand = "user password";
  if (!o.password_stdin) {
    Fail(kCommand, Error(ErrorCode::kInvalidArgument,
                         "--password-stdin is required: the password is read from standard "
                         "input, never from the command line"));
  }
  const std::string password = ReadPasswordLine();
  auto store = OpenStoreOrFail(kCommand, env, o.db);
  security::AuditLog audit(*store);
  security::Accounts accounts(*store, audit);
  auto done = accounts.SetPassword(o.username, password);
  if (!done) Fail(kCommand, done.error());
  fmt::print("password set for {}; their sessions have ended\n",
             *security::NormaliseUsername(o.username));
}

void RunList(const UserOptions& o, const Environment& env) {
  OutputFormat format = ValueOrFail("user list", ParseOutputFormat(o.format));
  auto store = OpenStoreOrFail("user list", env, o.db);
  security::AuditLog audit(*store);
  security::Accounts accounts(*store, audit);
  std::vector<std::vector<std::string>> rows;
  for (const security::UserInfo& u : ValueOrFail("user list", accounts.ListUsers())) {
    rows.push_back({std::to_string(u.user_id), u.username, security::FormatGrants(u.grants),
                    u.has_password ? "yes" : "no", u.has_totp ? "yes" : "no",
                    u.disabled ? "yes" : "no", FormatIsoInstant(u.created_at)});
  }
  PrintRows({"user_id", "username", "roles", "password", "totp", "disabled", "created_at"}, rows,
            format);
}

}  // namespace

void AddUserCommand(CLI::App& app, const Environment& env) {
  auto o = std::make_shared<UserOptions>();
  CLI::App* cmd = app.add_subcommand("user", "Add, disable, list users and set their passwords.");
  cmd->require_subcommand(1);
  const std::string db_help = "Database URL: sqlite:PATH";

  CLI::App* add = cmd->add_subcommand("add", "Add a person or system with their roles.");
  add->add_option("--db", o->db, db_help)->required();
  add->add_option("--username", o->username, "1-64 of a-z 0-9 . _ @ -")->required();
  add->add_option("--role", o->roles,
                  "A role with its scope: submitter@ODS, provider@ODS, clinician@GMC, "
                  "manufacturer@ID, patient@self, analyst, regulator, admin (repeatable)")
      ->required();
  add->add_flag("--password-stdin", o->password_stdin,
                "Read the password from the first line of standard input (else: tokens only)");
  add->add_flag("--totp", o->totp, "Require a TOTP code at sign-in; prints the seed once");
  add->add_flag("--no-second-factor", o->no_second_factor,
                "Allow a password without TOTP for a role that sees registry data (demos only)");
  add->add_option("--patient", o->patient, "For patient@self: the patient's pseudonym (hex)");
  add->add_option("--format", o->format, "Output: table, json or csv")->default_val("table");
  add->callback([o, &env] { RunAdd(*o, env); });

  CLI::App* disable = cmd->add_subcommand("disable", "Disable a user and end their sessions.");
  disable->add_option("--db", o->db, db_help)->required();
  disable->add_option("--username", o->username, "The user to disable")->required();
  disable->callback([o, &env] { RunDisable(*o, env); });

  CLI::App* password =
      cmd->add_subcommand("password", "Set a user's password and end their sessions.");
  password->add_option("--db", o->db, db_help)->required();
  password->add_option("--username", o->username, "The user whose password to set")->required();
  password->add_flag("--password-stdin", o->password_stdin,
                     "Read the new password from the first line of standard input (required)");
  password->callback([o, &env] { RunPassword(*o, env); });

  CLI::App* list = cmd->add_subcommand("list", "List users, their roles and state.");
  list->add_option("--db", o->db, db_help)->required();
  list->add_option("--format", o->format, "Output: table, json or csv")->default_val("table");
  list->callback([o, &env] { RunList(*o, env); });
}

}  // namespace orp::cli
