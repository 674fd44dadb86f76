#include "orp/recall/cohort.h"

#include <fmt/format.h>

#include <algorithm>
#include <future>
#include <set>
#include <thread>
#include <utility>

#include "orp/domain/ods_code.h"
#include "orp/storage/recall_reads.h"
#include "orp/udi/parse.h"

namespace orp::recall {
namespace {

// At most this many connections read one patient-ordered cohort at once (one per core).
constexpr int kMaxParts = 4;

void Provider(AffectedImplant& a) {
  const storage::RecallImplantRow& r = a.row;
  if (!r.latest_organisation.empty()) {
    a.provider = r.latest_organisation;
    a.provider_known = true;
    return;
  }
  auto site = domain::OdsSiteCode::Parse(r.latest_site);
  auto parent = site ? site->HeuristicParentPrefix() : std::nullopt;
  a.provider = parent ? parent->code() : r.latest_site;
  a.provider_known = false;
}

bool InProductionWindow(const storage::RecallImplantRow& r, const DateWindow& window) {
  if (r.raw_scan.empty()) return false;
  udi::ParsedUdi label = udi::ParseUdi(r.raw_scan);
  return label.production_date && window.Contains(*label.production_date);
}

}  // namespace

Result<std::vector<std::string>> ResolveDevices(storage::Reader& reader, const Criteria& c) {
  std::vector<std::string> out = c.device_ids;
  if (c.catalogue_numbers.empty()) return out;
  std::set<std::string, std::less<>> wanted(c.catalogue_numbers.begin(), c.catalogue_numbers.end());
  std::set<std::string, std::less<>> found;
  ORP_RETURN_IF_ERROR(reader.ForEachDeviceModel([&](const domain::DeviceModel& m) {
    if (!wanted.contains(m.catalogue_number)) return true;
    found.insert(m.catalogue_number);
    std::string di = m.device.text();
    if (std::find(out.begin(), out.end(), di) == out.end()) out.push_back(std::move(di));
    return true;
  }));
  for (const std::string& ref : c.catalogue_numbers) {
    if (!found.contains(ref)) {
      return NotFound(fmt::format(
          "criteria.catalogue_numbers: no device model in the catalogue has catalogue number "
          "'{}'",
          ref));
    }
  }
  return out;
}

namespace {

storage::RecallImplantQuery QueryOf(const Criteria& c, const std::vector<std::string>& devices,
                                    int64_t changed_after) {
  storage::RecallImplantQuery q;
  q.device_ids = devices;
  q.lots = c.lots;
  q.implanted_from = c.implanted.from;
  q.implanted_to = c.implanted.to;
  q.expiry_from = c.expiry.from;
  q.expiry_to = c.expiry.to;
  q.changed_after = changed_after;
  return q;
}

// The store-row visitor shared by both orders: judges serials and production dates, then
// builds the AffectedImplant (one object, reused) and hands it on.
storage::Visitor<storage::RecallImplantRow> Judge(
    const Criteria& c, AffectedImplant& affected,
    const std::function<bool(const AffectedImplant&)>& visit) {
  return [&c, &affected, &visit](const storage::RecallImplantRow& row) {
    if (!MatchesSerials(row.serial, c.serials)) return true;
    if (c.production.set() && !InProductionWindow(row, c.production)) return true;
    affected.row = row;
    affected.patient_ref =
        row.pseudonym ? row.pseudonym->Hex() : fmt::format("patient-{}", row.patient.value);
    Provider(affected);
    return visit(affected);
  };
}

}  // namespace

Result<void> ForEachAffected(storage::Reader& reader, const Criteria& c,
                             const std::vector<std::string>& devices, int64_t changed_after,
                             const std::function<bool(const AffectedImplant&)>& visit) {
  AffectedImplant affected;
  return reader.ForEachRecallImplant(QueryOf(c, devices, changed_after), Judge(c, affected, visit));
}

namespace {

// The rows of part `part` of `parts`, held (recall_reads.h).
Result<std::vector<storage::RecallImplantRow>> ReadPart(storage::RecallReads& reads,
                                                        const storage::RecallImplantQuery& q,
                                                        int part, int parts) {
  std::vector<storage::RecallImplantRow> rows;
  ORP_RETURN_IF_ERROR(reads.ForEachRecallImplantPartByPatient(
      q, part, parts, [&](const storage::RecallImplantRow& row) {
        rows.push_back(row);
        return true;
      }));
  return rows;
}

std::pair<int64_t, int64_t> KeyOf(const storage::RecallImplantRow& row) {
  return {row.patient.value, row.implant.value};
}

// The parts read at once, one connection each (part 0 on this thread), then merged in
// (patient, implant) order. Every part is read to its end before the first row is judged, so a
// store whose reads wait for one another (an in-memory store's one connection) still finishes.
Result<void> ReadPartsAtOnce(storage::RecallReads& reads, const storage::RecallImplantQuery& q,
                             int parts, const storage::Visitor<storage::RecallImplantRow>& judge) {
  std::vector<std::future<Result<std::vector<storage::RecallImplantRow>>>> others;
  for (int part = 1; part < parts; ++part) {
    others.push_back(std::async(
        std::launch::async, [&reads, &q, part, parts] { return ReadPart(reads, q, part, parts); }));
  }
  std::vector<Result<std::vector<storage::RecallImplantRow>>> read;
  read.push_back(ReadPart(reads, q, 0, parts));
  for (auto& other : others) read.push_back(other.get());
  for (const auto& rows : read) ORP_RETURN_IF_ERROR(rows);
  std::vector<size_t> next(read.size(), 0);
  for (;;) {
    const storage::RecallImplantRow* least = nullptr;
    size_t from = 0;
    for (size_t i = 0; i < read.size(); ++i) {
      if (next[i] == read[i]->size()) continue;
      const storage::RecallImplantRow& row = (*read[i])[next[i]];
      if (!least || KeyOf(row) < KeyOf(*least)) {
        least = &row;
        from = i;
      }
    }
    if (!least || !judge(*least)) return {};
    ++next[from];
  }
}

}  // namespace

Result<void> ForEachAffectedByPatient(storage::Reader& reader, const Criteria& c,
                                      const std::vector<std::string>& devices,
                                      const std::function<bool(const AffectedImplant&)>& visit,
                                      int parts) {
  AffectedImplant affected;
  auto judge = Judge(c, affected, visit);
  storage::RecallImplantQuery q = QueryOf(c, devices, 0);
  if (storage::RecallReads* reads = storage::AsRecallReads(reader)) {
    // A Store (never a Transaction: one connection, one thread) reads on several connections.
    if (parts <= 0) parts = static_cast<int>(std::thread::hardware_concurrency());
    parts = dynamic_cast<storage::Store*>(&reader) ? std::clamp(parts, 1, kMaxParts) : 1;
    if (parts > 1) return ReadPartsAtOnce(*reads, q, parts, judge);
    return reads->ForEachRecallImplantByPatient(q, judge);
  }
  std::vector<storage::RecallImplantRow> rows;
  ORP_RETURN_IF_ERROR(reader.ForEachRecallImplant(q, [&](const storage::RecallImplantRow& row) {
    rows.push_back(row);
    return true;
  }));
  std::sort(rows.begin(), rows.end(),
            [](const auto& a, const auto& b) { return KeyOf(a) < KeyOf(b); });
  for (const storage::RecallImplantRow& row : rows) {
    if (!judge(row)) break;
  }
  return {};
}

void CohortSummary::Add(const AffectedImplant& a) {
  CohortCounts& provider = by_provider_[a.provider];
  for (CohortCounts* counts : {&overall_, &provider}) {
    ++counts->implants;
    if (a.row.in_situ) ++counts->in_situ;
  }
  auto [it, first] = patients_.try_emplace(a.row.patient.value, PatientState{a.provider, false});
  if (first) {
    for (CohortCounts* counts : {&overall_, &provider}) {
      ++counts->patients;
      if (a.row.date_of_death) ++counts->deceased;
    }
  }
  if (a.row.in_situ && !it->second.in_situ) {
    it->second.in_situ = true;
    ++overall_.patients_in_situ;
    ++provider.patients_in_situ;
  }
}

}  // namespace orp::recall
