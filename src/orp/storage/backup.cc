#include "orp/storage/backup.h"

#include <fmt/format.h>

#include <filesystem>

namespace orp::storage {

void BackupFactory::Register(std::string scheme, BackupTool tool) {
  tools_[std::move(scheme)] = std::move(tool);
}

Result<const BackupTool*> BackupFactory::Find(std::string_view url) const {
  size_t colon = url.find(':');
  auto it = colon == std::string_view::npos ? tools_.end() : tools_.find(url.substr(0, colon));
  if (it == tools_.end()) {
    std::string known;
    for (const auto& [scheme, tool] : tools_) known += (known.empty() ? "" : ", ") + scheme + ":";
    return InvalidArgument(
        fmt::format("database URL '{}' has no scheme that can be backed up; use one of: {}",
                    url.substr(0, colon == std::string_view::npos ? 0 : colon), known));
  }
  return &it->second;
}

Result<BackupReport> BackupFactory::Backup(std::string_view url, const std::string& file) const {
  auto tool = Find(url);
  if (!tool) return std::unexpected(tool.error());
  return (*tool)->backup(url, url.substr(url.find(':') + 1), file);
}

Result<BackupReport> BackupFactory::Restore(const std::string& file, std::string_view url) const {
  auto tool = Find(url);
  if (!tool) return std::unexpected(tool.error());
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) {
    return NotFound(fmt::format("backup file '{}' does not exist or is not a file", file));
  }
  return (*tool)->restore(url, url.substr(url.find(':') + 1), file);
}

}  // namespace orp::storage
