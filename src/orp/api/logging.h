// The server's log (spdlog): one line per request with its request id (server.h), written to
// stderr so that stdout carries only what a command prints for people.
// Thread safety: call before starting a server.
#pragma once

#include <string_view>

#include "orp/core/result.h"

namespace orp::api {

// Sets the log level ("debug", "info", "warn", "error", "off"); kInvalidArgument otherwise.
Result<void> ConfigureLogging(std::string_view level);

}  // namespace orp::api
