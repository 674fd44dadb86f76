#include "orp/proms/participation.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace orp::proms {
namespace {

// The provider organisation of a site, as the API and ingest name it (cached per site).
class ProviderOf {
 public:
  explicit ProviderOf(storage::Reader& reader) : reader_(reader) {}
  std::string operator()(const std::optional<domain::OdsSiteCode>& site) {
    if (!site) return "unknown";
    auto it = cache_.find(site->code());
    if (it != cache_.end()) return it->second;
    auto stored = reader_.FindOrganisationOfSite(*site);
    std::string code = stored && *stored ? (*stored)->code.code() : site->code().substr(0, 3);
    return cache_[site->code()] = code;
  }

 private:
  storage::Reader& reader_;
  std::map<std::string, std::string> cache_;
};

double Rate(int numerator, int denominator) {
  return denominator > 0 ? static_cast<double>(numerator) / denominator : 0.0;
}

// The limits of `plot` at kCurvePoints denominators spread evenly on a log scale from 1 to a
// fifth past the largest, for drawing the funnel's curves.
constexpr int kCurvePoints = 40;
Result<std::vector<stats::FunnelLimits>> Curve(const stats::FunnelPlot& plot, double largest) {
  std::vector<stats::FunnelLimits> curve;
  const double top = std::log(std::max(2.0, largest * 1.2));
  for (int k = 0; k < kCurvePoints; ++k) {
    const double size = std::round(std::exp(top * k / (kCurvePoints - 1)));
    if (!curve.empty() && size <= curve.back().size) continue;
    auto limits = stats::LimitsAt(plot, size);
    if (!limits) return std::unexpected(limits.error());
    curve.push_back(*limits);
  }
  return curve;
}

// One funnel over the providers with a denominator; fills `slot` of each and the limit `curve`.
Result<void> Funnel(std::vector<ProviderParticipation>& providers, int ProviderParticipation::*num,
                    int ProviderParticipation::*den,
                    std::optional<stats::FunnelPoint> ProviderParticipation::*slot,
                    std::vector<stats::FunnelLimits>& curve) {
  std::vector<double> observed, size;
  std::vector<ProviderParticipation*> placed;
  for (ProviderParticipation& p : providers) {
    if (p.*den == 0) continue;
    observed.push_back(p.*num);
    size.push_back(p.*den);
    placed.push_back(&p);
  }
  if (placed.empty()) return {};
  double total_observed = 0, total_size = 0;
  for (size_t i = 0; i < observed.size(); ++i) {
    total_observed += observed[i];
    total_size += size[i];
  }
  // A pooled rate of 0 or 1 has no funnel (every provider is on the target).
  if (total_observed <= 0 || total_observed >= total_size) return {};
  stats::FunnelOptions options;
  options.indicator = stats::FunnelIndicator::kProportion;
  auto plot = stats::MakeFunnelPlot(observed, size, options);
  if (!plot) return std::unexpected(plot.error());
  for (size_t i = 0; i < placed.size(); ++i) placed[i]->*slot = plot->points[i];
  auto drawn = Curve(*plot, *std::max_element(size.begin(), size.end()));
  if (!drawn) return std::unexpected(drawn.error());
  curve = std::move(*drawn);
  return {};
}

}  // namespace

Result<ParticipationReport> Participation(storage::Reader& reader, std::string_view registry) {
  ProviderOf provider_of(reader);
  std::map<int64_t, std::string> provider_of_procedure;
  std::map<std::string, ProviderParticipation> by_provider;
  std::set<int64_t> primaries;
  auto streamed =
      reader.ForEachProcedure({std::string(registry), 0}, [&](const domain::Procedure& p) {
        std::string provider = provider_of(p.provider_site);
        provider_of_procedure[p.id.value] = provider;
        ProviderParticipation& row = by_provider[provider];
        row.provider = provider;
        if (p.type == domain::ProcedureType::kPrimary) {
          ++row.primaries;
          primaries.insert(p.id.value);
        }
        return true;
      });
  if (!streamed) return std::unexpected(streamed.error());
  auto invitations = reader.ListPromInvitations({std::string(registry), std::nullopt});
  if (!invitations) return std::unexpected(invitations.error());
  for (const storage::PromInvitation& i : *invitations) {
    auto it = provider_of_procedure.find(i.procedure.value);
    if (it == provider_of_procedure.end()) continue;  // a superseded or deleted procedure
    ProviderParticipation& row = by_provider[it->second];
    ++row.invited;
    if (i.status == storage::PromInvitationStatus::kAnswered) ++row.responded;
  }
  auto responses = reader.ListPromResponses(registry);
  if (!responses) return std::unexpected(responses.error());
  std::set<int64_t> with_pre_op;
  for (const storage::PromResponse& r : *responses) {
    if (r.months == 0 && primaries.contains(r.procedure.value))
      with_pre_op.insert(r.procedure.value);
  }
  for (int64_t procedure : with_pre_op)
    ++by_provider[provider_of_procedure[procedure]].pre_op_returned;

  ParticipationReport report;
  report.registry = std::string(registry);
  for (auto& [code, row] : by_provider) {
    report.invited += row.invited;
    report.responded += row.responded;
    report.primaries += row.primaries;
    report.pre_op_returned += row.pre_op_returned;
    report.providers.push_back(std::move(row));
  }
  report.response_rate = Rate(report.responded, report.invited);
  report.pre_op_rate = Rate(report.pre_op_returned, report.primaries);
  ORP_RETURN_IF_ERROR(Funnel(report.providers, &ProviderParticipation::responded,
                             &ProviderParticipation::invited,
                             &ProviderParticipation::response_funnel, report.response_limits));
  ORP_RETURN_IF_ERROR(Funnel(report.providers, &ProviderParticipation::pre_op_returned,
                             &ProviderParticipation::primaries,
                             &ProviderParticipation::pre_op_funnel, report.pre_op_limits));
  return report;
}

}  // namespace orp::proms
