#include "orp/surveillance/cohort.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <functional>
#include <limits>
#include <tuple>
#include <unordered_map>

#include "orp/domain/sex.h"
#include "orp/storage/surveillance_reads.h"
#include "orp/surveillance/cohort_rows.h"
#include "orp/surveillance/row_pipe.h"

namespace orp::surveillance {
namespace {

int32_t DayOf(Date d) { return static_cast<int32_t>(d.time_since_epoch().count()); }

// Dictionary encoding of unit keys, looked up by string_view (no string built per row).
class Dictionary {
 public:
  explicit Dictionary(std::vector<std::string>& names) : names_(names) {}
  int32_t Code(std::string_view key) {
    if (auto it = codes_.find(key); it != codes_.end()) return it->second;
    const auto code = static_cast<int32_t>(names_.size());
    names_.emplace_back(key);
    codes_.emplace(std::string(key), code);
    return code;
  }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
  };
  std::vector<std::string>& names_;
  std::unordered_map<std::string, int32_t, Hash, std::equal_to<>> codes_;
};

struct Catalogued {
  std::string device_type;
  std::string brand;  // "manufacturer / brand"
};

// A key of small integer codes (a construct: registry then sorted model codes).
struct CodesHash {
  size_t operator()(const std::vector<int32_t>& codes) const {
    size_t h = codes.size();
    for (int32_t c : codes) h = h * 1000003u ^ static_cast<size_t>(c);
    return h;
  }
};

}  // namespace

int8_t AgeBandOf(std::optional<Date> birth, Date on) {
  if (!birth) return 5;
  const int age = WholeYearsBetween(*birth, on);
  return static_cast<int8_t>(age < 55 ? 0 : age < 65 ? 1 : age < 75 ? 2 : age < 85 ? 3 : 4);
}

namespace {

// Follow-up to the first of `removed` (a revision), `died` and `cut`: (exit, status).
std::pair<int32_t, int8_t> FollowUp(int32_t entry, int32_t removed, int32_t died, int32_t cut) {
  const int32_t exit = std::max(entry, std::min({removed, died, cut}));
  const int8_t status = removed > cut && died > cut ? 0 : removed <= died ? 1 : 2;
  return {exit, status};
}

int8_t SexOf(std::string_view code) {  // storage keeps the NHS code (domain/sex.h)
  return static_cast<int8_t>(code == "1" ? 0 : code == "2" ? 1 : 2);
}

// Builds the cohort one primary at a time (CohortSink): a primary's implants are gathered and
// the primary is written when the next one starts (Finish for the last).
class CohortBuilder final : public CohortSink {
 public:
  CohortBuilder(Cohort& c, std::unordered_map<std::string, Catalogued> catalogue)
      : c_(c),
        catalogue_(std::move(catalogue)),
        registries_(c.registries),
        models_(c.models),
        surgeons_(c.surgeons),
        hospitals_(c.hospitals),
        classes_(c.implants.classes),
        brands_(c.brands),
        indications_(c.indications),
        constructs_(c.constructs),
        construct_classes_(c.construct_classes),
        cut_(DayOf(c.data_cut)) {}

  void Primary(const PrimaryFacts& facts) override {
    Finish();
    Start(facts);
  }

  void Implant(int32_t removed, std::string_view device, int32_t device_key) override {
    revised_ = std::min(revised_, removed);
    if (device.empty()) return;
    const int32_t model = Memo(model_of_key_, device_key, [&] { return ModelCode(device); });
    for (auto& [m, r] : removed_by_model_) {
      if (m == model) {
        r = std::min(r, removed);
        return;
      }
    }
    removed_by_model_.push_back({model, removed});
  }

