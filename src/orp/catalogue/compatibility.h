// Registry-declared device compatibility rules ([[compatibility]] in a registry definition,
// docs/registry-definitions.md) judged over the devices implanted in one procedure, with each
// device's attributes (manufacturer, brand, model, GTIN, device type) taken from the catalogue as
// of the procedure date. Shared by the ingest validator and any scan-time check.
//
// Semantics:
//   same_attribute  every device whose catalogue type is one of `device_types` has the same value
//                   of every attribute in `attributes` as the first such device. One finding per
//                   rule and procedure, naming the first device and each device that differs.
//   allowed_pairs   for device_types [A, B], every (A device, B device) pair has
//                   (A.attribute, B.attribute) in `pairs` (exact, case-sensitive). One finding per
//                   pair not allowed.
// A device's type is the catalogue's device type with spaces as underscores ("breast implant"
// matches "breast_implant"). A device whose DI is empty or not in the catalogue is skipped: the
// rule is judged over the known devices only, and the unknown DI is reported by
// catalogue.unknown_di instead. A model first recorded after the procedure date is described by
// its earliest version (as CheckScan does).
// The rule's `when` is a condition over the procedure record: the caller evaluates it and calls
// this only when it holds (or the rule has none).
// Findings name DIs (a GTIN, or a HIBCC DI) and catalogue attributes, never patient data.
// Thread safety: pure function of its arguments; the catalogue must not change meanwhile.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "orp/catalogue/catalogue.h"
#include "orp/core/date.h"
#include "orp/domain/record_enums.h"
#include "orp/domain/registry_definition.h"

namespace orp::catalogue {

struct CompatibilityFinding {
  std::string rule;  // the compatibility rule's id
  domain::Severity severity = domain::Severity::kError;
  std::vector<size_t> devices;   // indexes into the DIs passed in, the devices involved
  std::vector<std::string> dis;  // their DIs, same order
  std::string message;           // the rule's message, then what differs, then the rule id
};

// `implanted_dis`: the normalised DIs (catalogue::NormaliseDi) of the devices implanted in one
// procedure, empty for a device without a usable DI.
std::vector<CompatibilityFinding> CheckCompatibility(const Catalogue& catalogue,
                                                     const domain::CompatibilityRule& rule,
                                                     std::span<const std::string> implanted_dis,
                                                     Date procedure_date,
                                                     std::optional<Date> known_on = std::nullopt);

// A catalogue device type as a definition's device type code: spaces become underscores.
std::string DeviceTypeCode(std::string_view catalogue_type);

}  // namespace orp::catalogue
