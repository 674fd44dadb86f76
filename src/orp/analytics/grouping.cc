#include "orp/analytics/grouping.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <utility>

namespace orp::analytics {
namespace {

constexpr std::string_view kNotRecordedLabel = "(not recorded)";

const std::pair<std::string_view, GroupKind> kNames[] = {
    {"model", GroupKind::kModel},
    {"brand", GroupKind::kBrand},
    {"manufacturer", GroupKind::kManufacturer},
    {"device_type", GroupKind::kDeviceType},
    {"gtin", GroupKind::kGtin},
    {"construct", GroupKind::kConstruct},
    {"provider", GroupKind::kProvider},
    {"site", GroupKind::kSite},
    {"clinician", GroupKind::kClinician},
    {"indication", GroupKind::kIndication},
};

bool IsDeviceKind(GroupKind kind) {
  return kind == GroupKind::kModel || kind == GroupKind::kBrand ||
         kind == GroupKind::kManufacturer || kind == GroupKind::kDeviceType ||
         kind == GroupKind::kGtin || kind == GroupKind::kConstruct;
}

// One device's value of the attribute.
std::string DeviceValue(std::string_view gtin, GroupKind kind, const GroupLabels& labels) {
  if (gtin.empty()) return "(no GTIN)";
  if (kind == GroupKind::kGtin) return std::string(gtin);
  auto it = labels.models.find(gtin);
  if (it == labels.models.end()) return fmt::format("GTIN {}", gtin);
  const domain::DeviceModel& m = it->second;
  const std::string* value = &m.model;
  if (kind == GroupKind::kBrand) value = &m.brand;
  if (kind == GroupKind::kManufacturer) value = &m.manufacturer;
  if (kind == GroupKind::kDeviceType) value = &m.device_type;
  return value->empty() ? std::string(kNotRecordedLabel) : *value;
}

// "g1|g2|…" → the distinct values, sorted, joined by " + ".
std::string DeviceLabel(std::string_view key, GroupKind kind, const GroupLabels& labels) {
  std::set<std::string> values;
  size_t start = 0;
  while (true) {
    const size_t bar = key.find('|', start);
    values.insert(DeviceValue(key.substr(start, bar - start), kind, labels));
    if (bar == std::string_view::npos) break;
    start = bar + 1;
  }
  std::string label;
  for (const std::string& value : values) {
    if (!label.empty()) label += " + ";
    label += value;
  }
  return label;
}

std::string LabelOf(const std::string& text, GroupKind kind, const GroupLabels& labels) {
  if (IsDeviceKind(kind)) {
    return DeviceLabel(text, kind == GroupKind::kConstruct ? GroupKind::kModel : kind, labels);
  }
  if (kind == GroupKind::kProvider) {
    auto it = labels.provider_of_site.find(text);
    return it == labels.provider_of_site.end() ? text : it->second;
  }
  return text;
}

const CodedColumn* ColumnFor(const Cohort& cohort, const Grouping& grouping) {
  switch (grouping.kind) {
    case GroupKind::kConstruct: return &cohort.construct();
    case GroupKind::kProvider:
    case GroupKind::kSite: return &cohort.site();
    case GroupKind::kClinician: return &cohort.clinician();
    case GroupKind::kIndication: return &cohort.indication();
    case GroupKind::kField: return cohort.field(grouping.name);
    default: return &cohort.devices();
  }
}

// The label of each used slot (dictionary codes, then "not recorded"), by label.
std::map<std::string, std::vector<size_t>> SlotsByLabel(const CodedColumn* column,
                                                        const Grouping& grouping,
                                                        const GroupLabels& labels,
                                                        const std::vector<uint8_t>& used) {
  std::map<std::string, std::vector<size_t>> slots;
  const size_t codes = used.size() - 1;
  for (size_t c = 0; c <= codes; ++c) {
    if (!used[c]) continue;
    std::string label = c == codes ? std::string(kNotRecordedLabel)
                                   : LabelOf(column->dictionary.Label(static_cast<int32_t>(c)),
                                             grouping.kind, labels);
    slots[std::move(label)].push_back(c);
  }
  return slots;
}

// Group numbers in label order, per slot (-1 for unused slots), and the sorted labels.
std::pair<std::vector<int32_t>, std::vector<std::string>> NumberGroups(
    const CodedColumn* column, const Grouping& grouping, const GroupLabels& labels,
    const std::vector<uint8_t>& used) {
  std::vector<int32_t> group_of_slot(used.size(), -1);
  std::vector<std::string> sorted;
  for (auto& [label, slots] : SlotsByLabel(column, grouping, labels, used)) {
    for (size_t slot : slots) group_of_slot[slot] = static_cast<int32_t>(sorted.size());
    sorted.push_back(label);
  }
  return {std::move(group_of_slot), std::move(sorted)};
}

}  // namespace

Grouping ParseGrouping(std::string_view name) {
  for (const auto& [text, kind] : kNames) {
    if (text == name) return {kind, std::string(name)};
  }
  return {GroupKind::kField, std::string(name)};
}

Result<GroupLabels> LoadGroupLabels(storage::Reader& reader, const Cohort& cohort,
                                    const Grouping& grouping) {
  GroupLabels labels;
  if (IsDeviceKind(grouping.kind) && grouping.kind != GroupKind::kGtin) {
    ORP_RETURN_IF_ERROR(reader.ForEachDeviceModel([&](const domain::DeviceModel& model) {
      if (!model.valid_to) labels.models.insert_or_assign(model.device.text(), model);
      return true;
    }));
  }
  if (grouping.kind == GroupKind::kProvider) {
    const Dictionary& sites = cohort.site().dictionary;
    for (size_t code = 0; code < sites.size(); ++code) {
      const std::string& site = sites.Label(static_cast<int32_t>(code));
      auto parsed = domain::OdsSiteCode::Parse(site);
      if (!parsed) continue;
      auto organisation = reader.FindOrganisationOfSite(*parsed);
      if (!organisation) return std::unexpected(organisation.error());
      if (*organisation) labels.provider_of_site[site] = (*organisation)->code.code();
    }
  }
  return labels;
}

Result<GroupAssignment> AssignGroups(const Cohort& cohort, const Grouping& grouping,
                                     const GroupLabels& labels, bool known_field) {
  const CodedColumn* column = ColumnFor(cohort, grouping);
  if (column == nullptr && !known_field) {
    return InvalidArgument(fmt::format(
        "--by {}: not a grouping (model, brand, manufacturer, device_type, gtin, construct, "
        "provider, site, clinician, indication) and no procedure records a field of that name",
        grouping.name));
  }
  // Slot per dictionary code, the last one for "not recorded".
  const size_t codes = column ? column->dictionary.size() : 0;
  auto slot = [&](size_t row) {
    const int32_t code = column && row < column->codes.size() ? column->codes[row] : kNotRecorded;
    return code == kNotRecorded ? codes : static_cast<size_t>(code);
  };
  const std::span<const uint8_t> live = cohort.live();
  std::vector<uint8_t> used(codes + 1, 0);
  for (size_t row = 0; row < live.size(); ++row) {
    if (live[row]) used[slot(row)] = 1;
  }
  auto [group_of_slot, sorted] = NumberGroups(column, grouping, labels, used);
  GroupAssignment out;
  out.labels = std::move(sorted);
  out.group.resize(live.size(), -1);
  for (size_t row = 0; row < live.size(); ++row) {
    if (live[row]) out.group[row] = group_of_slot[slot(row)];
  }
  return out;
}

}  // namespace orp::analytics