  // Whether `catalogue` gives every model seen so far the type and brand it was given.
  bool Agrees(const std::unordered_map<std::string, Catalogued>& catalogue) const {
    for (size_t m = 0; m < type_of_model_.size(); ++m) {
      const auto listed = catalogue.find(c_.models[m]);
      const bool known = listed != catalogue.end();
      const bool had = brand_of_model_[m] != kNoUnit;
      if (known != had) return false;
      if (known && (listed->second.device_type != type_of_model_[m] ||
                    listed->second.brand != c_.brands[static_cast<size_t>(brand_of_model_[m])]))
        return false;
    }
    return true;
  }
  void TakeCatalogue(std::unordered_map<std::string, Catalogued> catalogue) {
    catalogue_ = std::move(catalogue);
  }
  // Remembers each row's first implant row, so that Refollow can find them (GrowingCohort).
  void TrackRows() { track_rows_ = true; }

  // Row `row`'s follow-up again, for a death day and implant removals that changed: the same
  // implants (device keys as fed, kNoKey without a device), so its unit keys, construct and
  // implant rows stay; exit, status and death day of the row and its implant rows are replaced,
  // as Finish computes them. Needs TrackRows from the start and every row finished.
  void Refollow(size_t row, int32_t died, const std::vector<std::pair<int32_t, int32_t>>& fed) {
    const int32_t entry = c_.entry_day[row];
    int32_t revised = kNoDeath;
    removed_by_model_.clear();
    for (const auto& [key, removed] : fed) {
      revised = std::min(revised, removed);
      if (key == kNoKey) continue;
      const int32_t model = model_of_key_[static_cast<size_t>(key)];
      auto same = std::find_if(removed_by_model_.begin(), removed_by_model_.end(),
                               [&](const auto& mr) { return mr.first == model; });
      if (same == removed_by_model_.end())
        removed_by_model_.push_back({model, removed});
      else
        same->second = std::min(same->second, removed);
    }
    std::sort(removed_by_model_.begin(), removed_by_model_.end());
    ImplantCohort& x = c_.implants;
    size_t at = first_implant_[row];
    for (const auto& [model, removed] : removed_by_model_) {
      std::tie(x.exit_day[at], x.status[at]) = FollowUp(entry, removed, died, cut_);
      ++at;
    }
    std::tie(c_.exit_day[row], c_.status[row]) = FollowUp(entry, revised, died, cut_);
    c_.death_day[row] = died <= cut_ ? died : kNoDeath;
  }

  void Finish() {
    if (!open_) return;
    open_ = false;
    if (track_rows_) first_implant_.push_back(static_cast<uint32_t>(c_.implants.size()));
    std::sort(removed_by_model_.begin(), removed_by_model_.end());
    for (const auto& [model, removed] : removed_by_model_) AddImplant(model, removed);
    AddConstruct();
    const auto [exit, status] = FollowUp(entry_, revised_, died_, cut_);
    c_.registry.push_back(registry_);
    c_.surgeon.push_back(surgeon_);
    c_.hospital.push_back(hospital_);
    c_.entry_day.push_back(entry_);
    c_.exit_day.push_back(exit);
    c_.status.push_back(status);
    c_.death_day.push_back(died_ <= cut_ ? died_ : kNoDeath);
    c_.age_band.push_back(age_band_);
    c_.sex.push_back(sex_);
    c_.asa.push_back(asa_);
    c_.indication.push_back(indication_);
  }

 private:
  void Start(const PrimaryFacts& f) {
    open_ = true;
    entry_ = f.entry_day;
    died_ = f.death_day;
    registry_ =
        Memo(registry_of_key_, f.registry_key, [&] { return registries_.Code(f.registry); });
    surgeon_ = f.clinician.empty() ? kNoUnit : Memo(surgeon_of_key_, f.clinician_key, [&] {
      return surgeons_.Code(f.clinician);
    });
    hospital_ = f.provider_site.empty() ? kNoUnit
                                        : Memo(hospital_of_key_, f.provider_site_key,
                                               [&] { return hospitals_.Code(f.provider_site); });
    indication_ = f.indication.empty() ? kNoUnit : Memo(indication_of_key_, f.indication_key, [&] {
      return indications_.Code(f.indication);
    });
    age_band_ = f.age_band;
    sex_ = f.sex;
    asa_ = f.asa;
    revised_ = kNoDeath;
    removed_by_model_.clear();
  }

