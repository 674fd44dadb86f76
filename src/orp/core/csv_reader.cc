#include "orp/core/csv_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>

namespace orp {
namespace {

// Collapses each "" in a quoted field's content to ", in place; returns the new length. The
// scanner guarantees every quote in the content is doubled.
size_t CollapseDoubledQuotes(char* text, size_t size) {
  size_t w = 0;
  for (size_t r = 0; r < size; ++r, ++w) {
    text[w] = text[r];
    if (text[r] == '"') ++r;
  }
  return w;
}

}  // namespace

Result<CsvReader> CsvReader::Open(const std::string& path, CsvOptions options) {
  auto file = std::make_unique<std::ifstream>(path, std::ios::binary);
  if (!file->is_open()) {
    return NotFound(fmt::format("cannot open CSV file {}: {}", path, std::strerror(errno)));
  }
  CsvReader reader(*file, options);
  reader.owned_ = std::move(file);
  auto header = reader.ReadHeader();
  if (!header) return std::unexpected(header.error().WithContext(path));
  return reader;
}

CsvReader::CsvReader(std::istream& in, CsvOptions options) : in_(&in), options_(options) {
  special_[static_cast<unsigned char>(options_.delimiter)] = true;
  special_['"'] = special_['\r'] = special_['\n'] = true;
  capacity_ = std::max<size_t>(options_.chunk_bytes, 4);
  buf_ = std::make_unique_for_overwrite<char[]>(capacity_ + 1);  // + the sentinel
  buf_[0] = '\n';
}

CsvReader::CsvReader(CsvReader&&) noexcept = default;
CsvReader& CsvReader::operator=(CsvReader&&) noexcept = default;
CsvReader::~CsvReader() = default;

Result<void> CsvReader::Fill() {
  if (pos_ > 0) {
    std::memmove(buf_.get(), buf_.get() + pos_, end_ - pos_);
    end_ -= pos_;
    next_pos_ -= std::min(next_pos_, pos_);
    pos_ = 0;
  }
  if (end_ > options_.max_record_bytes) {
    finished_ = true;
    return InvalidArgument(
        fmt::format("line {}: a record is longer than {} bytes; a quote is probably not closed",
                    line_, options_.max_record_bytes));
  }
  if (end_ > capacity_ / 2) {  // keep every read at least half a buffer
    auto bigger = std::make_unique_for_overwrite<char[]>(capacity_ * 2 + 1);
    std::memcpy(bigger.get(), buf_.get(), end_);
    buf_ = std::move(bigger);
    capacity_ *= 2;
  }
  in_->read(buf_.get() + end_, std::streamsize(capacity_ - end_));
  size_t got = size_t(in_->gcount());
  if (in_->bad()) {
    finished_ = true;
    return DataLoss(fmt::format("line {}: the CSV input could not be read", line_));
  }
  end_ += got;
  buf_[end_] = '\n';  // sentinel: stops the unquoted scan without a bounds check per byte
  if (got == 0 || in_->eof()) eof_ = true;
  return {};
}

Result<void> CsvReader::Prime() {
  if (primed_) return {};
  primed_ = true;
  while (end_ < 3 && !eof_) ORP_RETURN_IF_ERROR(Fill());
  if (end_ >= 3 && std::memcmp(buf_.get(), "\xEF\xBB\xBF", 3) == 0) pos_ = 3;
  return {};
}

std::string CsvReader::Where(size_t column_index) const {
  std::string where = fmt::format("line {}, column {}", line_ + newlines_, column_index + 1);
  if (column_index < header_.size()) where += fmt::format(" ({})", header_[column_index]);
  return where;
}

CsvReader::Scan CsvReader::Fail(size_t at, std::string message, bool fatal) {
  error_ = Error(ErrorCode::kInvalidArgument, std::move(message));
  line_ += newlines_;
  newlines_ = 0;
  pos_ = at;
  (fatal ? finished_ : resync_) = true;
  return Scan::kError;
}

CsvReader::Scan CsvReader::ScanUnquoted(size_t* p) {
  const char* b = buf_.get();
  size_t q = *p;
  for (;;) {
    while (!special_[static_cast<unsigned char>(b[q])]) ++q;  // b[end_] is special
    if (q == end_) {
      if (!eof_) return Scan::kNeedMore;
      break;
    }
    if (b[q] == '"') {
      return Fail(q,
                  fmt::format("{}: a quote inside a field that does not start with one; quote the "
                              "whole field and double the inner quote (\"\")",
                              Where(spans_.size())),
                  false);
    }
    if (b[q] != '\r') break;
    if (q + 1 == end_ && !eof_) return Scan::kNeedMore;
    if (q + 1 == end_ || b[q + 1] == '\n') break;
    ++q;  // a bare CR is data
  }
  spans_.push_back({*p, q, false});
  *p = q;
  return Scan::kFieldEnd;
}

CsvReader::Scan CsvReader::ScanQuoted(size_t* p) {
  const char* b = buf_.get();
  size_t open = *p;
  size_t q = open + 1;
  bool escapes = false;
  for (;;) {
    const void* hit = std::memchr(b + q, '"', end_ - q);
    if (hit == nullptr) {
      if (!eof_) return Scan::kNeedMore;
      return Fail(end_,
                  fmt::format("{}: a quoted field is not closed before the end of the input",
                              Where(spans_.size())),
                  true);
    }
    size_t r = size_t(static_cast<const char*>(hit) - b);
    if (r + 1 == end_ && !eof_) return Scan::kNeedMore;
    if (r + 1 < end_ && b[r + 1] == '"') {
      escapes = true;
      q = r + 2;
      continue;
    }
    spans_.push_back({open + 1, r, escapes});
    newlines_ += size_t(std::count(b + open + 1, b + r, '\n'));
    *p = r + 1;
    return Scan::kFieldEnd;
  }
}

CsvReader::Scan CsvReader::ScanTerminator(size_t* p) {
  const char* b = buf_.get();
  size_t q = *p;
  if (q == end_) {
    if (!eof_) return Scan::kNeedMore;
    next_pos_ = q;
    return Scan::kRecord;
  }
  if (b[q] == options_.delimiter) {
    *p = q + 1;
    return Scan::kNextField;
  }
  size_t line_end = b[q] == '\n' ? 1 : 0;
  if (b[q] == '\r') {
    if (q + 1 == end_ && !eof_) return Scan::kNeedMore;
    line_end = q + 1 == end_ ? 1 : (b[q + 1] == '\n' ? 2 : 0);
  }
  if (line_end > 0) {
    next_pos_ = q + line_end;
    ++newlines_;
    return Scan::kRecord;
  }
  return Fail(q,
              fmt::format("{}: text after the closing quote; a quote inside a quoted field must "
                          "be doubled (\"\")",
                          Where(spans_.size() - 1)),
              false);
}

CsvReader::Scan CsvReader::ScanRecord() {
  spans_.clear();
  newlines_ = 0;
  size_t p = pos_;
  if (p == end_ && eof_) return Scan::kEnd;
  for (;;) {
    Scan s = (p < end_ && buf_[p] == '"') ? ScanQuoted(&p) : ScanUnquoted(&p);
    if (s != Scan::kFieldEnd) return s;
    s = ScanTerminator(&p);
    if (s != Scan::kNextField) return s;
  }
}

Result<void> CsvReader::SkipRestOfLine() {
  for (;;) {
    const void* nl = std::memchr(buf_.get() + pos_, '\n', end_ - pos_);
    if (nl != nullptr) {
      pos_ = size_t(static_cast<const char*>(nl) - buf_.get()) + 1;
      ++line_;
      break;
    }
    pos_ = end_;
    if (eof_) break;
    ORP_RETURN_IF_ERROR(Fill());
  }
  resync_ = false;
  return {};
}

Result<bool> CsvReader::ReadRecord() {
  for (;;) {
    if (finished_) return false;
    if (resync_) ORP_RETURN_IF_ERROR(SkipRestOfLine());
    switch (ScanRecord()) {
      case Scan::kNeedMore: ORP_RETURN_IF_ERROR(Fill()); continue;
      case Scan::kError: return std::unexpected(*error_);
      case Scan::kRecord:
        record_line_ = line_;
        line_ += newlines_;
        pos_ = next_pos_;
        if (spans_.size() == 1 && spans_[0].begin == spans_[0].end) continue;  // blank line
        return true;
      default: return false;
    }
  }
}

void CsvReader::Materialise(CsvRecord* record) {
  record->fields.clear();
  char* b = buf_.get();
  for (const FieldSpan& span : spans_) {
    size_t size = span.end - span.begin;
    if (span.has_escapes) size = CollapseDoubledQuotes(b + span.begin, size);
    record->fields.emplace_back(b + span.begin, size);
  }
  record->line = record_line_;
  record->number = records_;
}

Result<void> CsvReader::ReadHeader() {
  if (!options_.has_header || header_read_) return {};
  header_read_ = true;
  ORP_RETURN_IF_ERROR(Prime());
  auto got = ReadRecord();
  if (!got || !*got) {
    finished_ = true;
    if (!got) return std::unexpected(got.error());
    return InvalidArgument("line 1: the input is empty; expected a header row naming the columns");
  }
  CsvRecord record;
  Materialise(&record);
  header_.assign(record.fields.begin(), record.fields.end());
  return {};
}

Result<bool> CsvReader::Next(CsvRecord* record) {
  ORP_RETURN_IF_ERROR(Prime());
  ORP_RETURN_IF_ERROR(ReadHeader());
  auto got = ReadRecord();
  if (!got || !*got) return got;
  ++records_;
  Materialise(record);
  if (options_.check_field_count && options_.has_header && record->size() != header_.size()) {
    return InvalidArgument(fmt::format("line {}: {} fields, header has {}", record->line,
                                       record->size(), header_.size()));
  }
  return true;
}

std::optional<size_t> CsvReader::FindColumn(std::string_view name) const {
  for (size_t i = 0; i < header_.size(); ++i) {
    if (header_[i] == name) return i;
  }
  return std::nullopt;
}

std::string CsvReader::HeaderList() const {
  std::string columns;
  for (const std::string& column : header_) {
    if (!columns.empty()) columns += ", ";
    columns += column;
  }
  return columns;
}

Result<size_t> CsvReader::Column(std::string_view name) const {
  auto columns = Columns({name});
  if (!columns) return std::unexpected(columns.error());
  return columns->front();
}

Result<std::vector<size_t>> CsvReader::Columns(
    std::initializer_list<std::string_view> names) const {
  if (header_.empty()) return FailedPrecondition("no CSV header row has been read");
  std::vector<size_t> indexes;
  std::vector<std::string_view> missing;
  for (std::string_view name : names) {
    auto index = FindColumn(name);
    if (index) indexes.push_back(*index);
    if (!index) missing.push_back(name);
  }
  if (missing.empty()) return indexes;
  std::string list;
  for (std::string_view name : missing) {
    list += fmt::format("{}'{}'", list.empty() ? "" : ", ", name);
  }
  return NotFound(fmt::format("no {} {} in the CSV header; its columns are: {}",
                              missing.size() == 1 ? "column" : "columns", list, HeaderList()));
}

}  // namespace orp
