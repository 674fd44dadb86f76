// RFC 4180 CSV writing: the one place ORP quotes a field. (Reading is the streaming
// CsvReader in csv_reader.h.)
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace orp {

// Appends `field` to `out`, quoted when it holds a comma, quote, CR or LF (quotes doubled).
void AppendCsvField(std::string& out, std::string_view field);

// Appends the fields separated by commas and a terminating "\n".
void AppendCsvRow(std::string& out, const std::vector<std::string>& fields);

}  // namespace orp
