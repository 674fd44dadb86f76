#include "orp/domain/postcode.h"

#include <fmt/format.h>

#include "orp/core/text.h"

namespace orp::domain {
namespace {

bool IsLetter(char c) { return c >= 'A' && c <= 'Z'; }
bool In(char c, std::string_view set) { return set.find(c) != std::string_view::npos; }

// Each returns an empty string when the part is valid, else the broken rule.
std::string CheckInward(std::string_view in) {
  if (!IsAsciiDigit(in[0]))
    return "the inward code (last three characters) must start with a digit";
  if (!IsLetter(in[1]) || !IsLetter(in[2])) {
    return "the inward code (last three characters) must end with two letters";
  }
  if (In(in[1], "CIKMOV") || In(in[2], "CIKMOV")) {
    return "the inward code cannot contain the letters C, I, K, M, O or V";
  }
  return "";
}

std::string CheckOutwardAfterDigit(std::string_view out) {  // A9, A99, A9A
  if (out.size() == 2) return "";
  if (out.size() == 4) return "an outward code starting letter-digit has at most 3 characters";
  if (IsAsciiDigit(out[2]) || In(out[2], "ABCDEFGHJKSTUW")) return "";
  return "the third character of an outward code like W1A must be a digit or one of A-H, J, K, "
         "S, T, U, W";
}

std::string CheckOutwardAfterLetter(std::string_view out) {  // AA9, AA99, AA9A
  if (In(out[1], "IJZ")) return "the second letter of the outward code cannot be I, J or Z";
  if (out.size() < 3 || !IsAsciiDigit(out[2])) {
    return "an outward code starting with two letters must have a digit third (e.g. SW1)";
  }
  if (out.size() == 3 || IsAsciiDigit(out[3]) || In(out[3], "ABEHMNPRVWXY")) return "";
  return "the fourth character of an outward code like SW1A must be a digit or one of A, B, E, "
         "H, M, N, P, R, V, W, X, Y";
}

std::string CheckOutward(std::string_view out) {
  if (!IsLetter(out[0])) return "the outward code must start with a letter";
  if (In(out[0], "QVX")) return "the first letter cannot be Q, V or X";
  if (IsAsciiDigit(out[1])) return CheckOutwardAfterDigit(out);
  return CheckOutwardAfterLetter(out);
}

std::string CheckPseudo(std::string_view in) {
  if (IsAsciiDigit(in[0]) && IsLetter(in[1]) && in[2] == 'Z') return "";
  return "a ZZ99 pseudo-postcode must end with a digit, a letter and Z (e.g. ZZ99 3VZ)";
}

// Upper-cases and removes the one permitted space; the error is the broken rule.
Result<std::string> Compact(std::string_view text) {
  std::string compact;
  size_t space_at = std::string_view::npos;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == ' ') {
      if (space_at != std::string_view::npos) {
        return InvalidArgument("has more than one space; write it with one, e.g. LS1 4HT");
      }
      space_at = i;
      continue;
    }
    if (c >= 'a' && c <= 'z') c = char(c - 'a' + 'A');
    if (!IsAsciiDigit(c) && !IsLetter(c)) {
      return InvalidArgument("may contain only letters, digits and one space");
    }
    compact.push_back(c);
  }
  if (compact.size() < 5 || compact.size() > 7) {
    return InvalidArgument(
        fmt::format("has {} letters and digits; a postcode has 5 to 7 (e.g. M1 1AA, SW1A 1AA)",
                    compact.size()));
  }
  if (space_at != std::string_view::npos && space_at != text.size() - 4) {
    return InvalidArgument(
        "has its space in the wrong place; the space goes before the last "
        "three characters (the inward code)");
  }
  return compact;
}

}  // namespace

Result<Postcode> Postcode::Parse(std::string_view text, bool echo_input) {
  std::string_view trimmed = Trim(text);
  std::string shown = echo_input ? fmt::format("postcode '{}'", Printable(trimmed)) : "postcode";
  if (trimmed.empty()) return InvalidArgument("postcode is empty");
  auto compact = Compact(trimmed);
  if (!compact) return InvalidArgument(fmt::format("{} {}", shown, compact.error().message()));
  std::string_view c = *compact;
  std::string_view out = c.substr(0, c.size() - 3), in = c.substr(c.size() - 3);
  std::string broken;
  if (c == "GIR0AA") {
    broken = "";
  } else if (out == "ZZ99") {
    broken = CheckPseudo(in);
  } else {
    broken = CheckOutward(out);
    if (broken.empty()) broken = CheckInward(in);
  }
  if (!broken.empty()) return InvalidArgument(fmt::format("{}: {}", shown, broken));
  return Postcode(fmt::format("{} {}", out, in));
}

}  // namespace orp::domain
