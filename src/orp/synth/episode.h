// Episodes: one patient's primary procedure in one registry and everything that follows it
// until death or the data cut (revisions, explants, re-revisions).
//
// How an episode is drawn (parameters in profiles.cc, the cast in world.h):
//   registry and procedure variant by weight; primary date from a growing yearly volume over
//   2011–2025 (elective lists moved off weekends); site by volume, clinician at that site;
//   patient new (sex, age per variant) or, rarely, an existing one of the right sex and age;
//   ASA and BMI by age; devices per component, the model by market share among models on the
//   market that day; each side's time to failure from its first component's Weibull hazard
//   times the planted effects (model, surgeon, hospital from their dates) and covariates
//   (ASA 3+, BMI 35+, male sex); a failure before death and the data cut becomes a revision
//   (new devices, whose own failure may follow) or an explant that names the removed devices.
//   NMTR episodes have no devices; their 30-day deaths depend on age, ISS and the hospital.
// Not thread-safe; deterministic given the Rng state.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "orp/core/date.h"
#include "orp/synth/patients.h"
#include "orp/synth/random.h"
#include "orp/synth/world.h"

namespace orp::synth {

inline const Date kFirstDay{std::chrono::year{2011} / 1 / 1};
inline const Date kDataCut{std::chrono::year{2025} / 12 / 31};

enum class ProcedureType { kPrimary, kRevision, kExplant, kOther };
std::string_view ProcedureTypeName(ProcedureType type);

// How the scanner text of an implanted device was captured (none: typed or picked from a list).
enum class ScanForm : uint8_t { kNone, kGs1, kGs1WithSymbology, kBracketed, kDigitalLink, kHibc };

struct DeviceInstance {
  int model;
  std::string lot, serial;
  Date expiry;
  char side;  // 'L', 'R' or 'N'
  ScanForm scan;
  bool expiry_day_zero;  // the label says YYMM00
};

struct DeviceRow {
  bool implanted;
  int instance;  // index into Episode::instances
};

struct ProcedureRecord {
  int registry = 0, variant = 0, site = 0, clinician = 0;
  uint32_t patient = 0;
  Date date;
  ProcedureType type = ProcedureType::kPrimary;
  char laterality = 'N';
  std::string_view indication;
  int asa = 0;         // 0: not recorded
  int bmi_tenths = 0;  // 0: not recorded
  std::string_view opcs_main;
  int iss = 0;                    // NMTR: injury severity score
  int stay_days = -1;             // NMTR: length of stay; -1 while still in hospital at the cut
  bool died_in_hospital = false;  // NMTR
  std::vector<DeviceRow> devices;
};

struct Episode {
  std::vector<ProcedureRecord> procedures;  // in date order, the primary first
  std::vector<DeviceInstance> instances;
};

class EpisodeGenerator {
 public:
  // `world` and `patients` must outlive the generator; serial counters in `world` advance.
  EpisodeGenerator(World& world, Patients& patients, std::span<const int> registries, Rng& rng);
  void Next(Episode& episode);

 private:
  struct Person {
    uint32_t index;
    int age;
  };
  Date DrawPrimaryDate(const Variant& variant);
  Person DrawPatient(int registry, const Variant& variant, Date date, int iss, int site);
  Date DrawDeath(int registry, const Variant& variant, int age, Date date, int iss, int site);
  void DrawCovariates(ProcedureRecord& p, int age);
  void DrawStay(ProcedureRecord& p);
  int AddInstance(Episode& e, int role, int same_maker_as, Date date, int model = -1);
  // Adds implanted rows for one side; with `pair_of` (the rows of the other side of a bilateral
  // procedure) the same models are used, as surgeons implant matched pairs.
  void Implant(Episode& e, ProcedureRecord& p, const Variant& variant, char side,
               const std::vector<DeviceRow>* pair_of = nullptr);
  void FollowSide(Episode& e, size_t procedure, char side, int depth);
  double CovariateEffect(const ProcedureRecord& p) const;

  World& world_;
  Patients& patients_;
  Rng& rng_;
  Categorical registry_sampler_;
  std::vector<int> registries_;
  std::vector<double> weights_;  // scratch for model choice
  std::vector<int> candidates_;
};

}  // namespace orp::synth
