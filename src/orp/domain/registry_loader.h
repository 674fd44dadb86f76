// Loading registry definitions from TOML files (schema: docs/registry-definitions.md).
//
// The loader is strict so that a typo in a definition fails at start rather than silently
// collecting the wrong data: unknown keys, wrong value types, unknown enum words, repeated codes,
// rules that do not parse or name an unknown field or device type, invalid OPCS-4 or SNOMED CT
// codes and duplicate registry codes across files are all errors. Every error is
// kInvalidArgument with one message "FILE:LINE: where: reason", e.g.
//   registries/bcir.toml:42: field 'implant_reason': value set code 'cosmetic' repeated
// (kNotFound when a file or directory does not exist or holds no definitions).
//
// toml++ is used only inside registry_loader.cc; this header and the definitions are plain C++.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "orp/core/result.h"
#include "orp/domain/registry_definition.h"

namespace orp::domain {

// The registries loaded at start, sorted by code. Immutable after construction: copies share
// the same definitions, and any number of threads may read one concurrently.
class RegistrySet {
 public:
  RegistrySet() = default;  // no registries

  // kInvalidArgument when two definitions share a code, naming both source files.
  static Result<RegistrySet> Create(std::vector<RegistryDefinition> registries);

  // The registry with this code (exact, upper case), or nullptr.
  const RegistryDefinition* Find(std::string_view code) const;

  std::span<const RegistryDefinition> registries() const;
  size_t size() const { return registries_ ? registries_->size() : 0; }
  bool empty() const { return size() == 0; }

 private:
  explicit RegistrySet(std::shared_ptr<const std::vector<RegistryDefinition>> registries)
      : registries_(std::move(registries)) {}
  std::shared_ptr<const std::vector<RegistryDefinition>> registries_;
};

// Parses one definition from TOML text; `source_name` is what messages call the file.
Result<RegistryDefinition> ParseRegistryDefinition(std::string_view toml_text,
                                                   const std::string& source_name);

// Loads one file. `source` in the result and in messages is the path as given.
Result<RegistryDefinition> LoadRegistryFile(const std::filesystem::path& file);

// Loads every *.toml directly in `dir` (in name order), or the single file `path` names.
// kNotFound when the path does not exist or a directory holds no *.toml file.
Result<RegistrySet> LoadRegistries(const std::filesystem::path& path);

// Where the registry definitions live when no --dir is given, first match wins:
//   1. `registries/` under the current directory (running from the repository root);
//   2. the directory named by the ORP_REGISTRIES environment variable;
//   3. `<directory of the executable>/../registries` (build/orp finds the repository's).
// kNotFound listing the places tried when none is a directory.
Result<std::filesystem::path> FindRegistriesDirectory(const std::filesystem::path& executable);

}  // namespace orp::domain
