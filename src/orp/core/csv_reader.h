// CsvReader: a streaming RFC 4180 CSV reader with real-world tolerance, for submission files
// and reference data of any size (memory stays flat: the input is read in chunks).
//
// Accepted: an optional UTF-8 byte order mark; CRLF or LF line ends (a final line without one);
// quoted fields holding commas, doubled quotes ("") and line breaks. Blank lines (and lines
// holding one empty field) are skipped. A bare CR not followed by LF is data. Bytes are passed
// through unchanged: encoding is the caller's concern.
//
// Refused, with a Result error naming the line and column (and the column's header name):
//   - a quote inside a field that does not start with one (ab"c)
//   - text after a closing quote ("ab"c)
//   - a quoted field still open at the end of the input
//   - a record longer than CsvOptions::max_record_bytes (usually an unclosed quote)
//   - with check_field_count, a record whose field count differs from the header's
// After a refused record Next() may be called again: it resumes at the next line (a field
// count mismatch has consumed just that record). After an unclosed quote or an oversized
// record the input is finished and Next() returns false.
//
// Error codes: kInvalidArgument for malformed input; kNotFound when Open cannot open the file;
// kDataLoss when the stream reports a read error.
//
// Ownership and lifetime: CsvRecord::fields are views into the reader's buffer, valid until the
// next call to Next() or ReadHeader() or the reader is destroyed or moved. A reader made from a
// std::istream borrows it (the stream must outlive the reader); Open owns its file.
// Thread safety: none; one reader per thread.
#pragma once

#include <array>
#include <cstddef>
#include <initializer_list>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "orp/core/result.h"

namespace orp {

struct CsvOptions {
  // Any byte but the quote, CR and LF.
  char delimiter = ',';
  // The first record names the columns (header(), Column()); it is not returned by Next().
  bool has_header = true;
  // Refuse a record whose field count differs from the header's.
  bool check_field_count = false;
  // Bytes read from the stream at a time.
  size_t chunk_bytes = size_t{1} << 20;
  // Largest record accepted; a longer one is almost always an unclosed quote.
  size_t max_record_bytes = size_t{64} << 20;
};

// One record: views into the reader's buffer (see CsvReader for their lifetime).
struct CsvRecord {
  std::vector<std::string_view> fields;
  size_t line = 0;    // 1-based line where the record starts (the header is line 1)
  size_t number = 0;  // 1-based count of records returned by Next(), header not counted

  size_t size() const { return fields.size(); }
  std::string_view operator[](size_t i) const { return fields[i]; }
};

class CsvReader {
 public:
  // Opens the file and, with has_header, reads the header. kNotFound if it cannot be opened;
  // header errors as ReadHeader().
  static Result<CsvReader> Open(const std::string& path, CsvOptions options = {});

  // Borrows `in`; the header (with has_header) is read by ReadHeader() or the first Next().
  explicit CsvReader(std::istream& in, CsvOptions options = {});

  CsvReader(CsvReader&&) noexcept;
  CsvReader& operator=(CsvReader&&) noexcept;
  ~CsvReader();

  // With has_header, reads the header row if it has not been read yet (otherwise does
  // nothing). kInvalidArgument for an empty input or a malformed header line, which ends the
  // input: Next() then returns false.
  Result<void> ReadHeader();

  // Fills `record` with the next record: true, or false at the end of the input. Errors as
  // described at the top of this file; a record refused for its field count is still filled in.
  Result<bool> Next(CsvRecord* record);

  // The column names, in order; empty until the header has been read.
  const std::vector<std::string>& header() const { return header_; }

  // The 0-based index of the first column named exactly `name`. kNotFound naming the column
  // and listing those the header has.
  Result<size_t> Column(std::string_view name) const;

  // The indexes of several columns at once, in the order asked. kNotFound naming every missing
  // column (so a data manager fixes the header in one go) and listing those the header has.
  Result<std::vector<size_t>> Columns(std::initializer_list<std::string_view> names) const;

  // Lines read so far (the 1-based line where the next record starts, minus one).
  size_t lines_read() const { return line_ - 1; }

 private:
  struct FieldSpan {
    size_t begin;
    size_t end;
    bool has_escapes;  // quoted and containing "" to collapse
  };
  enum class Scan { kFieldEnd, kNextField, kRecord, kEnd, kNeedMore, kError };

  Result<bool> ReadRecord();
  Scan ScanRecord();
  Scan ScanUnquoted(size_t* p);
  Scan ScanQuoted(size_t* p);
  Scan ScanTerminator(size_t* p);
  Result<void> Fill();
  Result<void> SkipRestOfLine();
  Result<void> Prime();
  Scan Fail(size_t at, std::string message, bool fatal);
  std::string Where(size_t column_index) const;
  void Materialise(CsvRecord* record);
  std::optional<size_t> FindColumn(std::string_view name) const;
  std::string HeaderList() const;

  std::unique_ptr<std::istream> owned_;  // set by Open
  std::istream* in_;
  CsvOptions options_;
  std::array<bool, 256> special_{};  // bytes that end an unquoted run

  std::unique_ptr<char[]> buf_;
  size_t capacity_ = 0;
  size_t pos_ = 0;       // start of the record being scanned
  size_t end_ = 0;       // end of valid bytes
  size_t next_pos_ = 0;  // start of the record after the one just scanned
  bool eof_ = false;
  bool primed_ = false;
  bool finished_ = false;  // an unrecoverable error ended the input
  bool resync_ = false;    // skip to the next line before scanning
  bool header_read_ = false;

  std::vector<FieldSpan> spans_;
  size_t line_ = 1;         // line where pos_ is
  size_t record_line_ = 0;  // line where the record just scanned starts
  size_t newlines_ = 0;     // line breaks inside the record being scanned
  size_t records_ = 0;
  std::optional<Error> error_;
  std::vector<std::string> header_;
};

}  // namespace orp
