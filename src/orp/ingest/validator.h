// Validator: turns a RawProcedure into a checked domain::Procedure plus findings, by the rules of
// docs/submission-format.md and the procedure's registry definition. Compiled once from the
// registry set (value sets become hash sets, rules are parsed once); Validate is then a pure
// function of the record.
//
// Checks, each with a stable rule id (field.what) and a message naming field and value:
//   core identifiers     registry, procedure_ref, provider_site, clinician_gmc, nhs_number,
//                        date_of_birth, sex, postcode, procedure_date, procedure_type,
//                        opcs_codes, snomed_code, laterality, asa_grade, bmi (domain Parse)
//   dates                procedure_date.in_future, date_of_birth.after_procedure_date,
//                        date_of_birth.implausible_age
//   registry fields      <field>.required (required or required_when), <field>.type,
//                        <field>.value_set, <field>.range; device-level ones per device row
//   cross-field rules    the definition's rules, rule id as declared, its severity and message
//   devices              device_action, device.identifier_missing, gtin, lot, serial, expiry,
//                        device_scan (orp::udi) and <field>.disagrees_with_device_scan,
//                        catalogue.* (unknown DI, expired, recalled, withdrawn, wrong registry)
//   compatibility        the definition's [[compatibility]] rules over the implanted devices
//                        (catalogue/compatibility.h), rule id as declared, its severity, field
//                        gtin, on the row of the device that differs; needs a catalogue. A device
//                        whose DI is missing or unknown is left out of these rules (its
//                        catalogue.unknown_di warning already reports it).
// A procedure with any error finding is rejected whole; warnings never block.
//
// Thread safety: Validate is const and may run on several threads at once; the catalogue must
// not change meanwhile.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "orp/catalogue/catalogue.h"
#include "orp/core/date.h"
#include "orp/domain/entities.h"
#include "orp/domain/nhs_number.h"
#include "orp/domain/registry_loader.h"
#include "orp/ingest/raw_procedure.h"
#include "orp/ingest/reader.h"

namespace orp::ingest {

// The organisation that owns a site in the ODS reference data (storage's sites table), or none
// when the site is not in it; an error when the data cannot be read.
using SiteOwnerLookup =
    std::function<Result<std::optional<domain::OdsCode>>(const domain::OdsSiteCode&)>;

struct ValidatorOptions {
  Date today = TodayUtc();
  const catalogue::Catalogue* catalogue = nullptr;  // no catalogue checks when null
  // A provider's own submission: only sites it owns (provider_site.not_own_site). Ownership is
  // what Validate's `site_owner` says; a site it does not know (or with no lookup) must carry
  // the provider's code as its prefix, as ODS site codes of NHS trusts do (RRK02 is RRK's).
  std::optional<domain::OdsCode> as_ods;
  std::string registry;  // when set, every procedure must be of this registry
};

struct ValidatedProcedure {
  int64_t row = 0;  // where the procedure starts in its source
  std::vector<domain::Finding> findings;
  domain::Procedure procedure;  // as far as its values parsed; complete when accepted()
  std::optional<domain::NhsNumber> nhs_number;
  std::optional<Date> date_of_birth;
  std::optional<domain::Sex> sex;
  std::optional<domain::Postcode> postcode;
  // A consent-based registry whose patient did not consent and whose definition keeps such
  // records without patient identifiers.
  bool anonymous = false;
  // Set by the opt-out screen (opt_out_screen.h) for a patient on the national data opt-out
  // list: the stored patient is flagged (research extracts leave them out).
  bool opted_out = false;

  bool accepted() const;
};

class Validator {
 public:
  // kInvalidArgument when `options.registry` names a registry the set does not hold.
  static Result<Validator> Create(domain::RegistrySet registries, ValidatorOptions options);
  Validator(Validator&&) noexcept;
  Validator& operator=(Validator&&) noexcept;
  ~Validator();

  // `site_owner` answers for the --as check (options().as_ods); the pipeline looks sites up in
  // the store, or in the submission's own transaction while it is open.
  ValidatedProcedure Validate(const RawProcedure& raw,
                              const SiteOwnerLookup& site_owner = nullptr) const;

  // Warnings (rule column.unknown, row 0) for columns that are neither core nor a field of any
  // registry.
  std::vector<domain::Finding> CheckColumns(std::span<const std::string> columns) const;

  // What the readers need to know: the device-level registry field names.
  ReaderOptions reader_options() const;

  const ValidatorOptions& options() const;
  const domain::RegistrySet& registries() const;

  struct Compiled;

 private:
  explicit Validator(std::unique_ptr<Compiled> compiled);
  std::unique_ptr<Compiled> compiled_;
};

}  // namespace orp::ingest
