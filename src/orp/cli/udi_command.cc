// `orp udi parse`: reads device labels (arguments, or lines on stdin) and prints what each
// holds and what is wrong with it. Exit 0 when every label is usable (warnings allowed), 65 when
// any label has an error finding.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "orp/cli/commands.h"
#include "orp/cli/exit.h"
#include "orp/cli/table.h"
#include "orp/core/text.h"
#include "orp/udi/parse.h"

namespace orp::cli {
namespace {

struct UdiParseOptions {
  std::vector<std::string> labels;
  std::string format = "table";
  std::string gs;     // a character keyboard-wedge scanners send instead of GS
  std::string today;  // YYYY-MM-DD, for reproducible expiry and century checks
};

// Turns the scanner's stand-ins for GS (ASCII 29) back into GS: the literal text "\x1d" (any
// case) and, when set, the configured substitute character.
std::string RestoreGroupSeparators(std::string_view text, std::string_view substitute) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text.substr(i, 4) == "\\x1d" || text.substr(i, 4) == "\\x1D") {
      out.push_back('\x1d');
      i += 3;
    } else if (!substitute.empty() && text[i] == substitute[0]) {
      out.push_back('\x1d');
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

std::string DateText(const std::optional<Date>& date) {
  return date ? FormatIsoDate(*date) : std::string();
}

std::string ExpiryText(const udi::ParsedUdi& u) {
  std::string text = DateText(u.expiry);
  if (u.expiry_time) {
    text += fmt::format(" {:02d}:{:02d}", u.expiry_time->count() / 60, u.expiry_time->count() % 60);
  }
  return text;
}

std::string FindingsText(const udi::ParsedUdi& u) {
  std::string text;
  for (const udi::Finding& f : u.findings) {
    if (!text.empty()) text += " | ";
    text += fmt::format("{} {}: {}", udi::SeverityName(f.severity), f.code, f.message);
  }
  return text;
}

nlohmann::ordered_json ToJson(const udi::ParsedUdi& u) {
  nlohmann::ordered_json findings = nlohmann::ordered_json::array();
  for (const udi::Finding& f : u.findings) {
    findings.push_back({{"code", f.code},
                        {"severity", udi::SeverityName(f.severity)},
                        {"message", f.message},
                        {"field", f.field},
                        {"position", f.position}});
  }
  nlohmann::ordered_json other = nlohmann::ordered_json::array();
  for (const udi::AiValue& v : u.other_ais) other.push_back({{"ai", v.ai}, {"value", v.value}});
  return {{"raw", u.raw},
          {"issuer", udi::IssuerName(u.issuer)},
          {"format", udi::FormatName(u.format)},
          {"ok", u.ok()},
          {"di", u.di},
          {"lot", u.lot},
          {"serial", u.serial},
          {"expiry", ExpiryText(u)},
          {"production_date", DateText(u.production_date)},
          {"software_version", u.software_version},
          {"additional_id", u.additional_id},
          {"other_ais", other},
          {"findings", findings}};
}

void Print(const std::vector<udi::ParsedUdi>& parsed, OutputFormat format) {
  if (format == OutputFormat::kJson) {
    nlohmann::ordered_json all = nlohmann::ordered_json::array();
    for (const auto& u : parsed) all.push_back(ToJson(u));
    fmt::print("{}\n", all.dump(2));
    return;
  }
  Table table({"raw", "issuer", "di", "lot", "serial", "expiry", "production", "software",
               "additional_id", "findings"});
  for (const auto& u : parsed) {
    table.AddRow({Printable(u.raw), std::string(udi::IssuerName(u.issuer)), u.di, u.lot, u.serial,
                  ExpiryText(u), DateText(u.production_date), u.software_version, u.additional_id,
                  FindingsText(u)});
  }
  fmt::print("{}", format == OutputFormat::kCsv ? table.RenderCsv() : table.RenderText());
}

void RunUdiParse(const UdiParseOptions& options) {
  constexpr std::string_view kCommand = "udi parse";
  OutputFormat format = ValueOrFail(kCommand, ParseOutputFormat(options.format));
  if (options.gs.size() > 1) {
    Fail(kCommand, Error(ErrorCode::kInvalidArgument,
                         fmt::format("--gs '{}': give a single character", options.gs)));
  }
  udi::ParseOptions parse_options;
  if (!options.today.empty()) {
    parse_options.today = ValueOrFail(kCommand, ParseIsoDate(options.today));
  }
  std::vector<std::string> labels = options.labels;
  if (labels.empty() || (labels.size() == 1 && labels[0] == "-")) {
    labels.clear();
    for (std::string line; std::getline(std::cin, line);) {
      if (!Trim(line).empty()) labels.push_back(line);
    }
  }
  std::vector<udi::ParsedUdi> parsed;
  size_t with_errors = 0;
  for (const std::string& label : labels) {
    parsed.push_back(udi::ParseUdi(RestoreGroupSeparators(label, options.gs), parse_options));
    if (!parsed.back().ok()) ++with_errors;
  }
  Print(parsed, format);
  if (with_errors > 0) {
    Fail(kCommand, Error(ErrorCode::kInvalidArgument,
                         fmt::format("{} of {} labels have errors", with_errors, labels.size())));
  }
}

}  // namespace

void AddUdiCommand(CLI::App& app, const Environment&) {
  CLI::App* udi = app.add_subcommand("udi", "Read device labels (GS1, HIBCC, ICCBBA).");
  udi->require_subcommand(1);
  auto options = std::make_shared<UdiParseOptions>();
  CLI::App* parse = udi->add_subcommand(
      "parse",
      "Parse UDI barcodes: GS1 element strings, (01)... text, GS1 Digital Link, HIBCC.\n"
      "With no TEXT (or '-') reads one label per line from stdin. Exit 65 if any has errors.");
  parse->add_option("TEXT", options->labels,
                    "Labels as scanned; write GS (ASCII 29) as \\x1d or use --gs");
  parse->add_option("--format", options->format, "table | json | csv")->capture_default_str();
  parse->add_option("--gs", options->gs,
                    "A character your scanner sends instead of GS, e.g. '~' (keyboard wedge)");
  parse->add_option("--today", options->today,
                    "Read labels as of this date (YYYY-MM-DD): century and expiry checks");
  parse->callback([options] { RunUdiParse(*options); });
}

}  // namespace orp::cli
