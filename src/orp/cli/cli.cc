#include "orp/cli/cli.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

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
  AddVersionCommand(app, env);
  AddCoxCommand(app, env);
  AddSurvivalCommand(app, env);
  AddRatesCommand(app, env);
  AddUdiCommand(app, env);
  AddCatalogueCommand(app, env);
  AddRegistriesCommand(app, env);
  AddMigrateCommand(app, env);
  AddSynthCommand(app, env);
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
