// The incremental surveillance run `orp ingest --surveil` makes after accepting submissions
// (surveillance/run.h, RunOptions::since_change): only the units the new changes touch have
// their signals written. Implemented in surveillance_command.cc.
#pragma once

#include <cstdint>
#include <string_view>

namespace orp::storage {
class Store;
}

namespace orp::cli {

// Runs surveillance (data cut today) writing only signals of units changed after
// `since_change`, and prints one summary line to stderr; fails the command on an error.
void SurveilAfterIngest(std::string_view command, storage::Store& store, int64_t since_change);

}  // namespace orp::cli
