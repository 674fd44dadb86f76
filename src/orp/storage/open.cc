#include "orp/storage/open.h"

#include <fmt/format.h>

namespace orp::storage {

void StoreFactory::Register(std::string scheme, Opener opener) {
  openers_[std::move(scheme)] = std::move(opener);
}

Result<std::unique_ptr<Store>> StoreFactory::Open(std::string_view url) const {
  std::string known;
  for (const auto& [scheme, opener] : openers_) {
    known += known.empty() ? "" : ", ";
    known += scheme + ":";
  }
  size_t colon = url.find(':');
  if (colon == std::string_view::npos || colon == 0) {
    return InvalidArgument(fmt::format(
        "database URL '{}' has no scheme; use one of: {} (e.g. sqlite:var/orp.db)", url, known));
  }
  auto it = openers_.find(url.substr(0, colon));
  if (it == openers_.end()) {
    return InvalidArgument(fmt::format("database scheme '{}' is not supported; use one of: {}",
                                       url.substr(0, colon), known));
  }
  return it->second(url, url.substr(colon + 1));
}

}  // namespace orp::storage
