#include "orp/catalogue/catalogue_file.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "orp/core/text.h"

namespace orp::catalogue {
namespace {

char DetectDelimiter(std::string_view header) {
  if (header.find(',') != std::string_view::npos) return ',';
  if (header.find('\t') != std::string_view::npos) return '\t';
  if (header.find('|') != std::string_view::npos) return '|';
  return ',';
}

std::string Lower(std::string_view text) {
  std::string out(Trim(text));
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
  }
  return out;
}

// Column name (lower case) -> index, for one header row.
class Columns {
 public:
  explicit Columns(const std::vector<std::string>& header) {
    for (size_t i = 0; i < header.size(); ++i) index_[Lower(header[i])] = i;
  }
  bool Has(std::string_view name) const { return index_.contains(std::string(name)); }
  std::string_view Get(const DelimitedRow& row, std::string_view name) const {
    auto it = index_.find(std::string(name));
    if (it == index_.end() || it->second >= row.fields.size()) return {};
    return Trim(row.fields[it->second]);
  }
  std::vector<std::string> Unknown(std::span<const std::string_view> known) const {
    std::vector<std::string> out;
    for (const auto& [name, i] : index_) {
      if (std::find(known.begin(), known.end(), name) == known.end()) out.push_back(name);
    }
    return out;
  }

 private:
  std::map<std::string, size_t, std::less<>> index_;
};

constexpr std::string_view kOrpColumns[] = {
    "gtin",         "manufacturer", "brand",      "model",         "catalogue_number",
    "device_type",  "device_class", "registries", "market_status", "status_date",
    "effective_from", "fsn_reference"};
constexpr std::string_view kGudidColumns[] = {
    "primarydi",       "companyname",
    "brandname",       "versionmodelnumber",
    "catalognumber",   "devicedescription",
    "devicecommdistributionstatus", "devicecommdistributionenddate",
    "publicversiondate"};

// A row's conversion: the model, or the problem that rejects it.
struct RowProblem {
  std::string column;
  std::string_view rule;
  std::string message;
};
using RowResult = std::expected<DeviceModel, RowProblem>;

std::unexpected<RowProblem> Reject(std::string_view column, std::string_view rule,
                                   std::string message) {
  return std::unexpected(RowProblem{std::string(column), rule, std::move(message)});
}

Result<Date> ParseFileDate(std::string_view text) {
  if (text.size() == 10 && text[2] == '/' && text[5] == '/') {  // GUDID MM/DD/YYYY
    std::string iso = fmt::format("{}-{}-{}", text.substr(6, 4), text.substr(0, 2),
                                  text.substr(3, 2));
    return ParseIsoDate(iso);
  }
  return ParseIsoDate(text);
}

RowResult ParseRegistries(std::string_view text, DeviceModel& model) {
  if (text.empty()) return model;
  for (std::string_view part : Split(text, ';')) {
    std::string code = ToUpperAscii(Trim(part));
    if (code.empty()) continue;
    if (std::find(std::begin(kRegistryCodes), std::end(kRegistryCodes), code) ==
        std::end(kRegistryCodes)) {
      return Reject("registries", "catalogue.registry",
                    fmt::format("registry code '{}' must be one of MDOR, BCIR, NRHI, POPSUI, OTR",
                                Printable(code)));
    }
    model.registries.push_back(code);
  }
  return model;
}

Result<std::optional<Date>> OptionalIsoDate(std::string_view text) {
  if (text.empty()) return std::optional<Date>();
  auto date = ParseIsoDate(text);
  if (!date) return std::unexpected(date.error());
  return std::optional<Date>(*date);
}

RowResult OrpRowCodesAndDates(const Columns& c, const DelimitedRow& row, Date recorded_on,
                              DeviceModel m) {
  auto device_class = ParseDeviceClass(c.Get(row, "device_class"));
  if (!device_class) return Reject("device_class", "catalogue.class", device_class.error().message());
  m.device_class = *device_class;
  auto status = ParseMarketStatus(c.Get(row, "market_status"));
  if (!status) return Reject("market_status", "catalogue.status", status.error().message());
  m.market_status = *status;
  auto status_date = OptionalIsoDate(c.Get(row, "status_date"));
  if (!status_date) return Reject("status_date", "catalogue.date", status_date.error().message());
  m.status_date = *status_date;
  auto effective = OptionalIsoDate(c.Get(row, "effective_from"));
  if (!effective) return Reject("effective_from", "catalogue.date", effective.error().message());
  m.effective_from = effective->value_or(m.status_date.value_or(recorded_on));
  m.recorded_on = recorded_on;
  return ParseRegistries(c.Get(row, "registries"), m);
}

RowResult OrpRow(const Columns& c, const DelimitedRow& row, Date recorded_on) {
  DeviceModel m;
  auto di = NormaliseDi(c.Get(row, "gtin"));
  if (!di) return Reject("gtin", "catalogue.gtin", di.error().message());
  m.di = *di;
  m.manufacturer = c.Get(row, "manufacturer");
  if (m.manufacturer.empty()) {
    return Reject("manufacturer", "catalogue.required", "manufacturer is required");
  }
  m.brand = c.Get(row, "brand");
  m.model = c.Get(row, "model");
  m.catalogue_number = c.Get(row, "catalogue_number");
  m.device_type = c.Get(row, "device_type");
  m.fsn_reference = c.Get(row, "fsn_reference");
  return OrpRowCodesAndDates(c, row, recorded_on, std::move(m));
}

RowResult GudidRow(const Columns& c, const DelimitedRow& row, Date recorded_on) {
  DeviceModel m;
  std::string_view primary = c.Get(row, "primarydi");
  if (primary.empty()) return Reject("PrimaryDI", "catalogue.gtin", "PrimaryDI is required");
  auto di = NormaliseDi(primary);
  m.di = di ? *di : std::string(primary);
  m.manufacturer = c.Get(row, "companyname");
  if (m.manufacturer.empty()) {
    return Reject("companyName", "catalogue.required", "companyName is required");
  }
  m.brand = c.Get(row, "brandname");
  m.model = c.Get(row, "versionmodelnumber");
  m.catalogue_number = c.Get(row, "catalognumber");
  m.device_type = c.Get(row, "devicedescription").substr(0, 80);
  std::string status = Lower(c.Get(row, "devicecommdistributionstatus"));
  m.market_status = status.starts_with("not in") ? MarketStatus::kWithdrawn
                                                 : MarketStatus::kOnMarket;
  if (std::string_view end = c.Get(row, "devicecommdistributionenddate"); !end.empty()) {
    auto date = ParseFileDate(end);
    if (!date) {
      return Reject("deviceCommDistributionEndDate", "catalogue.date", date.error().message());
    }
    m.status_date = *date;
  }
  m.effective_from = recorded_on;
  if (std::string_view version = c.Get(row, "publicversiondate"); !version.empty()) {
    auto date = ParseFileDate(version);
    if (!date) return Reject("publicVersionDate", "catalogue.date", date.error().message());
    m.effective_from = *date;
  }
  m.recorded_on = recorded_on;
  return m;
}

void Record(Catalogue::AddOutcome outcome, ImportReport& report) {
  switch (outcome) {
    case Catalogue::AddOutcome::kNewModel: ++report.new_models; break;
    case Catalogue::AddOutcome::kNewVersion: ++report.new_versions; break;
    case Catalogue::AddOutcome::kUnchanged: ++report.unchanged; break;
  }
}

}  // namespace

