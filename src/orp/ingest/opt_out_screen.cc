#include "orp/ingest/opt_out_screen.h"

#include <fmt/format.h>

namespace orp::ingest {
namespace {

using domain::OptOutAtIngest;

void Add(std::vector<domain::Finding>& findings, const ValidatedProcedure& v,
         domain::Severity severity, OptOutAtIngest treatment, std::string message) {
  findings.push_back({v.row, v.procedure.procedure_ref, "nhs_number",
                      fmt::format("national_data_opt_out.{}", domain::NameOf(treatment)), severity,
                      std::move(message)});
}

}  // namespace

Result<OptOutScreen> OptOutScreen::Create(storage::Reader& store,
                                          const domain::RegistrySet& registries) {
  Result<storage::OptOutListInfo> list = store.OptOutList();
  if (!list) return std::unexpected(list.error());
  return OptOutScreen(registries, list->entries > 0);
}

Result<bool> OptOutScreen::Apply(PreparedProcedure& p, storage::Reader& reader,
                                 std::vector<domain::Finding>& findings) const {
  if (!active_ || !p.pseudonym) return true;
  const domain::RegistryDefinition* def = registries_->Find(p.validated.procedure.registry);
  if (def == nullptr) return true;  // the validator accepts only known registries
  Result<std::vector<domain::Pseudonym>> listed =
      reader.FindOptedOut(std::span<const domain::Pseudonym>(&*p.pseudonym, 1));
  if (!listed) return std::unexpected(listed.error());
  if (listed->empty()) return true;
  ValidatedProcedure& v = p.validated;
  const domain::LegalBasisDefinition& lb = def->legal_basis;
  const OptOutAtIngest treatment = lb.opt_out_at_ingest;
  const std::string_view basis = domain::NameOf(lb.basis);
  switch (treatment) {
    case OptOutAtIngest::kAccept: v.opted_out = true; return true;
    case OptOutAtIngest::kPseudonymised:
      v.opted_out = true;
      p.cipher.reset();
      v.date_of_birth.reset();
      v.postcode.reset();
      Add(findings, v, domain::Severity::kWarning, treatment,
          fmt::format("the patient is on the national data opt-out list: {} (basis {}) keeps the "
                      "procedure pseudonymised only, without NHS number, date of birth or postcode",
                      def->code, basis));
      return true;
    case OptOutAtIngest::kAnonymous:
      v.anonymous = true;
      p.pseudonym.reset();
      p.cipher.reset();
      Add(findings, v, domain::Severity::kWarning, treatment,
          fmt::format("the patient is on the national data opt-out list: {} (basis {}) keeps the "
                      "procedure without patient identifiers, unlinked to their other records",
                      def->code, basis));
      return true;
    case OptOutAtIngest::kReject:
      Add(findings, v, domain::Severity::kError, treatment,
          fmt::format("the patient is on the national data opt-out list: {} (basis {}, {}) does "
                      "not accept their records; the procedure is not stored",
                      def->code, basis, lb.instrument));
      return false;
  }
  return true;
}

}  // namespace orp::ingest
