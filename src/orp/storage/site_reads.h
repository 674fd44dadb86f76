// The organisations of many sites in one read (scale, #10): a provider's procedure page resolved
// each distinct site of the page by Reader::FindOrganisationOfSite, three statements a site (the
// site's organisation, the organisation, its sites), to decide what the provider may see.
//
// It is a side interface, not a Reader method: both SQL backends' readers, stores and
// transactions implement it (sql_forwarding.h, SharedReader; the query is written once in
// sql_site_reads.cc), and a caller asks for it with AsSiteReads(reader). Wrappers that do not
// (ForwardingReader, ReadReplicaStore, FaultInjectingStore) answer nullptr, and the caller falls
// back to FindOrganisationOfSite per site (same answers). Kept out of store.h on purpose: every
// file of the project includes store.h.
//
// Reference data, not identifiable. Thread safety: as the reader it comes from.
#pragma once

#include <map>
#include <span>
#include <string>

#include "orp/core/result.h"
#include "orp/domain/ods_code.h"

namespace orp::storage {

class Reader;

class SiteReads {
 public:
  // Site code -> organisation code, for each of `sites` whose organisation FindOrganisationOfSite
  // would find (the site is stored and so is its organisation); the others are absent.
  virtual Result<std::map<std::string, std::string>> OrganisationsOfSites(
      std::span<const domain::OdsSiteCode> sites) = 0;

 protected:
  ~SiteReads() = default;
};

// The reader's batched site read, or nullptr when it has none.
SiteReads* AsSiteReads(Reader& reader);

}  // namespace orp::storage
