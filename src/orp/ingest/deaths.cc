#include "orp/ingest/deaths.h"

#include <fmt/format.h>

namespace orp::ingest {
namespace {

// True when `text` has the shape YYYY-MM-DD (any characters, dashes in place). Only such a
// value is echoed in a date finding: anything else may be a patient identifier in the wrong
// column (an NHS number, say), and findings can reach a log.
bool LooksLikeADate(std::string_view text) {
  return text.size() == 10 && text[4] == '-' && text[7] == '-';
}

}  // namespace

Result<DeathsReader> DeathsReader::Open(const std::filesystem::path& path, Date today) {
  Result<CsvReader> csv = CsvReader::Open(path.string());
  if (!csv) return std::unexpected(csv.error());
  DeathsReader reader(std::move(*csv), today);
  ORP_RETURN_IF_ERROR(reader.Init());
  return reader;
}

Result<DeathsReader> DeathsReader::FromStream(std::istream& in, Date today) {
  DeathsReader reader(CsvReader(in), today);
  ORP_RETURN_IF_ERROR(reader.Init());
  return reader;
}

Result<void> DeathsReader::Init() {
  ORP_RETURN_IF_ERROR(csv_.ReadHeader());
  Result<std::vector<size_t>> columns = csv_.Columns({"nhs_number", "date_of_death"});
  if (!columns) return std::unexpected(columns.error());
  nhs_column_ = (*columns)[0];
  date_column_ = (*columns)[1];
  return {};
}

Result<std::optional<Death>> DeathsReader::Next(std::vector<domain::Finding>* findings) {
  while (true) {
    Result<bool> next = csv_.Next(&record_);
    const auto row = static_cast<int64_t>(record_.line);
    auto bad = [&](std::string field, std::string rule, std::string message) {
      findings->push_back(
          {row, "", std::move(field), std::move(rule), domain::Severity::kError, message});
    };
    if (!next) {
      if (next.error().code() == ErrorCode::kDataLoss) return std::unexpected(next.error());
      bad("", "csv.malformed", next.error().message());
      continue;
    }
    if (!*next) return std::nullopt;
    if (record_.size() <= std::max(nhs_column_, date_column_)) {
      bad("", "csv.malformed", fmt::format("row {} has too few columns", row));
      continue;
    }
    Result<domain::NhsNumber> nhs = domain::NhsNumber::Parse(record_[nhs_column_]);
    if (!nhs) {
      bad("nhs_number", "nhs_number.invalid", nhs.error().message());
      continue;
    }
    Result<Date> date = ParseIsoDate(record_[date_column_]);
    if (!date) {
      bad("date_of_death", "date_of_death.format",
          LooksLikeADate(record_[date_column_])
              ? "date_of_death: " + date.error().message()
              : std::string("date_of_death is not a date in the form YYYY-MM-DD"));
      continue;
    }
    if (*date > today_) {
      bad("date_of_death", "date_of_death.in_future",
          fmt::format("date_of_death {} is after today", FormatIsoDate(*date)));
      continue;
    }
    return Death{row, std::move(*nhs), *date};
  }
}

}  // namespace orp::ingest
