// The NDJSON submission reader: one procedure object per line, devices in a `devices` array,
// registry fields under `fields` (docs/submission-format.md).
#include <fmt/format.h>

#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "orp/ingest/reader.h"

namespace orp::ingest {

namespace {

using nlohmann::json;

class NdjsonProcedureReader : public ProcedureReader {
 public:
  // `whole`: the input is one JSON document (a single procedure, which may span lines).
  NdjsonProcedureReader(std::unique_ptr<std::istream> owned, std::istream& in, bool whole = false)
      : owned_(std::move(owned)), in_(in), whole_(whole) {}

  Result<bool> Next(RawProcedure* out, std::vector<domain::Finding>* findings) override {
    while (ReadRecord()) {
      ++line_number_;
      if (line_number_ == 1 && line_.starts_with("\xEF\xBB\xBF")) line_.erase(0, 3);
      if (!line_.empty() && line_.back() == '\r') line_.pop_back();
      if (line_.find_first_not_of(" \t") == std::string::npos) continue;
      json object = json::parse(line_, nullptr, /*allow_exceptions=*/false);
      if (object.is_discarded() || !object.is_object()) {
        findings->push_back({line_number_, "", "", "ndjson.malformed", domain::Severity::kError,
                             fmt::format("line {} is not one JSON object", line_number_)});
        continue;
      }
      *out = RawProcedure{};
      out->row = line_number_;
      ReadObject(object, /*device=*/nullptr, out, findings);
      return true;
    }
    if (in_.bad()) return DataLoss(fmt::format("read error after line {}", line_number_));
    return false;
  }

 private:
  // Copies the string members of `object` (and of its `fields` object) into `target`; a
  // procedure object's `devices` become RawDevices.
  void ReadObject(const json& object, RawDevice* device, RawProcedure* procedure,
                  std::vector<domain::Finding>* findings) {
    FieldMap& target = device != nullptr ? device->fields : procedure->fields;
    for (const auto& [key, value] : object.items()) {
      if (device == nullptr && key == "devices" && value.is_array()) {
        for (const json& item : value) {
          if (!item.is_object()) continue;
          RawDevice& d = procedure->devices.emplace_back();
          d.row = line_number_;
          ReadObject(item, &d, procedure, findings);
        }
      } else if (key == "fields" && value.is_object()) {
        for (const auto& [name, field] : value.items()) Put(target, name, field, findings);
      } else {
        Put(target, key, value, findings);
      }
    }
  }

  void Put(FieldMap& target, const std::string& name, const json& value,
           std::vector<domain::Finding>* findings) {
    if (value.is_null()) return;
    if (name.empty()) {
      // A value without a name cannot be stored or reported against a field; say so once.
      findings->push_back(
          {line_number_, "", "", "ndjson.empty_name", domain::Severity::kWarning,
           fmt::format("line {} has a member with an empty name; it was ignored", line_number_)});
      return;
    }
    std::string text;
    if (value.is_string()) {
      text = value.get<std::string>();
    } else {
      text = value.dump();
      findings->push_back({line_number_, "", name, "ndjson.not_a_string",
                           domain::Severity::kWarning,
                           fmt::format("{} should be a JSON string; read {} as text", name, text)});
    }
    if (!text.empty()) target.insert_or_assign(name, std::move(text));
  }

  // The next line, or (whole_) the whole input once; false at the end.
  bool ReadRecord() {
    if (!whole_) return static_cast<bool>(std::getline(in_, line_));
    if (line_number_ > 0) return false;
    line_.assign(std::istreambuf_iterator<char>(in_), std::istreambuf_iterator<char>());
    for (char& c : line_) {
      if (c == '\r' || c == '\n') c = ' ';  // JSON whitespace either way; one "line" to report
    }
    return true;
  }

  std::unique_ptr<std::istream> owned_;
  std::istream& in_;
  bool whole_ = false;
  std::string line_;
  int64_t line_number_ = 0;
};

}  // namespace

std::unique_ptr<ProcedureReader> MakeNdjsonProcedureReader(std::istream& in, ReaderOptions) {
  return std::make_unique<NdjsonProcedureReader>(nullptr, in);
}

std::unique_ptr<ProcedureReader> MakeJsonProcedureReader(std::istream& in, ReaderOptions) {
  return std::make_unique<NdjsonProcedureReader>(nullptr, in, /*whole=*/true);
}

Result<std::unique_ptr<ProcedureReader>> OpenProcedureFile(const std::filesystem::path& path,
                                                           ReaderOptions options) {
  auto file = std::make_unique<std::ifstream>(path, std::ios::binary);
  if (!*file) return NotFound(fmt::format("cannot open {}", path.string()));
  std::istream& in = *file;
  const std::string ext = path.extension().string();
  if (ext == ".ndjson" || ext == ".jsonl" || ext == ".json") {
    return std::unique_ptr<ProcedureReader>(
        std::make_unique<NdjsonProcedureReader>(std::move(file), in, ext == ".json"));
  }
  return MakeCsvReaderOwning(std::move(file), in, std::move(options));
}

}  // namespace orp::ingest
