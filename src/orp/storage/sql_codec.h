// Column encodings shared by both SQL backends (the schemas hold the same values): dates as
// INTEGER day numbers, instants as seconds, code lists ';'-joined. For the queries written once
// over storage/sql.h; the backends' own codec.h files hold the entity encodings of their
// hand-tuned statements.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
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

inline int64_t Seconds(domain::Instant at) { return at.time_since_epoch().count(); }
inline domain::Instant InstantOf(int64_t seconds) {
  return domain::Instant(std::chrono::seconds(seconds));
}

std::string JoinList(const std::vector<std::string>& items);  // ';'-separated
std::vector<std::string> SplitList(std::string_view text);

}  // namespace orp::storage::sql
