#include "orp/cli/cli.h"

#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "orp/cli/commands.h"
#include "orp/cli/exit.h"
#include "orp/storage/store.h"

namespace orp::cli {

std::unique_ptr<storage::Store> OpenStoreOrFail(std::string_view command, const Environment& env,
                                                std::string_view url) {
  if (!env.open_store) Fail(command, Error(ErrorCode::kFailedPrecondition, "no database support"));
  return ValueOrFail(command, env.open_store(url));
}

int RunCli(int argc, char** argv, const Environment& env) {
  CLI::App app{
      "ORP: an outcomes registry for implanted devices and clinical outcomes.\n"
      "Run 'orp COMMAND --help' for the options of a command.",
      "orp"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "orp 0.1.0");
  // The order `orp --help` lists them: load data, look at it, analyse it.
  AddSynthCommand(app, env);
  AddMigrateCommand(app, env);
  AddIngestCommand(app, env);
  AddRegistriesCommand(app, env);
  AddUdiCommand(app, env);
  AddCatalogueCommand(app, env);
  AddSurvivalCommand(app, env);
  AddRatesCommand(app, env);
  AddCoxCommand(app, env);
  AddUserCommand(app, env);
  AddTokenCommand(app, env);
  AddAuditCommand(app, env);
  AddSurveillanceCommand(app, env);
  AddRecallCommand(app, env);
  AddOptOutCommand(app, env);
  AddOdsCommand(app, env);
  AddPromsCommand(app, env);
  AddIngestPromsCommand(app, env);
  AddServeCommand(app, env);
  AddVersionCommand(app, env);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const CommandFailed& e) {
    return e.exit_code();
  }
  return 0;
}

}  // namespace orp::cli
