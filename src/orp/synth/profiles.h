// Per-registry parameters of the synthetic registry: which procedures each registry sees, who
// has them (sex, age), which devices go in, how they fail, and which extra fields it collects.
//
// One table, in profiles.cc, so that the realism of the synth can be read and argued about in one
// place. The numbers are plausible orders of magnitude from the literature the specs cite, not
// registry statistics; tests rely only on the broad shapes (BCIR mostly female, hip fractures
// old). Registry indices follow kRegistryCodes.
#pragma once

#include <array>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "orp/core/result.h"

namespace orp::synth {

inline constexpr int kRegistryCount = 6;
inline constexpr std::array<std::string_view, kRegistryCount> kRegistryCodes = {
    "MDOR", "BCIR", "NRHI", "POPSUI", "OTR", "NMTR"};
inline constexpr int kNmtr = 5;

// "BCIR,OTR" (any case, spaces allowed) to registry indices in kRegistryCodes order; empty text
// means all. kInvalidArgument naming an unknown code.
Result<std::vector<int>> ParseRegistryList(std::string_view text);

// A kind of device, e.g. a breast implant or a femoral stem. Catalogue rows are models of a role.
struct RoleSpec {
  std::string_view name;  // device_type in the catalogue
  int registry;
  std::string_view device_class;  // "III" or "IIb"
  int models;                     // how many models the synth invents
  double revision_10y;            // typical probability of revision by 10 years
  double weibull_shape;           // < 1: early failures dominate; > 1: wear-out
  int shelf_life_months;
  std::string_view brand_nouns;  // space-separated words for model names
};

std::span<const RoleSpec> Roles();

struct Component {
  int role;  // index into Roles()
  int min_count;
  int max_count;
};

enum class Sidedness { kNone, kSided };

// One kind of procedure within a registry, with its own population.
struct Variant {
  std::string_view name;
  double weight;
  std::vector<Component> components;  // the first is the one whose failure drives revision
  std::string_view opcs_primary, opcs_revision, opcs_explant;  // explant empty: never
  Sidedness sidedness;
  double bilateral_probability;
  double female_probability;
  double age_mean, age_sd, age_min, age_max;
  std::vector<std::string_view> indications;
  double explant_probability;      // a failure ends in removal without replacement
  double early_death_probability;  // excess death within about a year of the procedure
  double weekday_only;             // share of procedures moved off weekends (elective lists)
  std::vector<std::string_view> revision_indications;
};

struct RegistryProfile {
  std::string_view code;
  double weight;  // share of all procedures
  std::vector<Variant> variants;
  double nhs_participation, independent_participation;  // share of sites that submit
  bool records_asa, records_bmi;
};

std::span<const RegistryProfile> Profiles();

}  // namespace orp::synth
