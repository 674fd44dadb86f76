#include "orp/cli/recall_options.h"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "orp/cli/exit.h"
#include "orp/recall/campaign.h"
#include "orp/security/audit.h"
#include "orp/storage/store.h"

namespace orp::cli {
namespace {

std::optional<Date> DateFlag(std::string_view command, const std::string& text,
                             std::string_view flag) {
  if (text.empty()) return std::nullopt;
  auto date = ParseIsoDate(text);
  if (!date) Fail(command, date.error().WithContext(std::string(flag)));
  return *date;
}

}  // namespace

void AddCriteriaFlags(CLI::App* cmd, CriteriaFlags& f) {
  cmd->add_option("--gtin,--di", f.gtins, "Device model by UDI-DI (GTIN or HIBCC); repeatable");
  cmd->add_option("--catalogue-number", f.catalogue_numbers,
                  "Device model by catalogue number (REF) in the catalogue; repeatable");
  cmd->add_option("--lot", f.lots, "Lot or batch; repeatable");
  cmd->add_option("--serial-from", f.serial_from, "First serial of a range (inclusive)");
  cmd->add_option("--serial-to", f.serial_to, "Last serial of a range (inclusive)");
  cmd->add_option("--serial-order", f.serial_order,
                  "natural (digit runs by number, the default) or text (byte order)");
  cmd->add_option("--expiry-from", f.expiry_from, "Expiry on or after (YYYY-MM-DD)");
  cmd->add_option("--expiry-to", f.expiry_to, "Expiry on or before");
  cmd->add_option("--produced-from", f.produced_from,
                  "Production date on or after (from the label)");
  cmd->add_option("--produced-to", f.produced_to, "Production date on or before");
  cmd->add_option("--implanted-from", f.implanted_from, "Implanted on or after");
  cmd->add_option("--implanted-to", f.implanted_to, "Implanted on or before");
  cmd->add_option("--criteria", f.criteria,
                  "Criteria as JSON (docs: src/orp/recall/criteria.h), or @FILE; instead of flags");
}

recall::Criteria CriteriaOrFail(std::string_view command, const CriteriaFlags& f) {
  if (!f.criteria.empty()) {
    std::string text = f.criteria;
    if (text.starts_with('@')) {
      std::ifstream in(text.substr(1));
      if (!in) Fail(command, Error(ErrorCode::kNotFound, "cannot read " + text.substr(1)));
      std::stringstream buffer;
      buffer << in.rdbuf();
      text = buffer.str();
    }
    return ValueOrFail(command, recall::ParseCriteriaJson(text));
  }
  recall::Criteria c;
  c.device_ids = f.gtins;
  c.catalogue_numbers = f.catalogue_numbers;
  c.lots = f.lots;
  if (!f.serial_from.empty() || !f.serial_to.empty()) {
    auto order = ValueOrFail(command, recall::ParseSerialOrder(f.serial_order, "--serial-order"));
    c.serials.push_back({f.serial_from, f.serial_to, order});
  }
  c.expiry = {DateFlag(command, f.expiry_from, "--expiry-from"),
              DateFlag(command, f.expiry_to, "--expiry-to")};
  c.production = {DateFlag(command, f.produced_from, "--produced-from"),
                  DateFlag(command, f.produced_to, "--produced-to")};
  c.implanted = {DateFlag(command, f.implanted_from, "--implanted-from"),
                 DateFlag(command, f.implanted_to, "--implanted-to")};
  return ValueOrFail(command, recall::Validate(std::move(c)));
}

recall::Access OperatorAccess(std::string purpose) {
  const char* user = std::getenv("USER");
  return {user != nullptr && *user != '\0' ? user : "operator", "operator", std::move(purpose), ""};
}

recall::AuditAppender AuditChainAppender() { return recall::SecurityAuditAppender(); }

void SyncRecallsAfterIngest(std::string_view command, storage::Store& store) {
  auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  auto report = ValueOrFail(command, recall::SyncOpenRecalls(store, AuditChainAppender(), now));
  for (const auto& j : report.joined) {
    fmt::print(stderr,
               "recall {}: {} new patient(s) with {} implant(s) at {}: alert the provider\n",
               j.recall, j.patients, j.implants, j.provider);
  }
}

}  // namespace orp::cli
