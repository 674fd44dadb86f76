#include "orp/storage/recall.h"

#include <fmt/format.h>

#include <array>
#include <utility>

namespace orp::storage {
namespace {

template <typename E, size_t N>
Result<E> ParseName(std::string_view text,
                    const std::array<std::pair<E, std::string_view>, N>& names,
                    std::string_view what) {
  std::string choices;
  for (const auto& [value, name] : names) {
    if (name == text) return value;
    choices += fmt::format("{}'{}'", choices.empty() ? "" : ", ", name);
  }
  return InvalidArgument(fmt::format("{} '{}' is not one of {}", what, text, choices));
}

constexpr std::array<std::pair<RecallStatus, std::string_view>, 2> kStatusNames = {
    {{RecallStatus::kOpen, "open"}, {RecallStatus::kClosed, "closed"}}};
constexpr std::array<std::pair<RecallStage, std::string_view>, 4> kStageNames = {
    {{RecallStage::kIdentified, "identified"},
     {RecallStage::kContacted, "contacted"},
     {RecallStage::kReviewed, "reviewed"},
     {RecallStage::kConcluded, "concluded"}}};
constexpr std::array<std::pair<RecallOutcome, std::string_view>, 4> kOutcomeNames = {
    {{RecallOutcome::kNone, ""},
     {RecallOutcome::kNoAction, "no-action"},
     {RecallOutcome::kMonitoring, "monitoring"},
     {RecallOutcome::kExplanted, "explanted"}}};

template <typename E, size_t N>
std::string_view NameOf(E value, const std::array<std::pair<E, std::string_view>, N>& names) {
  for (const auto& [v, name] : names) {
    if (v == value) return name;
  }
  return "";
}

}  // namespace

std::string_view Name(RecallStatus value) { return NameOf(value, kStatusNames); }
std::string_view Name(RecallStage value) { return NameOf(value, kStageNames); }
std::string_view Name(RecallOutcome value) { return NameOf(value, kOutcomeNames); }

Result<RecallStatus> ParseRecallStatus(std::string_view text) {
  return ParseName(text, kStatusNames, "recall status");
}
Result<RecallStage> ParseRecallStage(std::string_view text) {
  return ParseName(text, kStageNames, "recall stage");
}
Result<RecallOutcome> ParseRecallOutcome(std::string_view text) {
  return ParseName(text, kOutcomeNames, "recall outcome");
}

}  // namespace orp::storage
