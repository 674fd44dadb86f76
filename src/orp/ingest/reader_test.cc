#include "orp/ingest/reader.h"

#include <gtest/gtest.h>

#include <sstream>

#include "orp/ingest/deaths.h"

namespace orp::ingest {
namespace {

std::vector<RawProcedure> ReadAll(ProcedureReader& reader, std::vector<domain::Finding>* findings) {
  std::vector<RawProcedure> out;
  RawProcedure p;
  while (true) {
    Result<bool> next = reader.Next(&p, findings);
    EXPECT_TRUE(next.has_value());
    if (!next || !*next) break;
    out.push_back(p);
  }
  return out;
}

TEST(CsvProcedureReader, GroupsConsecutiveRowsOfAProcedureKeepingRowNumbers) {
  std::istringstream in(
      "\xEF\xBB\xBFregistry,procedure_ref,laterality,device_action,gtin,implant_position\r\n"
      "BCIR,A1,B,implanted,09520012000375,dual_plane\r\n"
      "BCIR,A1,B,implanted,09520012000375,subpectoral\r\n"
      "\r\n"
      "NMTR,B2,N,,,\r\n");
  ReaderOptions options;
  options.device_fields.insert("implant_position");
  auto reader = MakeCsvProcedureReader(in, options);
  ASSERT_TRUE(reader.has_value()) << reader.error().message();
  std::vector<domain::Finding> findings;
  std::vector<RawProcedure> all = ReadAll(**reader, &findings);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_TRUE(findings.empty());
  EXPECT_EQ(all[0].row, 2);
  EXPECT_EQ(all[0].Get("registry"), "BCIR");
  EXPECT_EQ(all[0].Get("implant_position"), "");
  ASSERT_EQ(all[0].devices.size(), 2u);
  EXPECT_EQ(all[0].devices[1].row, 3);
  EXPECT_EQ(FieldValue(all[0].devices[1].fields, "implant_position"), "subpectoral");
  EXPECT_EQ(all[1].row, 5);
  EXPECT_EQ(all[1].procedure_ref(), "B2");
  EXPECT_TRUE(all[1].devices.empty());
}

TEST(CsvProcedureReader, KeepsAQuotedNewlineAndReportsAMalformedRow) {
  std::istringstream in(
      "registry,procedure_ref,indication\n"
      "BCIR,A1,\"two\nlines\"\n"
      "BCIR,A2,bad\"quote\n"
      "BCIR,A3,ok\n");
  auto reader = MakeCsvProcedureReader(in);
  ASSERT_TRUE(reader.has_value());
  std::vector<domain::Finding> findings;
  std::vector<RawProcedure> all = ReadAll(**reader, &findings);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].Get("indication"), "two\nlines");
  EXPECT_EQ(all[1].procedure_ref(), "A3");
  EXPECT_EQ(all[1].row, 5);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].rule, "csv.malformed");
}

TEST(CsvProcedureReader, RefusesAHeaderWithoutProcedureRef) {
  std::istringstream in("registry,provider_site\nBCIR,RXF05\n");
  EXPECT_FALSE(MakeCsvProcedureReader(in).has_value());
}

TEST(NdjsonProcedureReader, ReadsFieldsDevicesAndTreatsNullAsNotGiven) {
  std::istringstream in(
      "\xEF\xBB\xBF{\"registry\":\"BCIR\",\"procedure_ref\":\"A1\",\"bmi\":null,"
      "\"fields\":{\"procedure_reason\":\"revision_only\"},\"devices\":[{\"device_action\":"
      "\"explanted\",\"gtin\":\"09520012000375\",\"fields\":{\"implant_position\":\"\"}}]}\r\n"
      "\n"
      "not json\n"
      "{\"registry\":\"NMTR\",\"procedure_ref\":\"B2\",\"asa_grade\":3,\"devices\":[]}\n");
  auto reader = MakeNdjsonProcedureReader(in);
  std::vector<domain::Finding> findings;
  std::vector<RawProcedure> all = ReadAll(*reader, &findings);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].Get("procedure_reason"), "revision_only");
  EXPECT_FALSE(all[0].fields.contains("bmi"));
  ASSERT_EQ(all[0].devices.size(), 1u);
  EXPECT_EQ(FieldValue(all[0].devices[0].fields, "gtin"), "09520012000375");
  EXPECT_FALSE(all[0].devices[0].fields.contains("implant_position"));
  EXPECT_EQ(all[1].row, 4);
  EXPECT_EQ(all[1].Get("asa_grade"), "3");
  ASSERT_EQ(findings.size(), 2u);
  EXPECT_EQ(findings[0].rule, "ndjson.malformed");
  EXPECT_EQ(findings[0].message, "line 3 is not one JSON object");
  EXPECT_EQ(findings[1].rule, "ndjson.not_a_string");
}

