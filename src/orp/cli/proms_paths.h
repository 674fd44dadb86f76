// Where `orp proms` and `orp ingest-proms` find definitions: the registries as every command
// does (domain::FindRegistriesDirectory), the instruments in `instruments/` beside them unless
// --instruments names a directory.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "orp/proms/instrument_loader.h"

namespace orp::cli {

std::filesystem::path PromsRegistriesDir(std::string_view command, const std::string& flag);
proms::InstrumentSet LoadPromsInstruments(std::string_view command, const std::string& flag,
                                          const std::string& registries_flag);

}  // namespace orp::cli
