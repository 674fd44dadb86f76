#include <nlohmann/json.hpp>

#include "orp/proms/participation.h"

namespace orp::proms {
namespace {

using Json = nlohmann::ordered_json;

double Rate(int numerator, int denominator) {
  return denominator > 0 ? static_cast<double>(numerator) / denominator : 0.0;
}

Json FunnelJson(const std::optional<stats::FunnelPoint>& point) {
  if (!point) return nullptr;
  return {{"y", point->y},
          {"z", point->z},
          {"lower998", point->limits.lower998},
          {"lower95", point->limits.lower95},
          {"upper95", point->limits.upper95},
          {"upper998", point->limits.upper998},
          {"class", stats::FunnelClassName(point->classification)}};
}

}  // namespace

std::string ParticipationJson(const ParticipationReport& report,
                              const std::function<bool(const std::string&)>& keep) {
  Json providers = Json::array();
  for (const ProviderParticipation& p : report.providers) {
    if (keep && !keep(p.provider)) continue;
    providers.push_back({{"provider", p.provider},
                         {"invited", p.invited},
                         {"responded", p.responded},
                         {"response_rate", Rate(p.responded, p.invited)},
                         {"primaries", p.primaries},
                         {"pre_op_returned", p.pre_op_returned},
                         {"pre_op_rate", Rate(p.pre_op_returned, p.primaries)},
                         {"response_funnel", FunnelJson(p.response_funnel)},
                         {"pre_op_funnel", FunnelJson(p.pre_op_funnel)}});
  }
  Json national = {{"invited", report.invited},
                   {"responded", report.responded},
                   {"response_rate", report.response_rate},
                   {"primaries", report.primaries},
                   {"pre_op_returned", report.pre_op_returned},
                   {"pre_op_rate", report.pre_op_rate}};
  Json out = {{"registry", report.registry.empty() ? Json(nullptr) : Json(report.registry)},
              {"national", std::move(national)},
              {"providers", std::move(providers)}};
  return out.dump(2);
}

}  // namespace orp::proms
