// The synthetic registry (`orp synth`): writes a realistic, deterministic registry into a
// directory — submission files in CSV and NDJSON, the device catalogue, the deaths feed and
// ground-truth.json naming what was planted and which records carry deliberate errors.
// Layout and formats: docs/submission-format.md ("What orp synth writes").
//
// Determinism: the same options give byte-identical files (the PRNG and every sampler are
// specified in random.h). Output is streamed: memory grows with the number of patients (about
// 24 bytes each) and the ground-truth error list, not with the files.
//
// Errors: kInvalidArgument for bad options or definitions; kNotFound when the definitions are
// missing; kFailedPrecondition when a file cannot be written.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "orp/core/result.h"

namespace orp::synth {

struct SynthOptions {
  uint64_t seed = 1;
  int64_t procedures = 10000;
  std::filesystem::path out_dir;
  // Registry definitions (a directory of *.toml or one file): the registry-specific fields
  // are generated from them, and every chosen registry must be defined there.
  std::filesystem::path definitions;
  std::vector<int> registries;  // indices into kRegistryCodes; empty means all
  double error_rate = 0.01;     // share of procedures given one deliberate error
};

struct SynthSummary {
  int64_t procedures = 0;
  int64_t device_rows = 0;
  int64_t scans = 0;
  int64_t patients = 0;
  int64_t deaths = 0;
  int64_t errors = 0;
  int64_t planted = 0;
  int64_t device_models = 0;
  int64_t prom_responses = 0;  // rows of proms.csv
  int files = 0;
};

Result<SynthSummary> GenerateRegistry(const SynthOptions& options);

}  // namespace orp::synth
