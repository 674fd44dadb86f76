#include "orp/storage/signals.h"

#include <fmt/format.h>

#include <array>
#include <utility>

namespace orp::storage {
namespace {

constexpr std::array<std::pair<SignalStatus, std::string_view>, 4> kStatuses = {{
    {SignalStatus::kNew, "new"},
    {SignalStatus::kUnderReview, "under-review"},
    {SignalStatus::kConfirmed, "confirmed"},
    {SignalStatus::kDismissed, "dismissed"},
}};

constexpr std::array<std::pair<SignalUnitKind, std::string_view>, 5> kUnitKinds = {{
    {SignalUnitKind::kDeviceModel, "device-model"},
    {SignalUnitKind::kBrand, "brand"},
    {SignalUnitKind::kConstruct, "construct"},
    {SignalUnitKind::kSurgeon, "surgeon"},
    {SignalUnitKind::kHospital, "hospital"},
}};

}  // namespace

std::string_view SignalStatusName(SignalStatus status) {
  for (const auto& [s, name] : kStatuses)
    if (s == status) return name;
  return "new";
}

Result<SignalStatus> ParseSignalStatus(std::string_view name) {
  for (const auto& [s, n] : kStatuses)
    if (n == name) return s;
  return InvalidArgument(
      fmt::format("signal status '{}': choose new, under-review, confirmed or dismissed", name));
}

std::string_view SignalUnitKindName(SignalUnitKind kind) {
  for (const auto& [k, name] : kUnitKinds)
    if (k == kind) return name;
  return "device-model";
}

Result<SignalUnitKind> ParseSignalUnitKind(std::string_view name) {
  for (const auto& [k, n] : kUnitKinds)
    if (n == name) return k;
  return InvalidArgument(fmt::format(
      "signal unit kind '{}': choose device-model, brand, construct, surgeon or hospital", name));
}

}  // namespace orp::storage
