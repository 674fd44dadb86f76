// Label writers: the inverse of the parsers, for tests, fuzz seeds, benchmarks and synthetic
// data. They check only what decides the layout (a known AI, a predefined-length value of the
// right length); the parsers check everything else, so a writer can build deliberately bad
// labels for tests.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "orp/core/date.h"
#include "orp/core/result.h"

namespace orp::udi {

struct Gs1Field {
  std::string_view ai;
  std::string_view value;
};

// Symbology identifier, then each AI and value; a GS (or `separator`) follows every value that
// is not in the predefined-length table, except the last. kInvalidArgument for an unknown AI or
// a predefined-length value of the wrong length.
Result<std::string> EncodeGs1ElementString(std::span<const Gs1Field> fields,
                                           std::string_view symbology_id = "]d2",
                                           char separator = '\x1d');

// "(01)09506000134352(17)261231".
std::string EncodeGs1Hri(std::span<const Gs1Field> fields);

// "https://<domain>/01/<gtin>[/10/<lot>][/21/<serial>][?17=YYMMDD]", values %-encoded.
std::string EncodeDigitalLink(std::string_view domain, std::string_view gtin, std::string_view lot,
                              std::string_view serial, std::optional<Date> expiry);

// YYMMDD for a date (the writer never uses day 00).
std::string FormatYymmdd(Date date);

// "+" LIC PCN U/M and the mod-43 check character.
std::string EncodeHibcPrimary(std::string_view lic, std::string_view pcn, int unit_of_measure);

// Concatenated "+LIC PCN U/M/$$3YYMMDD lot[/S serial]" + check character (or "/$$7lot" when
// there is no expiry).
std::string EncodeHibcConcatenated(std::string_view lic, std::string_view pcn, int unit_of_measure,
                                   std::string_view lot, std::optional<Date> expiry,
                                   std::string_view serial = {});

}  // namespace orp::udi
