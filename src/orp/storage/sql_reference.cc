// Queries: reads of organisations with their sites, and of clinicians — the reference data
// ingest and the routes look up. Both backends ran these as twins (issue 10); written once over
// sql.h.
#include "orp/storage/sql_codec.h"
#include "orp/storage/sql_queries.h"

namespace orp::storage::sql {
namespace {

Result<domain::Site> ReadSite(const Statement& s) {
  auto site = ParseRequired<OdsSiteCode>(s.Text(0), ParseSiteCode, "site code");
  auto postcode = ParseStored<domain::Postcode>(s.Text(2), ParsePostcode, "site postcode");
  if (!site) return std::unexpected(site.error());
  if (!postcode) return std::unexpected(postcode.error());
  return domain::Site{std::move(*site), s.Text(1), std::move(*postcode)};
}

}  // namespace

Result<std::optional<Organisation>> Queries::FindOrganisation(const OdsCode& code) {
  auto org = First<Organisation>(
      db_, "SELECT name FROM organisations WHERE code = ?1",
      [&](Statement& s) { s.Bind(1, code.code()); },
      [&](const Statement& s) -> Result<Organisation> {
        return Organisation{code, s.Text(0), {}};
      });
  if (!org || !*org) return org;
  auto sites = Collect<domain::Site>(
      db_, "SELECT code, name, postcode FROM sites WHERE organisation = ?1 ORDER BY code",
      [&](Statement& s) { s.Bind(1, code.code()); }, ReadSite);
  if (!sites) return std::unexpected(sites.error());
  (*org)->sites = std::move(*sites);
  return org;
}

Result<std::optional<Organisation>> Queries::FindOrganisationOfSite(const OdsSiteCode& site) {
  auto code = First<OdsCode>(
      db_, "SELECT organisation FROM sites WHERE code = ?1",
      [&](Statement& s) { s.Bind(1, site.code()); },
      [](const Statement& s) {
        return ParseRequired<OdsCode>(s.Text(0), ParseOdsCode, "site organisation");
      });
  if (!code) return std::unexpected(code.error());
  if (!*code) return std::optional<Organisation>();
  return FindOrganisation(**code);
}

Result<std::optional<Clinician>> Queries::FindClinician(const GmcNumber& gmc) {
  return First<Clinician>(
      db_, "SELECT name, specialty FROM clinicians WHERE gmc = ?1",
      [&](Statement& s) { s.Bind(1, gmc.number()); },
      [&](const Statement& s) -> Result<Clinician> {
        return Clinician{gmc, s.Text(0), s.Text(1)};
      });
}

}  // namespace orp::storage::sql
