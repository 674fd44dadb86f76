#include "orp/synth/label.h"

#include <fmt/format.h>

#include "orp/core/check.h"

namespace orp::synth {

namespace {
constexpr char kGroupSeparator = '\x1d';
constexpr std::string_view kHibcSet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-. $/+%";
}  // namespace

std::string Gs1Date(Date date, bool day_zero) {
  const std::chrono::year_month_day ymd{date};
  const int year = static_cast<int>(ymd.year()) % 100;
  const unsigned day = day_zero ? 0 : static_cast<unsigned>(ymd.day());
  return fmt::format("{:02}{:02}{:02}", year, static_cast<unsigned>(ymd.month()), day);
}

std::string Gs1ElementString(const DeviceLabel& label, bool symbology_identifier) {
  // 01 and 17 are predefined-length AIs and need no separator; 10 is variable-length and not
  // last, so GS follows it.
  std::string out;
  out.reserve(64);
  if (symbology_identifier) out += "]d2";
  out += "01";
  out += label.gtin;
  out += "17";
  out += Gs1Date(label.expiry, label.expiry_day_zero);
  out += "10";
  out += label.lot;
  out += kGroupSeparator;
  out += "21";
  out += label.serial;
  return out;
}

std::string Gs1Bracketed(const DeviceLabel& label) {
  return fmt::format("(01){}(17){}(10){}(21){}", label.gtin,
                     Gs1Date(label.expiry, label.expiry_day_zero), label.lot, label.serial);
}

std::string Gs1DigitalLink(const DeviceLabel& label) {
  // Lot and serial are upper-case letters and digits: URI-unreserved, so no percent-encoding.
  return fmt::format("https://id.gs1.org/01/{}/10/{}/21/{}?17={}", label.gtin, label.lot,
                     label.serial, Gs1Date(label.expiry, label.expiry_day_zero));
}

std::string HibcProductCode(std::string_view catalogue_number) {
  std::string pcn;
  for (char c : catalogue_number) {
    if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z')) pcn.push_back(c);
  }
  return pcn;
}

char HibcCheckCharacter(std::string_view text) {
  size_t sum = 0;
  for (char c : text) {
    const size_t value = kHibcSet.find(c);
    ORP_CHECK(value != std::string_view::npos);
    sum += value;
  }
  return kHibcSet[sum % 43];
}

std::string HibcConcatenated(const DeviceLabel& label) {
  ORP_CHECK(label.hibc_lic.size() == 4 && !label.hibc_pcn.empty());
  // Secondary "$$3" = expiry as YYMMDD followed by the lot; "/S" supplemental serial.
  std::string out = fmt::format("+{}{}0/$$3{}{}/S{}", label.hibc_lic, label.hibc_pcn,
                                Gs1Date(label.expiry, false), label.lot, label.serial);
  out.push_back(HibcCheckCharacter(out));
  return out;
}

}  // namespace orp::synth
