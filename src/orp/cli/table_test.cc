#include "orp/cli/table.h"

#include <gtest/gtest.h>

namespace orp::cli {
namespace {

TEST(Table, AlignsTextAndRightAlignsNumbers) {
  Table t({"registry", "procedures"});
  t.AddRow({"MDOR", "12"});
  t.AddRow({"BCIR", "1500"});
  EXPECT_EQ(t.RenderText(),
            "registry  procedures\n"
            "--------  ----------\n"
            "MDOR              12\n"
            "BCIR            1500\n");
}

TEST(Table, RendersCsvWithHeader) {
  Table t({"a", "b"});
  t.AddRow({"x,y", "2"});
  EXPECT_EQ(t.RenderCsv(), "a,b\n\"x,y\",2\n");
}

TEST(ParseOutputFormat, NamesTheChoicesOnError) {
  EXPECT_EQ(*ParseOutputFormat("csv"), OutputFormat::kCsv);
  EXPECT_EQ(ParseOutputFormat("xml").error().message(), "--format xml: choose table, json or csv");
}

}  // namespace
}  // namespace orp::cli
