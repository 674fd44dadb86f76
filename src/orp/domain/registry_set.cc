// RegistrySet and finding and loading the registries directory (no TOML here: files are read
// through LoadRegistryFile).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstdlib>
#include <system_error>

#include "orp/domain/registry_loader.h"

namespace orp::domain {

Result<RegistrySet> RegistrySet::Create(std::vector<RegistryDefinition> registries) {
  std::stable_sort(
      registries.begin(), registries.end(),
      [](const RegistryDefinition& a, const RegistryDefinition& b) { return a.code < b.code; });
  for (size_t i = 1; i < registries.size(); ++i) {
    const RegistryDefinition& first = registries[i - 1];
    const RegistryDefinition& again = registries[i];
    if (first.code != again.code) continue;
    return InvalidArgument(fmt::format("{}:{}: registry code '{}' is already defined in {}:{}",
                                       again.source, again.code_line, again.code, first.source,
                                       first.code_line));
  }
  return RegistrySet(
      std::make_shared<const std::vector<RegistryDefinition>>(std::move(registries)));
}

const RegistryDefinition* RegistrySet::Find(std::string_view code) const {
  if (!registries_) return nullptr;
  auto it =
      std::lower_bound(registries_->begin(), registries_->end(), code,
                       [](const RegistryDefinition& r, std::string_view c) { return r.code < c; });
  return it != registries_->end() && it->code == code ? &*it : nullptr;
}

std::span<const RegistryDefinition> RegistrySet::registries() const {
  if (!registries_) return {};
  return *registries_;
}

Result<RegistrySet> LoadRegistries(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_regular_file(path, ec)) {
    auto one = LoadRegistryFile(path);
    if (!one) return std::unexpected(one.error());
    std::vector<RegistryDefinition> registries;
    registries.push_back(std::move(*one));
    return RegistrySet::Create(std::move(registries));
  }
  if (!std::filesystem::is_directory(path, ec)) {
    return NotFound(
        fmt::format("{}: no such registry definition file or directory", path.string()));
  }
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(path, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".toml") {
      files.push_back(entry.path());
    }
  }
  if (ec) return NotFound(fmt::format("{}: {}", path.string(), ec.message()));
  if (files.empty()) {
    return NotFound(
        fmt::format("{}: no registry definitions (*.toml) in this directory", path.string()));
  }
  std::sort(files.begin(), files.end());
  std::vector<RegistryDefinition> registries;
  for (const auto& file : files) {
    auto one = LoadRegistryFile(file);
    if (!one) return std::unexpected(one.error());
    registries.push_back(std::move(*one));
  }
  return RegistrySet::Create(std::move(registries));
}

Result<std::filesystem::path> FindRegistriesDirectory(const std::filesystem::path& executable) {
  std::vector<std::filesystem::path> candidates = {"registries"};
  if (const char* env = std::getenv("ORP_REGISTRIES"); env != nullptr && *env != '\0') {
    candidates.emplace_back(env);
  }
  if (!executable.empty()) {
    candidates.push_back(executable.parent_path().parent_path() / "registries");
  }
  std::vector<std::string> tried;
  for (const auto& candidate : candidates) {
    std::error_code ec;
    if (std::filesystem::is_directory(candidate, ec)) return candidate.lexically_normal();
    tried.push_back(candidate.string());
  }
  return NotFound(
      fmt::format("no registries directory found (tried {}); pass --dir or set "
                  "ORP_REGISTRIES",
                  fmt::join(tried, ", ")));
}

}  // namespace orp::domain
