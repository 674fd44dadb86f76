#include "orp/catalogue/procedure_scan.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "orp/catalogue/scan_check.h"
#include "orp/domain/registry_rule_eval.h"

namespace orp::catalogue {
namespace {

// The catalogue version describing a DI on the procedure date (or its earliest, as
// compatibility.h does for a model recorded later), or nullptr when unknown.
const DeviceModel* Describe(const Catalogue& catalogue, const std::string& di,
                            const ProcedureScanContext& context) {
  if (di.empty()) return nullptr;
  const DeviceModel* model = catalogue.FindAsOf(di, context.procedure_date, context.known_on);
  if (model != nullptr) return model;
  auto history = catalogue.History(di);
  return history.empty() ? nullptr : &history.front();
}

domain::RuleRecordView ViewOf(const Catalogue& catalogue, std::span<const std::string> dis,
                              const ProcedureScanContext& context) {
  domain::RuleRecordView view;
  view.value = [&context](std::string_view field) -> std::string_view {
    auto it = context.fields.find(field);
    return it == context.fields.end() ? std::string_view() : std::string_view(it->second);
  };
  view.device_count = [&catalogue, dis, &context](std::string_view device_type) {
    return static_cast<int>(std::count_if(dis.begin(), dis.end(), [&](const std::string& di) {
      const DeviceModel* model = Describe(catalogue, di, context);
      return model != nullptr && DeviceTypeCode(model->device_type) == device_type;
    }));
  };
  return view;
}

// Judges one rule; appends its findings and returns its outcome.
RuleOutcome Judge(const Catalogue& catalogue, const domain::CompatibilityRule& rule,
                  std::span<const std::string> dis, const ProcedureScanContext& context,
                  std::vector<CompatibilityFinding>& findings) {
  if (rule.when) {
    bool missing = false;
    bool holds = domain::EvaluateRule(*rule.when, ViewOf(catalogue, dis, context), &missing);
    if (missing) {
      std::vector<std::string> absent;
      for (const std::string& field : domain::RuleFieldsRead(*rule.when)) {
        if (!context.fields.contains(field)) absent.push_back(field);
      }
      return {rule.id, RuleVerdict::kNotJudged,
              fmt::format("its condition '{}' needs the procedure's {} (--field NAME=VALUE)",
                          rule.when_text, fmt::join(absent, ", "))};
    }
    if (!holds) return {rule.id, RuleVerdict::kPassed, "its condition does not hold"};
  }
  auto found = CheckCompatibility(catalogue, rule, dis, context.procedure_date, context.known_on);
  RuleVerdict verdict = found.empty() ? RuleVerdict::kPassed : RuleVerdict::kFailed;
  for (auto& f : found) findings.push_back(std::move(f));
  return {rule.id, verdict, ""};
}

}  // namespace

std::string_view RuleVerdictName(RuleVerdict verdict) {
  switch (verdict) {
    case RuleVerdict::kPassed: return "passed";
    case RuleVerdict::kFailed: return "failed";
    case RuleVerdict::kNotJudged: return "not judged";
  }
  return "not judged";
}

bool ProcedureScanResult::HasError() const {
  for (const auto& findings : label_findings) {
    for (const udi::Finding& f : findings) {
      if (f.severity == udi::Severity::kError) return true;
    }
  }
  return std::any_of(compatibility.begin(), compatibility.end(),
                     [](const auto& f) { return f.severity == domain::Severity::kError; });
}

ProcedureScanResult CheckProcedureScan(const Catalogue& catalogue,
                                       std::span<const udi::ParsedUdi> labels,
                                       const ProcedureScanContext& context) {
  ProcedureScanResult result;
  std::string_view registry_code =
      context.registry ? std::string_view(context.registry->code) : std::string_view();
  ScanContext scan_context{context.procedure_date, registry_code, context.known_on};
  std::vector<std::string> dis;  // a label that did not parse takes no part in the rules
  for (const udi::ParsedUdi& label : labels) {
    std::vector<udi::Finding> findings = label.findings;
    for (auto& f : CheckScan(catalogue, label, scan_context)) findings.push_back(std::move(f));
    result.label_findings.push_back(std::move(findings));
    dis.push_back(label.ok() ? label.di : std::string());
  }
  if (context.registry == nullptr) return result;
  for (const domain::CompatibilityRule& rule : context.registry->compatibility) {
    result.rules.push_back(Judge(catalogue, rule, dis, context, result.compatibility));
  }
  return result;
}

}  // namespace orp::catalogue
