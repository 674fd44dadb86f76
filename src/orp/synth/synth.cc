#include "orp/synth/synth.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <system_error>

#include "orp/core/csv.h"
#include "orp/domain/registry_loader.h"
#include "orp/synth/episode.h"
#include "orp/synth/fields.h"
#include "orp/synth/label.h"
#include "orp/synth/output.h"
#include "orp/synth/proms_responses.h"
#include "orp/synth/render.h"

namespace orp::synth {

namespace {

namespace fs = std::filesystem;

// Independent streams, so that (for example) the cast does not shift when episode drawing
// changes.
constexpr uint64_t kWorldStream = 0x5752'4c44;    // "WRLD"
constexpr uint64_t kEpisodeStream = 0x4550'4953;  // "EPIS"
constexpr uint64_t kRenderStream = 0x5245'4e44;   // "REND"
constexpr uint64_t kPromsStream = 0x5052'4f4d;    // "PROM"

Result<int> PrepareDirectory(const fs::path& submissions) {
  std::error_code ec;
  fs::create_directories(submissions, ec);
  if (ec) {
    return FailedPrecondition(
        fmt::format("cannot create directory {}: {}", submissions.string(), ec.message()));
  }
  // Files from an earlier run with other options would otherwise be read as part of this one.
  for (const fs::directory_entry& entry : fs::directory_iterator(submissions, ec)) {
    const fs::path ext = entry.path().extension();
    if (entry.is_regular_file() && (ext == ".csv" || ext == ".ndjson"))
      fs::remove(entry.path(), ec);
  }
  return 0;
}

Result<int> WriteText(const fs::path& path, const std::string& text) {
  auto file = OutputFile::Open(path);
  if (!file) return std::unexpected(file.error());
  (*file)->buffer() = text;
  return (*file)->Close();
}

std::string CatalogueCsv(const World& world) {
  std::string out =
      "gtin,manufacturer,brand,model,catalogue_number,device_type,device_class,registries,"
      "market_status,status_date\n";
  for (const DeviceModel& m : world.models) {
    const RoleSpec& role = Roles()[m.role];
    const Manufacturer& maker = world.manufacturers[m.manufacturer];
    const bool withdrawn = m.withdrawn <= kDataCut;
    std::vector<std::string> row = {m.gtin,
                                    maker.name,
                                    m.brand,
                                    m.model,
                                    m.catalogue_number,
                                    std::string(role.name),
                                    std::string(role.device_class),
                                    std::string(kRegistryCodes[role.registry]),
                                    withdrawn ? "withdrawn" : "on-market",
                                    FormatIsoDate(withdrawn ? m.withdrawn : m.launch)};
    AppendCsvRow(out, row);
    if (!maker.hibc_lic.empty()) {
      // The same model under its HIBC identifier (+ LIC PCN U/M), as dual-labelled devices are.
      row[0] = "+" + maker.hibc_lic + HibcProductCode(m.catalogue_number) + "0";
      AppendCsvRow(out, row);
    }
  }
  return out;
}

std::string DeathsCsv(const Patients& patients, int64_t& deaths) {
  const int32_t cut = static_cast<int32_t>(kDataCut.time_since_epoch().count());
  std::vector<std::pair<int32_t, uint32_t>> rows;
  for (uint32_t i = 0; i < patients.size(); ++i) {
    if (patients[i].date_of_death <= cut) rows.push_back({patients[i].date_of_death, i});
  }
  std::sort(rows.begin(), rows.end());
  std::string out = "nhs_number,date_of_death\n";
  for (const auto& [day, i] : rows) {
    out += NhsNumberFor(patients[i].nhs_body);
    out += ',';
    out += FormatIsoDate(Date{std::chrono::days{day}});
    out += '\n';
  }
  deaths = static_cast<int64_t>(rows.size());
  return out;
}

std::string GroundTruthJson(const SynthOptions& options, const std::vector<int>& registries,
                            const World& world, const std::vector<PlantedError>& errors) {
  nlohmann::ordered_json truth;
  truth["seed"] = options.seed;
  truth["procedures"] = options.procedures;
  truth["data_cut"] = FormatIsoDate(kDataCut);
  nlohmann::ordered_json codes = nlohmann::ordered_json::array();
  for (int r : registries) codes.push_back(kRegistryCodes[r]);
  truth["registries"] = codes;
  nlohmann::ordered_json planted = nlohmann::ordered_json::array();
  for (const Planted& p : world.planted) {
    nlohmann::ordered_json unit;
    switch (p.kind) {
      case PlantedKind::kDeviceModel:
        unit["kind"] = "device_model", unit["id"] = world.models[p.index].gtin;
        break;
      case PlantedKind::kSurgeon:
        unit["kind"] = "surgeon", unit["id"] = world.clinicians[p.index].gmc;
        break;
      case PlantedKind::kHospital:
        unit["kind"] = "hospital", unit["id"] = world.sites[p.index].ods;
        break;
    }
    unit["registry"] = kRegistryCodes[p.registry];
    unit["effect"] = p.effect;
    unit["from"] = FormatIsoDate(p.from);
    planted.push_back(std::move(unit));
  }
  truth["planted"] = std::move(planted);
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const PlantedError& e : errors) {
    list.push_back({{"procedure_ref", e.procedure_ref}, {"field", e.field}, {"defect", e.defect}});
  }
  truth["errors"] = std::move(list);
  return truth.dump(1) + "\n";
}

}  // namespace

