// Rendering: a generated procedure as the strings of the public submission format
// (docs/submission-format.md), and the deliberate errors the ground truth lists.
//
// CSV and NDJSON are both written from one RenderedProcedure, so the two formats carry the same
// values by construction. Not thread-safe (the Renderer owns an Rng reference and scratch).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "orp/synth/episode.h"
#include "orp/synth/fields.h"

namespace orp::synth {

inline constexpr std::array<std::string_view, 16> kProcedureColumns = {
    "registry",       "procedure_ref",  "provider_site", "clinician_gmc",
    "nhs_number",     "date_of_birth",  "sex",           "postcode",
    "procedure_date", "procedure_type", "opcs_codes",    "snomed_code",
    "laterality",     "indication",     "asa_grade",     "bmi"};
inline constexpr std::array<std::string_view, 6> kDeviceColumns = {
    "device_action", "device_scan", "gtin", "lot", "serial", "expiry"};

// Column positions used by the error writer.
enum ProcedureColumn {
  kColRegistry,
  kColRef,
  kColSite,
  kColGmc,
  kColNhs,
  kColDob,
  kColSex,
  kColPostcode,
  kColDate,
  kColType,
  kColOpcs,
  kColSnomed,
  kColLaterality,
  kColIndication,
  kColAsa,
  kColBmi,
};
enum DeviceColumn { kColAction, kColScan, kColGtin, kColLot, kColSerial, kColExpiry };

struct RenderedProcedure {
  int registry = 0;
  int year = 0;  // the file it goes in: the year of the true procedure date
  std::array<std::string, kProcedureColumns.size()> core;
  std::vector<std::string> fields;  // registry fields at procedure level, definition order
  std::vector<std::array<std::string, kDeviceColumns.size()>> devices;
  std::vector<std::vector<std::string>> device_fields;  // per device, definition order
};

struct PlantedError {
  std::string procedure_ref;
  std::string_view field;
  std::string_view defect;
};

class Renderer {
 public:
  // `fillers` is indexed by registry (kRegistryCodes order) and must outlive the renderer.
  Renderer(const World& world, const Patients& patients, const std::vector<FieldFiller>& fillers,
           Rng& rng)
      : world_(world), patients_(patients), fillers_(fillers), rng_(rng) {}

  // Fills `out` for procedure `p` of episode `e`; `sequence` numbers procedure_ref.
  void Render(const Episode& e, const ProcedureRecord& p, uint64_t sequence,
              RenderedProcedure& out);
  // Spoils one value of `out` in a realistic way and says which (docs/submission-format.md).
  PlantedError Spoil(const Episode& e, const ProcedureRecord& p, RenderedProcedure& out);

 private:
  std::string ScanText(const DeviceInstance& instance, ScanForm form) const;

  const World& world_;
  const Patients& patients_;
  const std::vector<FieldFiller>& fillers_;
  Rng& rng_;
  std::vector<std::string> primary_fields_;  // of the episode being rendered
};

}  // namespace orp::synth
