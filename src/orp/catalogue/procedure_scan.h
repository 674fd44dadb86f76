// Scan-time checks over every device scanned for one procedure: each label on its own
// (scan_check.h: unknown DI, expired, recalled, withdrawn, wrong registry) and the labels
// together against the registry definition's [[compatibility]] rules (compatibility.h: a
// bilateral breast implant pair of two models, a sound processor that does not drive the
// cochlear implant, a stem and head from different manufacturers, ...). This is what theatre
// staff see before the devices go in (`orp catalogue scan LABEL...`).
//
// A rule with a `when` condition is judged only when the condition can be decided from the
// procedure fields given (e.g. laterality=B for BCIR's bilateral pair rule); device_count(t) in
// a condition counts the scanned devices whose catalogue type is t. A condition that reads an
// absent field leaves the rule "not judged", and the outcome says which fields it needs.
//
// Thread safety: pure function of its arguments; the catalogue must not change meanwhile.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "orp/catalogue/catalogue.h"
#include "orp/catalogue/compatibility.h"
#include "orp/domain/registry_definition.h"
#include "orp/udi/udi.h"

namespace orp::catalogue {

struct ProcedureScanContext {
  Date procedure_date{};
  // The procedure's registry; nullptr: no registry or compatibility checks.
  const domain::RegistryDefinition* registry = nullptr;
  // Procedure fields a rule's `when` may read, by name (e.g. {"laterality", "B"}).
  std::map<std::string, std::string, std::less<>> fields;
  std::optional<Date> known_on;  // judge with what was recorded by then (default: all)
};

enum class RuleVerdict { kPassed, kFailed, kNotJudged };
std::string_view RuleVerdictName(RuleVerdict verdict);  // "passed" | "failed" | "not judged"

struct RuleOutcome {
  std::string rule;  // the compatibility rule's id
  RuleVerdict verdict = RuleVerdict::kPassed;
  std::string reason;  // why not judged ("" otherwise)
};

struct ProcedureScanResult {
  // Per label, in input order: the parser's findings, then CheckScan's.
  std::vector<std::vector<udi::Finding>> label_findings;
  // Findings of the registry's compatibility rules; devices index the labels.
  std::vector<CompatibilityFinding> compatibility;
  // Every compatibility rule of the registry and what became of it.
  std::vector<RuleOutcome> rules;

  bool HasError() const;  // any error finding: the devices must not be used as scanned
};

ProcedureScanResult CheckProcedureScan(const Catalogue& catalogue,
                                       std::span<const udi::ParsedUdi> labels,
                                       const ProcedureScanContext& context);

}  // namespace orp::catalogue
