// ODS reference data as the store keeps it (issue #4): organisations and their sites from the
// NHS Organisation Data Service files (`orp ods load`), with the dates they opened and closed, so
// ingest can report unknown site codes and sites closed on the procedure date.
//
// Thread safety: plain values.
#pragma once

#include <optional>
#include <string>

#include "orp/domain/entities.h"

namespace orp::storage {

enum class OdsKind { kOrganisation, kSite };

// One row of an ODS file. `parent` is the owning organisation's code for a site (empty for an
// organisation); closed is absent while the organisation or site is open.
struct OdsRecord {
  OdsKind kind = OdsKind::kOrganisation;
  std::string code;
  std::string name;
  std::string parent;
  std::string postcode;
  std::optional<Date> opened;
  std::optional<Date> closed;
  friend bool operator==(const OdsRecord&, const OdsRecord&) = default;
};

// One load of an ODS file.
struct OdsLoad {
  domain::Instant loaded_at{};
  std::string source_sha256;
  std::string loaded_by;
  int64_t records = 0;
  friend bool operator==(const OdsLoad&, const OdsLoad&) = default;
};

}  // namespace orp::storage
