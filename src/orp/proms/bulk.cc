#include "orp/proms/bulk.h"

#include <fmt/format.h>

#include <charconv>

#include "orp/core/csv_reader.h"

namespace orp::proms {
namespace {

constexpr std::string_view kRequired[] = {"registry", "procedure_ref", "instrument", "months",
                                          "completed"};

struct Row {
  const CsvRecord& record;
  const std::vector<std::string>& header;
  std::vector<domain::Finding>& findings;
  bool ok = true;

  void Find(std::string_view field, std::string_view rule, std::string message) {
    findings.push_back({static_cast<int64_t>(record.line), Cell(1), std::string(field),
                        std::string(rule), domain::Severity::kError, std::move(message)});
    ok = false;
  }
  std::string Cell(size_t i) const { return i < record.size() ? std::string(record[i]) : ""; }
};

std::optional<int> ToInt(std::string_view text) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// Reads the item columns (from index 5 on) of one row against its instrument.
void ReadAnswers(Row& row, const Instrument& instrument, BulkResponse& response) {
  for (size_t i = 5; i < row.header.size(); ++i) {
    const std::string cell = row.Cell(i);
    if (cell.empty()) continue;
    const std::string& item_code = row.header[i];
    const Item* item = instrument.FindItem(item_code);
    if (item == nullptr) {
      row.Find(
          item_code, "answer.not_an_item",
          fmt::format("'{}' is not an item of {}; leave it empty", item_code, instrument.code));
      continue;
    }
    auto value = ToInt(cell);
    if (!value) {
      row.Find(item_code, "answer.not_integer",
               fmt::format("answer '{}' is not a whole number", cell.substr(0, 20)));
    } else if (!item->Allows(*value)) {
      row.Find(item_code, "answer.not_allowed",
               fmt::format("{} is not an allowed answer ({}..{})", *value, item->min, item->max));
    } else {
      response.answers[item_code] = *value;
    }
  }
  if (row.ok && response.answers.empty()) row.Find("", "answers.none", "the row answers no item");
}

void ReadRow(Row& row, const InstrumentSet& instruments, Date today, BulkParse& out) {
  BulkResponse r;
  r.row = static_cast<int64_t>(row.record.line);
  r.registry = row.Cell(0);
  r.procedure_ref = row.Cell(1);
  r.instrument = row.Cell(2);
  if (r.registry.empty()) row.Find("registry", "registry.missing", "registry is empty");
  if (r.procedure_ref.empty()) {
    row.Find("procedure_ref", "procedure_ref.missing", "procedure_ref is empty");
  }
  auto months = ToInt(row.Cell(3));
  if (!months || *months < 0 || *months > 600) {
    row.Find("months", "months.invalid", "months must be a whole number 0-600 (0 = before)");
  } else {
    r.months = *months;
  }
  auto completed = ParseIsoDate(row.Cell(4));
  if (!completed) {
    row.Find("completed", "completed.format", "completed must be a date YYYY-MM-DD");
  } else if (*completed > today) {
    row.Find("completed", "completed.in_future", "completed is after today");
  } else {
    r.completed = *completed;
  }
  const Instrument* instrument = instruments.Find(r.instrument);
  if (instrument == nullptr) {
    row.Find("instrument", "instrument.unknown",
             fmt::format("instrument '{}' is not installed", r.instrument.substr(0, 40)));
    return;
  }
  ReadAnswers(row, *instrument, r);
  if (row.ok) out.responses.push_back(std::move(r));
}

}  // namespace

Result<BulkParse> ParseBulkResponses(std::istream& in, const InstrumentSet& instruments,
                                     Date today) {
  CsvReader reader(in);
  if (auto header = reader.ReadHeader(); !header) return std::unexpected(header.error());
  const std::vector<std::string> header = reader.header();
  for (size_t i = 0; i < std::size(kRequired); ++i) {
    if (i >= header.size() || header[i] != kRequired[i]) {
      return InvalidArgument(
          "the header must start registry,procedure_ref,instrument,months,completed and then "
          "name items");
    }
  }
  BulkParse out;
  CsvRecord record;
  while (true) {
    auto more = reader.Next(&record);
    if (!more) {
      ++out.rows;
      out.findings.push_back({static_cast<int64_t>(reader.lines_read()), "", "", "csv.malformed",
                              domain::Severity::kError, more.error().message()});
      continue;
    }
    if (!*more) break;
    ++out.rows;
    Row row{record, header, out.findings};
    ReadRow(row, instruments, today, out);
  }
  return out;
}

std::string FormatAnswers(const Instrument& instrument, const Answers& answers) {
  std::string out;
  for (const Item& item : instrument.items) {
    auto it = answers.find(item.code);
    if (it == answers.end()) continue;
    if (!out.empty()) out += ';';
    out += fmt::format("{}={}", item.code, it->second);
  }
  return out;
}

Result<Answers> ParseAnswers(std::string_view text) {
  Answers out;
  while (!text.empty()) {
    size_t end = text.find(';');
    std::string_view pair = text.substr(0, end);
    size_t eq = pair.find('=');
    auto value = eq == std::string_view::npos ? std::nullopt : ToInt(pair.substr(eq + 1));
    if (!value) return DataLoss(fmt::format("stored answers '{}' are unreadable", pair));
    out[std::string(pair.substr(0, eq))] = *value;
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
  }
  return out;
}

}  // namespace orp::proms