std::vector<DelimitedRow> SplitDelimited(std::string_view text, char delimiter) {
  std::vector<DelimitedRow> rows;
  DelimitedRow row{1, {std::string()}};
  size_t line = 1;
  bool quoted = false, any = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char ch = text[i];
    if (quoted) {
      if (ch == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        row.fields.back().push_back('"');
        ++i;
      } else if (ch == '"') {
        quoted = false;
      } else {
        if (ch == '\n') ++line;
        row.fields.back().push_back(ch);
      }
      continue;
    }
    if (ch == '"' && row.fields.back().empty()) {
      quoted = any = true;
    } else if (ch == delimiter) {
      row.fields.emplace_back();
      any = true;
    } else if (ch == '\n') {
      if (any) rows.push_back(std::move(row));
      row = DelimitedRow{++line, {std::string()}};
      any = false;
    } else if (ch != '\r') {
      row.fields.back().push_back(ch);
      any = true;
    }
  }
  if (any) rows.push_back(std::move(row));
  return rows;
}

CatalogueFormat DetectCatalogueFormat(std::string_view header_line) {
  return Lower(header_line).find("primarydi") != std::string::npos ? CatalogueFormat::kGudid
                                                                    : CatalogueFormat::kOrp;
}

Result<ImportReport> ImportCatalogue(std::string_view text, Date recorded_on,
                                     Catalogue& catalogue) {
  std::vector<DelimitedRow> rows;
  {
    size_t start = 0;  // skip comment lines before the header
    while (start < text.size() && text[start] == '#') {
      size_t nl = text.find('\n', start);
      start = nl == std::string_view::npos ? text.size() : nl + 1;
    }
    std::string_view body = text.substr(start);
    rows = SplitDelimited(body, DetectDelimiter(body.substr(0, body.find('\n'))));
  }
  if (rows.empty()) return InvalidArgument("the catalogue file is empty (no header row)");
  ImportReport report;
  std::string header_line;
  for (const auto& f : rows[0].fields) header_line += f + ",";
  report.format = DetectCatalogueFormat(header_line);
  Columns columns(rows[0].fields);
  bool gudid = report.format == CatalogueFormat::kGudid;
  for (std::string_view required : gudid ? std::vector<std::string_view>{"primarydi", "companyname"}
                                         : std::vector<std::string_view>{"gtin", "manufacturer"}) {
    if (!columns.Has(required)) {
      return InvalidArgument(fmt::format("the header has no '{}' column (see "
                                         "docs/device-catalogue.md)", required));
    }
  }
  report.ignored_columns =
      gudid ? columns.Unknown(kGudidColumns) : columns.Unknown(kOrpColumns);
  if (gudid) report.ignored_columns.clear();  // a GUDID export has dozens we do not use
  for (size_t r = 1; r < rows.size(); ++r) {
    const DelimitedRow& row = rows[r];
    if (!row.fields.empty() && row.fields[0].starts_with('#')) continue;
    ++report.rows;
    RowResult model = gudid ? GudidRow(columns, row, recorded_on)
                            : OrpRow(columns, row, recorded_on);
    if (!model) {
      ++report.rejected;
      report.problems.push_back(ImportProblem{row.line, model.error().column, model.error().rule,
                                              model.error().message});
      continue;
    }
    Record(catalogue.Add(std::move(*model)), report);
  }
  return report;
}

Result<ImportReport> ImportCatalogueFile(const std::filesystem::path& path, Date recorded_on,
                                         Catalogue& catalogue) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound(fmt::format("cannot open catalogue file {}", path.string()));
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return DataLoss(fmt::format("cannot read catalogue file {}", path.string()));
  return ImportCatalogue(buffer.str(), recorded_on, catalogue);
}

}  // namespace orp::catalogue
