// The organisations of many sites (site_reads.h), written once for both SQL backends.
#include <fmt/format.h>

#include <algorithm>

#include "orp/storage/site_reads.h"
#include "orp/storage/sql_codec.h"
#include "orp/storage/sql_queries.h"

namespace orp::storage {

SiteReads* AsSiteReads(Reader& reader) { return dynamic_cast<SiteReads*>(&reader); }

}  // namespace orp::storage

namespace orp::storage::sql {

// Sites per statement: far inside both engines' parameter limits, and a page has fewer.
constexpr size_t kSitesPerStatement = 500;

// The join to organisations keeps FindOrganisationOfSite's rule: a site whose organisation is
// not stored has none.
Result<std::map<std::string, std::string>> Queries::OrganisationsOfSites(
    std::span<const OdsSiteCode> sites) {
  std::map<std::string, std::string> out;
  for (size_t at = 0; at < sites.size(); at += kSitesPerStatement) {
    const auto part = sites.subspan(at, std::min(kSitesPerStatement, sites.size() - at));
    ORP_RETURN_IF_ERROR(ForEachRow(
        db_,
        fmt::format("SELECT s.code, s.organisation FROM sites s JOIN organisations o "
                    "ON o.code = s.organisation WHERE s.code IN ({})",
                    Placeholders(1, part.size())),
        [&](Statement& s) {
          for (size_t i = 0; i < part.size(); ++i) s.Bind(static_cast<int>(i) + 1, part[i].code());
        },
        [&](const Statement& s) -> Result<bool> {
          out.emplace(s.Text(0), s.Text(1));
          return true;
        }));
  }
  return out;
}

}  // namespace orp::storage::sql
