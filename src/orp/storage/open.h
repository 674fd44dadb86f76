// Opening a Store from a URL without naming a backend: the composition root (app/) registers
// each backend's opener under its scheme, and everything else calls Open. This keeps storage/
// free of any database driver (storage/sqlite registers itself from app/, never from here).
//
//   StoreFactory factory;
//   factory.Register("sqlite", sqlite::OpenStore);
//   auto store = factory.Open("sqlite:var/orp.db");   // or "sqlite::memory:"
//
// Every opener creates or upgrades the schema before returning (migrations at open).
// Errors: kInvalidArgument for a URL without a scheme or with an unregistered one (the message
// lists the registered schemes); otherwise whatever the backend returns.
// Thread safety: Register before sharing; Open is safe from several threads afterwards.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "orp/core/result.h"
#include "orp/storage/store.h"

namespace orp::storage {

// Receives the whole URL and the part after "scheme:" ("var/orp.db", ":memory:", "//host/db").
using Opener =
    std::function<Result<std::unique_ptr<Store>>(std::string_view url, std::string_view rest)>;

class StoreFactory {
 public:
  void Register(std::string scheme, Opener opener);
  Result<std::unique_ptr<Store>> Open(std::string_view url) const;

 private:
  std::map<std::string, Opener, std::less<>> openers_;
};

}  // namespace orp::storage
