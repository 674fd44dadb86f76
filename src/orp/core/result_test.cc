#include "orp/core/result.h"

#include <gtest/gtest.h>

namespace orp {
namespace {

Result<int> Half(int x) {
  if (x % 2 != 0) return InvalidArgument(std::to_string(x) + " is odd");
  return x / 2;
}

Result<int> Quarter(int x) {
  auto half = Half(x);
  ORP_RETURN_IF_ERROR(half);
  return Half(*half);
}

TEST(Result, CarriesAValueOrAnError) {
  EXPECT_EQ(*Half(8), 4);
  auto odd = Half(3);
  ASSERT_FALSE(odd.has_value());
  EXPECT_EQ(odd.error().ToString(), "INVALID_ARGUMENT: 3 is odd");
}

TEST(Result, ReturnIfErrorPropagatesTheFirstFailure) {
  EXPECT_EQ(*Quarter(8), 2);
  EXPECT_EQ(Quarter(6).error().message(), "3 is odd");
}

TEST(Error, WithContextPrefixesTheMessageAndKeepsTheCode) {
  Error e = Error(ErrorCode::kNotFound, "no such model").WithContext("catalogue.csv:12");
  EXPECT_EQ(e.code(), ErrorCode::kNotFound);
  EXPECT_EQ(e.message(), "catalogue.csv:12: no such model");
}

TEST(Error, EveryCodeHasANameAStatusAndAnExitCode) {
  for (ErrorCode code :
       {ErrorCode::kInvalidArgument, ErrorCode::kNotFound, ErrorCode::kAlreadyExists,
        ErrorCode::kPermissionDenied, ErrorCode::kUnauthenticated, ErrorCode::kFailedPrecondition,
        ErrorCode::kUnavailable, ErrorCode::kDataLoss, ErrorCode::kInternal}) {
    EXPECT_FALSE(ErrorCodeName(code).empty());
    EXPECT_GE(HttpStatusFor(code), 400);
    EXPECT_NE(ExitCodeFor(code), 0);
  }
  EXPECT_EQ(HttpStatusFor(ErrorCode::kNotFound), 404);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kUnavailable), 503);
}

}  // namespace
}  // namespace orp