// A single procedure as the API receives it: one JSON document, pretty-printed over lines.
TEST(JsonProcedureReader, ReadsOneProcedureSpanningLines) {
  std::istringstream in(
      "\xEF\xBB\xBF{\n  \"registry\": \"BCIR\",\r\n  \"procedure_ref\": \"A1\",\n"
      "  \"devices\": [\n    {\"device_action\": \"implanted\", \"gtin\": \"09520012000375\",\n"
      "     \"fields\": {\"implant_position\": \"dual_plane\"}}\n  ]\n}\n");
  auto reader = MakeJsonProcedureReader(in);
  std::vector<domain::Finding> findings;
  std::vector<RawProcedure> all = ReadAll(*reader, &findings);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_TRUE(findings.empty());
  EXPECT_EQ(all[0].row, 1);
  EXPECT_EQ(all[0].procedure_ref(), "A1");
  ASSERT_EQ(all[0].devices.size(), 1u);
  EXPECT_EQ(FieldValue(all[0].devices[0].fields, "implant_position"), "dual_plane");
}

TEST(JsonProcedureReader, ReportsADocumentThatIsNotOneObject) {
  std::istringstream in("[{\"procedure_ref\": \"A1\"},\n {\"procedure_ref\": \"A2\"}]\n");
  auto reader = MakeJsonProcedureReader(in);
  std::vector<domain::Finding> findings;
  EXPECT_TRUE(ReadAll(*reader, &findings).empty());
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].rule, "ndjson.malformed");
}

// Found by fuzz/ndjson_procedures: a member with an empty name (`"": {...}`) made a
// not-a-string finding that named no field. It is now ignored with its own finding.
TEST(NdjsonReader, MemberWithAnEmptyNameIsIgnoredWithAFinding) {
  std::istringstream in("{\"procedure_ref\":\"A1\",\"\":{\"f\":1},\"fields\":{\"\":\"x\"}}\n");
  auto reader = MakeNdjsonProcedureReader(in);
  std::vector<domain::Finding> findings;
  std::vector<RawProcedure> all = ReadAll(*reader, &findings);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_FALSE(all[0].fields.contains(""));
  ASSERT_EQ(findings.size(), 2u);
  for (const domain::Finding& f : findings) {
    EXPECT_EQ(f.rule, "ndjson.empty_name");
    EXPECT_EQ(f.row, 1);
  }
}

// Found by fuzz/deaths_feed: a row with the NHS number in the date column too (pasted twice, or
// columns shifted) put the NHS number into the date_of_death.format message, which can reach a
// log.
TEST(DeathsReader, DateFindingNeverEchoesAnNhsNumberInTheDateColumn) {
  std::istringstream in(
      "nhs_number,date_of_death\n"
      "9990001235,9990001235\n"
      "9990001235,2023-13-17\n");
  Result<DeathsReader> reader =
      DeathsReader::FromStream(in, Date{std::chrono::year{2026} / 11 / 26});
  ASSERT_TRUE(reader.has_value());
  std::vector<domain::Finding> findings;
  Result<std::optional<Death>> death = reader->Next(&findings);
  ASSERT_TRUE(death.has_value());
  EXPECT_FALSE(death->has_value());
  ASSERT_EQ(findings.size(), 2u);
  for (const domain::Finding& f : findings) {
    EXPECT_EQ(f.message.find("9990001235"), std::string::npos) << f.message;
    EXPECT_EQ(f.message.find("999 000 1235"), std::string::npos) << f.message;
  }
  // A value shaped like a date is still echoed, so the submitter sees what was wrong with it.
  EXPECT_EQ(findings[0].rule, "date_of_death.format");
  EXPECT_EQ(findings[1].rule, "date_of_death.format");
  EXPECT_NE(findings[1].message.find("2023-13-17"), std::string::npos) << findings[1].message;
}

TEST(DeathsReader, ReadsValidRowsAndReportsBadOnes) {
  std::istringstream in(
      "nhs_number,date_of_death\n"
      "9990001235,2023-04-17\n"
      "9990001236,2023-04-17\n"
      "9990001235,2099-01-01\n");
  Result<DeathsReader> reader =
      DeathsReader::FromStream(in, Date{std::chrono::year{2026} / 11 / 26});
  ASSERT_TRUE(reader.has_value());
  std::vector<domain::Finding> findings;
  Result<std::optional<Death>> death = reader->Next(&findings);
  ASSERT_TRUE(death.has_value() && death->has_value());
  EXPECT_EQ((*death)->nhs_number.digits(), "9990001235");
  EXPECT_EQ(FormatIsoDate((*death)->date_of_death), "2023-04-17");
  death = reader->Next(&findings);
  ASSERT_TRUE(death.has_value());
  EXPECT_FALSE(death->has_value());
  ASSERT_EQ(findings.size(), 2u);
  EXPECT_EQ(findings[0].rule, "nhs_number.invalid");
  EXPECT_EQ(findings[0].row, 3);
  EXPECT_EQ(findings[1].rule, "date_of_death.in_future");
  EXPECT_EQ(findings[1].message, "date_of_death 2099-01-01 is after today");
}

}  // namespace
}  // namespace orp::ingest
