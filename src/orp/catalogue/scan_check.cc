#include "orp/catalogue/scan_check.h"

#include <fmt/format.h>

namespace orp::catalogue {
namespace {

std::string Describe(const DeviceModel& m) {
  std::string name = m.brand.empty() ? m.manufacturer : m.manufacturer + " " + m.brand;
  if (!m.model.empty()) name += " " + m.model;
  return name;
}

std::string Registries(const DeviceModel& m) {
  std::string out;
  for (const std::string& code : m.registries) out += (out.empty() ? "" : ", ") + code;
  return out;
}

}  // namespace

std::vector<udi::Finding> CheckScan(const Catalogue& catalogue, const udi::ParsedUdi& scan,
                                    const ScanContext& context) {
  using udi::MakeFinding;
  using udi::Severity;
  std::vector<udi::Finding> findings;
  if (scan.expiry && *scan.expiry < context.procedure_date) {
    findings.push_back(
        MakeFinding("catalogue.expired", Severity::kError,
                    fmt::format("the device expired on {}, before the procedure on {}",
                                FormatIsoDate(*scan.expiry), FormatIsoDate(context.procedure_date)),
                    "expiry"));
  }
  const DeviceModel* model =
      scan.di.empty() ? nullptr
                      : catalogue.FindAsOf(scan.di, context.procedure_date, context.known_on);
  // A model first recorded after the procedure date (a file listing only its recall, say) is
  // still known: describe it by its earliest version but judge no status it did not yet have.
  auto history = catalogue.History(scan.di);
  bool in_effect = model != nullptr;
  if (!in_effect && !history.empty()) model = &history.front();
  if (model == nullptr) {
    findings.push_back(MakeFinding(
        "catalogue.unknown_di", Severity::kWarning,
        scan.di.empty() ? std::string("the label gives no device identifier to look up")
                        : fmt::format("device identifier {} is not in the catalogue", scan.di),
        "di"));
    return findings;
  }
  if (in_effect && model->market_status == MarketStatus::kRecalled) {
    findings.push_back(MakeFinding(
        "catalogue.recalled", Severity::kError,
        fmt::format("{} ({}) is recalled{}{}", Describe(*model), model->di,
                    model->status_date ? " since " + FormatIsoDate(*model->status_date) : "",
                    model->fsn_reference.empty() ? "" : " (" + model->fsn_reference + ")"),
        "di"));
  } else if (in_effect && model->market_status == MarketStatus::kWithdrawn) {
    findings.push_back(MakeFinding(
        "catalogue.withdrawn", Severity::kWarning,
        fmt::format("{} ({}) has been withdrawn from the market{}", Describe(*model), model->di,
                    model->status_date ? " since " + FormatIsoDate(*model->status_date) : ""),
        "di"));
  }
  if (!context.registry.empty() && !model->registries.empty() &&
      !model->InRegistry(context.registry)) {
    findings.push_back(
        MakeFinding("catalogue.wrong_registry", Severity::kWarning,
                    fmt::format("{} ({}) is declared for {}, not {}", Describe(*model), model->di,
                                Registries(*model), context.registry),
                    "di"));
  }
  return findings;
}

}  // namespace orp::catalogue
