#include <cmath>
#include <nlohmann/json.hpp>

#include "orp/proms/participation.h"

namespace orp::proms {
namespace {

using Json = nlohmann::ordered_json;

// A rate of individuals for the audience: exact at the national audience (as before disclosure
// control existed), else from the controlled counts, rounded to the places the policy allows.
std::optional<double> RateFor(int numerator, int denominator, stats::Audience audience,
                              const stats::DisclosurePolicy& policy) {
  if (!stats::Controls(audience, policy))
    return denominator > 0 ? static_cast<double>(numerator) / denominator : 0.0;
  const stats::ControlledPercentage pct =
      stats::ControlPercentage(numerator, denominator, audience, policy);
  if (!pct.value) return denominator > 0 ? std::nullopt : std::optional<double>(0.0);
  const double scale = pct.decimals == 1 ? 10.0 : 1.0;
  return std::round(*pct.value * scale) / scale / 100.0;
}

// The funnel point for the audience: gone with a suppressed count, y the published rate.
std::optional<stats::FunnelPoint> FunnelFor(const std::optional<stats::FunnelPoint>& point,
                                            int numerator, int denominator,
                                            const std::optional<double>& rate,
                                            stats::Audience audience,
                                            const stats::DisclosurePolicy& policy) {
  if (!point || !stats::Controls(audience, policy)) return point;
  if (!rate || stats::SuppressesDerived(numerator, audience, policy) ||
      stats::SuppressesDerived(denominator, audience, policy))
    return std::nullopt;
  stats::FunnelPoint published = *point;
  published.y = *rate;
  return published;
}

PublishedParticipation Publish(std::string provider, int invited, int responded, int primaries,
                               int pre_op, const std::optional<stats::FunnelPoint>& response,
                               const std::optional<stats::FunnelPoint>& pre_op_point,
                               stats::Audience audience) {
  const stats::DisclosurePolicy policy;
  PublishedParticipation p;
  p.provider = std::move(provider);
  p.invited = stats::ControlCount(invited, audience, policy);
  p.responded = stats::ControlCount(responded, audience, policy);
  p.primaries = stats::ControlCount(primaries, audience, policy);
  p.pre_op_returned = stats::ControlCount(pre_op, audience, policy);
  p.response_rate = RateFor(responded, invited, audience, policy);
  p.pre_op_rate = RateFor(pre_op, primaries, audience, policy);
  p.response_funnel = FunnelFor(response, responded, invited, p.response_rate, audience, policy);
  p.pre_op_funnel = FunnelFor(pre_op_point, pre_op, primaries, p.pre_op_rate, audience, policy);
  return p;
}

Json CountJson(const stats::ControlledCount& count) {
  return count.value ? Json(*count.value) : Json(nullptr);
}

Json RateJson(const std::optional<double>& rate) { return rate ? Json(*rate) : Json(nullptr); }

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

Json CurveJson(const std::vector<stats::FunnelLimits>& curve) {
  Json out = Json::array();
  for (const stats::FunnelLimits& l : curve) {
    out.push_back({{"size", l.size},
                   {"lower998", l.lower998},
                   {"lower95", l.lower95},
                   {"upper95", l.upper95},
                   {"upper998", l.upper998}});
  }
  return out;
}

}  // namespace

std::vector<PublishedParticipation> PublishParticipation(
    const ParticipationReport& report, stats::Audience audience,
    const std::function<bool(const std::string&)>& keep) {
  std::vector<PublishedParticipation> rows;
  for (const ProviderParticipation& p : report.providers) {
    if (keep && !keep(p.provider)) continue;
    rows.push_back(Publish(p.provider, p.invited, p.responded, p.primaries, p.pre_op_returned,
                           p.response_funnel, p.pre_op_funnel, audience));
  }
  rows.push_back(Publish("national", report.invited, report.responded, report.primaries,
                         report.pre_op_returned, std::nullopt, std::nullopt, audience));
  return rows;
}

std::string ParticipationJson(const ParticipationReport& report,
                              const std::function<bool(const std::string&)>& keep,
                              stats::Audience audience) {
  std::vector<PublishedParticipation> rows = PublishParticipation(report, audience, keep);
  const PublishedParticipation& total = rows.back();
  Json providers = Json::array();
  for (size_t k = 0; k + 1 < rows.size(); ++k) {
    const PublishedParticipation& p = rows[k];
    providers.push_back({{"provider", p.provider},
                         {"invited", CountJson(p.invited)},
                         {"responded", CountJson(p.responded)},
                         {"response_rate", RateJson(p.response_rate)},
                         {"primaries", CountJson(p.primaries)},
                         {"pre_op_returned", CountJson(p.pre_op_returned)},
                         {"pre_op_rate", RateJson(p.pre_op_rate)},
                         {"response_funnel", FunnelJson(p.response_funnel)},
                         {"pre_op_funnel", FunnelJson(p.pre_op_funnel)}});
  }
  Json national = {{"invited", CountJson(total.invited)},
                   {"responded", CountJson(total.responded)},
                   {"response_rate", RateJson(total.response_rate)},
                   {"primaries", CountJson(total.primaries)},
                   {"pre_op_returned", CountJson(total.pre_op_returned)},
                   {"pre_op_rate", RateJson(total.pre_op_rate)}};
  Json out = {{"registry", report.registry.empty() ? Json(nullptr) : Json(report.registry)},
              {"audience", stats::AudienceName(audience)},
              {"national", std::move(national)},
              {"providers", std::move(providers)},
              {"response_limits", CurveJson(report.response_limits)},
              {"pre_op_limits", CurveJson(report.pre_op_limits)}};
  return out.dump(2);
}

}  // namespace orp::proms
