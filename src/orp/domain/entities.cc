#include "orp/domain/entities.h"

#include <fmt/format.h>

#include <charconv>
#include <utility>

namespace orp::domain {
namespace {

// One table per enum: the value and its stable name. Parse and Name both read it, so they
// cannot disagree.
template <typename E, size_t N>
using NameTable = std::array<std::pair<E, std::string_view>, N>;

constexpr NameTable<ProcedureType, 4> kProcedureTypes{{{ProcedureType::kPrimary, "primary"},
                                                       {ProcedureType::kRevision, "revision"},
                                                       {ProcedureType::kExplant, "explant"},
                                                       {ProcedureType::kOther, "other"}}};
constexpr NameTable<DeviceAction, 2> kDeviceActions{
    {{DeviceAction::kImplanted, "implanted"}, {DeviceAction::kExplanted, "explanted"}}};
constexpr NameTable<OutcomeKind, 6> kOutcomeKinds{{{OutcomeKind::kDeath, "death"},
                                                   {OutcomeKind::kRevision, "revision"},
                                                   {OutcomeKind::kExplant, "explant"},
                                                   {OutcomeKind::kComplication, "complication"},
                                                   {OutcomeKind::kReadmission, "readmission"},
                                                   {OutcomeKind::kOther, "other"}}};
constexpr NameTable<Severity, 2> kSeverities{
    {{Severity::kError, "error"}, {Severity::kWarning, "warning"}}};
constexpr NameTable<SubmissionStatus, 4> kSubmissionStatuses{
    {{SubmissionStatus::kPending, "pending"},
     {SubmissionStatus::kAccepted, "accepted"},
     {SubmissionStatus::kPartiallyAccepted, "partially_accepted"},
     {SubmissionStatus::kRejected, "rejected"}}};
constexpr NameTable<MarketStatus, 3> kMarketStatuses{{{MarketStatus::kOnMarket, "on-market"},
                                                      {MarketStatus::kWithdrawn, "withdrawn"},
                                                      {MarketStatus::kRecalled, "recalled"}}};

template <typename E, size_t N>
std::string_view NameIn(const NameTable<E, N>& table, E value) {
  for (const auto& [v, name] : table) {
    if (v == value) return name;
  }
  return "unknown";
}

template <typename E, size_t N>
Result<E> ParseIn(const NameTable<E, N>& table, std::string_view what, std::string_view text) {
  std::string choices;
  for (const auto& [v, name] : table) {
    if (name == text) return v;
    choices += choices.empty() ? "" : "|";
    choices += name;
  }
  return InvalidArgument(fmt::format("{} '{}' is not one of {}", what, text, choices));
}

}  // namespace

std::string Pseudonym::Hex() const {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(64, '0');
  for (size_t i = 0; i < bytes.size(); ++i) {
    out[2 * i] = kDigits[bytes[i] >> 4];
    out[2 * i + 1] = kDigits[bytes[i] & 0xf];
  }
  return out;
}

Result<Pseudonym> Pseudonym::FromHex(std::string_view hex) {
  Pseudonym pseudonym;
  bool ok = hex.size() == 64;
  for (size_t i = 0; ok && i < pseudonym.bytes.size(); ++i) {
    auto [end, ec] =
        std::from_chars(hex.data() + 2 * i, hex.data() + 2 * i + 2, pseudonym.bytes[i], 16);
    ok = ec == std::errc() && end == hex.data() + 2 * i + 2;
  }
  if (!ok) return InvalidArgument("pseudonym: expected 64 hexadecimal digits");
  return pseudonym;
}

std::string_view Name(ProcedureType value) { return NameIn(kProcedureTypes, value); }
std::string_view Name(DeviceAction value) { return NameIn(kDeviceActions, value); }
std::string_view Name(OutcomeKind value) { return NameIn(kOutcomeKinds, value); }
std::string_view Name(Severity value) { return NameIn(kSeverities, value); }
std::string_view Name(SubmissionStatus value) { return NameIn(kSubmissionStatuses, value); }
std::string_view Name(MarketStatus value) { return NameIn(kMarketStatuses, value); }

Result<ProcedureType> ParseProcedureType(std::string_view text) {
  return ParseIn(kProcedureTypes, "procedure_type", text);
}
Result<DeviceAction> ParseDeviceAction(std::string_view text) {
  return ParseIn(kDeviceActions, "device_action", text);
}
Result<OutcomeKind> ParseOutcomeKind(std::string_view text) {
  return ParseIn(kOutcomeKinds, "outcome kind", text);
}
Result<Severity> ParseSeverity(std::string_view text) {
  return ParseIn(kSeverities, "severity", text);
}
Result<SubmissionStatus> ParseSubmissionStatus(std::string_view text) {
  return ParseIn(kSubmissionStatuses, "submission status", text);
}
Result<MarketStatus> ParseMarketStatus(std::string_view text) {
  return ParseIn(kMarketStatuses, "market status", text);
}

std::optional<DeviceId> DeviceIdOf(const Implant& implant) {
  if (implant.gtin) return DeviceId(*implant.gtin);
  return implant.other_di;
}

}  // namespace orp::domain
