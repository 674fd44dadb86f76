#include "orp/synth/patients.h"

#include <fmt/format.h>

#include <climits>

#include "orp/core/check.h"
#include "orp/domain/nhs_number.h"
#include "orp/synth/world.h"

namespace orp::synth {

namespace {

constexpr uint32_t kBodies = 1'000'000;
// Multiplier coprime to 10^6, so body = (i * kMultiplier + kOffset) mod 10^6 is a permutation.
constexpr uint64_t kMultiplier = 738'547;
constexpr uint64_t kOffset = 104'729;

// Inward code letters exclude C, I, K, M, O and V (uk-standards.md §2.4).
constexpr std::string_view kInwardLetters = "ABDEFGHJLNPQRSTUWXYZ";

// Real postcode areas with a plausible number of districts; a few London districts carry the
// A9A / AA9A letter suffixes that the letter rules restrict.
constexpr PostcodeArea kAreas[] = {
    {"LS", 29},  {"M", 90},  {"B", 98},  {"S", 81},   {"NE", 71},  {"BS", 49},  {"L", 75},
    {"SE", 28},  {"N", 22},  {"E", 18},  {"NW", 11},  {"CB", 25},  {"OX", 49},  {"PO", 41},
    {"NG", 34},  {"LE", 19}, {"CV", 47}, {"PL", 35},  {"EX", 39},  {"YO", 62},  {"HU", 20},
    {"SO", 53},  {"BN", 45}, {"TN", 40}, {"ME", 20},  {"RG", 45},  {"GU", 52},  {"DE", 75},
    {"ST", 21},  {"WV", 16}, {"DN", 41}, {"BD", 24},  {"WF", 17},  {"PR", 26},  {"CA", 28},
    {"DH", 9},   {"SR", 9},  {"TS", 29}, {"NR", 35},  {"IP", 33},  {"CM", 24},  {"MK", 46},
    {"HP", 23},  {"KT", 24}, {"TR", 27}, {"TA", 24},  {"BA", 22},  {"BH", 31},  {"SN", 26},
    {"GL", 56},  {"WR", 15}, {"SY", 25}, {"CH", 66},  {"WA", 16},  {"SK", 23},  {"LA", 23},
    {"LN", 13},  {"PE", 38}, {"NN", 18}, {"CF", 91},  {"SW1A", 0}, {"SW1P", 0}, {"EC1A", 0},
    {"EC2M", 0}, {"W1G", 0}, {"W1T", 0}, {"WC1N", 0}, {"E1W", 0},  {"N1C", 0}};
// The first kLocalAreas are where hospitals are; the London specials only appear as homes.
constexpr size_t kLocalAreas = 60;

}  // namespace

std::span<const PostcodeArea> PostcodeAreas() { return std::span(kAreas, kLocalAreas); }

std::string NhsNumberFor(uint32_t body) {
  std::string nine = "999000000";
  for (int i = 8; i >= 3; --i, body /= 10) nine[i] = static_cast<char>('0' + body % 10);
  const int check = domain::NhsNumber::CheckDigit(nine);
  ORP_CHECK(check >= 0);
  nine.push_back(static_cast<char>('0' + check));
  return nine;
}

std::array<char, 9> DrawPostcode(Rng& rng, int area) {
  std::array<char, 9> out{};
  std::string text;
  if (rng.Bernoulli(0.002)) {
    text = rng.Bernoulli(0.5) ? "ZZ99 3VZ" : "ZZ99 3CZ";  // no fixed abode; England n.o.s.
  } else {
    if (rng.Bernoulli(0.01))
      area = static_cast<int>(kLocalAreas + rng.Below(std::size(kAreas) - kLocalAreas));
    const PostcodeArea& a = kAreas[area];
    const std::string outward = a.districts > 0
                                    ? fmt::format("{}{}", a.letters, rng.Between(1, a.districts))
                                    : std::string(a.letters);
    // One draw per statement: a function's arguments are evaluated in an unspecified order
    // (g++ right to left, clang left to right), and the same seed must give the same bytes.
    const char unit2 = kInwardLetters[rng.Below(20)];
    const char unit1 = kInwardLetters[rng.Below(20)];
    const uint64_t sector = rng.Below(10);
    text = fmt::format("{} {}{}{}", outward, sector, unit1, unit2);
  }
  ORP_CHECK(text.size() < out.size());
  std::copy(text.begin(), text.end(), out.begin());
  return out;
}

uint32_t Patients::Add(Date date_of_birth, Date date_of_death, char sex,
                       const std::array<char, 9>& postcode) {
  uint32_t body = 0;
  for (;;) {
    ORP_CHECK(counter_ < kBodies);
    body = static_cast<uint32_t>((counter_++ * kMultiplier + kOffset) % kBodies);
    if (body == 999'999) continue;  // 9999999999 passes modulus 11 but is a repdigit
    if (domain::NhsNumber::CheckDigit(fmt::format("999{:06}", body)) >= 0) break;
  }
  const auto days = [](Date d) {
    return d == Date::max() ? INT32_MAX : static_cast<int32_t>(d.time_since_epoch().count());
  };
  patients_.push_back(Patient{days(date_of_birth), days(date_of_death), body, sex, postcode});
  return static_cast<uint32_t>(patients_.size() - 1);
}

bool Patients::Exhausted() const {
  // Leave headroom: the last few thousand positions may all be invalid prefixes.
  return counter_ + 2000 >= kBodies;
}

}  // namespace orp::synth
