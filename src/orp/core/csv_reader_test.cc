#include "orp/core/csv_reader.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>

namespace orp {
namespace {

// Every record of `text` as owned strings; the error message instead if reading fails.
std::vector<std::vector<std::string>> ReadAll(const std::string& text, CsvOptions options = {},
                                              std::string* error = nullptr) {
  std::istringstream in(text);
  CsvReader reader(in, options);
  std::vector<std::vector<std::string>> rows;
  CsvRecord record;
  for (;;) {
    auto more = reader.Next(&record);
    if (!more) {
      if (error != nullptr) *error = more.error().message();
      break;
    }
    if (!*more) break;
    rows.emplace_back(record.fields.begin(), record.fields.end());
  }
  return rows;
}

using Rows = std::vector<std::vector<std::string>>;

TEST(CsvReader, ReadsHeaderAndRecordsWithLfOrCrlf) {
  for (std::string text : {"a,b\n1,2\n3,4\n", "a,b\r\n1,2\r\n3,4\r\n", "a,b\n1,2\n3,4"}) {
    std::istringstream in(text);
    CsvReader reader(in);
    CsvRecord record;
    ASSERT_TRUE(reader.Next(&record).value());
    EXPECT_EQ(reader.header(), (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(record.fields, (std::vector<std::string_view>{"1", "2"}));
    EXPECT_EQ(record.line, 2u);
    EXPECT_EQ(record.number, 1u);
    ASSERT_TRUE(reader.Next(&record).value());
    EXPECT_EQ(record[1], "4");
    EXPECT_EQ(record.number, 2u);
    EXPECT_FALSE(reader.Next(&record).value());
    EXPECT_FALSE(reader.Next(&record).value());
  }
}

TEST(CsvReader, SkipsAUtf8ByteOrderMark) {
  std::istringstream in("\xEF\xBB\xBFlot,serial\nL1,S1\n");
  CsvReader reader(in);
  ASSERT_TRUE(reader.ReadHeader().has_value());
  EXPECT_EQ(reader.Column("lot").value(), 0u);
}

TEST(CsvReader, UnquotesCommasDoubledQuotesAndLineBreaks) {
  Rows rows = ReadAll("h1,h2,h3\n\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\"\n\"\",x,\"\"\"\"\n");
  EXPECT_EQ(rows, (Rows{{"a,b", "say \"hi\"", "two\nlines"}, {"", "x", "\""}}));
}

TEST(CsvReader, RecordLineIsTheLineWhereTheRecordStarts) {
  std::istringstream in("h1,h2\n\"multi\nline\nvalue\",1\n\nlast,2\n");
  CsvReader reader(in);
  CsvRecord record;
  ASSERT_TRUE(reader.Next(&record).value());
  EXPECT_EQ(record.line, 2u);
  ASSERT_TRUE(reader.Next(&record).value());
  EXPECT_EQ(record.line, 6u);  // after a blank line
  EXPECT_EQ(record.number, 2u);
}

TEST(CsvReader, KeepsEmptyFieldsAndSkipsBlankLines) {
  EXPECT_EQ(ReadAll("a,b,c\n,,\n\n\r\nx,,\n"), (Rows{{"", "", ""}, {"x", "", ""}}));
  EXPECT_EQ(ReadAll("a,b\n1,"), (Rows{{"1", ""}}));
}

TEST(CsvReader, TreatsABareCarriageReturnAsData) {
  EXPECT_EQ(ReadAll("a\nx\ry\n"), (Rows{{"x\ry"}}));
}

TEST(CsvReader, RefusesAStrayQuoteNamingLineAndColumnAndResumesAtTheNextLine) {
  std::istringstream in("id,lot,serial\n1,L1,S1\n2,ab\"c,S2\n3,L3,S3\n");
  CsvReader reader(in);
  CsvRecord record;
  ASSERT_TRUE(reader.Next(&record).value());
  auto bad = reader.Next(&record);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad.error().message(),
            "line 3, column 2 (lot): a quote inside a field that does not start with one; quote "
            "the whole field and double the inner quote (\"\")");
  ASSERT_TRUE(reader.Next(&record).value());
  EXPECT_EQ(record[0], "3");
  EXPECT_EQ(record.line, 4u);
}

TEST(CsvReader, RefusesTextAfterAClosingQuote) {
  std::string error;
  Rows rows = ReadAll("a,b\n\"x\ny\"z,1\n2,3\n", {}, &error);
  EXPECT_EQ(error,
            "line 3, column 1 (a): text after the closing quote; a quote inside a quoted field "
            "must be doubled (\"\")");
  EXPECT_TRUE(rows.empty());
}

TEST(CsvReader, RefusesAnUnclosedQuoteNamingWhereItOpened) {
  std::string error;
  Rows rows = ReadAll("a,b\n1,2\n3,\"open\nand never\nclosed\n", {}, &error);
  EXPECT_EQ(rows, (Rows{{"1", "2"}}));
  EXPECT_EQ(error,
            "line 3, column 2 (b): a quoted field is not closed before the end of the input");
}

TEST(CsvReader, FinishesAfterAnUnclosedQuote) {
  std::istringstream in("a\n\"open\n");
  CsvReader reader(in);
  CsvRecord record;
  EXPECT_FALSE(reader.Next(&record).has_value());
  EXPECT_FALSE(reader.Next(&record).value());
}

TEST(CsvReader, RefusesARecordLongerThanTheLimit) {
  CsvOptions options;
  options.chunk_bytes = 16;
  options.max_record_bytes = 100;
  std::string error;
  Rows rows = ReadAll("a\n\"" + std::string(500, 'x') + "\"\n", options, &error);
  EXPECT_TRUE(rows.empty());
  EXPECT_EQ(error, "line 2: a record is longer than 100 bytes; a quote is probably not closed");
}

TEST(CsvReader, ChecksFieldCountAgainstTheHeaderWhenAsked) {
  CsvOptions options;
  options.check_field_count = true;
  std::istringstream in("a,b,c\n1,2,3\n1,2\n4,5,6\n");
  CsvReader reader(in, options);
  CsvRecord record;
  ASSERT_TRUE(reader.Next(&record).value());
  auto short_row = reader.Next(&record);
  ASSERT_FALSE(short_row.has_value());
  EXPECT_EQ(short_row.error().message(), "line 3: 2 fields, header has 3");
  EXPECT_EQ(record.size(), 2u);  // still filled in
  ASSERT_TRUE(reader.Next(&record).value());
  EXPECT_EQ(record[2], "6");
  // Without the option the short record is returned as it is.
  EXPECT_EQ(ReadAll("a,b,c\n1,2\n"), (Rows{{"1", "2"}}));
}

TEST(CsvReader, ColumnFindsByNameAndNamesTheMissingOne) {
  std::istringstream in("nhs_number,lot,serial\n");
  CsvReader reader(in);
  EXPECT_EQ(reader.Column("lot").error().code(), ErrorCode::kFailedPrecondition);
  ASSERT_TRUE(reader.ReadHeader().has_value());
  EXPECT_EQ(reader.Column("serial").value(), 2u);
  auto missing = reader.Column("expiry");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().message(),
            "no column 'expiry' in the CSV header; its columns are: nhs_number, lot, serial");
}

TEST(CsvReader, ColumnsNamesEveryMissingColumnAtOnce) {
  std::istringstream in("nhs_number,lot,serial\n");
  CsvReader reader(in);
  ASSERT_TRUE(reader.ReadHeader().has_value());
  EXPECT_EQ(reader.Columns({"serial", "nhs_number"}).value(), (std::vector<size_t>{2, 0}));
  EXPECT_EQ(reader.Columns({"expiry", "lot", "gtin"}).error().message(),
            "no columns 'expiry', 'gtin' in the CSV header; its columns are: nhs_number, lot, "
            "serial");
}

TEST(CsvReader, AnEmptyInputHasNoHeader) {
  std::istringstream in("");
  CsvReader reader(in);
  EXPECT_EQ(reader.ReadHeader().error().message(),
            "line 1: the input is empty; expected a header row naming the columns");
  CsvRecord record;
  EXPECT_FALSE(reader.Next(&record).value());
}

TEST(CsvReader, WithoutAHeaderEveryRecordIsReturned) {
  CsvOptions options;
  options.has_header = false;
  options.delimiter = ';';
  EXPECT_EQ(ReadAll("1;2\n\"3;4\";5\n", options), (Rows{{"1", "2"}, {"3;4", "5"}}));
}

// Records that straddle chunk boundaries at every offset read the same as with one big chunk.
TEST(CsvReader, ChunkBoundariesDoNotChangeWhatIsRead) {
  std::string text =
      "\xEF\xBB\xBFid,note,value\r\n1,\"a \"\"quoted\"\" word, and a\r\nbreak\",3.5\r\n"
      "2,,\r\n\r\n3,\"\",\"\"\"\"\r\n4,plain text here,x\ry\r\n\"5\",\"end\"";
  Rows expected = ReadAll(text);
  ASSERT_EQ(expected.size(), 5u);
  EXPECT_EQ(expected[0][1], "a \"quoted\" word, and a\r\nbreak");
  for (size_t chunk = 4; chunk <= text.size() + 1; ++chunk) {
    CsvOptions options;
    options.chunk_bytes = chunk;
    EXPECT_EQ(ReadAll(text, options), expected) << "chunk " << chunk;
  }
}

TEST(CsvReader, ErrorsAndResyncAreTheSameAtEveryChunkSize) {
  std::string text = "a,b\n1,x\"y\n2,\"ok\"junk\n3,\"fine\"\n4,\"open";
  for (size_t chunk = 4; chunk <= text.size() + 1; ++chunk) {
    CsvOptions options;
    options.chunk_bytes = chunk;
    std::istringstream in(text);
    CsvReader reader(in, options);
    CsvRecord record;
    std::vector<std::string> seen;  // first field, or the error's line prefix
    for (int i = 0; i < 10; ++i) {
      auto more = reader.Next(&record);
      if (more && !*more) break;
      seen.push_back(more ? std::string(record[0]) : more.error().message().substr(0, 16));
    }
    EXPECT_EQ(seen, (std::vector<std::string>{"line 2, column 2", "line 3, column 2", "3",
                                              "line 5, column 2"}))
        << "chunk " << chunk;
  }
}

TEST(CsvReader, OpenReadsAFileAndNamesAMissingOne) {
  std::string path = ::testing::TempDir() + "/csv_reader_test.csv";
  std::ofstream(path) << "a,b\n1,2\n";
  auto reader = CsvReader::Open(path);
  ASSERT_TRUE(reader.has_value()) << reader.error().message();
  EXPECT_EQ(reader->header().size(), 2u);
  CsvRecord record;
  ASSERT_TRUE(reader->Next(&record).value());
  EXPECT_EQ(record[1], "2");
  std::remove(path.c_str());
  auto missing = CsvReader::Open(path);
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(missing.error().message().find(path), std::string::npos);
}

}  // namespace
}  // namespace orp
