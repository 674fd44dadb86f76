// Catalogue: what ORP knows about each device model, keyed by UDI-DI, with the dates each
// version of the record held. Read this header first; catalogue_file.h imports the delimited
// files of docs/device-catalogue.md, scan_check.h checks a scanned label against it.
//
// "What we knew when" has two dates per version: effective_from (the day the attributes started
// to hold in the world, e.g. the recall date) and recorded_on (the day ORP learned them, the
// import date). FindAsOf(di, on, known_on) answers "what did the catalogue say about this model
// on `on`, using only what had been recorded by `known_on`" - so a report re-run later can
// reproduce what a clinician was told at the time, and a late-notified recall still shows.
//
// Invariant: versions of one DI are kept sorted by (effective_from, recorded_on); no two
// consecutive versions with the same effective_from and recorded_on.
// Thread safety: const methods may run concurrently; Add needs exclusive access.
// Lookup cost: one hash, one index slot, one entry (and its date array only when the latest
// version is not the answer); see docs/performance.md "Device catalogue".
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "orp/core/date.h"
#include "orp/core/result.h"
#include "orp/domain/device_id.h"
#include "orp/domain/record_enums.h"

namespace orp::catalogue {

using domain::MarketStatus;  // kOnMarket, kWithdrawn, kRecalled
enum class DeviceClass { kUnspecified, kI, kIIa, kIIb, kIII, kAimd };

struct DeviceModel {
  std::string di;  // GTIN-14, or HIBCC LIC+PCN+U/M
  std::string manufacturer;
  std::string brand;
  std::string model;
  std::string catalogue_number;  // REF
  std::string device_type;
  DeviceClass device_class = DeviceClass::kUnspecified;
  std::vector<std::string> registries;  // MDOR, BCIR, NRHI, POPSUI, OTR
  MarketStatus market_status = MarketStatus::kOnMarket;
  std::optional<Date> status_date;
  std::string fsn_reference;
  Date effective_from{};
  Date recorded_on{};

  bool InRegistry(std::string_view code) const;
  // Equal attributes, ignoring the two version dates.
  bool SameAttributes(const DeviceModel& other) const;
};

std::string_view MarketStatusName(MarketStatus status);  // "on-market" | "withdrawn" | "recalled"
Result<MarketStatus> ParseMarketStatus(std::string_view text);
std::string_view DeviceClassName(DeviceClass device_class);  // "I", "IIa", ..., "" unspecified
Result<DeviceClass> ParseDeviceClass(std::string_view text);
inline constexpr std::string_view kRegistryCodes[] = {"MDOR", "BCIR", "NRHI", "POPSUI", "OTR"};

// The catalogue key for a DI as scanned or written: a GTIN-8/12/13/14 normalised to 14 digits
// (check digit verified), a HIBCC DI with any leading '+' removed (domain::DeviceId::Parse, whose
// text() this is). kInvalidArgument otherwise.
Result<std::string> NormaliseDi(std::string_view text);
// The issuing agency of a catalogue key (a normalised DI): GS1 for digits, HIBCC otherwise.
domain::IssuingAgency AgencyOf(std::string_view di);

class Catalogue {
 public:
  enum class AddOutcome { kNewModel, kNewVersion, kUnchanged };

  // Adds a version (di must already be normalised). A version whose attributes equal those of
  // the version in effect at its effective_from (as known now) adds nothing: re-importing a
  // file is idempotent.
  AddOutcome Add(DeviceModel version);

  // The version in effect on `on` as recorded by `known_on` (default: everything recorded), or
  // nullptr when the DI is unknown or had no version yet. Pointers stay valid until the next Add.
  const DeviceModel* FindAsOf(std::string_view di, Date on,
                              std::optional<Date> known_on = std::nullopt) const;
  // The latest version by effective date, as known now.
  const DeviceModel* FindLatest(std::string_view di) const;
  // Every version of a DI in (effective_from, recorded_on) order; empty when unknown.
  std::span<const DeviceModel> History(std::string_view di) const;

  size_t model_count() const { return entries_.size(); }

 private:
  // Versions of one DI. Their dates sit apart from the (large) version records so FindAsOf
  // reads one small contiguous array.
  struct Stamp {
    Date effective_from;
    Date recorded_on;
  };
  struct Versions {
    std::string key;
    Stamp last{};  // stamps.back(), beside the key: the usual answer costs no further read
    std::vector<Stamp> stamps;  // parallel to models, same order
    std::vector<DeviceModel> models;
  };
  // An open-addressing index (linear probing, load <= 1/2, power-of-two size) over entries_:
  // a lookup costs a slot read, the entry and its stamps - three cache lines at most when the
  // catalogue is far larger than the cache (std::unordered_map needs two more).
  struct Slot {
    uint64_t hash = 0;
    uint32_t entry = kEmptySlot;
  };
  static constexpr uint32_t kEmptySlot = ~uint32_t{0};

  uint32_t FindEntry(std::string_view di) const;  // index into entries_, or kEmptySlot
  const Versions* Find(std::string_view di) const;
  void Insert(uint64_t hash, uint32_t entry);

  std::vector<Versions> entries_;
  std::vector<Slot> slots_;
};

}  // namespace orp::catalogue
