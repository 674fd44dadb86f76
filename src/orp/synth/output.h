// Buffered output files for the synth, and the CSV and NDJSON encodings of a rendered
// procedure (docs/submission-format.md).
//
// OutputFile buffers in memory and writes in large blocks; the first failure is kept and
// reported by Close. SubmissionFiles opens `<dir>/<REGISTRY>-<YEAR>.csv|.ndjson` on first use,
// writing the CSV header then. Not thread-safe.
#pragma once

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "orp/core/result.h"
#include "orp/synth/render.h"

namespace orp::synth {

class OutputFile {
 public:
  static Result<std::unique_ptr<OutputFile>> Open(const std::filesystem::path& path);
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  std::string& buffer() { return buffer_; }
  // Writes the buffer out when it has grown past the block size.
  void MaybeFlush() {
    if (buffer_.size() >= kBlock) Flush();
  }
  Result<int> Close();  // the number of files closed (1), or the first write error

 private:
  static constexpr size_t kBlock = 1 << 18;
  OutputFile(std::FILE* file, std::filesystem::path path) : file_(file), path_(std::move(path)) {}
  void Flush();

  std::FILE* file_;
  std::filesystem::path path_;
  std::string buffer_;
  bool failed_ = false;
};

// "…\n": one CSV row per device of the procedure (one row when it has none). Columns: the core
// ones, then the registry's procedure-level fields, then its device-level fields.
void AppendCsv(std::string& out, const RenderedProcedure& p, const FieldFiller& fields);
void AppendCsvHeader(std::string& out, const FieldFiller& fields);
// One NDJSON line; empty values are left out. Registry fields go under "fields" in the
// procedure object (procedure level) or in each device object (device level).
void AppendNdjson(std::string& out, const RenderedProcedure& p, const FieldFiller& fields);
// A JSON string literal with the escapes RFC 8259 requires.
void AppendJsonString(std::string& out, std::string_view text);

class SubmissionFiles {
 public:
  // `fillers` (indexed by registry) must outlive this object.
  SubmissionFiles(std::filesystem::path dir, const std::vector<FieldFiller>& fillers)
      : dir_(std::move(dir)), fillers_(fillers) {}
  Result<int> Write(const RenderedProcedure& p);  // returns 0; errors when a file cannot open
  Result<int> Close();                            // the number of files written

 private:
  std::filesystem::path dir_;
  const std::vector<FieldFiller>& fillers_;
  std::vector<std::unique_ptr<OutputFile>> files_;  // [(registry * kYears + year) * 2 + format]
};

}  // namespace orp::synth
