#include "orp/catalogue/catalogue.h"

#include <fmt/format.h>

#include <algorithm>

#include "orp/core/text.h"

namespace orp::catalogue {

bool DeviceModel::InRegistry(std::string_view code) const {
  return std::find(registries.begin(), registries.end(), code) != registries.end();
}

bool DeviceModel::SameAttributes(const DeviceModel& o) const {
  return di == o.di && manufacturer == o.manufacturer && brand == o.brand && model == o.model &&
         catalogue_number == o.catalogue_number && device_type == o.device_type &&
         device_class == o.device_class && registries == o.registries &&
         market_status == o.market_status && status_date == o.status_date &&
         fsn_reference == o.fsn_reference;
}

std::string_view MarketStatusName(MarketStatus status) {
  switch (status) {
    case MarketStatus::kOnMarket: return "on-market";
    case MarketStatus::kWithdrawn: return "withdrawn";
    case MarketStatus::kRecalled: return "recalled";
  }
  return "on-market";
}

Result<MarketStatus> ParseMarketStatus(std::string_view text) {
  std::string t = ToUpperAscii(Trim(text));
  for (char& c : t) {
    if (c == '_' || c == ' ') c = '-';  // on_market, "On market" and on-market are one value
  }
  if (t.empty() || t == "ON-MARKET") return MarketStatus::kOnMarket;
  if (t == "WITHDRAWN") return MarketStatus::kWithdrawn;
  if (t == "RECALLED" || t == "RECALLED-FSN") return MarketStatus::kRecalled;
  return InvalidArgument(
      fmt::format("market_status '{}' must be on-market, withdrawn or recalled", Printable(text)));
}

std::string_view DeviceClassName(DeviceClass device_class) {
  switch (device_class) {
    case DeviceClass::kI: return "I";
    case DeviceClass::kIIa: return "IIa";
    case DeviceClass::kIIb: return "IIb";
    case DeviceClass::kIII: return "III";
    case DeviceClass::kAimd: return "AIMD";
    case DeviceClass::kUnspecified: break;
  }
  return "";
}

Result<DeviceClass> ParseDeviceClass(std::string_view text) {
  std::string t = ToUpperAscii(Trim(text));
  if (t.empty()) return DeviceClass::kUnspecified;
  if (t == "I") return DeviceClass::kI;
  if (t == "IIA") return DeviceClass::kIIa;
  if (t == "IIB") return DeviceClass::kIIb;
  if (t == "III") return DeviceClass::kIII;
  if (t == "AIMD") return DeviceClass::kAimd;
  return InvalidArgument(
      fmt::format("device_class '{}' must be I, IIa, IIb, III or AIMD", Printable(text)));
}

Result<std::string> NormaliseDi(std::string_view text) {
  auto id = domain::DeviceId::Parse(text);
  if (!id) return std::unexpected(id.error());
  return id->text();
}

domain::IssuingAgency AgencyOf(std::string_view di) {
  return IsAsciiDigits(di) ? domain::IssuingAgency::kGs1 : domain::IssuingAgency::kHibcc;
}

namespace {

bool VersionOrder(const DeviceModel& a, const DeviceModel& b) {
  return a.effective_from != b.effective_from ? a.effective_from < b.effective_from
                                              : a.recorded_on < b.recorded_on;
}

uint64_t HashDi(std::string_view di) { return std::hash<std::string_view>{}(di); }

}  // namespace

uint32_t Catalogue::FindEntry(std::string_view di) const {
  if (slots_.empty()) return kEmptySlot;
  uint64_t hash = HashDi(di);
  size_t mask = slots_.size() - 1;
  for (size_t i = size_t(hash) & mask;; i = (i + 1) & mask) {
    const Slot& slot = slots_[i];
    if (slot.entry == kEmptySlot) return kEmptySlot;
    if (slot.hash == hash && entries_[slot.entry].key == di) return slot.entry;
  }
}

const Catalogue::Versions* Catalogue::Find(std::string_view di) const {
  uint32_t entry = FindEntry(di);
  return entry == kEmptySlot ? nullptr : &entries_[entry];
}

void Catalogue::Insert(uint64_t hash, uint32_t entry) {
  size_t mask = slots_.size() - 1;
  size_t i = size_t(hash) & mask;
  while (slots_[i].entry != kEmptySlot) i = (i + 1) & mask;
  slots_[i] = Slot{hash, entry};
}

Catalogue::AddOutcome Catalogue::Add(DeviceModel version) {
  uint32_t entry = FindEntry(version.di);
  Versions* found = entry == kEmptySlot ? nullptr : &entries_[entry];
  AddOutcome outcome = AddOutcome::kNewVersion;
  if (found == nullptr) {
    if ((entries_.size() + 1) * 2 > slots_.size()) {  // grow and rehash
      slots_.assign(std::max<size_t>(16, slots_.size() * 2), Slot{});
      for (uint32_t e = 0; e < entries_.size(); ++e) Insert(HashDi(entries_[e].key), e);
    }
    Insert(HashDi(version.di), uint32_t(entries_.size()));
    found = &entries_.emplace_back(Versions{version.di, {}, {}, {}});
    outcome = AddOutcome::kNewModel;
  } else {
    const DeviceModel* current = FindAsOf(version.di, version.effective_from);
    if (current != nullptr && current->SameAttributes(version)) return AddOutcome::kUnchanged;
  }
  auto at = std::upper_bound(found->models.begin(), found->models.end(), version, VersionOrder);
  size_t index = size_t(at - found->models.begin());
  found->stamps.insert(found->stamps.begin() + std::ptrdiff_t(index),
                       Stamp{version.effective_from, version.recorded_on});
  found->models.insert(at, std::move(version));
  found->last = found->stamps.back();
  return outcome;
}

const DeviceModel* Catalogue::FindAsOf(std::string_view di, Date on,
                                       std::optional<Date> known_on) const {
  const Versions* versions = Find(di);
  if (versions == nullptr) return nullptr;
  const Stamp& last = versions->last;
  if (last.effective_from <= on && (!known_on || last.recorded_on <= *known_on)) {
    return &versions->models.back();
  }
  const std::vector<Stamp>& stamps = versions->stamps;
  size_t best = stamps.size();
  for (size_t i = 0; i < stamps.size(); ++i) {  // sorted: the last match wins
    if (stamps[i].effective_from > on) break;
    if (!known_on || stamps[i].recorded_on <= *known_on) best = i;
  }
  return best == stamps.size() ? nullptr : &versions->models[best];
}

const DeviceModel* Catalogue::FindLatest(std::string_view di) const {
  const Versions* versions = Find(di);
  return versions == nullptr ? nullptr : &versions->models.back();
}

std::span<const DeviceModel> Catalogue::History(std::string_view di) const {
  const Versions* versions = Find(di);
  if (versions == nullptr) return {};
  return versions->models;
}

}  // namespace orp::catalogue
