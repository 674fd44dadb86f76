// SiteCheck: each accepted procedure's provider_site against the ODS reference data
// (`orp ods load`, storage/ods.h), once any ODS file has been loaded:
//   provider_site.unknown   warning: the site code is not in the reference data
//   provider_site.closed    warning: the site had closed before the procedure date
//   provider_site.not_open  warning: the site opened after the procedure date
// Warnings, not errors: reference data lags behind reality, and a data manager decides. The ODS
// defaults 89999 and 89997 (no site code of its own) are not looked up.
//
// Cost: one lookup per distinct site per submission (cached). Thread safety: one SiteCheck per
// pass, used from the thread that owns `reader`.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "orp/core/result.h"
#include "orp/ingest/validator.h"
#include "orp/storage/store.h"

namespace orp::ingest {

class SiteCheck {
 public:
  // Active only when `store` has had an ODS file loaded. Storage error codes.
  static Result<SiteCheck> Create(storage::Reader& store);

  bool active() const { return active_; }

  // Appends the procedure's site findings to `findings`. Storage error codes.
  Result<void> Apply(const ValidatedProcedure& procedure, storage::Reader& reader,
                     std::vector<domain::Finding>& findings);

 private:
  explicit SiteCheck(bool active) : active_(active) {}

  bool active_;
  std::map<std::string, std::optional<storage::OdsRecord>, std::less<>> cache_;
};

}  // namespace orp::ingest
