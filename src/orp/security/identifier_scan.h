// Finds text shaped like a valid NHS number, so tests can check that logs, error messages and
// outputs meant for logs carry none (issue #5: "identifiers never appear in logs").
//
// A match is 10 digits, alone or written 3-3-4 with one space or hyphen between the groups
// ("943 476 5919", "943-476-5919"), not part of a longer run of digits (a GTIN, a long id), and
// valid by domain::NhsNumber::Parse (the modulus 11 check digit; not a repdigit). About one
// random 10-digit number in 11 passes the check, so a match in a log is worth a look even when
// it is not a real patient's number; tests use numbers that fail it where they need digits.
//
// Thread safety: pure function.
#pragma once

#include <optional>
#include <string_view>

namespace orp::security {

// The first match in `text` (a view into it), or none.
std::optional<std::string_view> FindNhsNumberShape(std::string_view text);

}  // namespace orp::security
