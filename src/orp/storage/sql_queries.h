// sql::Queries: the Store queries written once, over the statement interface of storage/sql.h,
// for both SQL backends. Each backend's own Queries class (sqlite/queries.h, postgres/queries.h)
// derives from this one and adds the statements it tunes for its engine (ingest's bulk paths,
// the cohort streams, submissions and the audit chain). A new Store method goes here, in a file
// sql_<area>.cc, once: README.md "Writing a Store method once for both backends".
// Semantics and error codes as in store.h. Thread safety: none (one connection).
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "orp/storage/sql.h"
#include "orp/storage/store.h"

namespace orp::storage::sql {

class Queries {
 public:
  explicit Queries(Database& database) : db_(database) {}

  // Device catalogue (sql_device_models.cc; migrations 0001, 0003).
  Result<std::optional<DeviceModel>> FindDeviceModel(const DeviceId& device,
                                                     std::optional<Date> on);
  Result<std::vector<DeviceModel>> DeviceModelHistory(const DeviceId& device);
  Result<void> ForEachDeviceModel(const Visitor<DeviceModel>& visit);
  Result<void> PutDeviceModel(const DeviceModel& model);

  // Surveillance signals (surveil7, #7; sql_signals.cc; migration 0006).
  Result<std::vector<Signal>> ListSignals(const SignalFilter& filter);
  Result<std::optional<Signal>> FindSignal(int64_t id);
  Result<SignalPutResult> PutSignal(const Signal& signal);
  Result<void> SetSignalStatus(int64_t id, SignalStatus status, std::string_view reason);

 private:
  Database& db_;
};

}  // namespace orp::storage::sql