  // The dictionary code of the caller's `key`, from `look_up` on first sight (in the same order
  // as without keys, so the codes are the same); without a key, `look_up` every time.
  template <typename LookUp>
  static int32_t Memo(std::vector<int32_t>& memo, int32_t key, const LookUp& look_up) {
    if (key == kNoKey) return look_up();
    const auto at = static_cast<size_t>(key);
    if (memo.size() <= at) memo.resize(at + 1, kNoKey);
    if (memo[at] == kNoKey) memo[at] = look_up();
    return memo[at];
  }

  // The model's code; its catalogue facts are looked up once, on first sight.
  int32_t ModelCode(std::string_view device) {
    const int32_t model = models_.Code(device);
    if (static_cast<size_t>(model) == type_of_model_.size()) {
      const auto listed = catalogue_.find(c_.models.back());
      const bool known = listed != catalogue_.end();
      type_of_model_.push_back(known ? listed->second.device_type : "unclassified");
      brand_of_model_.push_back(known ? brands_.Code(listed->second.brand) : kNoUnit);
    }
    return model;
  }

  int32_t ClassOf(int32_t model) {
    const int64_t key = (int64_t{registry_} << 32) | static_cast<uint32_t>(model);
    if (auto it = class_of_.find(key); it != class_of_.end()) return it->second;
    const std::string& type = type_of_model_[static_cast<size_t>(model)];
    const int32_t device_class =
        classes_.Code(c_.registries[static_cast<size_t>(registry_)] + "/" + type);
    if (c_.implants.class_registry.size() <= static_cast<size_t>(device_class))
      c_.implants.class_registry.push_back(registry_);
    class_of_.emplace(key, device_class);
    return device_class;
  }

  void AddImplant(int32_t model, int32_t removed) {
    ImplantCohort& x = c_.implants;
    const auto [exit, status] = FollowUp(entry_, removed, died_, cut_);
    x.model.push_back(model);
    x.brand.push_back(brand_of_model_[static_cast<size_t>(model)]);
    x.device_class.push_back(ClassOf(model));
    x.entry_day.push_back(entry_);
    x.exit_day.push_back(exit);
    x.status.push_back(status);
  }

  // Constructs are cached by (registry, sorted model codes): the key text is built once.
  void AddConstruct() {
    if (removed_by_model_.empty()) {
      c_.construct.push_back(kNoUnit);
      c_.construct_class.push_back(kNoUnit);
      return;
    }
    key_.assign(1, registry_);
    for (const auto& [model, removed] : removed_by_model_) key_.push_back(model);
    auto it = construct_of_.find(key_);
    if (it == construct_of_.end()) it = construct_of_.emplace(key_, NewConstruct()).first;
    c_.construct.push_back(it->second.first);
    c_.construct_class.push_back(it->second.second);
  }

  std::pair<int32_t, int32_t> NewConstruct() {
    std::vector<std::string> names, types;
    for (const auto& [model, removed] : removed_by_model_) {
      names.push_back(c_.models[static_cast<size_t>(model)]);
      types.push_back(type_of_model_[static_cast<size_t>(model)]);
    }
    std::sort(names.begin(), names.end());
    std::sort(types.begin(), types.end());
    types.erase(std::unique(types.begin(), types.end()), types.end());
    const int32_t kind = construct_classes_.Code(
        fmt::format("{}/{}", c_.registries[static_cast<size_t>(registry_)], fmt::join(types, "+")));
    if (c_.construct_class_registry.size() <= static_cast<size_t>(kind))
      c_.construct_class_registry.push_back(registry_);
    return {constructs_.Code(fmt::format("{}", fmt::join(names, " + "))), kind};
  }

