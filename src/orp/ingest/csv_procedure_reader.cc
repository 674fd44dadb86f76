// The CSV submission reader: one row per device, the rows of a procedure consecutive.
#include <fmt/format.h>

#include <fstream>
#include <optional>
#include <set>

#include "orp/core/csv_reader.h"
#include "orp/ingest/reader.h"

namespace orp::ingest {
namespace {

struct Row {
  int64_t line = 0;
  std::vector<std::string> values;
};

class CsvProcedureReader : public ProcedureReader {
 public:
  CsvProcedureReader(std::unique_ptr<std::istream> owned, std::istream& in, ReaderOptions options)
      : owned_(std::move(owned)),
        csv_(in, CsvOptions{.check_field_count = true}),
        options_(std::move(options)) {}

  Result<void> Init() {
    ORP_RETURN_IF_ERROR(csv_.ReadHeader());
    std::set<std::string_view> seen;
    for (const std::string& name : csv_.header()) {
      if (!seen.insert(name).second) {
        return InvalidArgument(fmt::format("the header names column '{}' twice", name));
      }
      is_device_.push_back(IsCoreDeviceField(name) || options_.device_fields.contains(name));
    }
    Result<size_t> ref = csv_.Column("procedure_ref");
    if (!ref) return std::unexpected(ref.error());
    ref_column_ = *ref;
    return {};
  }

  std::vector<std::string> columns() const override { return csv_.header(); }

  Result<bool> Next(RawProcedure* out, std::vector<domain::Finding>* findings) override {
    if (!has_pending_) {
      Result<bool> got = ReadRow(findings);
      if (!got || !*got) return got;
    }
    // The previous procedure's maps are emptied, not freed: their strings take this one's values
    // without allocating (#4).
    for (RawDevice& d : out->devices) spare_.push_back(std::move(d.fields));
    out->devices.clear();
    out->fields.clear();
    out->row = pending_.line;
    const std::string ref = pending_.values[ref_column_];
    AddRow(pending_, out, /*first=*/true);
    has_pending_ = false;
    while (true) {
      Result<bool> got = ReadRow(findings);
      if (!got) return std::unexpected(got.error());
      if (!*got) break;
      if (pending_.values[ref_column_] != ref) break;
      AddRow(pending_, out, /*first=*/false);
      has_pending_ = false;
    }
    return true;
  }

 private:
  // Reads the next well-formed row into pending_ (its vector kept from row to row); malformed
  // ones become findings.
  Result<bool> ReadRow(std::vector<domain::Finding>* findings) {
    while (true) {
      Result<bool> next = csv_.Next(&record_);
      if (!next) {
        if (next.error().code() == ErrorCode::kDataLoss) return std::unexpected(next.error());
        findings->push_back({static_cast<int64_t>(record_.line), "", "", "csv.malformed",
                             domain::Severity::kError, next.error().message()});
        continue;
      }
      if (!*next) return false;
      has_pending_ = true;
      pending_.line = static_cast<int64_t>(record_.line);
      pending_.values.assign(record_.fields.begin(), record_.fields.end());
      return true;
    }
  }

  void AddRow(const Row& row, RawProcedure* out, bool first) {
    FieldMap device;
    if (!spare_.empty()) {
      device = std::move(spare_.back());
      spare_.pop_back();
      device.clear();
    }
    const std::vector<std::string>& header = csv_.header();
    for (size_t i = 0; i < row.values.size() && i < header.size(); ++i) {
      if (row.values[i].empty()) continue;
      if (is_device_[i]) {
        device.AddNew(header[i], row.values[i]);  // Init checked the header names once each
      } else if (first) {
        out->fields.AddNew(header[i], row.values[i]);
      }
    }
    if (device.empty()) {
      spare_.push_back(std::move(device));
      return;
    }
    out->devices.push_back(RawDevice{row.line, std::move(device)});
  }

  std::unique_ptr<std::istream> owned_;
  CsvReader csv_;
  ReaderOptions options_;
  std::vector<bool> is_device_;
  size_t ref_column_ = 0;
  CsvRecord record_;
  Row pending_;
  bool has_pending_ = false;
  std::vector<FieldMap> spare_;  // device maps emptied, kept for their storage
};

}  // namespace

Result<std::unique_ptr<ProcedureReader>> MakeCsvReaderOwning(std::unique_ptr<std::istream> owned,
                                                             std::istream& in,
                                                             ReaderOptions options) {
  auto reader = std::make_unique<CsvProcedureReader>(std::move(owned), in, std::move(options));
  ORP_RETURN_IF_ERROR(reader->Init());
  return std::unique_ptr<ProcedureReader>(std::move(reader));
}

Result<std::unique_ptr<ProcedureReader>> MakeCsvProcedureReader(std::istream& in,
                                                                ReaderOptions options) {
  return MakeCsvReaderOwning(nullptr, in, std::move(options));
}

}  // namespace orp::ingest
