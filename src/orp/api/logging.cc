#include "orp/api/logging.h"

#include <fmt/format.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace orp::api {

Result<void> ConfigureLogging(std::string_view level) {
  spdlog::level::level_enum parsed = spdlog::level::from_str(std::string(level));
  // from_str answers "off" for anything it does not know.
  if (parsed == spdlog::level::off && level != "off") {
    return InvalidArgument(
        fmt::format("log level '{}': expected debug, info, warn, error or off", level));
  }
  auto logger = spdlog::get("orp");
  if (!logger) logger = spdlog::stderr_logger_mt("orp");
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc);
  logger->set_level(parsed);
  spdlog::set_default_logger(logger);
  return {};
}

}  // namespace orp::api
