// Grouping: which attribute of a cohort unit a survival analysis compares, and the label each
// unit gets. Device attributes come from the stored catalogue (Reader::ForEachDeviceModel, the
// current version of each GTIN); the provider is the organisation that owns the site (ODS
// reference data in the store), else the site code itself.
//
// Names (`--by`): model, brand, manufacturer, device_type, gtin, construct, provider, site,
// clinician, indication, or the name of a procedure-level registry field ("urgency"). A unit
// that covers several devices (a procedure unit, a construct) is labelled with the sorted,
// distinct values joined by " + ". A construct is the set of models implanted in the primary.
// Labels for missing values: "(not recorded)"; a GTIN the catalogue does not know:
// "GTIN <digits>"; a device without a GTIN: "(no GTIN)".
//
// Thread safety: plain values and pure functions over a const Cohort.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "orp/analytics/cohort.h"
#include "orp/core/result.h"
#include "orp/storage/store.h"

namespace orp::analytics {

enum class GroupKind {
  kModel,
  kBrand,
  kManufacturer,
  kDeviceType,
  kGtin,
  kConstruct,
  kProvider,
  kSite,
  kClinician,
  kIndication,
  kField,
};

struct Grouping {
  GroupKind kind = GroupKind::kModel;
  std::string name;  // as given: "model", or the registry field's name
};

// Never fails: a name that is not a built-in grouping is taken as a registry field (checked
// against the definition, when there is one, by SurvivalByGroup).
Grouping ParseGrouping(std::string_view name);

// The reference data labels come from, loaded once per analysis.
struct GroupLabels {
  std::map<std::string, domain::DeviceModel, std::less<>> models;  // by GTIN digits
  std::map<std::string, std::string, std::less<>> provider_of_site;
};
// Loads the catalogue's current versions and the organisation of every site in the cohort.
Result<GroupLabels> LoadGroupLabels(storage::Reader& reader, const Cohort& cohort,
                                    const Grouping& grouping);

// Each row's group (index into labels, -1 for a tombstoned row); labels sorted bytewise.
struct GroupAssignment {
  std::vector<int32_t> group;
  std::vector<std::string> labels;
};
// kInvalidArgument when a field grouping names a field no unit recorded and `known_field` is
// false (the caller knows from the definition whether the field exists at all).
Result<GroupAssignment> AssignGroups(const Cohort& cohort, const Grouping& grouping,
                                     const GroupLabels& labels, bool known_field);

}  // namespace orp::analytics
