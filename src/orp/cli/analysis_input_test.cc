#include "orp/cli/analysis_input.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

namespace orp::cli {
namespace {

// A CSV file in the temporary directory, removed at the end of the test.
class TempCsv {
 public:
  explicit TempCsv(const std::string& text)
      : path_((std::filesystem::temp_directory_path() /
               ("orp_analysis_input_" +
                std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".csv"))
                  .string()) {
    std::ofstream(path_) << text;
  }
  ~TempCsv() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(AnalysisInput, KeepsRequestedColumnsAndEncodesTextInSortedOrder) {
  TempCsv csv("id,brand,days,status\n1,Zeta,10,1\n2,alpha,20.5,0\n3,Beta, 7 ,2\n4,Zeta,3,0\n");
  auto table = AnalysisTable::Load(csv.path(),
                                   {{"days", ColumnKind::kNumber}, {"brand", ColumnKind::kText}});
  ASSERT_TRUE(table.has_value()) << table.error().message();
  EXPECT_EQ(table->rows(), 4u);
  std::vector<double> days(table->Numbers("days").begin(), table->Numbers("days").end());
  EXPECT_EQ(days, (std::vector<double>{10, 20.5, 7, 3}));
  const TextColumn& brand = table->Text("brand");
  EXPECT_EQ(brand.levels, (std::vector<std::string>{"Beta", "Zeta", "alpha"}));  // bytewise
  EXPECT_EQ(brand.codes, (std::vector<int32_t>{1, 2, 0, 1}));
  EXPECT_EQ(table->LineOf(2), 4u);
}

TEST(AnalysisInput, NamesLineColumnAndValueOfABadNumber) {
  TempCsv csv("days,status\n10,1\nten,0\n");
  auto table = AnalysisTable::Load(csv.path(), {{"days", ColumnKind::kNumber}});
  ASSERT_FALSE(table.has_value());
  EXPECT_EQ(table.error().message(), csv.path() + " line 3, column 'days': 'ten' is not a number");
}

TEST(AnalysisInput, RefusesEmptyCellsAndMissingColumns) {
  TempCsv csv("days,status\n10,\n");
  auto empty = AnalysisTable::Load(csv.path(), {{"status", ColumnKind::kNumber}});
  ASSERT_FALSE(empty.has_value());
  EXPECT_EQ(empty.error().message(),
            csv.path() + " line 2, column 'status': empty; every row needs a value");
  auto missing = AnalysisTable::Load(csv.path(), {{"time", ColumnKind::kNumber}});
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
  EXPECT_FALSE(AnalysisTable::Load(csv.path() + ".absent", {}).has_value());
}

TEST(AnalysisInput, RefusesAFileWithOnlyAHeader) {
  TempCsv csv("days,status\n");
  auto table = AnalysisTable::Load(csv.path(), {{"days", ColumnKind::kNumber}});
  ASSERT_FALSE(table.has_value());
  EXPECT_EQ(table.error().message(), csv.path() + ": no data rows after the header");
}

TEST(AnalysisInput, MapsTheCompetingCodeToTwoAndRejectsOtherStatuses) {
  TempCsv csv("status\n0\n1\n3\n");
  auto table = AnalysisTable::Load(csv.path(), {{"status", ColumnKind::kNumber}});
  ASSERT_TRUE(table.has_value());
  EXPECT_EQ(*EventStatus(*table, "status", 3), (std::vector<int8_t>{0, 1, 2}));
  auto bad = EventStatus(*table, "status", std::nullopt);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().message(),
            csv.path() +
                " line 4, column 'status': status 3 must be 0 (censored), 1 (event); "
                "name a competing event's code with --competing-code");
}

TEST(AnalysisInput, ReportsBadFollowUpByCsvLine) {
  TempCsv csv("entry,exit\n0,5\n2,2\n");
  auto table = AnalysisTable::Load(csv.path(),
                                   {{"entry", ColumnKind::kNumber}, {"exit", ColumnKind::kNumber}});
  ASSERT_TRUE(table.has_value());
  EXPECT_TRUE(CheckFollowUp(*table, "exit", "").has_value());
  EXPECT_EQ(CheckFollowUp(*table, "exit", "entry").error().message(),
            csv.path() +
                " line 3: entry ('entry') 2 must be >= 0 and before the exit time "
                "('exit') 2");
  TempCsv negative("exit\n-1\n");
  auto t2 = AnalysisTable::Load(negative.path(), {{"exit", ColumnKind::kNumber}});
  EXPECT_EQ(CheckFollowUp(*t2, "exit", "").error().message(),
            negative.path() + " line 2, column 'exit': time -1 is negative");
}

TEST(AnalysisInput, WholeNumbersOnlyWhenEveryValueIsAnInt32) {
  const std::vector<double> whole = {0, 7, 3650};
  EXPECT_EQ(*WholeNumbers(whole), (std::vector<int32_t>{0, 7, 3650}));
  const std::vector<double> fractional = {1, 2.5};
  EXPECT_FALSE(WholeNumbers(fractional).has_value());
  const std::vector<double> huge = {1e12};
  EXPECT_FALSE(WholeNumbers(huge).has_value());
}

TEST(AnalysisInput, WritesShortestRoundTripNumbersAndNullForNaN) {
  std::string out;
  AppendJsonNumber(out, 0.1);
  out += ' ';
  AppendJsonNumber(out, 6.0);
  out += ' ';
  AppendJsonNumber(out, std::nan(""));
  out += ' ';
  AppendJsonNumber(out, INFINITY);
  out += ' ';
  AppendJsonString(out, "a\"b\\c\n");
  EXPECT_EQ(out, "0.1 6 null null \"a\\\"b\\\\c\\u000a\"");
}

}  // namespace
}  // namespace orp::cli
