#include "orp/synth/episode.h"

#include <fmt/format.h>

#include <algorithm>
#include <climits>
#include <cmath>

#include "orp/core/check.h"
#include "orp/core/date.h"

namespace orp::synth {

namespace {

using std::chrono::days;

// Gompertz background mortality, hazard a0 * exp(b * age) per year: about 6% a year at 80.
constexpr double kGompertzA0 = 3e-5;
constexpr double kGompertzB = 0.095;
constexpr double kReuseProbability = 0.04;  // an existing patient has another episode
constexpr double kScanProbability = 0.45;   // share of implanted devices scanned in theatre

Date AddDays(Date d, double n) { return d + days{static_cast<int64_t>(std::floor(n))}; }

Date FromDays(int32_t n) { return Date{days{n}}; }

Date LastDayOfMonth(std::chrono::year_month ym) {
  return Date{std::chrono::year_month_day_last{ym.year(), std::chrono::month_day_last{ym.month()}}};
}

double Logistic(double x) { return 1 / (1 + std::exp(-x)); }

}  // namespace

std::string_view ProcedureTypeName(ProcedureType type) {
  switch (type) {
    case ProcedureType::kPrimary: return "primary";
    case ProcedureType::kRevision: return "revision";
    case ProcedureType::kExplant: return "explant";
    case ProcedureType::kOther: return "other";
  }
  return "other";
}

EpisodeGenerator::EpisodeGenerator(World& world, Patients& patients,
                                   std::span<const int> registries, Rng& rng)
    : world_(world),
      patients_(patients),
      rng_(rng),
      registries_(registries.begin(), registries.end()) {
  std::vector<double> weights;
  for (int r : registries_) weights.push_back(Profiles()[r].weight);
  registry_sampler_ = Categorical(weights);
}

Date EpisodeGenerator::DrawPrimaryDate(const Variant& variant) {
  // Yearly volume grows linearly to 2.5 times its first level: density 1 + g t on [0, 1].
  constexpr double g = 1.5;
  const double c = rng_.Uniform() * (1 + g / 2);
  const double t = (-1 + std::sqrt(1 + 2 * g * c)) / g;
  Date date = AddDays(kFirstDay, t * static_cast<double>((kDataCut - kFirstDay).count() + 1));
  date = std::min(date, kDataCut);
  const unsigned weekday = std::chrono::weekday{date}.c_encoding();  // 0 Sunday, 6 Saturday
  if ((weekday == 0 || weekday == 6) && rng_.Bernoulli(variant.weekday_only)) {
    date += days{weekday == 0 ? 1 : 2};
    if (date > kDataCut) date -= days{3};
  }
  return date;
}

Date EpisodeGenerator::DrawDeath(int registry, const Variant& variant, int age, Date date, int iss,
                                 int site) {
  const double a = age + 0.5;
  const double e = rng_.Exponential(1);
  const double years =
      std::log(std::exp(kGompertzB * a) + kGompertzB * e / kGompertzA0) / kGompertzB - a;
  Date death = AddDays(date, years * kDaysPerYear);
  if (registry == kNmtr) {
    double p = Logistic(-5.2 + 0.07 * iss + 0.045 * (age - 50));
    p = 1 - std::pow(1 - p, world_.HospitalEffect(site, registry, date));
    if (rng_.Bernoulli(p))
      death = std::min(death, AddDays(date, std::min(29.0, rng_.Exponential(1.0 / 6))));
  } else if (rng_.Bernoulli(variant.early_death_probability)) {
    death = std::min(death, AddDays(date, 1 + rng_.Exponential(1.0 / 90)));
  }
  return death;
}

EpisodeGenerator::Person EpisodeGenerator::DrawPatient(int registry, const Variant& variant,
                                                       Date date, int iss, int site) {
  const bool exhausted = patients_.Exhausted();
  if ((exhausted || rng_.Bernoulli(kReuseProbability)) && patients_.size() > 0) {
    const int tries = exhausted ? 100000 : 16;
    const int32_t day = static_cast<int32_t>(date.time_since_epoch().count());
    for (int t = 0; t < tries; ++t) {
      const uint32_t i = static_cast<uint32_t>(rng_.Below(patients_.size()));
      const Patient& p = patients_[i];
      if (p.date_of_death <= day + 1 || p.date_of_birth >= day) continue;
      const int age = WholeYearsBetween(FromDays(p.date_of_birth), date);
      const bool sex_fits = p.sex == '2' || variant.female_probability < 0.98;
      const bool age_fits = age >= variant.age_min && age <= variant.age_max;
      // A patient of the wrong sex never (a male patient in a female-only registry); of the
      // wrong age only when no new patients are left, after half the tries.
      if (sex_fits && (age_fits || (exhausted && t > tries / 2))) return {i, age};
    }
    ORP_CHECK(!exhausted);
  }
  const char sex = rng_.Bernoulli(variant.female_probability) ? '2'
                   : rng_.Bernoulli(0.002)                    ? '9'
                                                              : '1';
  double age_years = 0;
  for (int t = 0; t < 8; ++t) {
    age_years = rng_.Normal(variant.age_mean, variant.age_sd);
    if (age_years >= variant.age_min && age_years <= variant.age_max) break;
  }
  age_years = std::clamp(age_years, variant.age_min, variant.age_max);
  const Date dob = AddDays(date, -age_years * kDaysPerYear);
  const int age = WholeYearsBetween(dob, date);
  const int area = rng_.Bernoulli(0.85) ? world_.sites[site].area
                                        : static_cast<int>(rng_.Below(PostcodeAreas().size()));
  const std::array<char, 9> postcode = DrawPostcode(rng_, area);
  const Date death = DrawDeath(registry, variant, age, date, iss, site);
  return {patients_.Add(dob, death, sex, postcode), age};
}

void EpisodeGenerator::DrawCovariates(ProcedureRecord& p, int age) {
  const RegistryProfile& profile = Profiles()[p.registry];
  if (profile.records_asa) {
    int asa = 1;
    if (age >= 16) {
      asa += rng_.Bernoulli(Logistic((age - 45) / 12.0));
      asa += rng_.Bernoulli(Logistic((age - 78) / 8.0));
    }
    asa += rng_.Bernoulli(0.03);
    asa += p.registry == kNmtr && rng_.Bernoulli(0.1);
    p.asa = std::min(asa, 5);
  }
  if (profile.records_bmi) {
    const double bmi = age < 16 ? rng_.Normal(17, 2.5) : rng_.Normal(27.5, 5);
    p.bmi_tenths =
        static_cast<int>(std::lround(std::clamp(bmi, age < 16 ? 12.0 : 16.0, 60.0) * 10));
  }
}

void EpisodeGenerator::DrawStay(ProcedureRecord& p) {
  // Length of stay ends early at an in-hospital death; a stay running past the data cut has no
  // discharge yet.
  const Date death = FromDays(patients_[p.patient].date_of_death);
  int stay = static_cast<int>(std::min(120.0, rng_.Exponential(1.0 / (4 + p.iss / 4.0))));
  p.died_in_hospital = death <= p.date + days{stay};
  if (p.died_in_hospital) stay = static_cast<int>((death - p.date).count());
  p.stay_days = p.date + days{stay} <= kDataCut ? stay : -1;
}

int EpisodeGenerator::AddInstance(Episode& e, int role, int same_maker_as, Date date, int model) {
  if (model < 0) {
    const std::vector<int>& models = world_.ModelsOf(role);
    // A follower component comes from the construct's maker: on the market if possible, else
    // any of that maker's models (kept in stock), and only failing that another maker's.
    for (int pass = 0; pass < 3 && candidates_.empty(); ++pass) {
      for (int m : models) {
        const DeviceModel& d = world_.models[m];
        const bool on_market = (d.launch <= date && date < d.withdrawn) ||
                               (same_maker_as >= 0 && pass == 1) || pass == 2;
        const bool maker_fits = same_maker_as < 0 || pass == 2 || d.manufacturer == same_maker_as;
        if (on_market && maker_fits) candidates_.push_back(m);
      }
    }
    weights_.clear();
    for (int m : candidates_) weights_.push_back(world_.models[m].share);
    model = candidates_[rng_.Choose(weights_)];
    candidates_.clear();
  }
  DeviceModel& d = world_.models[model];
  const Date made = date - days{rng_.Between(20, 540)};
  const std::chrono::year_month_day made_ymd{made};
  const auto made_month = made_ymd.year() / made_ymd.month();
  const Date expiry =
      LastDayOfMonth(made_month + std::chrono::months{Roles()[role].shelf_life_months});
  DeviceInstance instance{
      model,
      fmt::format("{}{:02}{:02}{}", d.serial_prefix, static_cast<int>(made_ymd.year()) % 100,
                  static_cast<unsigned>(made_ymd.month()), "AB"[rng_.Below(2)]),
      fmt::format("{}{:07}", d.serial_prefix, ++d.next_serial),
      expiry,
      'N',
      ScanForm::kNone,
      rng_.Bernoulli(0.15)};
  if (rng_.Bernoulli(kScanProbability)) {
    static constexpr double kFormWeights[] = {0.3, 0.3, 0.2, 0.15, 0.05};
    instance.scan = static_cast<ScanForm>(1 + rng_.Choose(kFormWeights));
    if (instance.scan == ScanForm::kHibc && world_.manufacturers[d.manufacturer].hibc_lic.empty()) {
      instance.scan = ScanForm::kGs1;
    }
  }
  e.instances.push_back(std::move(instance));
  return static_cast<int>(e.instances.size()) - 1;
}

void EpisodeGenerator::Implant(Episode& e, ProcedureRecord& p, const Variant& variant, char side,
                               const std::vector<DeviceRow>* pair_of) {
  if (pair_of != nullptr) {
    const std::vector<DeviceRow> other = *pair_of;  // p.devices grows below
    for (const DeviceRow& row : other) {
      const DeviceInstance& twin = e.instances[row.instance];
      const int i = AddInstance(e, world_.models[twin.model].role, -1, p.date, twin.model);
      e.instances[i].side = side;
      p.devices.push_back(DeviceRow{true, i});
    }
    return;
  }
  int maker = -1;
  for (const Component& c : variant.components) {
    const int count = rng_.Between(c.min_count, c.max_count);
    for (int k = 0; k < count; ++k) {
      const int i = AddInstance(e, c.role, maker, p.date);
      e.instances[i].side = side;
      if (maker < 0) maker = world_.models[e.instances[i].model].manufacturer;
      p.devices.push_back(DeviceRow{true, i});
    }
  }
}

double EpisodeGenerator::CovariateEffect(const ProcedureRecord& p) const {
  double effect = 1;
  if (p.asa >= 3) effect *= 1.25;
  if (p.bmi_tenths >= 350) effect *= 1.3;
  if (patients_[p.patient].sex == '1') effect *= 1.1;
  return effect;
}

void EpisodeGenerator::FollowSide(Episode& e, size_t procedure, char side, int depth) {
  if (depth > 3) return;
  const ProcedureRecord& p = e.procedures[procedure];
  std::vector<int> in_situ;
  for (const DeviceRow& row : p.devices) {
    if (row.implanted && e.instances[row.instance].side == side) in_situ.push_back(row.instance);
  }
  if (in_situ.empty()) return;
  const int model = e.instances[in_situ.front()].model;
  const DeviceModel& d = world_.models[model];
  const double effect = world_.ModelEffect(model, p.date) *
                        world_.SurgeonEffect(p.clinician, p.date) *
                        world_.HospitalEffect(p.site, p.registry, p.date) * CovariateEffect(p) *
                        (depth > 0 ? 1.5 : 1.0);
  const double t =
      d.weibull_scale_days * std::pow(rng_.Exponential(1) / effect, 1 / d.weibull_shape);
  const Date failure = AddDays(p.date, 1 + t);
  const Date death = FromDays(patients_[p.patient].date_of_death);
  if (failure > kDataCut || failure >= death) return;

  const Variant& variant = Profiles()[p.registry].variants[p.variant];
  ProcedureRecord q;
  q.registry = p.registry;
  q.variant = p.variant;
  q.patient = p.patient;
  q.date = failure;
  q.laterality = side;
  const bool explant = !variant.opcs_explant.empty() && rng_.Bernoulli(variant.explant_probability);
  q.type = explant ? ProcedureType::kExplant : ProcedureType::kRevision;
  q.opcs_main = explant ? variant.opcs_explant : variant.opcs_revision;
  q.indication = variant.revision_indications[rng_.Below(variant.revision_indications.size())];
  q.site = rng_.Bernoulli(0.75)
               ? p.site
               : world_.SitesOf(q.registry)[world_.SiteSampler(q.registry).Sample(rng_)];
  q.clinician = world_.CliniciansAt(
      q.site, q.registry)[world_.ClinicianSampler(q.site, q.registry).Sample(rng_)];
  const int age = WholeYearsBetween(FromDays(patients_[q.patient].date_of_birth), q.date);
  DrawCovariates(q, age);
  for (int i : in_situ) q.devices.push_back(DeviceRow{false, i});
  if (!explant) Implant(e, q, variant, side);
  e.procedures.push_back(std::move(q));
  if (!explant) FollowSide(e, e.procedures.size() - 1, side, depth + 1);
}

void EpisodeGenerator::Next(Episode& e) {
  e.procedures.clear();
  e.instances.clear();
  const int registry = registries_[registry_sampler_.Sample(rng_)];
  const RegistryProfile& profile = Profiles()[registry];
  std::vector<double> variant_weights;
  for (const Variant& v : profile.variants) variant_weights.push_back(v.weight);
  const int v = static_cast<int>(rng_.Choose(variant_weights));
  const Variant& variant = profile.variants[v];

  ProcedureRecord p;
  p.registry = registry;
  p.variant = v;
  p.date = DrawPrimaryDate(variant);
  p.site = world_.SitesOf(registry)[world_.SiteSampler(registry).Sample(rng_)];
  p.clinician =
      world_.CliniciansAt(p.site, registry)[world_.ClinicianSampler(p.site, registry).Sample(rng_)];
  const int iss =
      registry == kNmtr ? std::min(75, 9 + static_cast<int>(rng_.Exponential(1.0 / 12))) : 0;
  const Person person = DrawPatient(registry, variant, p.date, iss, p.site);
  p.patient = person.index;
  p.type = registry == kNmtr ? ProcedureType::kOther : ProcedureType::kPrimary;
  p.opcs_main = variant.opcs_primary;
  p.indication = variant.indications[rng_.Below(variant.indications.size())];
  if (variant.sidedness == Sidedness::kSided) {
    p.laterality = rng_.Bernoulli(variant.bilateral_probability) ? 'B'
                   : rng_.Bernoulli(0.5)                         ? 'L'
                                                                 : 'R';
  }
  p.iss = iss;
  DrawCovariates(p, person.age);
  if (registry == kNmtr) DrawStay(p);
  const std::string sides = p.laterality == 'B' ? std::string("LR") : std::string(1, p.laterality);
  if (!variant.components.empty()) {
    Implant(e, p, variant, sides[0]);
    if (sides.size() == 2) Implant(e, p, variant, sides[1], &p.devices);
  }
  e.procedures.push_back(std::move(p));
  if (!variant.components.empty()) {
    for (char side : sides) FollowSide(e, 0, side, 0);
  }
  std::stable_sort(
      e.procedures.begin() + 1, e.procedures.end(),
      [](const ProcedureRecord& a, const ProcedureRecord& b) { return a.date < b.date; });
}

}  // namespace orp::synth
