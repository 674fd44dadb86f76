#include "orp/catalogue/catalogue_store.h"

#include <fmt/format.h>

#include <utility>

#include "orp/core/text.h"

namespace orp::catalogue {
namespace {

// Equal stored attributes, ignoring the validity dates and the day each was recorded.
bool SameStoredAttributes(domain::DeviceModel a, domain::DeviceModel b) {
  a.valid_from = b.valid_from;
  a.valid_to = b.valid_to;
  a.recorded_on = b.recorded_on;
  return a == b;
}

// Writes one version unless the version in effect on its date already says the same.
Result<Catalogue::AddOutcome> PutVersion(storage::Transaction& txn, const DeviceModel& version) {
  auto stored = ToStoredModel(version);
  if (!stored) return std::unexpected(stored.error());
  auto current = txn.FindDeviceModel(stored->device, stored->valid_from);
  if (!current) return std::unexpected(current.error());
  if (*current && SameStoredAttributes(**current, *stored)) {
    return Catalogue::AddOutcome::kUnchanged;
  }
  auto history = txn.DeviceModelHistory(stored->device);
  if (!history) return std::unexpected(history.error());
  ORP_RETURN_IF_ERROR(txn.PutDeviceModel(*stored));
  return history->empty() ? Catalogue::AddOutcome::kNewModel : Catalogue::AddOutcome::kNewVersion;
}

}  // namespace

Result<domain::DeviceModel> ToStoredModel(const DeviceModel& version) {
  auto device = domain::DeviceId::Parse(version.di);
  if (!device) {
    return InvalidArgument(fmt::format("device identifier {} cannot be stored: {}",
                                       Printable(version.di), device.error().message()));
  }
  domain::DeviceModel m;
  m.device = std::move(*device);
  m.manufacturer = version.manufacturer;
  m.brand = version.brand;
  m.model = version.model;
  m.catalogue_number = version.catalogue_number;
  m.device_type = version.device_type;
  m.device_class = std::string(DeviceClassName(version.device_class));
  m.registries = version.registries;
  m.valid_from = version.effective_from;
  m.market_status = version.market_status;
  m.status_date = version.status_date;
  m.fsn_reference = version.fsn_reference;
  m.recorded_on = version.recorded_on;
  return m;
}

DeviceModel FromStoredModel(const domain::DeviceModel& stored) {
  DeviceModel m;
  m.di = stored.device.text();
  m.manufacturer = stored.manufacturer;
  m.brand = stored.brand;
  m.model = stored.model;
  m.catalogue_number = stored.catalogue_number;
  m.device_type = stored.device_type;
  m.device_class = ParseDeviceClass(stored.device_class).value_or(DeviceClass::kUnspecified);
  m.registries = stored.registries;
  m.market_status = stored.market_status;
  m.status_date = stored.status_date;
  m.fsn_reference = stored.fsn_reference;
  m.effective_from = stored.valid_from;
  m.recorded_on = stored.recorded_on.value_or(stored.valid_from);
  return m;
}

Result<ImportReport> ImportCatalogueIntoStore(const std::filesystem::path& path, Date recorded_on,
                                              storage::Store& store) {
  auto txn = store.Begin();
  if (!txn) return std::unexpected(txn.error());
  storage::Transaction& t = **txn;
  auto report = ImportCatalogueFile(path, recorded_on,
                                    [&t](DeviceModel version) { return PutVersion(t, version); });
  if (!report) return report;
  ORP_RETURN_IF_ERROR(t.Commit());
  return report;
}

Result<std::vector<DeviceModel>> StoredHistory(storage::Reader& reader, std::string_view di) {
  std::vector<DeviceModel> out;
  auto device = domain::DeviceId::Parse(di);
  if (!device) return out;  // neither a GTIN nor a HIBCC DI: the store cannot hold it
  auto history = reader.DeviceModelHistory(*device);
  if (!history) return std::unexpected(history.error());
  for (const auto& stored : *history) out.push_back(FromStoredModel(stored));
  return out;
}

Result<size_t> LoadFromStore(storage::Reader& reader, Catalogue& out) {
  size_t versions = 0;
  ORP_RETURN_IF_ERROR(reader.ForEachDeviceModel([&](const domain::DeviceModel& stored) {
    out.Add(FromStoredModel(stored));
    ++versions;
    return true;
  }));
  return versions;
}

}  // namespace orp::catalogue
