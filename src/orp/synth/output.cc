#include "orp/synth/output.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>

#include "orp/core/csv.h"
#include "orp/synth/profiles.h"

namespace orp::synth {

namespace {
constexpr int kFirstYear = 2011;
constexpr int kYears = 15;

// Bytes that make a CSV field need quoting (bit 1) or a JSON string need an escape (bit 2).
constexpr std::array<uint8_t, 256> MakeSpecials() {
  std::array<uint8_t, 256> t{};
  for (int c = 0; c < 0x20; ++c) t[c] = 2;
  t['\r'] = t['\n'] = 3;
  t[','] = 1;
  t['"'] = 3;
  t['\\'] = 2;
  return t;
}
constexpr std::array<uint8_t, 256> kSpecials = MakeSpecials();

bool Has(std::string_view text, uint8_t bit) {
  for (char c : text) {
    if (kSpecials[static_cast<unsigned char>(c)] & bit) return true;
  }
  return false;
}

// Most values need no quoting; only those that do go through the general writer.
void AppendCsvValue(std::string& out, std::string_view value) {
  if (Has(value, 1)) {
    AppendCsvField(out, value);
  } else {
    out.append(value);
  }
}
}  // namespace

Result<std::unique_ptr<OutputFile>> OutputFile::Open(const std::filesystem::path& path) {
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) {
    return FailedPrecondition(
        fmt::format("cannot create {}: {}", path.string(), std::strerror(errno)));
  }
  return std::unique_ptr<OutputFile>(new OutputFile(file, path));
}

OutputFile::~OutputFile() {
  if (file_ != nullptr) std::fclose(file_);
}

void OutputFile::Flush() {
  if (!failed_ && !buffer_.empty() &&
      std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size()) {
    failed_ = true;
  }
  buffer_.clear();
}

Result<int> OutputFile::Close() {
  Flush();
  const bool close_failed = std::fclose(file_) != 0;
  file_ = nullptr;
  if (failed_ || close_failed) {
    return FailedPrecondition(fmt::format("cannot write {} (disk full?)", path_.string()));
  }
  return 1;
}

void AppendCsvHeader(std::string& out, const FieldFiller& fields) {
  bool first = true;
  auto add = [&](std::string_view name) {
    if (!first) out.push_back(',');
    first = false;
    out.append(name);
  };
  for (std::string_view c : kProcedureColumns) add(c);
  for (std::string_view c : kDeviceColumns) add(c);
  for (const auto* f : fields.procedure_fields()) add(f->name);
  for (const auto* f : fields.device_fields()) add(f->name);
  out.push_back('\n');
}

void AppendCsv(std::string& out, const RenderedProcedure& p, const FieldFiller& fields) {
  const size_t rows = std::max<size_t>(1, p.devices.size());
  for (size_t r = 0; r < rows; ++r) {
    for (const std::string& v : p.core) {
      AppendCsvValue(out, v);
      out.push_back(',');
    }
    for (size_t d = 0; d < kDeviceColumns.size(); ++d) {
      if (r < p.devices.size()) AppendCsvValue(out, p.devices[r][d]);
      out.push_back(',');
    }
    for (const std::string& v : p.fields) {
      AppendCsvValue(out, v);
      out.push_back(',');
    }
    if (r < p.devices.size()) {
      for (const std::string& v : p.device_fields[r]) {
        AppendCsvValue(out, v);
        out.push_back(',');
      }
    } else {
      out.append(fields.device_fields().size(), ',');  // no device: its columns stay empty
    }
    out.back() = '\n';
  }
}

void AppendJsonString(std::string& out, std::string_view text) {
  out.push_back('"');
  if (!Has(text, 2)) {
    out.append(text);
    out.push_back('"');
    return;
  }
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (u < 0x20) {
      fmt::format_to(std::back_inserter(out), "\\u{:04x}", u);
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}

namespace {
// `name` is a column or field name (snake_case ASCII), which needs no escaping.
void AppendMember(std::string& out, bool& first, std::string_view name, std::string_view value) {
  if (value.empty()) return;
  out.append(first ? "\"" : ",\"");
  first = false;
  out.append(name);
  out.append("\":");
  AppendJsonString(out, value);
}
}  // namespace

void AppendNdjson(std::string& out, const RenderedProcedure& p, const FieldFiller& fields) {
  out.push_back('{');
  bool first = true;
  for (size_t i = 0; i < p.core.size(); ++i)
    AppendMember(out, first, kProcedureColumns[i], p.core[i]);
  out.append(first ? "\"fields\":{" : ",\"fields\":{");
  bool first_field = true;
  const auto& specs = fields.procedure_fields();
  for (size_t i = 0; i < p.fields.size(); ++i)
    AppendMember(out, first_field, specs[i]->name, p.fields[i]);
  out.append("},\"devices\":[");
  for (size_t d = 0; d < p.devices.size(); ++d) {
    if (d > 0) out.push_back(',');
    out.push_back('{');
    bool first_device = true;
    for (size_t i = 0; i < kDeviceColumns.size(); ++i) {
      AppendMember(out, first_device, kDeviceColumns[i], p.devices[d][i]);
    }
    const auto& device_specs = fields.device_fields();
    if (!device_specs.empty()) {
      out.append(first_device ? "\"fields\":{" : ",\"fields\":{");
      bool first_value = true;
      for (size_t i = 0; i < device_specs.size(); ++i) {
        AppendMember(out, first_value, device_specs[i]->name, p.device_fields[d][i]);
      }
      out.push_back('}');
    }
    out.push_back('}');
  }
  out.append("]}\n");
}

Result<int> SubmissionFiles::Write(const RenderedProcedure& p) {
  const int year = std::clamp(p.year, kFirstYear, kFirstYear + kYears - 1);
  const size_t slot = static_cast<size_t>(p.registry * kYears + (year - kFirstYear)) * 2;
  if (files_.empty()) files_.resize(static_cast<size_t>(kRegistryCount) * kYears * 2);
  for (size_t format = 0; format < 2; ++format) {
    std::unique_ptr<OutputFile>& file = files_[slot + format];
    if (file == nullptr) {
      const std::string name =
          fmt::format("{}-{}.{}", kRegistryCodes[p.registry], year, format == 0 ? "csv" : "ndjson");
      auto opened = OutputFile::Open(dir_ / name);
      if (!opened) return std::unexpected(opened.error());
      file = std::move(*opened);
      if (format == 0) AppendCsvHeader(file->buffer(), fillers_[p.registry]);
    }
    if (format == 0) {
      AppendCsv(file->buffer(), p, fillers_[p.registry]);
    } else {
      AppendNdjson(file->buffer(), p, fillers_[p.registry]);
    }
    file->MaybeFlush();
  }
  return 0;
}

Result<int> SubmissionFiles::Close() {
  int count = 0;
  for (std::unique_ptr<OutputFile>& file : files_) {
    if (file == nullptr) continue;
    auto closed = file->Close();
    if (!closed) return closed;
    count += *closed;
    file.reset();
  }
  return count;
}

}  // namespace orp::synth
