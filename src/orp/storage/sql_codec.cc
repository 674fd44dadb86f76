#include "orp/storage/sql_codec.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace orp::storage::sql {

std::string JoinList(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ';';
    out += item;
  }
  return out;
}

std::vector<std::string> SplitList(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    size_t semi = text.find(';');
    out.emplace_back(text.substr(0, semi));
    if (semi == std::string_view::npos) break;
    text.remove_prefix(semi + 1);
  }
  return out;
}

std::string Placeholders(int first, size_t count) {
  std::string out;
  for (size_t i = 0; i < count; ++i) {
    out += fmt::format("{}?{}", i ? ", " : "", first + static_cast<int>(i));
  }
  return out;
}

Result<domain::Submission> ReadSubmission(const Statement& s, int first) {
  domain::Submission m;
  m.id.value = s.Int(first);
  m.idempotency_key = s.Text(first + 1);
  m.submitter = s.Text(first + 2);
  m.registry = s.Text(first + 3);
  m.received_at = InstantOf(s.Int(first + 4));
  auto status = domain::ParseSubmissionStatus(s.Text(first + 5));
  if (!status) return DataLoss("stored submission status: " + status.error().message());
  m.status = *status;
  m.received = s.Int(first + 6);
  m.accepted = s.Int(first + 7);
  m.rejected = s.Int(first + 8);
  return m;
}

Result<domain::Finding> ReadFinding(const Statement& s, int first) {
  auto severity = domain::ParseSeverity(s.Text(first + 4));
  if (!severity) return DataLoss("stored severity: " + severity.error().message());
  return domain::Finding{s.Int(first),      s.Text(first + 1), s.Text(first + 2),
                         s.Text(first + 3), *severity,         s.Text(first + 5)};
}

Result<std::map<std::string, std::string>> DecodeFields(const std::string& text) {
  if (text == "{}") return std::map<std::string, std::string>{};
  try {
    return nlohmann::json::parse(text).get<std::map<std::string, std::string>>();
  } catch (const nlohmann::json::exception& e) {
    return DataLoss(fmt::format("stored registry fields are not a JSON object: {}", e.what()));
  }
}

Result<domain::Implant> ReadImplantColumns(const Statement& s, int first) {
  const int c = first;
  domain::Implant m;
  m.id.value = s.Int(c);
  m.procedure.value = s.Int(c + 1);
  if (!s.IsNull(c + 2)) {
    auto device = ParseRequired<domain::DeviceId>(
        s.Text(c + 2), [](std::string_view t) { return domain::DeviceId::Parse(t); }, "implant DI");
    if (!device) return std::unexpected(device.error());
    if (auto gtin = device->gtin()) {
      m.gtin = std::move(*gtin);
    } else {
      m.other_di = std::move(*device);
    }
  }
  m.lot = s.Text(c + 3);
  m.serial = s.Text(c + 4);
  m.expiry = OptionalDate(s, c + 5);
  m.raw_scan = s.Text(c + 6);
  auto action = ParseRequired<domain::DeviceAction>(s.Text(c + 7), domain::ParseDeviceAction,
                                                    "device action");
  if (!action) return std::unexpected(action.error());
  m.action = *action;
  auto laterality =
      ParseStored<domain::Laterality>(s.Text(c + 8), domain::ParseLaterality, "implant laterality");
  if (!laterality) return std::unexpected(laterality.error());
  m.laterality = *laterality;
  m.in_situ = s.Int(c + 9) != 0;
  if (!s.IsNull(c + 10)) m.removed_by = domain::ProcedureId{s.Int(c + 10)};
  m.removed_on = OptionalDate(s, c + 11);
  auto fields = DecodeFields(s.Text(c + 12));
  if (!fields) return std::unexpected(fields.error());
  m.fields = std::move(*fields);
  return m;
}

}  // namespace orp::storage::sql
