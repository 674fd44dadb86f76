#include "orp/surveillance/resident.h"

#include <algorithm>
#include <iterator>
#include <limits>
#include <optional>

#include "orp/storage/surveillance_reads.h"
#include "orp/surveillance/cohort_rows.h"

namespace orp::surveillance {

ResidentCohort::ResidentCohort() = default;
ResidentCohort::~ResidentCohort() = default;

int32_t ResidentCohort::Intern(std::string_view text) {
  if (text.empty()) return kNone;
  auto [it, added] = codes_.try_emplace(std::string(text), static_cast<int32_t>(texts_.size()));
  if (added) texts_.emplace_back(text);
  return it->second;
}

std::string_view ResidentCohort::Text(int32_t code) const {
  return code == kNone ? std::string_view() : std::string_view(texts_[static_cast<size_t>(code)]);
}

ResidentCohort::Primary ResidentCohort::Start(const storage::SurveillanceRow& row) {
  const PrimaryFacts f = FactsOf(row);
  Primary p;
  p.procedure = row.procedure;
  p.registry = Intern(f.registry);
  p.provider_site = Intern(f.provider_site);
  p.clinician = Intern(f.clinician);
  p.indication = Intern(f.indication);
  p.entry_day = f.entry_day;
  p.death_day = f.death_day;
  p.age_band = f.age_band;
  p.sex = f.sex;
  p.asa = f.asa;
  return p;
}

void ResidentCohort::AddRow(Primary& primary, const storage::SurveillanceRow& row) {
  if (row.has_implant && row.implanted)
    primary.implants.emplace_back(Intern(row.device), RemovedDayOf(row));
}

Result<void> ResidentCohort::Load(storage::Reader& reader, Date data_cut) {
  loaded_ = false;
  built_.reset();
  refollow_.clear();
  primaries_.clear();
  data_cut_ = data_cut;
  models_ = KeptModels{};
  models_.data_cut = data_cut;
  ORP_RETURN_IF_ERROR(ForEachCohortRow(reader, data_cut, [&](const storage::SurveillanceRow& row) {
    if (primaries_.empty() || primaries_.back().procedure != row.procedure)
      primaries_.push_back(Start(row));
    AddRow(primaries_.back(), row);
    return true;
  }));
  loaded_ = true;
  return {};
}

Result<int64_t> ResidentCohort::Refresh(storage::Reader& reader, int64_t changed_after) {
  return Patch(reader, changed_after, true);
}

Result<int64_t> ResidentCohort::LeaveOut(storage::Reader& reader, int64_t changed_after) {
  return Patch(reader, changed_after, false);
}

Result<int64_t> ResidentCohort::Patch(storage::Reader& reader, int64_t changed_after, bool apply) {
  storage::SurveillanceReads* lean = storage::AsSurveillanceReads(reader);
  if (!loaded_ || lean == nullptr)
    return FailedPrecondition("the resident surveillance cohort needs a load from a SQL store");
  // The changed procedures in id order, each with its new rows or none (dropped).
  std::vector<std::pair<int64_t, std::optional<Primary>>> patches;
  ORP_RETURN_IF_ERROR(lean->ForEachChangedSurveillanceRow(
      changed_after, data_cut_, [&](const storage::SurveillanceRow& row) {
        if (patches.empty() || patches.back().first != row.procedure)
          patches.emplace_back(row.procedure, std::nullopt);
        if (!row.in_cohort || !apply) return true;
        std::optional<Primary>& p = patches.back().second;
        if (!p) p = Start(row);
        AddRow(*p, row);
        return true;
      }));
  if (patches.empty()) return 0;
  if (!apply) return LeaveOutNew(patches);
  if (PatchInPlace(patches)) return static_cast<int64_t>(patches.size());
  built_.reset();  // kept rows inserted, dropped or changed beyond their follow-up
  refollow_.clear();
  // Merge the id-ordered patches into the kept rows from the first changed id on: a batch of
  // new procedures (ids above every kept one) only appends.
  const auto from = std::lower_bound(primaries_.begin(), primaries_.end(), patches.front().first,
                                     [](const Primary& p, int64_t id) { return p.procedure < id; });
  std::vector<Primary> tail(std::make_move_iterator(from),
                            std::make_move_iterator(primaries_.end()));
  primaries_.erase(from, primaries_.end());
  auto kept = tail.begin();
  for (auto& [id, patch] : patches) {
    for (; kept != tail.end() && kept->procedure < id; ++kept)
      primaries_.push_back(std::move(*kept));
    if (kept != tail.end() && kept->procedure == id) ++kept;  // replaced or dropped
    if (patch) primaries_.push_back(std::move(*patch));
  }
  for (; kept != tail.end(); ++kept) primaries_.push_back(std::move(*kept));
  return static_cast<int64_t>(patches.size());
}

int64_t ResidentCohort::LeaveOutNew(
    const std::vector<std::pair<int64_t, std::optional<Primary>>>& patches) {
  // The batch's new procedures are the changed ones above the last kept primary it did not
  // change (a batch's procedures take ids above every stored one).
  std::vector<int64_t> ids;  // in id order, as the read gives them
  ids.reserve(patches.size());
  for (const auto& [id, patch] : patches) ids.push_back(id);
  auto changed = [&](int64_t id) { return std::binary_search(ids.begin(), ids.end(), id); };
  size_t keep = primaries_.size();
  while (keep > 0 && changed(primaries_[keep - 1].procedure)) --keep;
  const int64_t last_unchanged = keep == 0 ? 0 : primaries_[keep - 1].procedure;
  primaries_.resize(keep);
  if (fed_ > keep) built_.reset();
  return std::count_if(patches.begin(), patches.end(),
                       [&](const auto& p) { return p.first > last_unchanged; });
}

bool ResidentCohort::SameButFollowUp(const Primary& a, const Primary& b) {
  if (a.registry != b.registry || a.provider_site != b.provider_site ||
      a.clinician != b.clinician || a.indication != b.indication || a.entry_day != b.entry_day ||
      a.age_band != b.age_band || a.sex != b.sex || a.asa != b.asa ||
      a.implants.size() != b.implants.size())
    return false;
  for (size_t i = 0; i < a.implants.size(); ++i)
    if (a.implants[i].first != b.implants[i].first) return false;
  return true;
}

bool ResidentCohort::PatchInPlace(
    std::vector<std::pair<int64_t, std::optional<Primary>>>& patches) {
  // Every change to a kept procedure must keep all but its follow-up (a revision's removal, a
  // death); a changed procedure not kept must lie above every kept one (a new primary appended,
  // or one not in the cohort).
  const int64_t last = primaries_.empty() ? 0 : primaries_.back().procedure;
  constexpr size_t kAppend = std::numeric_limits<size_t>::max();
  std::vector<size_t> at(patches.size(), kAppend);  // the kept row replaced, or kAppend
  for (size_t k = 0; k < patches.size(); ++k) {
    const auto& [id, patch] = patches[k];
    if (id > last) continue;
    const auto kept = std::lower_bound(primaries_.begin(), primaries_.end(), id,
                                       [](const Primary& p, int64_t v) { return p.procedure < v; });
    const bool found = kept != primaries_.end() && kept->procedure == id;
    if (found != patch.has_value()) return false;  // a kept row dropped, or a row inserted
    if (!found) continue;
    if (!SameButFollowUp(*kept, *patch)) return false;
    at[k] = static_cast<size_t>(kept - primaries_.begin());
  }
  for (size_t k = 0; k < patches.size(); ++k) {
    auto& [id, patch] = patches[k];
    if (!patch) continue;
    if (at[k] != kAppend) {
      primaries_[at[k]] = std::move(*patch);
      refollow_.push_back(at[k]);
    } else {
      primaries_.push_back(std::move(*patch));
    }
  }
  return true;
}

void ResidentCohort::Feed(const Primary& p, CohortSink& sink) const {
  PrimaryFacts f;
  f.registry = Text(p.registry);
  f.provider_site = Text(p.provider_site);
  f.clinician = Text(p.clinician);
  f.indication = Text(p.indication);
  f.entry_day = p.entry_day;
  f.death_day = p.death_day;
  f.age_band = p.age_band;
  f.sex = p.sex;
  f.asa = p.asa;
  f.registry_key = p.registry;
  f.provider_site_key = p.provider_site;
  f.clinician_key = p.clinician;
  f.indication_key = p.indication;
  sink.Primary(f);
  for (const auto& [device, removed] : p.implants) sink.Implant(removed, Text(device), device);
}

Result<const Cohort*> ResidentCohort::Build(storage::Reader& reader) {
  if (built_) {
    auto same = built_->TakeCatalogue(reader);
    if (!same) return std::unexpected(same.error());
    if (!*same) built_.reset();
  }
  if (built_) {  // rows patched in place (PatchInPlace) since the last build
    for (size_t row : refollow_) {
      if (row >= fed_) continue;
      const Primary& p = primaries_[row];
      built_->Refollow(row, p.death_day, p.implants);
    }
  }
  refollow_.clear();
  if (!built_) {
    built_ = std::make_unique<GrowingCohort>();
    fed_ = 0;
    ++fresh_builds_;
    if (Result<void> started = built_->Start(reader, data_cut_); !started) {
      built_.reset();
      return std::unexpected(started.error());
    }
  }
  for (; fed_ < primaries_.size(); ++fed_) Feed(primaries_[fed_], built_->sink());
  return &built_->Finished();
}

}  // namespace orp::surveillance
