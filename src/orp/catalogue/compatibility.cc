#include "orp/catalogue/compatibility.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

namespace orp::catalogue {
namespace {

struct Known {
  size_t index;
  const DeviceModel* model;
};

std::string AttributeValue(const DeviceModel& model, domain::DeviceAttribute attribute) {
  switch (attribute) {
    case domain::DeviceAttribute::kManufacturer: return model.manufacturer;
    case domain::DeviceAttribute::kBrand: return model.brand;
    case domain::DeviceAttribute::kModel: return model.model;
    case domain::DeviceAttribute::kGtin: return model.di;
    case domain::DeviceAttribute::kDeviceType: return DeviceTypeCode(model.device_type);
  }
  return {};
}

// The known devices of `device_type`, in input order.
std::vector<Known> DevicesOfType(const Catalogue& catalogue, std::span<const std::string> dis,
                                 std::string_view device_type, Date on,
                                 std::optional<Date> known_on) {
  std::vector<Known> out;
  for (size_t i = 0; i < dis.size(); ++i) {
    if (dis[i].empty()) continue;
    const DeviceModel* model = catalogue.FindAsOf(dis[i], on, known_on);
    if (model == nullptr) {
      auto history = catalogue.History(dis[i]);
      if (history.empty()) continue;
      model = &history.front();
    }
    if (DeviceTypeCode(model->device_type) == device_type) out.push_back({i, model});
  }
  return out;
}

// "GTIN 05012345678900" or "HIBCC DI A99912345".
std::string Named(std::string_view di) {
  return fmt::format("{} {}", AgencyOf(di) == domain::IssuingAgency::kGs1 ? "GTIN" : "HIBCC DI",
                     di);
}

// "GTIN 05012345678900 is Acme / Round 1": the device and its values of `attributes`.
std::string Describe(const DeviceModel& model,
                     std::span<const domain::DeviceAttribute> attributes) {
  std::vector<std::string> values;
  values.reserve(attributes.size());
  for (domain::DeviceAttribute a : attributes) values.push_back(AttributeValue(model, a));
  return fmt::format("{} is {}", Named(model.di), fmt::join(values, " / "));
}

void SameAttribute(const Catalogue& catalogue, const domain::CompatibilityRule& rule,
                   std::span<const std::string> dis, Date on, std::optional<Date> known_on,
                   std::vector<CompatibilityFinding>& out) {
  std::vector<Known> devices;
  for (const std::string& type : rule.device_types) {
    for (Known k : DevicesOfType(catalogue, dis, type, on, known_on)) devices.push_back(k);
  }
  std::sort(devices.begin(), devices.end(),
            [](const Known& a, const Known& b) { return a.index < b.index; });
  if (devices.size() < 2) return;
  auto same = [&](const DeviceModel& a, const DeviceModel& b) {
    return std::all_of(rule.attributes.begin(), rule.attributes.end(), [&](auto attribute) {
      return AttributeValue(a, attribute) == AttributeValue(b, attribute);
    });
  };
  CompatibilityFinding f{rule.id, rule.severity, {devices[0].index}, {dis[devices[0].index]}, {}};
  std::vector<std::string> others;
  for (size_t i = 1; i < devices.size(); ++i) {
    if (same(*devices[0].model, *devices[i].model)) continue;
    f.devices.push_back(devices[i].index);
    f.dis.push_back(dis[devices[i].index]);
    others.push_back(Describe(*devices[i].model, rule.attributes));
  }
  if (others.empty()) return;
  std::vector<std::string_view> names;
  names.reserve(rule.attributes.size());
  for (domain::DeviceAttribute a : rule.attributes) names.push_back(domain::NameOf(a));
  f.message = fmt::format("{}: {} but {} ({} must match; rule {})", rule.message,
                          Describe(*devices[0].model, rule.attributes), fmt::join(others, ", "),
                          fmt::join(names, ", "), rule.id);
  out.push_back(std::move(f));
}

void AllowedPairs(const Catalogue& catalogue, const domain::CompatibilityRule& rule,
                  std::span<const std::string> dis, Date on, std::optional<Date> known_on,
                  std::vector<CompatibilityFinding>& out) {
  if (rule.device_types.size() != 2) return;  // the loader requires exactly two
  const std::vector<Known> first =
      DevicesOfType(catalogue, dis, rule.device_types[0], on, known_on);
  const std::vector<Known> second =
      DevicesOfType(catalogue, dis, rule.device_types[1], on, known_on);
  const std::string_view attribute = domain::NameOf(rule.pair_attribute);
  for (const Known& a : first) {
    for (const Known& b : second) {
      std::pair<std::string, std::string> pair{AttributeValue(*a.model, rule.pair_attribute),
                                               AttributeValue(*b.model, rule.pair_attribute)};
      if (std::find(rule.allowed_pairs.begin(), rule.allowed_pairs.end(), pair) !=
          rule.allowed_pairs.end()) {
        continue;
      }
      out.push_back(
          {rule.id,
           rule.severity,
           {a.index, b.index},
           {dis[a.index], dis[b.index]},
           fmt::format("{}: {} {} ({} '{}') with {} {} ({} '{}') is not an allowed pair (rule {})",
                       rule.message, rule.device_types[0], Named(a.model->di), attribute,
                       pair.first, rule.device_types[1], Named(b.model->di), attribute, pair.second,
                       rule.id)});
    }
  }
}

}  // namespace

std::string DeviceTypeCode(std::string_view catalogue_type) {
  std::string out(catalogue_type);
  std::replace(out.begin(), out.end(), ' ', '_');
  return out;
}

std::vector<CompatibilityFinding> CheckCompatibility(const Catalogue& catalogue,
                                                     const domain::CompatibilityRule& rule,
                                                     std::span<const std::string> implanted_dis,
                                                     Date procedure_date,
                                                     std::optional<Date> known_on) {
  std::vector<CompatibilityFinding> out;
  switch (rule.kind) {
    case domain::CompatibilityKind::kSameAttribute:
      SameAttribute(catalogue, rule, implanted_dis, procedure_date, known_on, out);
      break;
    case domain::CompatibilityKind::kAllowedPairs:
      AllowedPairs(catalogue, rule, implanted_dis, procedure_date, known_on, out);
      break;
  }
  return out;
}

}  // namespace orp::catalogue
