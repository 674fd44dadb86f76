// Surveillance signals as the store keeps them (surveil7, #7): what was flagged, for which unit,
// by which method, with the statistic, the threshold it crossed, the data cut and the evidence
// (JSON the web UI draws: funnel points and limits, CUSUM path, survival against class), and a
// status people move: new -> under review -> confirmed, or dismissed with a reason.
//
// Identity: a signal is (registry, unit kind, unit, method). Putting one that exists updates its
// figures, data cut and evidence, counts the sighting and keeps the status people gave it, so a
// surveillance run never duplicates a signal and never undoes a review.
// Units are device GTINs, GMC numbers and ODS site codes — never a patient identifier.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "orp/core/date.h"
#include "orp/core/result.h"

namespace orp::storage {

enum class SignalStatus { kNew, kUnderReview, kConfirmed, kDismissed };
enum class SignalUnitKind { kDeviceModel, kBrand, kConstruct, kSurgeon, kHospital };

// "new", "under-review", "confirmed", "dismissed"; kInvalidArgument for anything else.
std::string_view SignalStatusName(SignalStatus status);
Result<SignalStatus> ParseSignalStatus(std::string_view name);
// "device-model", "brand", "construct", "surgeon", "hospital".
std::string_view SignalUnitKindName(SignalUnitKind kind);
Result<SignalUnitKind> ParseSignalUnitKind(std::string_view name);

struct Signal {
  int64_t id = 0;  // assigned by the store
  std::string registry;
  SignalUnitKind unit_kind = SignalUnitKind::kDeviceModel;
  std::string unit;    // GTIN, brand, construct key, GMC number or ODS site code
  std::string method;  // e.g. "njr-ptir", "aoanjrr-screen", "funnel-revision", "maxsprt"
  std::string what;    // one line for people: "revision rate 3.1 x class (Level 1)"
  double statistic = 0;
  double threshold = 0;
  Date data_cut{};
  std::string evidence_json = "{}";
  SignalStatus status = SignalStatus::kNew;
  std::string status_reason;  // required for dismissed
  Date first_seen{};          // the data cut it was first raised at
  int64_t times_seen = 1;
  friend bool operator==(const Signal&, const Signal&) = default;
};

// Which signals to list. Empty registry: all; no status: any.
struct SignalFilter {
  std::string registry;
  std::optional<SignalStatus> status;
};

struct SignalPutResult {
  int64_t id = 0;
  bool created = false;  // false: an existing signal was updated
};

}  // namespace orp::storage
