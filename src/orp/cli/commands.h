// One registrar per subcommand; RunCli calls each in the order `orp --help` lists them.
// Keep this header free of CLI11 so adding a command touches only its own file and this list.
#pragma once

#include "orp/cli/cli.h"

namespace orp::cli {

void AddSynthCommand(CLI::App& app, const Environment& env);
void AddMigrateCommand(CLI::App& app, const Environment& env);
void AddIngestCommand(CLI::App& app, const Environment& env);
void AddRegistriesCommand(CLI::App& app, const Environment& env);
void AddUdiCommand(CLI::App& app, const Environment& env);
void AddCatalogueCommand(CLI::App& app, const Environment& env);
void AddSurvivalCommand(CLI::App& app, const Environment& env);
void AddRatesCommand(CLI::App& app, const Environment& env);
void AddCoxCommand(CLI::App& app, const Environment& env);
void AddUserCommand(CLI::App& app, const Environment& env);
void AddTokenCommand(CLI::App& app, const Environment& env);
void AddAuditCommand(CLI::App& app, const Environment& env);
void AddSurveillanceCommand(CLI::App& app, const Environment& env);
void AddRecallCommand(CLI::App& app, const Environment& env);
void AddOptOutCommand(CLI::App& app, const Environment& env);
void AddOdsCommand(CLI::App& app, const Environment& env);
void AddPromsCommand(CLI::App& app, const Environment& env);
// `orp proms gain` (proms_gain_command.cc).
void AddPromsGainCommand(CLI::App& proms, const Environment& env);
void AddIngestPromsCommand(CLI::App& app, const Environment& env);
// The campaign subcommands of `orp recall` (recall_campaign_command.cc).
void AddRecallCampaignCommands(CLI::App& recall, const Environment& env);
void AddServeCommand(CLI::App& app, const Environment& env);
void AddVersionCommand(CLI::App& app, const Environment& env);

}  // namespace orp::cli
