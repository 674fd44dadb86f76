#include "orp/core/csv.h"

#include <gtest/gtest.h>

namespace orp {
namespace {

TEST(AppendCsvRow, QuotesOnlyFieldsThatNeedIt) {
  std::string out;
  AppendCsvRow(out, {"W37.1", "a,b", "say \"hi\"", "two\nlines", ""});
  EXPECT_EQ(out, "W37.1,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\n");
}

}  // namespace
}  // namespace orp
