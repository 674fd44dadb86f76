// Participation in PROMs by provider (proms, #11): how many patients were asked after their
// operation and how many answered (the response rate), and how many primaries had a
// questionnaire before the operation (pre-operative participation), per provider organisation,
// with funnel plot data for both rates (stats/funnel.h: proportions against the pooled national
// rate, exact 95% and 99.8% limits at each provider's denominator).
//
// Definitions:
//   provider        the organisation of the procedure's provider site: the store's ODS
//                   organisation for the site when loaded, else the site code's first three
//                   characters (the rule ingest and the API use);
//   invited         invitations (post-operative time points) of the provider's procedures, any
//                   status; responded: those answered (an answer to a link or the patient page);
//   primaries       current primary procedures; pre_op_returned: those with a before-the-
//                   operation (months 0) response of any instrument (bulk or link).
// A provider with no invitations has no response-rate funnel point (and none for pre-op with
// no primaries). Counts are aggregates: no patient appears in the report.
//
// Errors: store errors; kInvalidArgument from the funnel only on a programming error.
// Thread safety: reads the store; pure otherwise.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "orp/core/result.h"
#include "orp/stats/disclosure.h"
#include "orp/stats/funnel.h"
#include "orp/storage/store.h"

namespace orp::proms {

struct ProviderParticipation {
  std::string provider;
  int invited = 0;
  int responded = 0;
  int primaries = 0;
  int pre_op_returned = 0;
  std::optional<stats::FunnelPoint> response_funnel;  // y = responded / invited
  std::optional<stats::FunnelPoint> pre_op_funnel;    // y = pre_op_returned / primaries
};

struct ParticipationReport {
  std::string registry;  // empty: every registry
  int invited = 0, responded = 0, primaries = 0, pre_op_returned = 0;
  double response_rate = 0;  // national: responded / invited (0 when none invited)
  double pre_op_rate = 0;    // national: pre_op_returned / primaries
  std::vector<ProviderParticipation> providers;  // by provider code
  // Each funnel's limits at denominators from 1 to past the largest provider's (log-spaced), for
  // drawing its curves; empty when the funnel has no points.
  std::vector<stats::FunnelLimits> response_limits, pre_op_limits;
};

Result<ParticipationReport> Participation(storage::Reader& reader, std::string_view registry);

// One row of the report as it may be published to an audience (stats/disclosure.h, the project's
// one disclosure control; statistics.md §13). At the national audience the counts are exact and
// the rates are numerator / denominator. At the public audience (every sub-national output: a
// provider's own row, a page for the public) counts 1-7 are suppressed and others rounded to 5;
// the rates come from the controlled counts and go with a suppressed one; a funnel point goes
// with a suppressed numerator or denominator, and its y is the controlled rate (its limits and
// z are model outputs, not controlled).
struct PublishedParticipation {
  std::string provider;  // "national" for the totals
  stats::ControlledCount invited, responded, primaries, pre_op_returned;
  std::optional<double> response_rate, pre_op_rate;  // fractions; empty when suppressed
  std::optional<stats::FunnelPoint> response_funnel, pre_op_funnel;
};

// The providers' rows that `keep` accepts (all when unset), in report order, then the national
// row.
std::vector<PublishedParticipation> PublishParticipation(
    const ParticipationReport& report, stats::Audience audience,
    const std::function<bool(const std::string&)>& keep = {});

// The report as JSON (`orp proms status --by provider --format json` and
// GET /api/v1/proms/participation): the audience, national totals and rates, then one object per
// provider with its rates and, where it has a denominator, its funnel point {y, z, lower998,
// lower95, upper95, upper998, class}. Suppressed counts, rates and funnel points are null.
// `keep` (when set) says which providers to include (a provider's own row).
std::string ParticipationJson(const ParticipationReport& report,
                              const std::function<bool(const std::string&)>& keep = {},
                              stats::Audience audience = stats::Audience::kNational);

}  // namespace orp::proms
