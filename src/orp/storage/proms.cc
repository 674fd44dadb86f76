#include "orp/storage/proms.h"

#include <fmt/format.h>

#include <array>
#include <utility>

namespace orp::storage {
namespace {

constexpr std::array<std::pair<PromInvitationStatus, std::string_view>, 4> kInvitationNames = {{
    {PromInvitationStatus::kOpen, "open"},
    {PromInvitationStatus::kAnswered, "answered"},
    {PromInvitationStatus::kExpired, "expired"},
    {PromInvitationStatus::kWithdrawn, "withdrawn"},
}};
constexpr std::array<std::pair<PromMessageStatus, std::string_view>, 3> kMessageNames = {{
    {PromMessageStatus::kPending, "pending"},
    {PromMessageStatus::kSent, "sent"},
    {PromMessageStatus::kDead, "dead"},
}};

template <typename E, size_t N>
std::string_view NameIn(const std::array<std::pair<E, std::string_view>, N>& names, E value) {
  for (const auto& [e, name] : names) {
    if (e == value) return name;
  }
  return "?";
}

template <typename E, size_t N>
Result<E> ParseIn(const std::array<std::pair<E, std::string_view>, N>& names, std::string_view text,
                  std::string_view what) {
  for (const auto& [e, name] : names) {
    if (name == text) return e;
  }
  return InvalidArgument(fmt::format("unknown {} status '{}'", what, text));
}

}  // namespace

std::string_view PromInvitationStatusName(PromInvitationStatus status) {
  return NameIn(kInvitationNames, status);
}
Result<PromInvitationStatus> ParsePromInvitationStatus(std::string_view name) {
  return ParseIn(kInvitationNames, name, "invitation");
}
std::string_view PromMessageStatusName(PromMessageStatus status) {
  return NameIn(kMessageNames, status);
}
Result<PromMessageStatus> ParsePromMessageStatus(std::string_view name) {
  return ParseIn(kMessageNames, name, "message");
}

}  // namespace orp::storage
