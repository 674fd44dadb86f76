// Column encodings shared by both SQL backends (the schemas hold the same values): dates as
// INTEGER day numbers, instants as seconds, code lists ';'-joined. For the queries written once
// over storage/sql.h; the backends' own codec.h files hold the entity encodings of their
// hand-tuned statements.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "orp/domain/entities.h"
#include "orp/storage/sql.h"

namespace orp::storage::sql {

inline int64_t DayNumber(Date date) { return date.time_since_epoch().count(); }
inline Date FromDayNumber(int64_t days) { return Date(std::chrono::days(days)); }
inline std::optional<int64_t> OptionalDay(const std::optional<Date>& date) {
  return date ? std::optional<int64_t>(DayNumber(*date)) : std::nullopt;
}
// A nullable day-number column.
inline std::optional<Date> OptionalDate(const Statement& s, int column) {
  if (s.IsNull(column)) return std::nullopt;
  return FromDayNumber(s.Int(column));
}

// A pseudonym's 32 bytes as a BLOB (SQLite) or bytea (PostgreSQL) parameter.
inline std::string_view PseudonymBytes(const domain::Pseudonym& p) {
  return {reinterpret_cast<const char*>(p.bytes.data()), p.bytes.size()};
}

inline int64_t Seconds(domain::Instant at) { return at.time_since_epoch().count(); }
inline domain::Instant InstantOf(int64_t seconds) {
  return domain::Instant(std::chrono::seconds(seconds));
}

std::string JoinList(const std::vector<std::string>& items);  // ';'-separated
std::vector<std::string> SplitList(std::string_view text);
// "?N, ?N+1, …" for `count` parameters starting at `first` (an IN list of bound values).
std::string Placeholders(int first, size_t count);

// Identifiers are stored as their canonical text; an absent optional one as ''.
template <typename T, typename TextFn>
std::string TextOr(const std::optional<T>& value, TextFn text) {
  return value ? std::string(text(*value)) : std::string();
}

// The same as a view of text that outlives the value's binding (the identifier's own string, or
// a static code), for binding without a copy; '' (not NULL) when absent. `text` must not return
// a temporary string.
template <typename T, typename TextFn>
std::string_view ViewOr(const std::optional<T>& value, TextFn text) {
  static_assert(!std::is_same_v<std::invoke_result_t<TextFn, const T&>, std::string>,
                "ViewOr would view a temporary string");
  return value ? std::string_view(text(*value)) : std::string_view("", 0);
}

// Parses stored text back into an identifier: '' is none; text that no longer parses is
// kDataLoss naming the column.
template <typename T, typename ParseFn>
Result<std::optional<T>> ParseStored(const std::string& text, ParseFn parse,
                                     std::string_view column) {
  if (text.empty()) return std::optional<T>();
  Result<T> value = parse(text);
  if (!value)
    return DataLoss(std::string("stored ") + std::string(column) + ": " + value.error().message());
  return std::optional<T>(std::move(*value));
}

// The same for a required identifier ('' is kDataLoss too).
template <typename T, typename ParseFn>
Result<T> ParseRequired(const std::string& text, ParseFn parse, std::string_view column) {
  auto value = ParseStored<T>(text, parse, column);
  if (!value) return std::unexpected(value.error());
  if (!*value) return DataLoss(std::string("stored ") + std::string(column) + " is empty");
  return std::move(**value);
}

// Parse functions with one argument, for ParseStored.
inline Result<domain::Postcode> ParsePostcode(std::string_view t) {
  return domain::Postcode::Parse(t);
}
inline Result<domain::OdsCode> ParseOdsCode(std::string_view t) {
  return domain::OdsCode::Parse(t);
}
inline Result<domain::OdsSiteCode> ParseSiteCode(std::string_view t) {
  return domain::OdsSiteCode::Parse(t);
}
inline Result<domain::GmcNumber> ParseGmc(std::string_view t) {
  return domain::GmcNumber::Parse(t);
}
inline std::string_view PostcodeText(const domain::Postcode& p) { return p.canonical(); }

// The submissions columns in SELECT order, without receipt_json (which lists leave out).
inline constexpr std::string_view kSubmissionColumns =
    "id, idempotency_key, submitter, registry, received_at, status, received, accepted, rejected";
// Reads kSubmissionColumns (9 values) from column `first`; receipt_json is left empty.
// kDataLoss when the stored status no longer parses.
Result<domain::Submission> ReadSubmission(const Statement& s, int first = 0);

// The findings columns in SELECT order ("row" quoted: a keyword in PostgreSQL).
inline constexpr std::string_view kFindingColumns =
    "\"row\", procedure_ref, field, rule, severity, message";
// Reads kFindingColumns (6 values) from column `first`. kDataLoss when the stored severity no
// longer parses.
Result<domain::Finding> ReadFinding(const Statement& s, int first = 0);

// Registry fields as stored (a JSON object of strings); kDataLoss when the text is not one.
Result<std::map<std::string, std::string>> DecodeFields(const std::string& text);

// The implant columns, the id first, qualified by the alias "i"; both backends' codecs select
// them through this one constant.
inline constexpr std::string_view kImplantColumnsOfI =
    "i.id, i.procedure, i.gtin, i.lot, i.serial, i.expiry, i.raw_scan, i.action, i.laterality, "
    "i.in_situ, i.removed_by, i.removed_on, i.fields";
// Reads kImplantColumnsOfI (13 values) from column `first`, as the backends' ReadImplant does.
// kDataLoss when a stored DI, action, laterality or fields object no longer parses.
Result<domain::Implant> ReadImplantColumns(const Statement& s, int first = 0);

// The one implant decoder (duplicates D1): kImplantColumnsOfI from column `first` of `row`, for
// any column access with IsNull(int), Int(int) and Text(int) — sql::Statement, SQLite's Stmt,
// PostgreSQL's Row. A template, so that the backends' hot reads (recall, survival) call their own
// accessors directly, with no virtual call per column; where `row` has View(int) (a string_view
// into the result, no copy) the DI and action are parsed from it, and where it has Bool(int) the
// in_situ flag is read with it (PostgreSQL's text 't'/'f'). kDataLoss as ReadImplantColumns.
template <typename Columns>
Result<domain::Implant> DecodeImplant(const Columns& row, int first = 0) {
  const int c = first;
  auto view = [&row](int column) {
    if constexpr (requires { row.View(column); }) {
      return row.View(column);
    } else {
      return row.Text(column);
    }
  };
  auto day = [&row](int column) {
    return row.IsNull(column) ? std::nullopt : std::optional<Date>(FromDayNumber(row.Int(column)));
  };
  domain::Implant m;
  m.id.value = row.Int(c);
  m.procedure.value = row.Int(c + 1);
  if (!row.IsNull(c + 2)) {
    auto device = domain::DeviceId::Parse(view(c + 2));
    if (!device) return DataLoss("stored implant DI: " + device.error().message());
    if (auto gtin = device->gtin()) {
      m.gtin = std::move(*gtin);
    } else {
      m.other_di = std::move(*device);
    }
  }
  m.lot = row.Text(c + 3);
  m.serial = row.Text(c + 4);
  m.expiry = day(c + 5);
  m.raw_scan = row.Text(c + 6);
  auto action = domain::ParseDeviceAction(view(c + 7));
  if (!action) return DataLoss("stored device action: " + action.error().message());
  m.action = *action;
  auto laterality = ParseStored<domain::Laterality>(row.Text(c + 8), domain::ParseLaterality,
                                                    "implant laterality");
  if (!laterality) return std::unexpected(laterality.error());
  m.laterality = *laterality;
  if constexpr (requires { row.Bool(c); }) {
    m.in_situ = row.Bool(c + 9);
  } else {
    m.in_situ = row.Int(c + 9) != 0;
  }
  if (!row.IsNull(c + 10)) m.removed_by = domain::ProcedureId{row.Int(c + 10)};
  m.removed_on = day(c + 11);
  auto fields = DecodeFields(row.Text(c + 12));
  if (!fields) return std::unexpected(fields.error());
  m.fields = std::move(*fields);
  return m;
}

}  // namespace orp::storage::sql
