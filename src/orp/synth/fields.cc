#include "orp/synth/fields.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "orp/synth/render.h"

namespace orp::synth {

namespace {

using domain::FieldType;
using std::chrono::days;

constexpr double kOptionalFilled = 0.6;  // share of optional, unconditional fields given a value

std::string Pick(Rng& rng, std::initializer_list<std::string_view> values) {
  return std::string(*(values.begin() + rng.Below(values.size())));
}

std::string Bool(bool b) { return b ? "true" : "false"; }

std::string DateAfter(Date d, int lo, int hi, Rng& rng) {
  return FormatIsoDate(d + days{rng.Between(lo, hi)});
}

std::string Generic(const domain::FieldDefinition& f, const FieldContext& ctx, Rng& rng) {
  switch (f.type) {
    case FieldType::kCode: return f.values.empty() ? "" : f.values[rng.Below(f.values.size())].code;
    case FieldType::kInteger:
      return fmt::format("{}", rng.Between(static_cast<int>(f.min.value_or(0)),
                                           static_cast<int>(f.max.value_or(10))));
    case FieldType::kDecimal:
      return fmt::format("{:.1f}", rng.Uniform(f.min.value_or(0), f.max.value_or(10)));
    case FieldType::kBoolean: return Bool(rng.Bernoulli(0.5));
    case FieldType::kDate: return FormatIsoDate(ctx.procedure.date - days{rng.Between(0, 30)});
    case FieldType::kGtin: return ctx.devices.empty() ? "" : ctx.devices.front()[kColGtin];
    case FieldType::kString: return "not recorded";
  }
  return "";
}

bool IsRevision(const ProcedureRecord& p) {
  return p.type == ProcedureType::kRevision || p.type == ProcedureType::kExplant;
}

}  // namespace

FieldFiller::FieldFiller(const domain::RegistryDefinition& definition) : definition_(&definition) {
  for (const domain::FieldDefinition& f : definition.fields) {
    (f.level == domain::FieldLevel::kDevice ? device_ : procedure_).push_back(&f);
  }
}

// Values that must make sense together with the episode; `known` is false for fields this
// function does not know, which then get a plain draw for their type.
std::string FieldFiller::Draw(const domain::FieldDefinition& f, const FieldContext& ctx, int device,
                              Rng& rng, bool* known) const {
  const ProcedureRecord& p = ctx.procedure;
  const std::string_view reg = definition_->code;
  const std::string_view name = f.name;
  const std::string_view variant = Profiles()[p.registry].variants[p.variant].name;
  const std::string_view why = p.indication;
  const bool primary = p.type == ProcedureType::kPrimary || p.type == ProcedureType::kOther;
  *known = true;
  // Shared by several registries.
  if (name == "revision_reason" || name == "reoperation_reason" || name == "mesh_complication") {
    if (!IsRevision(p)) return "";
    if (reg == "BCIR") return why == "patient_request" ? "size_change" : std::string(why);
    if (reg == "MDOR")
      return why == "battery_depletion" ? "end_of_life"
             : why == "lead_failure"    ? "device_failure"
             : why == "recurrence"      ? "other"
                                        : std::string(why);
    if (reg == "NRHI")
      return why == "device_failure" ? Pick(rng, {"hard_failure", "soft_failure"})
             : why == "extrusion"    ? "other"
                                     : std::string(why);
    if (reg == "POPSUI")
      return why == "mesh_exposure" ? "exposure_erosion"
             : why == "pain"        ? "chronic_pain"
                                    : std::string(why);
    if (reg == "OTR") return why == "metalwork_pain" ? "prominent_metalwork" : std::string(why);
  }
  if (name == "date_of_injury") {
    if (ctx.primary_values != nullptr) {
      *known = false;
      return "";
    }  // inherited
    return FormatIsoDate(p.date - days{rng.Between(0, reg == "NMTR" ? 0 : 3)});
  }
  if (name == "device_entry_method")
    return ctx.devices[device][kColScan].empty() ? "manual" : "scanned";
  if (reg == "BCIR") {
    if (name == "patient_consent") return "true";
    if (name == "procedure_reason") {
      if (!primary) return "revision_only";
      if (why == "reconstruction_after_mastectomy") return "reconstruction_cancer";
      if (why == "risk_reducing_mastectomy") return "reconstruction_risk_reducing";
      return why == "asymmetry" ? "congenital" : "cosmetic_augmentation";
    }
    if (name == "incision_site") {
      if (variant == "reconstruction") return "mastectomy_scar";
      return Pick(rng, {"inframammary", "inframammary", "periareolar", "axillary"});
    }
    if (name == "implant_volume_ml") return fmt::format("{}", 25 * rng.Between(8, 22));
    if (name == "baker_grade") return fmt::format("{}", rng.Between(3, 4));
  } else if (reg == "NRHI") {
    if (name == "hearing_loss_onset")
      return ctx.age < 6 ? "prelingual" : ctx.age < 12 ? "perilingual" : "postlingual";
    if (name == "hearing_loss_aetiology") {
      if (why == "congenital_cmv" || why == "meningitis" || why == "otosclerosis" ||
          why == "ototoxicity")
        return std::string(why);
      if (why == "genetic_snhl" || why == "congenital_snhl") return "genetic";
      if (why == "sudden_snhl") return "sudden_sensorineural";
      return Pick(rng, {"age_related", "unknown"});
    }
    if (name == "bilateral_sequence") {
      if (!primary) return "";
      return p.laterality == 'B'  ? "simultaneous_bilateral"
             : rng.Bernoulli(0.1) ? "sequential_bilateral"
                                  : "unilateral";
    }
    if (name == "duration_of_deafness_years")
      return fmt::format("{}", rng.Between(0, std::max(0, std::min(ctx.age, 40))));
    if (name == "pre_op_pta_db") return fmt::format("{:.1f}", rng.Uniform(75, 120));
    if (name == "processor_fitting_date") return DateAfter(p.date, 14, 42, rng);
    if (name == "electrode_insertion") return rng.Bernoulli(0.9) ? "full" : "partial";
  } else if (reg == "POPSUI") {
    if (name == "surgical_approach") return "vaginal";
    if (name == "mdt_reviewed") return Bool(primary || rng.Bernoulli(0.8));
    if (name == "parity") return fmt::format("{}", rng.Between(0, 5));
    if (name == "removal_extent")
      return p.type == ProcedureType::kExplant ? Pick(rng, {"partial", "complete"}) : "";
  } else if (reg == "OTR") {
    if (ctx.primary_values != nullptr && name != "fixation_method") {
      *known = false;
      return "";
    }
    const bool hemi = variant == "hemiarthroplasty";
    if (name == "fracture_classification_system")
      return hemi && rng.Bernoulli(0.6) ? "garden" : "ao_ota";
    if (name == "fracture_classification") {  // AO/OTA bone and segment for the fracture site
      if (hemi) return "31B";
      if (why == "femoral_shaft_fracture") return "32A";
      if (why == "tibial_shaft_fracture") return "42A";
      if (why == "intertrochanteric_fracture") return "31A";
      if (why == "distal_radius_fracture") return "23A";
      return why == "ankle_fracture" ? "44B" : "11A";
    }
    if (name == "garden_grade") return fmt::format("{}", rng.Between(1, 4));
    if (name == "open_fracture") return Bool(!hemi && rng.Bernoulli(0.06));
    if (name == "pathological_fracture") return Bool(rng.Bernoulli(0.02));
    if (name == "mechanism_of_injury")
      return hemi ? "fall_standing_height"
                  : Pick(rng, {"fall_standing_height", "fall_from_height", "road_traffic_collision",
                               "sport", "assault"});
    if (name == "fixation_method") {
      if (!primary) return "";
      return hemi                               ? "hemiarthroplasty"
             : variant == "intramedullary_nail" ? "intramedullary_nail"
                                                : "plate_and_screws";
    }
  } else if (reg == "NMTR") {
    const bool discharged = p.stay_days >= 0;
    if (name == "injury_severity_score") return fmt::format("{}", p.iss);
    if (name == "new_injury_severity_score")
      return fmt::format("{}", std::min(75, p.iss + rng.Between(0, 9)));
    if (name == "intubated_before_arrival")
      return Bool(rng.Bernoulli(std::min(0.6, p.iss / 100.0)));
    if (name == "gcs_on_arrival")
      return fmt::format("{}", std::clamp(15 - p.iss / 6 + rng.Between(-2, 1), 3, 15));
    if (name == "mechanism_of_injury") {
      if (why == "assault") return Pick(rng, {"blow", "stabbing"});
      if (why == "sport") return "other";
      return std::string(why == "fall_under_2m" ? "fall_under_2m" : why);
    }
    if (name == "injury_intent")
      return why == "assault" ? "assault" : rng.Bernoulli(0.95) ? "accidental" : "self_harm";
    if (name == "discharge_date")
      return discharged ? FormatIsoDate(p.date + days{p.stay_days}) : "";
    if (name == "length_of_stay_days") return discharged ? fmt::format("{}", p.stay_days) : "";
    if (name == "discharge_status")
      return discharged ? (p.died_in_hospital ? "dead" : "alive") : "";
    if (name == "discharge_destination") {
      if (!discharged) return "";
      return p.died_in_hospital
                 ? "mortuary"
                 : Pick(rng, {"home", "home", "rehabilitation", "other_hospital", "care_home"});
    }
  } else if (reg == "MDOR") {
    if (name == "admission_method")
      return rng.Bernoulli(0.8) ? "elective" : Pick(rng, {"urgent", "emergency"});
    if (name == "funding")
      return ctx.world.sites[p.site].nhs ? (rng.Bernoulli(0.97) ? "nhs" : "private")
                                         : (rng.Bernoulli(0.8) ? "private" : "nhs");
    if (name == "operating_surgeon_grade")
      return rng.Bernoulli(0.8) ? "consultant" : Pick(rng, {"specialty_doctor", "trainee"});
  }
  *known = false;
  return "";
}

namespace {

bool InValueSet(const domain::FieldDefinition& f, const std::string& v) {
  if (f.type != FieldType::kCode || v.empty()) return true;
  return std::any_of(f.values.begin(), f.values.end(), [&](const auto& e) { return e.code == v; });
}

size_t IndexOf(std::string_view name, std::span<const std::string_view> names) {
  return static_cast<size_t>(std::find(names.begin(), names.end(), name) - names.begin());
}

}  // namespace

domain::RuleRecordView ViewOf(const FieldFiller& filler, const std::array<std::string, 16>& core,
                              const std::vector<std::array<std::string, 6>>& devices,
                              const std::vector<std::string>& values,
                              const std::vector<std::vector<std::string>>& device_values,
                              int device, const std::vector<std::string>& device_types) {
  domain::RuleRecordView view;
  view.value = [&, device](std::string_view name) -> std::string_view {
    if (size_t i = IndexOf(name, kProcedureColumns); i < core.size()) return core[i];
    if (size_t i = IndexOf(name, kDeviceColumns); i < kDeviceColumns.size()) {
      return device >= 0 ? std::string_view(devices[device][i]) : std::string_view();
    }
    const auto& pf = filler.procedure_fields();
    for (size_t i = 0; i < pf.size(); ++i) {
      if (pf[i]->name == name) return values[i];
    }
    const auto& df = filler.device_fields();
    for (size_t i = 0; i < df.size() && device >= 0; ++i) {
      if (df[i]->name == name) return device_values[device][i];
    }
    return {};
  };
  view.device_count = [&](std::string_view type) {
    int n = 0;
    for (size_t d = 0; d < devices.size(); ++d) {
      n += devices[d][kColAction] == "implanted" && device_types[d] == type;
    }
    return n;
  };
  return view;
}

void FieldFiller::Fill(const FieldContext& ctx, Rng& rng, std::vector<std::string>& values,
                       std::vector<std::vector<std::string>>& device_values) const {
  values.assign(procedure_.size(), "");
  for (size_t i = 0; i < procedure_.size(); ++i) {
    const domain::FieldDefinition& f = *procedure_[i];
    bool known = false;
    std::string v = Draw(f, ctx, -1, rng, &known);
    if (!known && ctx.primary_values != nullptr && !(*ctx.primary_values)[i].empty()) {
      v = (*ctx.primary_values)[i];  // a revision repeats what the primary said
    } else if (!known && (f.required || f.required_when || rng.Bernoulli(kOptionalFilled))) {
      v = Generic(f, ctx, rng);
    }
    values[i] = InValueSet(f, v) ? std::move(v) : Generic(f, ctx, rng);
  }
  device_values.assign(ctx.devices.size(), std::vector<std::string>(device_.size()));
  for (size_t d = 0; d < ctx.devices.size(); ++d) {
    for (size_t i = 0; i < device_.size(); ++i) {
      const domain::FieldDefinition& f = *device_[i];
      bool known = false;
      std::string v = Draw(f, ctx, static_cast<int>(d), rng, &known);
      if (!known && (f.required || f.required_when || rng.Bernoulli(kOptionalFilled))) {
        v = Generic(f, ctx, rng);
      }
      device_values[d][i] = InValueSet(f, v) ? std::move(v) : Generic(f, ctx, rng);
    }
  }
  Settle(ctx, rng, values, device_values);
}

// Empties a conditional field whose condition is false and fills one whose condition holds.
// Twice, because one field's condition may read another conditional field.
void FieldFiller::Settle(const FieldContext& ctx, Rng& rng, std::vector<std::string>& values,
                         std::vector<std::vector<std::string>>& device_values) const {
  std::vector<std::string> types;
  for (const auto& row : ctx.procedure.devices) {
    types.emplace_back(
        Roles()[ctx.world.models[ctx.episode.instances[row.instance].model].role].name);
  }
  for (int pass = 0; pass < 2; ++pass) {
    const domain::RuleRecordView view =
        ViewOf(*this, ctx.core, ctx.devices, values, device_values, -1, types);
    for (size_t i = 0; i < procedure_.size(); ++i) {
      const domain::FieldDefinition& f = *procedure_[i];
      if (f.required && values[i].empty()) values[i] = Generic(f, ctx, rng);
      if (f.required || !f.required_when) continue;
      if (!EvaluateRule(*f.required_when, view)) {
        values[i].clear();
      } else if (values[i].empty()) {
        values[i] = Generic(f, ctx, rng);
      }
    }
    for (size_t d = 0; d < ctx.devices.size(); ++d) {
      const domain::RuleRecordView row =
          ViewOf(*this, ctx.core, ctx.devices, values, device_values, static_cast<int>(d), types);
      for (size_t i = 0; i < device_.size(); ++i) {
        const domain::FieldDefinition& f = *device_[i];
        std::string& v = device_values[d][i];
        if (f.required && v.empty()) v = Generic(f, ctx, rng);
        if (f.required || !f.required_when) continue;
        if (!EvaluateRule(*f.required_when, row)) {
          v.clear();
        } else if (v.empty()) {
          v = Generic(f, ctx, rng);
        }
      }
    }
  }
}

}  // namespace orp::synth
