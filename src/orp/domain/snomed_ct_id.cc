#include "orp/domain/snomed_ct_id.h"

#include <fmt/format.h>

#include "orp/core/text.h"

namespace orp::domain {
namespace {

// Verhoeff tables exactly as in uk-standards.md §2.6: d is the dihedral group D5
// multiplication, p the position permutation (row i applies to the digit i places from the
// right, counting the check digit as 0), inv the group inverse.
// clang-format off
constexpr uint8_t kD[10][10] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9},
    {1, 2, 3, 4, 0, 6, 7, 8, 9, 5},
    {2, 3, 4, 0, 1, 7, 8, 9, 5, 6},
    {3, 4, 0, 1, 2, 8, 9, 5, 6, 7},
    {4, 0, 1, 2, 3, 9, 5, 6, 7, 8},
    {5, 9, 8, 7, 6, 0, 4, 3, 2, 1},
    {6, 5, 9, 8, 7, 1, 0, 4, 3, 2},
    {7, 6, 5, 9, 8, 2, 1, 0, 4, 3},
    {8, 7, 6, 5, 9, 3, 2, 1, 0, 4},
    {9, 8, 7, 6, 5, 4, 3, 2, 1, 0},
};
constexpr uint8_t kP[8][10] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9},
    {1, 5, 7, 6, 2, 8, 3, 0, 9, 4},
    {5, 8, 0, 3, 7, 9, 6, 1, 4, 2},
    {8, 9, 1, 6, 0, 4, 3, 5, 2, 7},
    {9, 4, 5, 3, 1, 2, 6, 8, 7, 0},
    {4, 2, 8, 6, 5, 7, 3, 9, 0, 1},
    {2, 7, 9, 3, 8, 0, 6, 4, 1, 5},
    {7, 0, 4, 6, 9, 1, 3, 2, 5, 8},
};
// clang-format on
constexpr uint8_t kInv[10] = {0, 4, 3, 2, 1, 5, 6, 7, 8, 9};

// Runs the Verhoeff loop right to left, the rightmost digit at position `first_position`.
int VerhoeffState(std::string_view digits, size_t first_position) {
  int c = 0;
  size_t position = first_position;
  for (size_t i = digits.size(); i-- > 0; ++position) {
    c = kD[c][kP[position % 8][digits[i] - '0']];
  }
  return c;
}

}  // namespace

int SnomedCtId::VerhoeffCheckDigit(std::string_view payload) {
  return kInv[VerhoeffState(payload, 1)];
}

bool SnomedCtId::VerhoeffValid(std::string_view digits) { return VerhoeffState(digits, 0) == 0; }

Result<SnomedCtId> SnomedCtId::Parse(std::string_view text) {
  std::string_view t = Trim(text);
  if (!IsAsciiDigits(t)) {
    return InvalidArgument(fmt::format("SNOMED CT id '{}' must contain only digits", Printable(t)));
  }
  if (t.size() < 6 || t.size() > 18) {
    return InvalidArgument(
        fmt::format("SNOMED CT id '{}' has {} digits; it must have 6 to 18", t, t.size()));
  }
  if (t[0] == '0') {
    return InvalidArgument(fmt::format("SNOMED CT id '{}' starts with 0, which no id does", t));
  }
  std::string_view partition = t.substr(t.size() - 3, 2);
  bool short_format = partition == "00" || partition == "01" || partition == "02";
  bool long_format = partition == "10" || partition == "11" || partition == "12";
  if (!short_format && !long_format) {
    return InvalidArgument(fmt::format(
        "SNOMED CT id '{}' has partition {} (the two digits before the last); it must be 00, 01, "
        "02, 10, 11 or 12",
        t, partition));
  }
  if (long_format && t.size() < 11) {
    return InvalidArgument(fmt::format(
        "SNOMED CT id '{}' has partition {} (long format) but only {} digits; the long format "
        "has at least 11",
        t, partition, t.size()));
  }
  int check = VerhoeffCheckDigit(t.substr(0, t.size() - 1));
  if (t.back() - '0' != check) {
    return InvalidArgument(fmt::format(
        "SNOMED CT id '{}' fails the Verhoeff check: the last digit should be {}, not {}", t, check,
        t.back()));
  }
  uint64_t value = 0;
  for (char c : t) value = value * 10 + uint64_t(c - '0');
  return SnomedCtId(value);
}

std::optional<uint32_t> SnomedCtId::namespace_id() const {
  if (!IsLongFormat()) return std::nullopt;
  return uint32_t(value_ / 1000 % 10000000);
}

}  // namespace orp::domain
