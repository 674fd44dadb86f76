// Case-mix adjusted health gain against R lm on a committed fixture:
// test/golden/proms/gain_lm.R wrote gain_input.csv and gain_expected.csv (R 4.2.2).
#include "orp/proms/gain.h"

#include <gtest/gtest.h>

#include <map>

#include "orp/core/csv_reader.h"
#include "orp/proms/proms_test_util.h"

namespace orp::proms {
namespace {

std::vector<GainRecord> ReadInput() {
  auto reader =
      CsvReader::Open((testing::SourceDir() / "test/golden/proms/gain_input.csv").string());
  EXPECT_TRUE(reader.has_value());
  std::vector<GainRecord> out;
  CsvRecord row;
  while (reader && *reader->Next(&row)) {
    out.push_back({std::string(row[0]), std::stod(std::string(row[4])),
                   std::stod(std::string(row[5])), std::stod(std::string(row[1])), row[2] == "M",
                   std::stoi(std::string(row[3]))});
  }
  return out;
}

// kind/name -> {estimate, std_error}
std::map<std::string, std::pair<double, double>> ReadExpected() {
  auto reader =
      CsvReader::Open((testing::SourceDir() / "test/golden/proms/gain_expected.csv").string());
  EXPECT_TRUE(reader.has_value());
  std::map<std::string, std::pair<double, double>> out;
  CsvRecord row;
  while (reader && *reader->Next(&row)) {
    const std::string se(row.size() > 3 ? row[3] : "");
    out[std::string(row[0]) + "/" + std::string(row[1])] = {std::stod(std::string(row[2])),
                                                            se.empty() ? 0.0 : std::stod(se)};
  }
  return out;
}

TEST(GainAgainstR, CaseMixModelMatchesLm) {
  const auto records = ReadInput();
  ASSERT_EQ(records.size(), 600u);
  auto expected = ReadExpected();
  auto model = FitCaseMix(records);
  ASSERT_TRUE(model.has_value()) << model.error().message();
  const std::map<std::string, std::string> r_names = {
      {"(Intercept)", "(Intercept)"}, {"pre", "pre"},          {"age", "age"}, {"sexM", "sexM"},
      {"asa2", "factor(asa)2"},       {"asa3", "factor(asa)3"}};
  ASSERT_EQ(model->terms.size(), r_names.size());
  for (size_t i = 0; i < model->terms.size(); ++i) {
    const auto& [estimate, se] = expected.at("coefficient/" + r_names.at(model->terms[i]));
    EXPECT_NEAR(model->coefficients[i], estimate, 1e-8) << model->terms[i];
    EXPECT_NEAR(model->std_errors[i], se, 1e-8) << model->terms[i];
  }
  EXPECT_NEAR(model->sigma, expected.at("sigma/residual").first, 1e-8);
}

TEST(GainAgainstR, AdjustedGainCreditsTheSickerProviderLessAndTheBetterOneMore) {
  const auto records = ReadInput();
  auto expected = ReadExpected();
  auto report = CaseMixAdjustedGain(records, true);
  ASSERT_TRUE(report.has_value());
  ASSERT_EQ(report->groups.size(), 4u);
  for (const GroupGain& g : report->groups) {
    EXPECT_NEAR(g.observed_gain, expected.at("observed_gain/" + g.group).first, 1e-9) << g.group;
    EXPECT_NEAR(g.adjusted_gain, expected.at("adjusted_gain/" + g.group).first, 1e-8) << g.group;
  }
  EXPECT_LT(report->groups[2].adjusted_gain, report->groups[2].observed_gain);  // P3
}

TEST(Gain, AGroupWhoseObservedEqualsPredictedGetsTheNationalGain) {
  // Two groups on an exact linear relation: predicted = observed, so both adjust to national.
  std::vector<GainRecord> records;
  for (int i = 0; i < 40; ++i) {
    GainRecord r{i % 2 ? "A" : "B", double(10 + i % 7), 0, double(50 + i), i % 3 == 0, 1 + i % 2};
    r.post = 5 + 0.5 * r.pre - 0.1 * r.age + (r.male ? 1 : 0) + (r.asa == 2 ? -2 : 0);
    records.push_back(r);
  }
  auto report = CaseMixAdjustedGain(records, true);
  ASSERT_TRUE(report.has_value());
  for (const GroupGain& g : report->groups) {
    EXPECT_NEAR(g.adjusted_gain, report->national_gain, 1e-9);
  }
}

TEST(Gain, RefusesASingularDesignAndTooFewRecords) {
  std::vector<GainRecord> same_sex(20, GainRecord{"A", 10, 20, 60, false, 1});
  for (int i = 0; i < 20; ++i) same_sex[i].age = 50 + i, same_sex[i].pre = i;
  auto singular = FitCaseMix(same_sex);
  ASSERT_FALSE(singular.has_value());
  EXPECT_EQ(singular.error().code(), ErrorCode::kInvalidArgument);
  auto few = FitCaseMix(std::vector<GainRecord>(3));
  EXPECT_FALSE(few.has_value());
}

}  // namespace
}  // namespace orp::proms
