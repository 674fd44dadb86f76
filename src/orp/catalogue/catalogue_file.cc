#include "orp/catalogue/catalogue_file.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "orp/core/csv_reader.h"
#include "orp/core/text.h"

namespace orp::catalogue {
namespace {

char DetectDelimiter(std::string_view header) {  // comma, else tab, else |
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
  explicit Columns(const std::vector<std::string_view>& header) {
    for (size_t i = 0; i < header.size(); ++i) index_[Lower(header[i])] = i;
  }
  bool Has(std::string_view name) const { return index_.contains(std::string(name)); }
  std::string_view Get(const CsvRecord& row, std::string_view name) const {
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
    "gtin",           "manufacturer",  "brand",         "model",         "catalogue_number",
    "device_type",    "device_class",  "registries",    "market_status", "status_date",
    "effective_from", "fsn_reference", "issuing_agency"};
constexpr std::string_view kGudidColumns[] = {"primarydi",
                                              "companyname",
                                              "brandname",
                                              "versionmodelnumber",
                                              "catalognumber",
                                              "devicedescription",
                                              "devicecommdistributionstatus",
                                              "devicecommdistributionenddate",
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
    std::string iso =
        fmt::format("{}-{}-{}", text.substr(6, 4), text.substr(0, 2), text.substr(3, 2));
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

RowResult OrpRowCodesAndDates(const Columns& c, const CsvRecord& row, Date recorded_on,
                              DeviceModel m) {
  auto device_class = ParseDeviceClass(c.Get(row, "device_class"));
  if (!device_class)
    return Reject("device_class", "catalogue.class", device_class.error().message());
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

RowResult OrpRow(const Columns& c, const CsvRecord& row, Date recorded_on) {
  DeviceModel m;
  auto di = domain::DeviceId::Parse(c.Get(row, "gtin"));
  if (!di) return Reject("gtin", "catalogue.gtin", di.error().message());
  if (std::string_view agency = c.Get(row, "issuing_agency"); !agency.empty()) {
    auto named = domain::ParseIssuingAgency(agency);
    if (!named) return Reject("issuing_agency", "catalogue.agency", named.error().message());
    if (*named != di->agency()) {
      return Reject("issuing_agency", "catalogue.agency",
                    fmt::format("issuing_agency {} does not match DI {}, which is a {} DI",
                                domain::Name(*named), di->text(), domain::Name(di->agency())));
    }
  }
  m.di = di->text();
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

RowResult GudidRow(const Columns& c, const CsvRecord& row, Date recorded_on) {
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
  m.market_status =
      status.starts_with("not in") ? MarketStatus::kWithdrawn : MarketStatus::kOnMarket;
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

CatalogueFormat DetectCatalogueFormat(std::string_view header_line) {
  return Lower(header_line).find("primarydi") != std::string::npos ? CatalogueFormat::kGudid
                                                                   : CatalogueFormat::kOrp;
}

namespace {

// Skips '#' comment lines and blank lines before the header, leaving `in` at the header line.
// Returns the header line (to choose the delimiter) and counts the lines skipped.
bool FindHeaderLine(std::istream& in, std::string& header, size_t& skipped) {
  std::streampos start = in.tellg();
  while (std::getline(in, header)) {
    if (!header.starts_with('#') && !Trim(header).empty()) {
      in.clear();
      in.seekg(start);
      return true;
    }
    ++skipped;
    start = in.tellg();
  }
  return false;
}

Result<Columns> CheckHeader(const std::vector<std::string_view>& names, ImportReport& report) {
  std::string joined;
  for (std::string_view name : names) joined += std::string(name) + ",";
  report.format = DetectCatalogueFormat(joined);
  Columns columns(names);
  bool gudid = report.format == CatalogueFormat::kGudid;
  for (std::string_view required : gudid ? std::vector<std::string_view>{"primarydi", "companyname"}
                                         : std::vector<std::string_view>{"gtin", "manufacturer"}) {
    if (!columns.Has(required)) {
      return InvalidArgument(
          fmt::format("the header has no '{}' column (see "
                      "docs/device-catalogue.md)",
                      required));
    }
  }
  // A GUDID export has dozens of columns ORP does not use: only list unknown native ones.
  if (!gudid) report.ignored_columns = columns.Unknown(kOrpColumns);
  return columns;
}

// A rejected row (kInvalidArgument from the sink) is reported under this rule.
constexpr std::string_view kSinkRule = "catalogue.store";

Result<void> ImportRecord(const Columns& columns, const CsvRecord& row, Date recorded_on,
                          const VersionSink& sink, ImportReport& report) {
  ++report.rows;
  bool gudid = report.format == CatalogueFormat::kGudid;
  RowResult model = gudid ? GudidRow(columns, row, recorded_on) : OrpRow(columns, row, recorded_on);
  if (!model) {
    ++report.rejected;
    report.problems.push_back(
        ImportProblem{row.line, model.error().column, model.error().rule, model.error().message});
    return {};
  }
  auto outcome = sink(std::move(*model));
  if (!outcome && outcome.error().code() == ErrorCode::kInvalidArgument) {
    ++report.rejected;
    report.problems.push_back(ImportProblem{row.line, "", kSinkRule, outcome.error().message()});
    return {};
  }
  if (!outcome) return std::unexpected(outcome.error());
  Record(*outcome, report);
  return {};
}

}  // namespace

Result<ImportReport> ImportCatalogue(std::istream& in, Date recorded_on, const VersionSink& sink) {
  std::string header_line;
  size_t skipped = 0;
  if (!FindHeaderLine(in, header_line, skipped)) {
    return InvalidArgument("the catalogue file is empty (no header row)");
  }
  CsvReader reader(in, CsvOptions{.delimiter = DetectDelimiter(header_line)});
  ORP_RETURN_IF_ERROR(reader.ReadHeader());
  std::vector<std::string_view> names(reader.header().begin(), reader.header().end());
  ImportReport report;
  auto columns = CheckHeader(names, report);
  if (!columns) return std::unexpected(columns.error());
  CsvRecord row;
  while (true) {
    auto more = reader.Next(&row);
    if (!more && more.error().code() == ErrorCode::kDataLoss) return std::unexpected(more.error());
    if (!more) {  // a malformed record: report it (its line is in the message) and go on
      ++report.rows;
      ++report.rejected;
      report.problems.push_back(ImportProblem{skipped + reader.lines_read() + 1, "",
                                              "catalogue.csv", more.error().message()});
      continue;
    }
    if (!*more) break;
    row.line += skipped;
    if (!row.fields.empty() && row.fields[0].starts_with('#')) continue;
    ORP_RETURN_IF_ERROR(ImportRecord(*columns, row, recorded_on, sink, report));
  }
  return report;
}

Result<ImportReport> ImportCatalogue(std::istream& in, Date recorded_on, Catalogue& catalogue) {
  return ImportCatalogue(in, recorded_on, [&catalogue](DeviceModel version) {
    return Result<Catalogue::AddOutcome>(catalogue.Add(std::move(version)));
  });
}

Result<ImportReport> ImportCatalogue(std::string_view text, Date recorded_on,
                                     Catalogue& catalogue) {
  std::istringstream in{std::string(text)};
  return ImportCatalogue(in, recorded_on, catalogue);
}

Result<ImportReport> ImportCatalogueFile(const std::filesystem::path& path, Date recorded_on,
                                         Catalogue& catalogue) {
  return ImportCatalogueFile(path, recorded_on, [&catalogue](DeviceModel version) {
    return Result<Catalogue::AddOutcome>(catalogue.Add(std::move(version)));
  });
}

Result<ImportReport> ImportCatalogueFile(const std::filesystem::path& path, Date recorded_on,
                                         const VersionSink& sink) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound(fmt::format("cannot open catalogue file {}", path.string()));
  return ImportCatalogue(in, recorded_on, sink);
}

}  // namespace orp::catalogue
