// Queries: the device catalogue (device_models, migrations 0001 and 0003). A model is keyed by its
// DI text and valid_from; `agency` names the issuing agency of the DI (GS1 or HIBCC, whose text
// forms cannot collide). Versions of one DI follow one another: valid_to of one is valid_from of
// the next, NULL for the current one.
#include <fmt/format.h>

#include "orp/storage/sql_codec.h"
#include "orp/storage/sql_queries.h"

namespace orp::storage::sql {
namespace {

constexpr std::string_view kSelectDeviceModel =
    "SELECT di, valid_from, valid_to, manufacturer, brand, model, catalogue_number, "
    "device_type, device_class, registries, agency, market_status, status_date, fsn_reference, "
    "recorded_on FROM device_models ";

Result<DeviceModel> ReadDeviceModel(const Statement& s) {
  auto agency = domain::ParseIssuingAgency(s.Text(10));
  if (!agency) return DataLoss("stored device agency: " + agency.error().message());
  auto device = domain::DeviceId::Of(*agency, s.Text(0));
  if (!device) return DataLoss("stored device DI: " + device.error().message());
  auto status = domain::ParseMarketStatus(s.Text(11));
  if (!status) return DataLoss("stored " + status.error().message());
  DeviceModel m;
  m.device = std::move(*device);
  m.manufacturer = s.Text(3);
  m.brand = s.Text(4);
  m.model = s.Text(5);
  m.catalogue_number = s.Text(6);
  m.device_type = s.Text(7);
  m.device_class = s.Text(8);
  m.registries = SplitList(s.Text(9));
  m.valid_from = FromDayNumber(s.Int(1));
  m.valid_to = OptionalDate(s, 2);
  m.market_status = *status;
  m.status_date = OptionalDate(s, 12);
  m.fsn_reference = s.Text(13);
  m.recorded_on = OptionalDate(s, 14);
  return m;
}

// Equal attributes: everything but the validity dates and the day recorded.
bool SameAttributes(const DeviceModel& a, const DeviceModel& b) {
  return a.manufacturer == b.manufacturer && a.brand == b.brand && a.model == b.model &&
         a.catalogue_number == b.catalogue_number && a.device_type == b.device_type &&
         a.device_class == b.device_class && a.registries == b.registries &&
         a.market_status == b.market_status && a.status_date == b.status_date &&
         a.fsn_reference == b.fsn_reference;
}

void BindOptionalDate(Statement& s, int index, const std::optional<Date>& date) {
  date ? s.Bind(index, DayNumber(*date)) : s.BindNull(index);
}

}  // namespace

Result<std::optional<DeviceModel>> Queries::FindDeviceModel(const DeviceId& device,
                                                            std::optional<Date> on) {
  if (!on) {
    return First<DeviceModel>(
        db_, std::string(kSelectDeviceModel) + "WHERE di = ?1 AND valid_to IS NULL",
        [&](Statement& s) { s.Bind(1, device.text()); }, ReadDeviceModel);
  }
  return First<DeviceModel>(
      db_,
      std::string(kSelectDeviceModel) +
          "WHERE di = ?1 AND valid_from <= ?2 AND (valid_to IS NULL OR valid_to > ?2)",
      [&](Statement& s) { s.Bind(1, device.text()).Bind(2, DayNumber(*on)); }, ReadDeviceModel);
}

Result<std::vector<DeviceModel>> Queries::DeviceModelHistory(const DeviceId& device) {
  return Collect<DeviceModel>(
      db_, std::string(kSelectDeviceModel) + "WHERE di = ?1 ORDER BY valid_from",
      [&](Statement& s) { s.Bind(1, device.text()); }, ReadDeviceModel);
}

Result<void> Queries::ForEachDeviceModel(const Visitor<DeviceModel>& visit) {
  // Collected first, then visited: the catalogue is small beside the registry (one row per
  // model version) and the visitor may then take its time without holding the statement.
  auto all = Collect<DeviceModel>(
      db_,
      std::string(kSelectDeviceModel) + "ORDER BY di" +
          std::string(ByteOrderCollation(db_.dialect())) + ", valid_from",
      [](Statement&) {}, ReadDeviceModel);
  if (!all) return std::unexpected(all.error());
  for (const DeviceModel& m : *all) {
    if (!visit(m)) break;
  }
  return {};
}

Result<void> Queries::PutDeviceModel(const DeviceModel& model) {
  if (model.device.empty()) return InvalidArgument("a device model needs a device identifier");
  auto current = FindDeviceModel(model.device, std::nullopt);
  if (!current) return std::unexpected(current.error());
  if (*current) {
    if (SameAttributes(**current, model)) return {};
    if (model.valid_from <= (*current)->valid_from) {
      return InvalidArgument(
          fmt::format("device {}: a new catalogue version must start after the current one ({})",
                      model.device.text(), FormatIsoDate((*current)->valid_from)));
    }
    ORP_RETURN_IF_ERROR(
        Execute(db_, "UPDATE device_models SET valid_to = ?1 WHERE di = ?2 AND valid_from = ?3",
                [&](Statement& s) {
                  s.Bind(1, DayNumber(model.valid_from)).Bind(2, model.device.text());
                  s.Bind(3, DayNumber((*current)->valid_from));
                }));
  }
  return Execute(
      db_,
      "INSERT INTO device_models (di, valid_from, valid_to, manufacturer, brand, model, "
      "catalogue_number, device_type, device_class, registries, agency, market_status, "
      "status_date, fsn_reference, recorded_on) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
      [&](Statement& s) {
        s.Bind(1, model.device.text()).Bind(2, DayNumber(model.valid_from));
        BindOptionalDate(s, 3, model.valid_to);
        s.Bind(4, model.manufacturer).Bind(5, model.brand).Bind(6, model.model);
        s.Bind(7, model.catalogue_number).Bind(8, model.device_type);
        s.Bind(9, model.device_class).Bind(10, JoinList(model.registries));
        s.Bind(11, domain::Name(model.device.agency())).Bind(12, domain::Name(model.market_status));
        BindOptionalDate(s, 13, model.status_date);
        s.Bind(14, model.fsn_reference);
        BindOptionalDate(s, 15, model.recorded_on);
      });
}

}  // namespace orp::storage::sql
