// What commands load before they start, found the same way by each: the registry definitions
// (`orp ingest`, `orp serve`, `orp survival --db`) and the pseudonymisation keys (`orp ingest`,
// `orp serve`). Each fails the command with its one line (cli/exit.h) rather than returning.
#pragma once

#include <string>
#include <string_view>

#include "orp/domain/registry_loader.h"
#include "orp/security/pseudonymiser.h"

namespace orp::cli {

// The registry definitions in `dir`, or when it is empty in the registries/ directory found
// from the running binary (domain::FindRegistriesDirectory).
domain::RegistrySet LoadDefinitions(std::string_view command, const std::string& dir);

// The keys in `key_file`, else in PATH.key beside a sqlite:PATH database (created when missing),
// else a throwaway key for an in-memory store (nothing outlives the process to link to).
security::Pseudonymiser OpenKeys(std::string_view command, std::string_view db,
                                 const std::string& key_file);

}  // namespace orp::cli
