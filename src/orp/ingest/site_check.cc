#include "orp/ingest/site_check.h"

#include <fmt/format.h>

namespace orp::ingest {
namespace {

void Warn(std::vector<domain::Finding>& findings, const ValidatedProcedure& v, std::string rule,
          std::string message) {
  findings.push_back({v.row, v.procedure.procedure_ref, "provider_site", std::move(rule),
                      domain::Severity::kWarning, std::move(message)});
}

}  // namespace

Result<SiteCheck> SiteCheck::Create(storage::Reader& store) {
  Result<std::optional<storage::OdsLoad>> load = store.LastOdsLoad();
  if (!load) return std::unexpected(load.error());
  return SiteCheck(load->has_value());
}

Result<void> SiteCheck::Apply(const ValidatedProcedure& v, storage::Reader& reader,
                              std::vector<domain::Finding>& findings) {
  if (!active_ || !v.procedure.provider_site || v.procedure.provider_site->IsDefaultCode()) {
    return {};
  }
  const std::string& code = v.procedure.provider_site->code();
  auto it = cache_.find(code);
  if (it == cache_.end()) {
    Result<std::optional<storage::OdsRecord>> site = reader.FindOdsSite(code);
    if (!site) return std::unexpected(site.error());
    it = cache_.emplace(code, std::move(*site)).first;
  }
  const std::optional<storage::OdsRecord>& site = it->second;
  const Date on = v.procedure.date;
  if (!site) {
    Warn(findings, v, "provider_site.unknown",
         fmt::format("provider_site {} is not in the ODS reference data", code));
  } else if (site->closed && *site->closed < on) {
    Warn(findings, v, "provider_site.closed",
         fmt::format("provider_site {} closed on {} (ODS), before the procedure date {}", code,
                     FormatIsoDate(*site->closed), FormatIsoDate(on)));
  } else if (site->opened && on < *site->opened) {
    Warn(findings, v, "provider_site.not_open",
         fmt::format("provider_site {} opened on {} (ODS), after the procedure date {}", code,
                     FormatIsoDate(*site->opened), FormatIsoDate(on)));
  }
  return {};
}

}  // namespace orp::ingest