  Cohort& c_;
  std::unordered_map<std::string, Catalogued> catalogue_;
  Dictionary registries_, models_, surgeons_, hospitals_, classes_, brands_, indications_,
      constructs_, construct_classes_;
  int32_t cut_;
  std::vector<std::string> type_of_model_;         // per model code
  std::vector<int32_t> brand_of_model_;            // per model code
  std::unordered_map<int64_t, int32_t> class_of_;  // (registry, model) -> class
  std::unordered_map<std::vector<int32_t>, std::pair<int32_t, int32_t>, CodesHash> construct_of_;
  std::vector<int32_t> key_;
  bool track_rows_ = false;
  std::vector<uint32_t> first_implant_;  // per row, with TrackRows
  // Per caller key (CohortSink): the dictionary code it maps to, kNoKey until first seen.
  std::vector<int32_t> registry_of_key_, surgeon_of_key_, hospital_of_key_, indication_of_key_,
      model_of_key_;
  // The procedure being gathered.
  bool open_ = false;
  int32_t entry_ = 0, died_ = kNoDeath, registry_ = 0, surgeon_ = kNoUnit, hospital_ = kNoUnit,
          indication_ = kNoUnit, revised_ = kNoDeath;
  int8_t age_band_ = 5, sex_ = 2, asa_ = 0;
  std::vector<std::pair<int32_t, int32_t>> removed_by_model_;  // (model, earliest removal)
};

}  // namespace

namespace {

// The same rows from the generic streams, for a reader without the lean read (a replica or a
// wrapper; storage/surveillance_reads.h).
Result<void> ForEachRowFromProcedures(
    storage::Reader& reader, Date data_cut,
    const std::function<bool(const storage::SurveillanceRow&)>& visit) {
  struct PatientFacts {
    std::optional<Date> birth;
    std::string sex;
    std::optional<Date> death;
  };
  std::unordered_map<int64_t, PatientFacts> patients;
  ORP_RETURN_IF_ERROR(reader.ForEachPatient(0, [&](const domain::Patient& p) {
    patients[p.id.value] = {p.date_of_birth,
                            p.sex ? std::string(domain::SexCode(*p.sex)) : std::string(),
                            p.date_of_death};
    return true;
  }));
  storage::SurveillanceRow row;
  return reader.ForEachProcedure({}, [&](const domain::Procedure& p) {
    if (p.type != domain::ProcedureType::kPrimary || p.date > data_cut) return true;
    const auto facts = patients.find(p.patient.value);
    const PatientFacts none;
    const PatientFacts& f = facts == patients.end() ? none : facts->second;
    row = {};
    row.procedure = p.id.value;
    row.registry = p.registry;
    row.date = p.date;
    if (p.provider_site) row.provider_site = p.provider_site->code();
    if (p.clinician) row.clinician = p.clinician->number();
    row.indication = p.indication;
    row.asa_grade = p.asa_grade;
    row.date_of_birth = f.birth;
    row.sex = f.sex;
    row.date_of_death = f.death;
    if (p.implants.empty()) return visit(row);
    for (const domain::Implant& implant : p.implants) {
      row.has_implant = true;
      row.implanted = implant.action == domain::DeviceAction::kImplanted;
      const std::optional<domain::DeviceId> device = domain::DeviceIdOf(implant);
      row.device = device ? device->text() : std::string();
      row.removed_on = implant.removed_on;
      if (!visit(row)) return false;
    }
    return true;
  });
}

}  // namespace

PrimaryFacts FactsOf(const storage::SurveillanceRow& row) {
  PrimaryFacts f;
  f.registry = row.registry;
  f.provider_site = row.provider_site;
  f.clinician = row.clinician;
  f.indication = row.indication;
  f.entry_day = DayOf(row.date);
  f.death_day = row.date_of_death ? DayOf(*row.date_of_death) : kNoDeath;
  f.age_band = AgeBandOf(row.date_of_birth, row.date);
  f.sex = SexOf(row.sex);
  f.asa = static_cast<int8_t>(
      row.asa_grade && *row.asa_grade >= 1 && *row.asa_grade <= 5 ? *row.asa_grade : 0);
  return f;
}

