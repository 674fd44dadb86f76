#include "orp/core/text.h"

#include <gtest/gtest.h>

namespace orp {
namespace {

TEST(Trim, RemovesAsciiWhitespaceAtBothEnds) {
  EXPECT_EQ(Trim("  W37.1\r\n"), "W37.1");
  EXPECT_EQ(Trim("   "), "");
}

TEST(Split, KeepsEmptyPieces) {
  auto parts = Split("W37.1;;Z94.2", ';');
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[1], "");
  EXPECT_EQ(Split("", ';').size(), 1u);
}

TEST(Printable, EscapesControlCharacters) {
  EXPECT_EQ(Printable("10AB\x1d"
                      "21X"),
            "10AB\\x1D21X");
}

TEST(IsAsciiDigits, RejectsEmptyAndSigns) {
  EXPECT_TRUE(IsAsciiDigits("0123"));
  EXPECT_FALSE(IsAsciiDigits(""));
  EXPECT_FALSE(IsAsciiDigits("-1"));
}

}  // namespace
}  // namespace orp
