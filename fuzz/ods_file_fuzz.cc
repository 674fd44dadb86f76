// libFuzzer target: ingest::ParseOdsFile (ODS reference data CSV) on arbitrary bytes, as an
// organisations file and as a sites file. Properties: no crash or sanitizer report; every
// finding names a rule; every record has a code and a name, a site a parent, and a close date
// (when given) on or after its open date.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "orp/ingest/ods_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using orp::storage::OdsKind;
  using orp::storage::OdsRecord;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (OdsKind kind : {OdsKind::kOrganisation, OdsKind::kSite}) {
    auto findings = orp::ingest::ParseOdsFile(text, kind, [&](const OdsRecord& r) {
      if (r.kind != kind || r.code.empty() || r.name.empty() || !r.opened) std::abort();
      if (kind == OdsKind::kSite && r.parent.empty()) std::abort();
      if (r.closed && *r.closed < *r.opened) std::abort();
    });
    for (const auto& f : findings) {
      if (f.rule.empty() || f.message.empty()) std::abort();
    }
  }
  return 0;
}
