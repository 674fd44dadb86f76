#include "orp/analytics/cohort.h"

#include <algorithm>
#include <optional>

namespace orp::analytics {
namespace {

int32_t DayOf(Date date) { return static_cast<int32_t>(date.time_since_epoch().count()); }

// Sorted distinct GTINs joined by '|'; a device without a GTIN contributes "".
std::string DeviceKey(std::vector<std::string> gtins) {
  std::sort(gtins.begin(), gtins.end());
  gtins.erase(std::unique(gtins.begin(), gtins.end()), gtins.end());
  std::string key;
  for (size_t i = 0; i < gtins.size(); ++i) {
    if (i > 0) key += '|';
    key += gtins[i];
  }
  return key;
}

bool IsUnitDevice(const domain::Implant& implant) {
  return implant.action == domain::DeviceAction::kImplanted;
}

std::string GtinText(const domain::Implant& implant) {
  return implant.gtin ? implant.gtin->digits() : std::string();
}

const std::string* GtinOf(const domain::Implant& implant) {
  return implant.gtin ? &implant.gtin->digits() : nullptr;
}

// The construct: every device the primary implanted.
std::string ConstructKey(const domain::Procedure& procedure) {
  std::vector<std::string> all;
  for (const domain::Implant& implant : procedure.implants) {
    if (IsUnitDevice(implant)) all.push_back(GtinText(implant));
  }
  return DeviceKey(std::move(all));
}

int32_t RemovalDay(const domain::Implant& implant) {
  return implant.removed_on ? DayOf(*implant.removed_on) : kNever;
}

void SetCode(CodedColumn& column, size_t row, const std::string* text) {
  if (column.codes.size() <= row) column.codes.resize(row + 1, kNotRecorded);
  column.codes[row] = text && !text->empty() ? column.dictionary.Code(*text) : kNotRecorded;
}

}  // namespace

int32_t Dictionary::Code(std::string_view text) {
  auto it = index_.find(text);
  if (it != index_.end()) return it->second;
  const auto code = static_cast<int32_t>(labels_.size());
  labels_.emplace_back(text);
  index_.emplace(labels_.back(), code);
  return code;
}

struct Cohort::UnitFacts {
  int64_t procedure = 0;
  int32_t primary_day = 0;
  int32_t removal_day = kNever;
  int32_t patient = 0;
  // Into the procedure being applied and the construct key ApplyProcedure holds; nullptr: none.
  const std::string* devices = nullptr;
  const std::string* construct = nullptr;
  const std::string* site = nullptr;
  const std::string* clinician = nullptr;
  const domain::Procedure* source = nullptr;
};

Result<Cohort> Cohort::Build(storage::Reader& reader, const CohortOptions& options) {
  Cohort cohort;
  cohort.options_ = options;
  RefreshStats stats;
  ORP_RETURN_IF_ERROR(cohort.Stream(reader, 0, stats));
  return cohort;
}

Result<RefreshStats> Cohort::Refresh(storage::Reader& reader) {
  RefreshStats stats;
  ORP_RETURN_IF_ERROR(Stream(reader, change_seq_, stats));
  return stats;
}

// Reads the change number first: whatever commits during the streams is streamed again next
// time, never missed.
Result<void> Cohort::Stream(storage::Reader& reader, int64_t changed_after, RefreshStats& stats) {
  auto last = reader.LastChange();
  if (!last) return std::unexpected(last.error());
  if (changed_after > 0 && *last == changed_after) {
    stats.change_seq = changed_after;
    return {};
  }
  ORP_RETURN_IF_ERROR(reader.ForEachPatient(changed_after, [&](const domain::Patient& p) {
    ++stats.patients_streamed;
    ApplyPatient(p);
    return true;
  }));
  storage::ProcedureFilter filter{options_.registry, changed_after};
  ORP_RETURN_IF_ERROR(reader.ForEachProcedure(filter, [&](const domain::Procedure& p) {
    ++stats.procedures_streamed;
    ApplyProcedure(p, stats);
    return true;
  }));
  change_seq_ = *last;
  stats.change_seq = *last;
  return {};
}

const CodedColumn* Cohort::field(std::string_view name) const {
  auto it = fields_.find(name);
  return it == fields_.end() ? nullptr : &it->second;
}

int32_t Cohort::PatientIndex(int64_t patient_id) {
  auto [it, inserted] =
      patient_index_.try_emplace(patient_id, static_cast<int32_t>(death_day_.size()));
  if (inserted) {
    death_day_.push_back(kNever);
    opted_out_.push_back(0);
  }
  return it->second;
}

void Cohort::ApplyPatient(const domain::Patient& patient) {
  const auto index = static_cast<size_t>(PatientIndex(patient.id.value));
  death_day_[index] = patient.date_of_death ? DayOf(*patient.date_of_death) : kNever;
  opted_out_[index] = patient.opted_out ? 1 : 0;
}

std::vector<Cohort::UnitFacts> Cohort::UnitsOf(const domain::Procedure& procedure,
                                               const std::string& construct) {
  std::vector<UnitFacts> units;
  if (procedure.type != domain::ProcedureType::kPrimary || procedure.registry != options_.registry)
    return units;
  UnitFacts base;
  base.procedure = procedure.id.value;
  base.primary_day = DayOf(procedure.date);
  base.patient = PatientIndex(procedure.patient.value);
  if (procedure.provider_site) base.site = &procedure.provider_site->code();
  if (procedure.clinician) base.clinician = &procedure.clinician->number();
  base.source = &procedure;
  base.construct = &construct;
  if (options_.unit == domain::AnalysisUnit::kImplant) {
    for (const domain::Implant& implant : procedure.implants) {
      if (!IsUnitDevice(implant)) continue;
      UnitFacts unit = base;
      unit.devices = GtinOf(implant);
      unit.removal_day = RemovalDay(implant);
      units.push_back(std::move(unit));
    }
  } else {
    UnitFacts unit = base;
    unit.devices = &construct;
    for (const domain::Implant& implant : procedure.implants) {
      if (IsUnitDevice(implant)) unit.removal_day = std::min(unit.removal_day, RemovalDay(implant));
    }
    units.push_back(std::move(unit));
  }
  return units;
}

void Cohort::WriteRow(size_t row, const UnitFacts& facts) {
  live_[row] = 1;
  procedure_[row] = facts.procedure;
  primary_day_[row] = facts.primary_day;
  removal_day_[row] = facts.removal_day;
  patient_[row] = facts.patient;
  SetCode(devices_, row, facts.devices);
  SetCode(construct_, row, facts.construct);
  SetCode(site_, row, facts.site);
  SetCode(clinician_, row, facts.clinician);
  SetCode(indication_, row, &facts.source->indication);
  for (auto& [name, column] : fields_) {
    auto it = facts.source->fields.find(name);
    SetCode(column, row, it == facts.source->fields.end() ? nullptr : &it->second);
  }
  for (const auto& [name, value] : facts.source->fields) {
    auto [it, inserted] = fields_.try_emplace(name);
    if (inserted) SetCode(it->second, row, &value);
  }
}

void Cohort::AppendRow(const UnitFacts& facts) {
  const size_t row = live_.size();
  live_.push_back(1);
  procedure_.push_back(0);
  primary_day_.push_back(0);
  removal_day_.push_back(kNever);
  patient_.push_back(0);
  WriteRow(row, facts);
  for (auto& [name, column] : fields_) column.codes.resize(row + 1, kNotRecorded);
  ++live_count_;
}

void Cohort::ApplyProcedure(const domain::Procedure& procedure, RefreshStats& stats) {
  const std::string construct = ConstructKey(procedure);
  const std::vector<UnitFacts> units = UnitsOf(procedure, construct);
  auto found = rows_of_procedure_.find(procedure.id.value);
  if (found != rows_of_procedure_.end() && found->second.count == units.size()) {
    for (size_t i = 0; i < units.size(); ++i) WriteRow(found->second.first + i, units[i]);
    stats.rows_rewritten += static_cast<int64_t>(units.size());
    return;
  }
  if (found != rows_of_procedure_.end()) {
    for (uint32_t i = 0; i < found->second.count; ++i) live_[found->second.first + i] = 0;
    live_count_ -= found->second.count;
    stats.rows_removed += found->second.count;
    rows_of_procedure_.erase(found);
  }
  if (units.empty()) return;
  rows_of_procedure_[procedure.id.value] = {static_cast<uint32_t>(live_.size()),
                                            static_cast<uint32_t>(units.size())};
  for (const UnitFacts& unit : units) AppendRow(unit);
  stats.rows_added += static_cast<int64_t>(units.size());
}

}  // namespace orp::analytics
