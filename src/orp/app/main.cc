// The composition root: builds the concrete environment (stores, keys, configuration) and hands
// it to the command line. The one place that knows every subsystem.
#include <cstdio>
#include <exception>

#include "orp/api/security_gatekeeper.h"
#include "orp/cli/cli.h"
#include "orp/storage/backup.h"
#include "orp/storage/open.h"
#include "orp/storage/postgres/backup.h"
#include "orp/storage/postgres/postgres_store.h"
#include "orp/storage/sqlite/backup.h"
#include "orp/storage/sqlite/sqlite_store.h"

int main(int argc, char** argv) {
  try {
    auto stores = std::make_shared<orp::storage::StoreFactory>();
    stores->Register("sqlite", orp::storage::sqlite::OpenStoreFromUrl);
    stores->Register("postgresql", orp::storage::postgres::OpenStoreFromUrl);
    stores->Register("postgres", orp::storage::postgres::OpenStoreFromUrl);
    auto backups = std::make_shared<orp::storage::BackupFactory>();
    backups->Register("sqlite", orp::storage::sqlite::MakeBackupTool());
    backups->Register("postgresql", orp::storage::postgres::MakeBackupTool());
    backups->Register("postgres", orp::storage::postgres::MakeBackupTool());
    orp::cli::Environment env;
    env.backups = backups;
    env.open_store = [stores](std::string_view url) { return stores->Open(url); };
    // orp serve authenticates, authorises and audits through security/ (accounts, the policy
    // decision, the audit chain), adapted to the API's seam.
    env.make_gatekeeper = [](orp::storage::Store& store) -> std::unique_ptr<orp::api::Gatekeeper> {
      return std::make_unique<orp::api::SecurityGatekeeper>(store);
    };
    return orp::cli::RunCli(argc, argv, env);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "orp: internal error: %s\n", e.what());
    return 70;
  }
}
