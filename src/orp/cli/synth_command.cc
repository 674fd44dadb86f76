#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "orp/cli/commands.h"
#include "orp/cli/exit.h"
#include "orp/cli/table.h"
#include "orp/domain/registry_loader.h"
#include "orp/synth/profiles.h"
#include "orp/synth/synth.h"

namespace orp::cli {

namespace {

struct SynthFlags {
  uint64_t seed = 1;
  int64_t procedures = 10000;
  std::string out;
  std::string registries;
  std::string definitions;
  double error_rate = 0.01;
  std::string format = "table";
};

void PrintSummary(const synth::SynthSummary& s, OutputFormat format, const std::string& out) {
  const std::pair<const char*, int64_t> rows[] = {{"procedures", s.procedures},
                                                  {"device_rows", s.device_rows},
                                                  {"scans", s.scans},
                                                  {"patients", s.patients},
                                                  {"deaths", s.deaths},
                                                  {"errors", s.errors},
                                                  {"planted", s.planted},
                                                  {"device_models", s.device_models},
                                                  {"prom_responses", s.prom_responses},
                                                  {"files", s.files}};
  if (format == OutputFormat::kJson) {
    nlohmann::ordered_json summary;
    summary["out"] = out;
    for (const auto& [name, value] : rows) summary[name] = value;
    fmt::print("{}\n", summary.dump());
    return;
  }
  Table table({"item", "count"});
  for (const auto& [name, value] : rows) table.AddRow({name, fmt::format("{}", value)});
  fmt::print("{}", format == OutputFormat::kCsv ? table.RenderCsv() : table.RenderText());
}

void Run(const SynthFlags& flags) {
  const OutputFormat format = ValueOrFail("synth", ParseOutputFormat(flags.format));
  synth::SynthOptions options;
  options.seed = flags.seed;
  options.procedures = flags.procedures;
  options.out_dir = flags.out;
  options.registries = ValueOrFail("synth", synth::ParseRegistryList(flags.registries));
  options.error_rate = flags.error_rate;
  if (flags.definitions.empty()) {
    std::error_code ec;
    const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    options.definitions = ValueOrFail("synth", domain::FindRegistriesDirectory(ec ? "" : exe));
  } else {
    options.definitions = flags.definitions;
  }
  const synth::SynthSummary summary = ValueOrFail("synth", synth::GenerateRegistry(options));
  PrintSummary(summary, format, flags.out);
}

}  // namespace

void AddSynthCommand(CLI::App& app, const Environment&) {
  auto flags = std::make_shared<SynthFlags>();
  CLI::App* cmd = app.add_subcommand(
      "synth",
      "Write a synthetic registry (submissions in CSV and NDJSON, device catalogue, deaths "
      "feed, ground truth) into a directory. Same seed, same bytes.");
  cmd->add_option("--seed", flags->seed, "Seed of the pseudo-random generator")->default_val(1);
  cmd->add_option("--procedures", flags->procedures, "Number of procedures to write")
      ->default_val(10000)
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--out", flags->out, "Directory to write into (created if missing)")->required();
  cmd->add_option("--registries", flags->registries,
                  "Comma-separated registry codes (MDOR,BCIR,NRHI,POPSUI,OTR,NMTR); default all");
  cmd->add_option("--definitions", flags->definitions,
                  "Registry definitions (directory of *.toml); default ./registries, else "
                  "$ORP_REGISTRIES, else <dir of orp>/../registries");
  cmd->add_option("--error-rate", flags->error_rate,
                  "Share of procedures given one deliberate error, listed in ground-truth.json")
      ->default_val(0.01);
  cmd->add_option("--format", flags->format, "Summary output: table, json or csv")
      ->default_val("table");
  cmd->callback([flags] { Run(*flags); });
}

}  // namespace orp::cli