Result<SynthSummary> GenerateRegistry(const SynthOptions& options) {
  if (options.procedures < 0) return InvalidArgument("--procedures must not be negative");
  if (!(options.error_rate >= 0 && options.error_rate <= 0.5)) {
    return InvalidArgument(
        fmt::format("--error-rate {} must be between 0 and 0.5", options.error_rate));
  }
  std::vector<int> registries = options.registries;
  if (registries.empty()) {
    for (int r = 0; r < kRegistryCount; ++r) registries.push_back(r);
  }
  auto definitions = domain::LoadRegistries(options.definitions);
  if (!definitions) return std::unexpected(definitions.error());
  std::vector<FieldFiller> fillers(kRegistryCount);
  std::vector<bool> with_proms(kRegistryCount, false);
  for (int r : registries) {
    const domain::RegistryDefinition* definition = definitions->Find(kRegistryCodes[r]);
    if (definition == nullptr) {
      return NotFound(fmt::format("no definition of registry {} in {}", kRegistryCodes[r],
                                  options.definitions.string()));
    }
    fillers[r] = FieldFiller(*definition);
    for (const auto& schedule : definition->follow_up) {
      with_proms[r] = with_proms[r] || schedule.instrument == "PAIN-NRS";
    }
  }
  const fs::path submissions = options.out_dir / "submissions";
  ORP_RETURN_IF_ERROR(PrepareDirectory(submissions));

  Rng world_rng(options.seed ^ (kWorldStream << 32));
  World world = World::Build(world_rng, registries);
  Patients patients;
  Rng episode_rng(options.seed ^ (kEpisodeStream << 32));
  Rng render_rng(options.seed ^ (kRenderStream << 32));
  EpisodeGenerator generator(world, patients, registries, episode_rng);
  Renderer renderer(world, patients, fillers, render_rng);
  SubmissionFiles files(submissions, fillers);
  Rng proms_rng(options.seed ^ (kPromsStream << 32));
  PromResponses proms(proms_rng);
  SynthSummary summary;
  std::vector<PlantedError> errors;
  Episode episode;
  RenderedProcedure rendered;
  while (summary.procedures < options.procedures) {
    generator.Next(episode);
    const size_t n = std::min<size_t>(episode.procedures.size(),
                                      static_cast<size_t>(options.procedures - summary.procedures));
    // The error goes on the episode's last procedure, so no clean revision loses its primary.
    const bool spoil = render_rng.Bernoulli(options.error_rate * static_cast<double>(n));
    for (size_t i = 0; i < n; ++i) {
      const ProcedureRecord& p = episode.procedures[i];
      renderer.Render(episode, p, static_cast<uint64_t>(++summary.procedures), rendered);
      if (spoil && i + 1 == n) errors.push_back(renderer.Spoil(episode, p, rendered));
      summary.device_rows += static_cast<int64_t>(rendered.devices.size());
      for (const auto& d : rendered.devices) summary.scans += !d[kColScan].empty();
      ORP_RETURN_IF_ERROR(files.Write(rendered));
      if (with_proms[p.registry]) proms.Add(episode, p, patients[p.patient], rendered);
    }
  }
  auto written = files.Close();
  if (!written) return std::unexpected(written.error());
  summary.files = *written;
  ORP_RETURN_IF_ERROR(WriteText(options.out_dir / "device-catalogue.csv", CatalogueCsv(world)));
  ORP_RETURN_IF_ERROR(
      WriteText(options.out_dir / "deaths.csv", DeathsCsv(patients, summary.deaths)));
  ORP_RETURN_IF_ERROR(WriteText(options.out_dir / "proms.csv", proms.csv()));
  ORP_RETURN_IF_ERROR(WriteText(options.out_dir / "ground-truth.json",
                                GroundTruthJson(options, registries, world, errors)));
  summary.files += 4;
  summary.prom_responses = proms.rows();
  summary.patients = patients.size();
  summary.errors = static_cast<int64_t>(errors.size());
  summary.planted = static_cast<int64_t>(world.planted.size());
  summary.device_models = static_cast<int64_t>(world.models.size());
  return summary;
}

}  // namespace orp::synth
