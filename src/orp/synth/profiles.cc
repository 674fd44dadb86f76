#include "orp/synth/profiles.h"

#include <algorithm>

#include <fmt/format.h>

#include "orp/core/text.h"

namespace orp::synth {

namespace {

// Role indices, in the order of kRoles below.
enum RoleIndex {
  kGenerator, kLead, kHerniaMesh, kBreastImplant, kCochlear, kTape,
  kStem, kHead, kNail, kPlate, kScrew,
};

constexpr RoleSpec kRoles[] = {
    {"pacemaker_generator", 0, "III", 35, 0.20, 2.5, 24, "Cadence Rhythm Pulse Tempo Sinus"},
    {"pacing_lead", 0, "III", 35, 0.05, 0.7, 24, "Helix Tine Fix Active Passive"},
    {"hernia_mesh", 0, "IIb", 40, 0.06, 0.8, 60, "Lattice Weave Shield Flat Contour"},
    {"breast_implant", 1, "III", 80, 0.12, 1.3, 60, "Round Anatomical Contour Natural Form"},
    {"cochlear_implant", 2, "III", 15, 0.05, 0.9, 36, "Nucleus Spiral Echo Sonar Clarity"},
    {"midurethral_tape", 3, "III", 40, 0.08, 0.6, 36, "Sling Support Arc Tension Mini"},
    {"hemiarthroplasty_stem", 4, "III", 30, 0.06, 0.5, 60, "Stem Taper Collar Polished Austin"},
    {"hemiarthroplasty_head", 4, "III", 30, 0.06, 0.5, 60, "Bipolar Unipolar Head Cup Modular"},
    {"intramedullary_nail", 4, "IIb", 30, 0.10, 0.8, 60, "Nail Gamma Trochanteric Tibial Femoral"},
    {"bone_plate", 4, "IIb", 35, 0.12, 0.8, 60, "Plate Locking Volar Anatomic Compression"},
    {"bone_screw", 4, "IIb", 30, 0.12, 0.8, 60, "Screw Cortical Cancellous Locking Cannulated"},
};

const std::vector<std::string_view> kBreastRevision = {
    "rupture", "capsular_contracture", "malposition", "infection", "patient_request"};
const std::vector<std::string_view> kHearingRevision = {"device_failure", "infection",
                                                        "electrode_migration", "extrusion"};
const std::vector<std::string_view> kPelvicRevision = {"pain", "mesh_exposure", "recurrence",
                                                       "voiding_dysfunction"};
const std::vector<std::string_view> kFixationRevision = {"nonunion", "malunion", "infection",
                                                         "metalwork_pain"};

std::vector<RegistryProfile> MakeProfiles() {
  using S = Sidedness;
  std::vector<RegistryProfile> p;
  p.push_back({"MDOR", 0.25,
               {{"pacemaker", 0.55, {{kGenerator, 1, 1}, {kLead, 1, 2}}, "K60.6", "K60.4", "K60.3",
                 S::kNone, 0, 0.42, 77, 9, 35, 99,
                 {"complete_heart_block", "sick_sinus_syndrome", "af_with_bradycardia"},
                 0.1, 0.04, 0.95, {"battery_depletion", "lead_failure", "infection"}},
                {"hernia_mesh", 0.45, {{kHerniaMesh, 1, 1}}, "T20.1", "T21.1", "",
                 S::kSided, 0.12, 0.12, 58, 15, 18, 95, {"inguinal_hernia"}, 0, 0.005, 0.9,
                 {"recurrence", "pain", "infection"}}},
               0.85, 0.5, true, true});
  p.push_back({"BCIR", 0.15,
               {{"augmentation", 0.75, {{kBreastImplant, 1, 1}}, "B30.1", "B30.2", "B30.3",
                 S::kSided, 0.92, 0.995, 33, 8, 18, 70, {"cosmetic_augmentation", "asymmetry"},
                 0.3, 0.0, 0.6, kBreastRevision},
                {"reconstruction", 0.25, {{kBreastImplant, 1, 1}}, "B30.1", "B30.2", "B30.3",
                 S::kSided, 0.3, 0.99, 51, 10, 22, 85,
                 {"reconstruction_after_mastectomy", "risk_reducing_mastectomy"}, 0.35, 0.01,
                 0.95, kBreastRevision}},
               0.45, 0.95, true, true});
  p.push_back({"NRHI", 0.05,
               {{"cochlear_child", 0.4, {{kCochlear, 1, 1}}, "D24.1", "D24.3", "D24.4", S::kSided,
                 0.6, 0.5, 2.5, 2.5, 0.5, 17,
                 {"congenital_snhl", "meningitis", "genetic_snhl", "congenital_cmv"}, 0.15, 0.0,
                 0.95, kHearingRevision},
                {"cochlear_adult", 0.6, {{kCochlear, 1, 1}}, "D24.1", "D24.3", "D24.4",
                 S::kSided, 0.05, 0.5, 63, 15, 18, 95,
                 {"progressive_snhl", "sudden_snhl", "otosclerosis", "ototoxicity"}, 0.15, 0.005,
                 0.95, kHearingRevision}},
               0.15, 0.05, true, true});
  p.push_back({"POPSUI", 0.10,
               {{"retropubic_tape", 0.55, {{kTape, 1, 1}}, "M53.3", "M53.8", "M53.7", S::kNone, 0,
                 1.0, 52, 11, 25, 90,
                 {"stress_urinary_incontinence", "mixed_urinary_incontinence"}, 0.6, 0.002, 0.95,
                 kPelvicRevision},
                {"transobturator_tape", 0.45, {{kTape, 1, 1}}, "M53.6", "M53.8", "M53.7",
                 S::kNone, 0, 1.0, 55, 12, 25, 92,
                 {"stress_urinary_incontinence", "mixed_urinary_incontinence"}, 0.6, 0.002, 0.95,
                 kPelvicRevision}},
               0.6, 0.35, true, true});
  p.push_back({"OTR", 0.25,
               {{"hemiarthroplasty", 0.45, {{kStem, 1, 1}, {kHead, 1, 1}}, "W46.1", "W46.3", "",
                 S::kSided, 0, 0.7, 83, 7, 60, 104, {"intracapsular_fracture_neck_of_femur"}, 0,
                 0.2, 0, {"dislocation", "periprosthetic_fracture", "infection"}},
                {"intramedullary_nail", 0.3, {{kNail, 1, 1}, {kScrew, 1, 2}}, "W19.1", "",
                 "W28.3", S::kSided, 0, 0.45, 48, 20, 16, 99,
                 {"femoral_shaft_fracture", "tibial_shaft_fracture", "intertrochanteric_fracture"},
                 1.0, 0.03, 0, kFixationRevision},
                {"plate_fixation", 0.25, {{kPlate, 1, 1}, {kScrew, 2, 4}}, "W20.1", "",
                 "W28.3", S::kSided, 0, 0.55, 52, 20, 16, 99,
                 {"distal_radius_fracture", "ankle_fracture", "proximal_humerus_fracture"}, 1.0,
                 0.01, 0, kFixationRevision}},
               0.85, 0.05, true, true});
  p.push_back({"NMTR", 0.20,
               {{"older_fall", 0.4, {}, "", "", "", S::kNone, 0, 0.55, 80, 8, 60, 104,
                 {"fall_under_2m"}, 0, 0.10, 0, {}},
                {"major_trauma", 0.6, {}, "", "", "", S::kNone, 0, 0.25, 40, 18, 16, 95,
                 {"road_traffic_collision", "fall_over_2m", "assault", "sport", "other"}, 0,
                 0.06, 0, {}}},
               0.2, 0.0, true, false});
  return p;
}

}  // namespace

std::span<const RoleSpec> Roles() { return kRoles; }

std::span<const RegistryProfile> Profiles() {
  static const std::vector<RegistryProfile> profiles = MakeProfiles();
  return profiles;
}

Result<std::vector<int>> ParseRegistryList(std::string_view text) {
  std::vector<int> out;
  if (Trim(text).empty()) {
    for (int r = 0; r < kRegistryCount; ++r) out.push_back(r);
    return out;
  }
  for (std::string_view piece : Split(text, ',')) {
    const std::string code = ToUpperAscii(Trim(piece));
    auto it = std::find(kRegistryCodes.begin(), kRegistryCodes.end(), code);
    if (it == kRegistryCodes.end()) {
      return InvalidArgument(fmt::format(
          "registry '{}' is not one the synth knows; use MDOR, BCIR, NRHI, POPSUI, OTR or NMTR",
          Printable(code)));
    }
    const int index = static_cast<int>(it - kRegistryCodes.begin());
    if (std::find(out.begin(), out.end(), index) == out.end()) out.push_back(index);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace orp::synth