int32_t RemovedDayOf(const storage::SurveillanceRow& row) {
  return row.removed_on ? DayOf(*row.removed_on) : kNoDeath;
}

Result<void> ForEachCohortRow(storage::Reader& reader, Date data_cut,
                              const std::function<bool(const storage::SurveillanceRow&)>& visit) {
  if (storage::SurveillanceReads* lean = storage::AsSurveillanceReads(reader))
    return lean->ForEachSurveillanceRow(data_cut, visit);
  return ForEachRowFromProcedures(reader, data_cut, visit);
}

namespace {

Result<std::unordered_map<std::string, Catalogued>> ReadCatalogue(storage::Reader& reader) {
  std::unordered_map<std::string, Catalogued> catalogue;  // the latest version wins
  ORP_RETURN_IF_ERROR(reader.ForEachDeviceModel([&](const domain::DeviceModel& m) {
    catalogue[m.device.text()] = {m.device_type, m.manufacturer + " / " + m.brand};
    return true;
  }));
  return catalogue;
}

}  // namespace

Result<Cohort> BuildCohortFrom(storage::Reader& reader, Date data_cut,
                               const std::function<Result<void>(CohortSink&)>& feed) {
  auto catalogue = ReadCatalogue(reader);
  if (!catalogue) return std::unexpected(catalogue.error());
  Cohort c;
  c.data_cut = data_cut;
  CohortBuilder builder(c, std::move(*catalogue));
  ORP_RETURN_IF_ERROR(feed(builder));
  builder.Finish();
  return c;
}

struct GrowingCohort::State {
  State(Date data_cut, std::unordered_map<std::string, Catalogued> catalogue)
      : cohort(WithCut(data_cut)), builder(cohort, std::move(catalogue)) {}
  static Cohort WithCut(Date data_cut) {
    Cohort c;
    c.data_cut = data_cut;
    return c;
  }
  Cohort cohort;  // before the builder, which refers to it
  CohortBuilder builder;
};

GrowingCohort::GrowingCohort() = default;
GrowingCohort::~GrowingCohort() = default;

Result<void> GrowingCohort::Start(storage::Reader& reader, Date data_cut) {
  auto catalogue = ReadCatalogue(reader);
  if (!catalogue) return std::unexpected(catalogue.error());
  state_ = std::make_unique<State>(data_cut, std::move(*catalogue));
  state_->builder.TrackRows();
  return {};
}

Result<bool> GrowingCohort::TakeCatalogue(storage::Reader& reader) {
  auto catalogue = ReadCatalogue(reader);
  if (!catalogue) return std::unexpected(catalogue.error());
  if (!state_ || !state_->builder.Agrees(*catalogue)) return false;
  state_->builder.TakeCatalogue(std::move(*catalogue));
  return true;
}

CohortSink& GrowingCohort::sink() { return state_->builder; }

void GrowingCohort::Refollow(size_t row, int32_t death_day,
                             const std::vector<std::pair<int32_t, int32_t>>& implants) {
  state_->builder.Refollow(row, death_day, implants);
}

const Cohort& GrowingCohort::Finished() {
  state_->builder.Finish();
  return state_->cohort;
}

Result<Cohort> BuildCohort(storage::Reader& reader, Date data_cut) {
  return BuildCohortFrom(reader, data_cut, [&](CohortSink& sink) -> Result<void> {
    int64_t procedure = 0;
    bool first = true;
    return ForEachCohortRowPipelined(reader, data_cut, [&](const storage::SurveillanceRow& row) {
      if (first || row.procedure != procedure) {
        first = false;
        procedure = row.procedure;
        sink.Primary(FactsOf(row));
      }
      if (row.has_implant && row.implanted) sink.Implant(RemovedDayOf(row), row.device, kNoKey);
    });
  });
}

}  // namespace orp::surveillance
