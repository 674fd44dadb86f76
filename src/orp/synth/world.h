// World: the fixed cast of a synthetic registry, drawn once from the seed before any procedure:
// provider sites (ODS codes), clinicians (GMC numbers), manufacturers, device models (GTINs,
// hazards, market dates) and the planted poor performers.
//
// Invariants: ODS site codes, GMC numbers, GTINs and serial prefixes are unique; every
// registry chosen has at least three participating sites, each with at least one clinician;
// every role has at least one model. Built by World::Build; afterwards read-only except the
// per-model serial counters (see NextSerial). Not thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "orp/core/date.h"
#include "orp/synth/profiles.h"
#include "orp/synth/random.h"

namespace orp::synth {

struct Site {
  std::string ods;  // 5 characters: NHS trust site (RXF05) or independent (NT451, 8HA03)
  bool nhs = true;
  double volume = 1;
  int area = 0;  // index into the postcode areas (patients mostly live nearby)
};

struct Clinician {
  std::string gmc;  // 7 digits
  int registry = 0;
  int home_site = 0;
  double volume = 1;
};

struct Manufacturer {
  std::string name;
  std::string gs1_prefix;  // 952 + 4 digits (GS1's range for examples and tests)
  std::string hibc_lic;    // 4 characters when it also labels in HIBC, else empty
};

struct DeviceModel {
  std::string gtin;  // 14 digits
  int manufacturer = 0;
  int role = 0;  // index into Roles()
  std::string brand, model, catalogue_number;
  std::string serial_prefix;  // 3 letters, unique
  double share = 1;           // market weight within its role
  double weibull_shape = 1, weibull_scale_days = 1;
  Date launch, withdrawn;  // withdrawn == Date::max() while on the market
  uint32_t next_serial = 0;
};

enum class PlantedKind { kDeviceModel, kSurgeon, kHospital };

struct Planted {
  PlantedKind kind;
  int index;  // into models, clinicians or sites
  int registry;
  double effect;  // hazard ratio
  Date from;
};

struct PostcodeArea {
  std::string_view letters;
  int districts;
};
std::span<const PostcodeArea> PostcodeAreas();

class World {
 public:
  static World Build(Rng& rng, std::span<const int> registries);

  std::vector<Site> sites;
  std::vector<Clinician> clinicians;
  std::vector<Manufacturer> manufacturers;
  std::vector<DeviceModel> models;
  std::vector<Planted> planted;

  // Participating sites of a registry, and a sampler weighted by volume.
  const std::vector<int>& SitesOf(int registry) const { return sites_of_[registry]; }
  const Categorical& SiteSampler(int registry) const { return site_sampler_[registry]; }
  // Clinicians of a registry at a site (non-empty for a participating site).
  const std::vector<int>& CliniciansAt(int site, int registry) const;
  const Categorical& ClinicianSampler(int site, int registry) const;
  const std::vector<int>& ModelsOf(int role) const { return models_of_[role]; }

  // The hazard ratio a planted unit applies to a procedure on `date` (1 when none).
  double ModelEffect(int model, Date date) const;
  double SurgeonEffect(int clinician, Date date) const;
  double HospitalEffect(int site, int registry, Date date) const;

 private:
  void BuildSites(Rng& rng, std::span<const int> registries);
  void BuildClinicians(Rng& rng, std::span<const int> registries);
  void BuildManufacturersAndModels(Rng& rng, std::span<const int> registries);
  void Plant(Rng& rng, std::span<const int> registries);

  std::vector<std::vector<int>> sites_of_;
  std::vector<Categorical> site_sampler_;
  std::vector<std::vector<int>> clinicians_at_;  // [site * kRegistryCount + registry]
  std::vector<Categorical> clinician_sampler_;
  std::vector<std::vector<int>> models_of_;
  std::vector<double> model_effect_, surgeon_effect_, site_effect_;
  std::vector<Date> model_from_, surgeon_from_, site_from_;
};

}  // namespace orp::synth
