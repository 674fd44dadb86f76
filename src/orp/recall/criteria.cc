#include "orp/recall/criteria.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "orp/catalogue/catalogue.h"

namespace orp::recall {
namespace {

using Json = nlohmann::ordered_json;

// Digit runs compare by value: skip leading zeros, then the longer run is larger, then bytes;
// equal values with different zero padding order by padding so the order stays total.
int CompareDigitRuns(std::string_view a, std::string_view b) {
  size_t za = a.find_first_not_of('0');
  size_t zb = b.find_first_not_of('0');
  std::string_view va = za == std::string_view::npos ? "" : a.substr(za);
  std::string_view vb = zb == std::string_view::npos ? "" : b.substr(zb);
  if (va.size() != vb.size()) return va.size() < vb.size() ? -1 : 1;
  if (int c = va.compare(vb); c != 0) return c;
  return a.size() == b.size() ? 0 : (a.size() < b.size() ? -1 : 1);
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::string_view Run(std::string_view text, size_t& at) {
  size_t start = at;
  bool digits = IsDigit(text[at]);
  while (at < text.size() && IsDigit(text[at]) == digits) ++at;
  return text.substr(start, at - start);
}

Result<void> CheckWindow(const DateWindow& w, std::string_view field) {
  if (w.from && w.to && *w.from > *w.to) {
    return InvalidArgument(fmt::format("criteria.{}: from {} is after to {}", field,
                                       FormatIsoDate(*w.from), FormatIsoDate(*w.to)));
  }
  return {};
}

Result<void> CheckTexts(const std::vector<std::string>& values, std::string_view field) {
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i].empty() || values[i].size() > 64) {
      return InvalidArgument(fmt::format("criteria.{}[{}]: must be 1 to 64 characters (got {})",
                                         field, i, values[i].size()));
    }
  }
  return {};
}

Result<void> CheckSerials(const std::vector<SerialRange>& ranges) {
  for (size_t i = 0; i < ranges.size(); ++i) {
    const SerialRange& r = ranges[i];
    if (r.from.empty() || r.to.empty()) {
      return InvalidArgument(fmt::format(
          "criteria.serials[{}]: a serial range needs both from and to (a single serial is "
          "from = to)",
          i));
    }
    int order = r.order == SerialOrder::kText ? r.from.compare(r.to) : CompareNatural(r.from, r.to);
    if (order > 0) {
      return InvalidArgument(
          fmt::format("criteria.serials[{}]: from '{}' sorts after to '{}' in {} order", i, r.from,
                      r.to, SerialOrderName(r.order)));
    }
  }
  return {};
}

// JSON reading: every error names the member's path.
Result<std::vector<std::string>> Strings(const Json& value, std::string_view field) {
  if (!value.is_array()) {
    return InvalidArgument(fmt::format("criteria.{}: must be an array of strings", field));
  }
  std::vector<std::string> out;
  for (size_t i = 0; i < value.size(); ++i) {
    if (!value[i].is_string()) {
      return InvalidArgument(fmt::format("criteria.{}[{}]: must be a string", field, i));
    }
    out.push_back(value[i].get<std::string>());
  }
  return out;
}

Result<std::optional<Date>> DateMember(const Json& object, std::string_view key,
                                       std::string_view field) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return std::optional<Date>();
  if (!it->is_string()) {
    return InvalidArgument(fmt::format("criteria.{}.{}: must be a date YYYY-MM-DD", field, key));
  }
  auto date = ParseIsoDate(it->get<std::string>());
  if (!date) {
    return InvalidArgument(fmt::format("criteria.{}.{}: {}", field, key, date.error().message()));
  }
  return std::optional<Date>(*date);
}

Result<DateWindow> Window(const Json& value, std::string_view field) {
  if (!value.is_object()) {
    return InvalidArgument(
        fmt::format("criteria.{}: must be an object with from and/or to", field));
  }
  for (const auto& [key, member] : value.items()) {
    if (key != "from" && key != "to") {
      return InvalidArgument(
          fmt::format("criteria.{}.{}: unknown member (expected from, to)", field, key));
    }
  }
  DateWindow w;
  auto from = DateMember(value, "from", field);
  if (!from) return std::unexpected(from.error());
  auto to = DateMember(value, "to", field);
  if (!to) return std::unexpected(to.error());
  w.from = *from;
  w.to = *to;
  return w;
}

Result<SerialRange> SerialMember(const Json& value, size_t i) {
  std::string field = fmt::format("serials[{}]", i);
  if (!value.is_object()) {
    return InvalidArgument(fmt::format("criteria.{}: must be an object with from and to", field));
  }
  SerialRange r;
  for (const auto& [key, member] : value.items()) {
    if (key != "from" && key != "to" && key != "order") {
      return InvalidArgument(
          fmt::format("criteria.{}.{}: unknown member (expected from, to, order)", field, key));
    }
    if (!member.is_string()) {
      return InvalidArgument(fmt::format("criteria.{}.{}: must be a string", field, key));
    }
  }
  r.from = value.value("from", "");
  r.to = value.value("to", "");
  if (value.contains("order")) {
    auto order = ParseSerialOrder(value["order"].get<std::string>(), field + ".order");
    if (!order) return std::unexpected(order.error());
    r.order = *order;
  }
  return r;
}

