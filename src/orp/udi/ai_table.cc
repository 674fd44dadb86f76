#include "orp/udi/ai_table.h"

#include "orp/core/text.h"

namespace orp::udi {
namespace {

using C = AiCharset;
using R = AiRole;

constexpr std::array<std::string_view, 4> kNeedsTradeItem = {"01", "02", "8006", "8026"};
constexpr std::array<std::string_view, 4> kNeedsGtinOrItip = {"01", "8006", "", ""};
constexpr std::array<std::string_view, 4> kNeedsGtin = {"01", "", "", ""};

// Requirements follow the GS1 Syntax Dictionary "req"/"ex" attributes for the AIs devices use.
constexpr AiDef kAis[] = {
    {"00", "SSCC", C::kNumeric, 18, 18, R::kOther},
    {"01", "GTIN", C::kNumeric, 14, 14, R::kGtin},
    {"02", "content GTIN", C::kNumeric, 14, 14, R::kOther},
    {"10", "batch/lot", C::kCset82, 1, 20, R::kLot, kNeedsTradeItem},
    {"11", "production date", C::kNumeric, 6, 6, R::kProductionDate, kNeedsTradeItem},
    {"12", "due date", C::kNumeric, 6, 6, R::kOtherDate},
    {"13", "packaging date", C::kNumeric, 6, 6, R::kOtherDate, kNeedsTradeItem},
    {"15", "best before date", C::kNumeric, 6, 6, R::kOtherDate, kNeedsTradeItem},
    {"16", "sell by date", C::kNumeric, 6, 6, R::kOtherDate, kNeedsTradeItem},
    {"17", "expiration date", C::kNumeric, 6, 6, R::kExpiryDate, kNeedsTradeItem},
    {"20", "variant", C::kNumeric, 2, 2, R::kOther, kNeedsTradeItem},
    {"21", "serial number", C::kCset82, 1, 20, R::kSerial, kNeedsGtinOrItip, "235"},
    {"22", "consumer product variant", C::kCset82, 1, 20, R::kOther, kNeedsGtin},
    {"235", "third-party controlled serial extension", C::kCset82, 1, 28, R::kOther, kNeedsGtin,
     "21"},
    {"240", "additional product identification", C::kCset82, 1, 30, R::kAdditionalId,
     kNeedsTradeItem},
    {"241", "customer part number", C::kCset82, 1, 30, R::kOther, kNeedsTradeItem},
    {"242", "made-to-order variation", C::kNumeric, 1, 6, R::kOther, kNeedsGtinOrItip},
    {"243", "packaging component number", C::kCset82, 1, 20, R::kOther, kNeedsGtin},
    {"250", "secondary serial number", C::kCset82, 1, 30, R::kOther, kNeedsGtinOrItip},
    {"251", "reference to source entity", C::kCset82, 1, 30, R::kOther, kNeedsGtinOrItip},
    {"254", "GLN extension", C::kCset82, 1, 20, R::kOther},
    {"30", "variable count", C::kNumeric, 1, 8, R::kOther, kNeedsTradeItem},
    {"37", "count of trade items", C::kNumeric, 1, 8, R::kOther},
    {"3nnn", "trade measure", C::kNumeric, 6, 6, R::kOther},
    {"410", "ship to GLN", C::kNumeric, 13, 13, R::kOther},
    {"411", "bill to GLN", C::kNumeric, 13, 13, R::kOther},
    {"412", "purchased from GLN", C::kNumeric, 13, 13, R::kOther},
    {"413", "ship for GLN", C::kNumeric, 13, 13, R::kOther},
    {"414", "location GLN", C::kNumeric, 13, 13, R::kOther},
    {"415", "invoicing party GLN", C::kNumeric, 13, 13, R::kOther},
    {"416", "production location GLN", C::kNumeric, 13, 13, R::kOther},
    {"417", "party GLN", C::kNumeric, 13, 13, R::kOther},
    {"422", "country of origin", C::kNumeric, 3, 3, R::kOther, kNeedsTradeItem},
    {"423", "country of initial processing", C::kNumeric, 3, 15, R::kOther, kNeedsTradeItem},
    {"424", "country of processing", C::kNumeric, 3, 3, R::kOther, kNeedsTradeItem},
    {"425", "country of disassembly", C::kNumeric, 3, 15, R::kOther, kNeedsTradeItem},
    {"426", "country of full process chain", C::kNumeric, 3, 3, R::kOther, kNeedsTradeItem},
    {"7003", "expiration date and time", C::kNumeric, 10, 10, R::kExpiryDateTime, kNeedsTradeItem},
    {"8006", "ITIP (piece of a trade item)", C::kNumeric, 18, 18, R::kOther},
    {"8012", "software version", C::kCset82, 1, 20, R::kSoftwareVersion, kNeedsGtinOrItip},
    {"8020", "payment slip reference", C::kCset82, 1, 25, R::kOther},
    {"8026", "ITIP of pieces contained", C::kNumeric, 18, 18, R::kOther},
    {"90", "mutually agreed information", C::kCset82, 1, 30, R::kOther},
    {"91", "company internal 91", C::kCset82, 1, 90, R::kOther},
    {"92", "company internal 92", C::kCset82, 1, 90, R::kOther},
    {"93", "company internal 93", C::kCset82, 1, 90, R::kOther},
    {"94", "company internal 94", C::kCset82, 1, 90, R::kOther},
    {"95", "company internal 95", C::kCset82, 1, 90, R::kOther},
    {"96", "company internal 96", C::kCset82, 1, 90, R::kOther},
    {"97", "company internal 97", C::kCset82, 1, 90, R::kOther},
    {"98", "company internal 98", C::kCset82, 1, 90, R::kOther},
    {"99", "company internal 99", C::kCset82, 1, 90, R::kOther},
};

const AiDef& MeasureDef() {
  for (const AiDef& def : kAis) {
    if (def.ai == "3nnn") return def;
  }
  __builtin_unreachable();
}

// Each 2-, 3- and 4-digit AI has a slot: 2 digits at 0-99, 3 at 100-1099, 4 at 1100-11099.
// kSlots maps a slot to 1 + its index in kAis (0: not an AI), so FindAi is one array read
// instead of a string search (it runs for every field of every label).
constexpr int SlotOf(std::string_view ai) {
  if (ai.size() < 2 || ai.size() > 4) return -1;
  int value = 0;
  for (char c : ai) {
    if (c < '0' || c > '9') return -1;
    value = value * 10 + (c - '0');
  }
  return ai.size() == 2 ? value : ai.size() == 3 ? 100 + value : 1100 + value;
}

constexpr std::array<unsigned char, 11100> MakeSlots() {
  std::array<unsigned char, 11100> slots{};
  for (size_t i = 0; i < std::size(kAis); ++i) {
    int slot = SlotOf(kAis[i].ai);
    if (slot >= 0) slots[size_t(slot)] = static_cast<unsigned char>(i + 1);
  }
  return slots;
}
constexpr std::array<unsigned char, 11100> kSlots = MakeSlots();

// The 256-entry membership table for CSET 82, built at compile time.
constexpr std::array<bool, 256> MakeCset82() {
  std::array<bool, 256> table{};
  constexpr std::string_view kPunctuation = "!\"%&'()*+,-./:;<=>?_";
  for (char c : kPunctuation) table[static_cast<unsigned char>(c)] = true;
  for (int c = '0'; c <= '9'; ++c) table[c] = true;
  for (int c = 'A'; c <= 'Z'; ++c) table[c] = true;
  for (int c = 'a'; c <= 'z'; ++c) table[c] = true;
  return table;
}
constexpr std::array<bool, 256> kCset82 = MakeCset82();

}  // namespace

bool IsCset82(char c) { return kCset82[static_cast<unsigned char>(c)]; }

const AiDef* FindAi(std::string_view ai) {
  int slot = SlotOf(ai);
  if (slot < 0) return nullptr;
  if (ai.size() == 4 && ai[0] == '3' && ai[1] >= '1' && ai[1] <= '6') return &MeasureDef();
  unsigned char index = kSlots[size_t(slot)];
  return index == 0 ? nullptr : &kAis[index - 1];
}

const AiDef* MatchAi(std::string_view data) {
  for (size_t n = 2; n <= 4 && n <= data.size(); ++n) {
    if (!IsAsciiDigit(data[n - 1]) || !IsAsciiDigit(data[0])) return nullptr;
    if (const AiDef* def = FindAi(data.substr(0, n))) return def;
  }
  return nullptr;
}

int PredefinedValueLength(std::string_view ai) {
  if (ai.size() < 2 || !IsAsciiDigit(ai[0]) || !IsAsciiDigit(ai[1])) return 0;
  int prefix = (ai[0] - '0') * 10 + (ai[1] - '0');
  if (prefix == 0) return 18;
  if (prefix >= 1 && prefix <= 3) return 14;
  if (prefix == 4) return 16;
  if (prefix >= 11 && prefix <= 19) return 6;
  if (prefix == 20) return 2;
  if (prefix >= 31 && prefix <= 36) return 6;
  if (prefix == 41) return 13;
  return 0;
}

}  // namespace orp::udi
