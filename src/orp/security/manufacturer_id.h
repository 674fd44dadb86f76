// The id a manufacturer@ID grant names a manufacturer by (web, #9; docs/adr/0006): the
// catalogue's manufacturer name folded to a slug, because names have spaces ("Acme
// Orthopaedics Ltd") and a grant's scope is 1-64 letters, digits, '.', '_' or '-'.
//
// Rule: ASCII letters lowered and digits kept; every run of any other characters becomes one
// '-'; no '-' at either end; at most 64 characters (cut, then any trailing '-' dropped). A name
// that is already an id ("acme") is its own id. Two names that fold to the same id are one
// manufacturer to the policy: the catalogue import is where that must not happen.
// Thread safety: a pure function.
#pragma once

#include <string>
#include <string_view>

namespace orp::security {

std::string ManufacturerId(std::string_view name);

}  // namespace orp::security