Json WindowJson(const DateWindow& w) {
  Json out = Json::object();
  if (w.from) out["from"] = FormatIsoDate(*w.from);
  if (w.to) out["to"] = FormatIsoDate(*w.to);
  return out;
}

}  // namespace

Result<SerialOrder> ParseSerialOrder(std::string_view text, std::string_view field) {
  if (text == "natural") return SerialOrder::kNatural;
  if (text == "text") return SerialOrder::kText;
  return InvalidArgument(
      fmt::format("{}: '{}' is not a serial order (expected natural or text)", field, text));
}

std::string_view SerialOrderName(SerialOrder order) {
  return order == SerialOrder::kText ? "text" : "natural";
}

int CompareNatural(std::string_view a, std::string_view b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    bool da = IsDigit(a[i]), db = IsDigit(b[j]);
    if (da != db)
      return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[j]) ? -1 : 1;
    std::string_view ra = Run(a, i), rb = Run(b, j);
    int c = da ? CompareDigitRuns(ra, rb) : ra.compare(rb);
    if (c != 0) return c < 0 ? -1 : 1;
  }
  if (i < a.size()) return 1;
  if (j < b.size()) return -1;
  return 0;
}

bool InSerialRange(std::string_view serial, const SerialRange& r) {
  if (r.order == SerialOrder::kText) return serial >= r.from && serial <= r.to;
  return CompareNatural(serial, r.from) >= 0 && CompareNatural(serial, r.to) <= 0;
}

bool MatchesSerials(std::string_view serial, const std::vector<SerialRange>& ranges) {
  if (ranges.empty()) return true;
  for (const SerialRange& r : ranges) {
    if (InSerialRange(serial, r)) return true;
  }
  return false;
}

Result<Criteria> Validate(Criteria c) {
  if (c.device_ids.empty() && c.catalogue_numbers.empty()) {
    return InvalidArgument(
        "criteria.devices: a recall names at least one device model (a UDI-DI in devices or a "
        "catalogue number in catalogue_numbers)");
  }
  for (size_t i = 0; i < c.device_ids.size(); ++i) {
    auto di = catalogue::NormaliseDi(c.device_ids[i]);
    if (!di) {
      return InvalidArgument(fmt::format("criteria.devices[{}]: {}", i, di.error().message()));
    }
    c.device_ids[i] = *di;
  }
  ORP_RETURN_IF_ERROR(CheckTexts(c.catalogue_numbers, "catalogue_numbers"));
  ORP_RETURN_IF_ERROR(CheckTexts(c.lots, "lots"));
  ORP_RETURN_IF_ERROR(CheckSerials(c.serials));
  ORP_RETURN_IF_ERROR(CheckWindow(c.expiry, "expiry"));
  ORP_RETURN_IF_ERROR(CheckWindow(c.production, "production"));
  ORP_RETURN_IF_ERROR(CheckWindow(c.implanted, "implanted"));
  return c;
}

Result<Criteria> ParseCriteriaJson(std::string_view text) {
  Json json = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) {
    return InvalidArgument("criteria: not a JSON object");
  }
  Criteria c;
  for (const auto& [key, value] : json.items()) {
    if (key == "devices" || key == "catalogue_numbers" || key == "lots") {
      auto list = Strings(value, key);
      if (!list) return std::unexpected(list.error());
      (key == "devices" ? c.device_ids : key == "lots" ? c.lots : c.catalogue_numbers) = *list;
    } else if (key == "serials") {
      if (!value.is_array()) return InvalidArgument("criteria.serials: must be an array");
      for (size_t i = 0; i < value.size(); ++i) {
        auto range = SerialMember(value[i], i);
        if (!range) return std::unexpected(range.error());
        c.serials.push_back(*range);
      }
    } else if (key == "expiry" || key == "production" || key == "implanted") {
      auto w = Window(value, key);
      if (!w) return std::unexpected(w.error());
      (key == "expiry" ? c.expiry : key == "production" ? c.production : c.implanted) = *w;
    } else {
      return InvalidArgument(fmt::format(
          "criteria.{}: unknown member (expected devices, catalogue_numbers, lots, serials, "
          "expiry, production, implanted)",
          key));
    }
  }
  return Validate(std::move(c));
}

std::string CriteriaJson(const Criteria& c) {
  Json out = Json::object();
  if (!c.device_ids.empty()) out["devices"] = c.device_ids;
  if (!c.catalogue_numbers.empty()) out["catalogue_numbers"] = c.catalogue_numbers;
  if (!c.lots.empty()) out["lots"] = c.lots;
  if (!c.serials.empty()) {
    Json serials = Json::array();
    for (const SerialRange& r : c.serials) {
      serials.push_back({{"from", r.from}, {"to", r.to}, {"order", SerialOrderName(r.order)}});
    }
    out["serials"] = serials;
  }
  if (c.expiry.set()) out["expiry"] = WindowJson(c.expiry);
  if (c.production.set()) out["production"] = WindowJson(c.production);
  if (c.implanted.set()) out["implanted"] = WindowJson(c.implanted);
  return out.dump();
}

}  // namespace orp::recall
