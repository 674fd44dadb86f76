// How invitations and reminders reach patients: one Channel interface, three kinds.
//
//   email   SmtpChannel: a plain SMTP conversation with a configured relay (smtp.h); the relay
//           (inside the organisation's network) does TLS and onward delivery;
//   letter  LetterBatchChannel: appends one CSV row per letter to a batch file for mail merge;
//   sms     SmsChannel over an SmsAdapter: FileSmsAdapter writes one line per text (tests,
//           gateways that pick files up); a provider's HTTP API is another adapter.
//
// The registry holds no contact details: a ContactDirectory (for now a CSV file keyed by
// patient pseudonym, exported from the trust's PAS or PDS) is asked at send time, and contact
// details never reach an error message or the outbox.
//
// Errors from Send: kUnavailable means "try again later" (relay down, 4xx reply, timeout);
// anything else means this message cannot be sent this way and goes to the dead-letter list.
// Thread safety: one thread per channel object.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "orp/core/date.h"
#include "orp/core/result.h"
#include "orp/domain/entities.h"

namespace orp::proms {

struct Contact {
  std::string name;
  std::string email;
  std::string phone;
  std::vector<std::string> address;  // postal lines, postcode last
};

class ContactDirectory {
 public:
  virtual ~ContactDirectory() = default;
  // The contact details of the patient with this pseudonym, or nullopt when none are known.
  virtual Result<std::optional<Contact>> Find(const domain::Pseudonym& pseudonym) = 0;
};

// A CSV file with header pseudonym,name,email,phone,address (address lines joined by '|').
class CsvContactDirectory : public ContactDirectory {
 public:
  // kNotFound for a missing file; kInvalidArgument naming the line for a malformed one (the
  // message never quotes the row).
  static Result<std::unique_ptr<CsvContactDirectory>> Load(const std::filesystem::path& file);
  Result<std::optional<Contact>> Find(const domain::Pseudonym& pseudonym) override;

 private:
  std::map<domain::Pseudonym, Contact> contacts_;
};

struct OutgoingMessage {
  std::string message_id;  // stable per outbox row: "<prom-42@orp>"
  std::string purpose;     // "invitation", "reminder-1", ...
  std::string instrument_name;
  std::string link;  // the questionnaire link with its single-use token
  Date expires{};
  Contact contact;
};

// The subject and plain-text body every channel uses (plain English, no clinical detail).
std::string MessageSubject(const OutgoingMessage& message);
std::string MessageBody(const OutgoingMessage& message);

class Channel {
 public:
  virtual ~Channel() = default;
  virtual std::string_view name() const = 0;
  virtual Result<void> Send(const OutgoingMessage& message) = 0;
};

class LetterBatchChannel : public Channel {
 public:
  explicit LetterBatchChannel(std::filesystem::path file) : file_(std::move(file)) {}
  std::string_view name() const override { return "letter"; }
  // Appends message_id,name,address_1..address_5,purpose,link,expires (header on a new file).
  Result<void> Send(const OutgoingMessage& message) override;

 private:
  std::filesystem::path file_;
};

class SmsAdapter {
 public:
  virtual ~SmsAdapter() = default;
  virtual Result<void> SendText(std::string_view phone, std::string_view text) = 0;
};

// Appends "phone<TAB>text" lines to a file.
class FileSmsAdapter : public SmsAdapter {
 public:
  explicit FileSmsAdapter(std::filesystem::path file) : file_(std::move(file)) {}
  Result<void> SendText(std::string_view phone, std::string_view text) override;

 private:
  std::filesystem::path file_;
};

class SmsChannel : public Channel {
 public:
  explicit SmsChannel(std::unique_ptr<SmsAdapter> adapter) : adapter_(std::move(adapter)) {}
  std::string_view name() const override { return "sms"; }
  Result<void> Send(const OutgoingMessage& message) override;

 private:
  std::unique_ptr<SmsAdapter> adapter_;
};

}  // namespace orp::proms
