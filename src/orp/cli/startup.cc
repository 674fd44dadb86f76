#include "orp/cli/startup.h"

#include <filesystem>
#include <random>
#include <system_error>

#include "orp/cli/exit.h"

namespace orp::cli {

domain::RegistrySet LoadDefinitions(std::string_view command, const std::string& dir) {
  std::filesystem::path path = dir;
  if (path.empty()) {
    std::error_code ec;
    std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    path = ValueOrFail(command, domain::FindRegistriesDirectory(ec ? "" : exe));
  }
  return ValueOrFail(command, domain::LoadRegistries(path));
}

security::Pseudonymiser OpenKeys(std::string_view command, std::string_view db,
                                 const std::string& key_file) {
  std::string path = key_file;
  if (path.empty() && db.starts_with("sqlite:") && db != "sqlite::memory:") {
    path = std::string(db.substr(7)) + ".key";
  }
  if (!path.empty()) return ValueOrFail(command, security::Pseudonymiser::OpenOrCreate(path));
  security::Pseudonymiser::Secret secret{};
  std::random_device random;
  for (auto& byte : secret) byte = static_cast<uint8_t>(random());
  return security::Pseudonymiser::FromSecret(secret);
}

}  // namespace orp::cli
