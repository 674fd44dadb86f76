#include "orp/proms/channel.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>

#include "orp/core/csv.h"
#include "orp/core/csv_reader.h"

namespace orp::proms {
namespace {

std::vector<std::string> SplitAddress(std::string_view text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start <= text.size()) {
    size_t bar = text.find('|', start);
    if (bar == std::string_view::npos) bar = text.size();
    if (bar > start) lines.emplace_back(text.substr(start, bar - start));
    start = bar + 1;
  }
  return lines;
}

Result<void> AppendLine(const std::filesystem::path& file, const std::string& header,
                        const std::string& line) {
  std::error_code ec;
  const bool fresh =
      !std::filesystem::exists(file, ec) || std::filesystem::file_size(file, ec) == 0;
  std::ofstream out(file, std::ios::app | std::ios::binary);
  if (!out) return Unavailable(fmt::format("{}: cannot open for appending", file.string()));
  if (fresh && !header.empty()) out << header;
  out << line;
  out.flush();
  if (!out) return Unavailable(fmt::format("{}: write failed", file.string()));
  return {};
}

}  // namespace

Result<std::unique_ptr<CsvContactDirectory>> CsvContactDirectory::Load(
    const std::filesystem::path& file) {
  auto reader = CsvReader::Open(file.string());
  if (!reader) return std::unexpected(reader.error());
  auto columns = reader->Columns({"pseudonym", "name", "email", "phone", "address"});
  if (!columns) return std::unexpected(columns.error().WithContext(file.string()));
  auto directory = std::make_unique<CsvContactDirectory>();
  CsvRecord record;
  while (true) {
    auto more = reader->Next(&record);
    if (!more) return std::unexpected(more.error().WithContext(file.string()));
    if (!*more) break;
    const auto& c = *columns;
    if (record.size() <= *std::max_element(c.begin(), c.end())) {
      return InvalidArgument(fmt::format("{}:{}: too few columns", file.string(), record.line));
    }
    auto pseudonym = domain::Pseudonym::FromHex(record[c[0]]);
    if (!pseudonym) {
      return InvalidArgument(
          fmt::format("{}:{}: 'pseudonym' must be 64 hex digits", file.string(), record.line));
    }
    directory->contacts_[*pseudonym] =
        Contact{std::string(record[c[1]]), std::string(record[c[2]]), std::string(record[c[3]]),
                SplitAddress(record[c[4]])};
  }
  return directory;
}

Result<std::optional<Contact>> CsvContactDirectory::Find(const domain::Pseudonym& pseudonym) {
  auto it = contacts_.find(pseudonym);
  if (it == contacts_.end()) return std::optional<Contact>();
  return std::optional<Contact>(it->second);
}

std::string MessageSubject(const OutgoingMessage& message) {
  if (message.purpose == "invitation") return "How are you since your operation?";
  return "Reminder: how are you since your operation?";
}

std::string MessageBody(const OutgoingMessage& message) {
  return fmt::format(
      "{}\n\nThe national implant registry would like to know how you are since your operation. "
      "The questionnaire ({}) takes a few minutes.\n\nAnswer here: {}\n\nThe link works once and "
      "until {}. It replaces any link we sent you before. You do not have to answer; your care "
      "will not change if you do not.\n",
      message.contact.name.empty() ? "Hello," : "Dear " + message.contact.name + ",",
      message.instrument_name, message.link, FormatIsoDate(message.expires));
}

Result<void> LetterBatchChannel::Send(const OutgoingMessage& message) {
  if (message.contact.address.empty()) return InvalidArgument("no postal address for this patient");
  std::vector<std::string> row{message.message_id, message.contact.name};
  for (size_t i = 0; i < 5; ++i) {
    row.push_back(i < message.contact.address.size() ? message.contact.address[i] : "");
  }
  row.insert(row.end(), {message.purpose, message.link, FormatIsoDate(message.expires)});
  std::string line;
  AppendCsvRow(line, row);
  std::string header;
  AppendCsvRow(header, {"message_id", "name", "address_1", "address_2", "address_3", "address_4",
                        "address_5", "purpose", "link", "expires"});
  return AppendLine(file_, header, line);
}

Result<void> FileSmsAdapter::SendText(std::string_view phone, std::string_view text) {
  std::string flat(text);
  std::replace(flat.begin(), flat.end(), '\n', ' ');
  return AppendLine(file_, "", fmt::format("{}\t{}\n", phone, flat));
}

Result<void> SmsChannel::Send(const OutgoingMessage& message) {
  if (message.contact.phone.empty()) return InvalidArgument("no mobile number for this patient");
  return adapter_->SendText(message.contact.phone,
                            fmt::format("The implant registry asks how you are since your "
                                        "operation: {} (works once, until {})",
                                        message.link, FormatIsoDate(message.expires)));
}

}  // namespace orp::proms
