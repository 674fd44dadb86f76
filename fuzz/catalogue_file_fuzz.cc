// libFuzzer target: catalogue::ImportCatalogue on arbitrary bytes (native or GUDID-style).
// Properties: no crash or sanitizer report; every row is counted exactly once (added, unchanged
// or rejected); every rejected row has a problem naming a rule; every stored DI can be found.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "orp/catalogue/catalogue_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace orp::catalogue;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  Catalogue catalogue;
  orp::Date recorded_on{std::chrono::year{2026} / 6 / 1};
  auto report = ImportCatalogue(text, recorded_on, catalogue);
  if (!report) return 0;
  if (report->new_models + report->new_versions + report->unchanged + report->rejected !=
      report->rows) {
    std::abort();
  }
  if (report->problems.size() != report->rejected) std::abort();
  for (const ImportProblem& p : report->problems) {
    if (p.rule.empty() || p.message.empty()) std::abort();
  }
  if (catalogue.model_count() != report->new_models) std::abort();
  return 0;
}
