// The label writer: turns a device instance (GTIN, lot, serial, expiry) into the text a
// theatre barcode scanner would send, in the forms ORP accepts in `device_scan`
// (docs/submission-format.md): a GS1 element string (FNC1 as GS, ASCII 29; optionally led by
// the symbology identifier ]d2), the GS1 bracketed human-readable form, a GS1 Digital Link URI
// and a HIBC LIC concatenated primary+secondary string with its mod-43 check character.
// See ../shared/specs/uk-standards.md §3.
//
// Inputs are trusted (the synth made them): a 14-digit GTIN, lot and serial of 1–20 upper-case
// letters and digits. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "orp/core/date.h"

namespace orp::synth {

struct DeviceLabel {
  std::string gtin;      // 14 digits
  std::string lot;       // AI (10)
  std::string serial;    // AI (21)
  Date expiry;           // AI (17)
  bool expiry_day_zero;  // write YYMM00 (the expiry is the month's last day)
  std::string hibc_lic;  // HIBC labeler code (4 characters), empty when the maker uses GS1 only
  std::string hibc_pcn;  // HIBC product code
};

// "0109506000134352" "17YYMMDD" "10LOT" GS "21SERIAL", with "]d2" in front when asked.
std::string Gs1ElementString(const DeviceLabel& label, bool symbology_identifier);
// "(01)…(17)…(10)…(21)…"
std::string Gs1Bracketed(const DeviceLabel& label);
// "https://id.gs1.org/01/…/10/…/21/…?17=YYMMDD"
std::string Gs1DigitalLink(const DeviceLabel& label);
// "+" LIC PCN "0" "/$$3" YYMMDD LOT "/S" SERIAL check. Requires hibc_lic and hibc_pcn.
std::string HibcConcatenated(const DeviceLabel& label);

// The HIBC mod-43 check character over `text` (every character must be in the HIBC set).
char HibcCheckCharacter(std::string_view text);

// The HIBC product code for a catalogue number: its letters and digits ("ALB-1234K" -> "ALB1234K").
std::string HibcProductCode(std::string_view catalogue_number);

// YYMMDD for a GS1 date AI; with `day_zero`, YYMM00.
std::string Gs1Date(Date date, bool day_zero);

}  // namespace orp::synth
