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
  return DecodeImplant(s, first);
}

}  // namespace orp::storage::sql
