#include "orp/synth/world.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_set>

#include "orp/core/check.h"
#include "orp/core/text.h"
#include "orp/domain/gtin.h"

namespace orp::synth {

namespace {

using std::chrono::days;
using std::chrono::year;

constexpr std::string_view kUpper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
constexpr std::string_view kAlnum = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
// Letters ODS uses after the leading R of trust codes (no I or O, which read as digits).
constexpr std::string_view kOdsLetters = "ABCDEFGHJKLMNPQRSTUVWXYZ";
// Clinicians per unit of site volume, by registry.
constexpr double kCliniciansPerSite[kRegistryCount] = {5, 4, 3, 3, 6, 5};

Date Day(int y, unsigned m, unsigned d) {
  return Date{std::chrono::year_month_day{year{y}, std::chrono::month{m}, std::chrono::day{d}}};
}

Date UniformDate(Rng& rng, Date lo, Date hi) {
  return lo + days{rng.Below(static_cast<uint64_t>((hi - lo).count()) + 1)};
}

Date FirstOfMonth(Rng& rng, int first_year, int last_year) {
  // One draw per statement, month first (see DrawPostcode in patients.cc).
  const auto month = static_cast<unsigned>(rng.Between(1, 12));
  return Day(rng.Between(first_year, last_year), month, 1);
}

char Pick(Rng& rng, std::string_view chars) { return chars[rng.Below(chars.size())]; }

double RoundTenth(double x) { return std::round(x * 10) / 10; }

constexpr std::string_view kMakerWords[] = {"Albion",  "Pennine",  "Thames",   "Severn", "Cambrian",
                                            "Mercia",  "Wessex",   "Chiltern", "Humber", "Mersey",
                                            "Solent",  "Cotswold", "Fenland",  "Dales",  "Peak",
                                            "Lothian", "Kestrel",  "Heron",    "Osprey", "Merlin"};
constexpr std::string_view kMakerKinds[] = {"Medical",  "Orthopaedics", "Implants",
                                            "Surgical", "BioMed",       "Devices"};
constexpr std::string_view kBrandWords[] = {
    "Aurora",  "Summit",  "Vega",     "Orion",   "Nova",     "Apex",     "Zenith",
    "Atlas",   "Vertex",  "Lumen",    "Sierra",  "Meridian", "Polaris",  "Astra",
    "Quantum", "Harmony", "Pinnacle", "Horizon", "Solace",   "Keystone", "Arden",
    "Beacon",  "Cirrus",  "Delta",    "Ember",   "Fulcrum"};

}  // namespace

World World::Build(Rng& rng, std::span<const int> registries) {
  World w;
  w.BuildSites(rng, registries);
  w.BuildClinicians(rng, registries);
  w.BuildManufacturersAndModels(rng, registries);
  w.Plant(rng, registries);
  return w;
}

void World::BuildSites(Rng& rng, std::span<const int> registries) {
  std::unordered_set<std::string> orgs;
  auto new_org = [&](auto make) {
    std::string code;
    do code = make();
    while (!orgs.insert(code).second);
    return code;
  };
  const size_t areas = PostcodeAreas().size();
  auto add_site = [&](std::string ods, bool nhs) {
    sites.push_back(Site{std::move(ods), nhs, std::exp(rng.Normal(0, 0.6)),
                         static_cast<int>(rng.Below(areas))});
  };
  for (int t = 0; t < 55; ++t) {  // NHS trusts, each with one to three hospital sites
    std::string org = new_org([&] {
      return std::string{'R', Pick(rng, kOdsLetters), Pick(rng, kAlnum)};
    });
    const int count = rng.Between(1, 3);
    const int first = rng.Between(1, 20);
    for (int s = 0; s < count; ++s) add_site(fmt::format("{}{:02}", org, first + s), true);
  }
  for (int i = 0; i < 25; ++i) {  // independent sector (ISHP codes, N-prefixed)
    std::string org = new_org([&] {
      return std::string{'N', Pick(rng, kOdsLetters), Pick(rng, "0123456789")};
    });
    add_site(fmt::format("{}{:02}", org, rng.Between(10, 99)), false);
  }
  for (int i = 0; i < 20; ++i) {  // older independent provider codes: 8 + four
    std::string org = new_org([&] {
      return std::string{'8', Pick(rng, kOdsLetters), Pick(rng, kOdsLetters)};
    });
    add_site(fmt::format("{}{:02}", org, rng.Between(1, 9)), false);
  }
  sites_of_.assign(kRegistryCount, {});
  site_sampler_.assign(kRegistryCount, {});
  for (int r : registries) {
    const RegistryProfile& profile = Profiles()[r];
    std::vector<int>& chosen = sites_of_[r];
    for (size_t s = 0; s < sites.size(); ++s) {
      const double p = sites[s].nhs ? profile.nhs_participation : profile.independent_participation;
      if (rng.Bernoulli(p)) chosen.push_back(static_cast<int>(s));
    }
    for (size_t s = 0; chosen.size() < 3 && s < sites.size(); ++s) {
      if (sites[s].nhs && std::find(chosen.begin(), chosen.end(), s) == chosen.end()) {
        chosen.push_back(static_cast<int>(s));
      }
    }
    std::sort(chosen.begin(), chosen.end());
    std::vector<double> weights;
    for (int s : chosen) weights.push_back(sites[s].volume);
    site_sampler_[r] = Categorical(weights);
  }
}

void World::BuildClinicians(Rng& rng, std::span<const int> registries) {
  std::unordered_set<uint32_t> used;
  clinicians_at_.assign(sites.size() * kRegistryCount, {});
  for (int r : registries) {
    for (int s : sites_of_[r]) {
      const int count =
          std::max(1, static_cast<int>(std::lround(sites[s].volume * kCliniciansPerSite[r])));
      for (int c = 0; c < count; ++c) {
        uint32_t gmc;
        do gmc = 1000000 + static_cast<uint32_t>(rng.Below(6000000));
        while (!used.insert(gmc).second);
        clinicians.push_back(Clinician{fmt::format("{}", gmc), r, s, std::exp(rng.Normal(0, 0.5))});
        const int id = static_cast<int>(clinicians.size()) - 1;
        clinicians_at_[s * kRegistryCount + r].push_back(id);
        // Some consultants also operate at a second site (often an independent hospital).
        const auto& others = sites_of_[r];
        if (others.size() > 1 && rng.Bernoulli(0.15)) {
          const int other = others[rng.Below(others.size())];
          if (other != s) clinicians_at_[other * kRegistryCount + r].push_back(id);
        }
      }
    }
  }
  clinician_sampler_.assign(clinicians_at_.size(), {});
  for (size_t i = 0; i < clinicians_at_.size(); ++i) {
    std::vector<double> weights;
    for (int c : clinicians_at_[i]) weights.push_back(clinicians[c].volume);
    if (!weights.empty()) clinician_sampler_[i] = Categorical(weights);
  }
}

const std::vector<int>& World::CliniciansAt(int site, int registry) const {
  return clinicians_at_[static_cast<size_t>(site) * kRegistryCount + registry];
}

const Categorical& World::ClinicianSampler(int site, int registry) const {
  return clinician_sampler_[static_cast<size_t>(site) * kRegistryCount + registry];
}

void World::BuildManufacturersAndModels(Rng& rng, std::span<const int>) {
  // Every role is built whatever registries were chosen, so the catalogue (and each model's
  // GTIN) does not depend on --registries.
  const auto roles = Roles();
  std::unordered_set<std::string> prefixes;
  std::vector<std::vector<int>> makers_of(roles.size());
  for (int m = 0; m < 40; ++m) {
    std::string prefix;
    do prefix = fmt::format("952{:04}", rng.Below(10000));
    while (!prefixes.insert(prefix).second);
    std::string name = fmt::format("{} {} {}", kMakerWords[m % 20], kMakerKinds[(m / 20 + m) % 6],
                                   m % 3 == 0 ? "plc" : "Ltd");
    std::string lic;
    if (m % 8 == 3) {  // one draw per statement (see FirstOfMonth)
      const uint64_t number = rng.Below(1000);
      lic = fmt::format("{}{:03}", Pick(rng, kUpper), number);
    }
    manufacturers.push_back(Manufacturer{std::move(name), std::move(prefix), std::move(lic)});
    makers_of[m % roles.size()].push_back(m);
    if (rng.Bernoulli(0.5)) makers_of[rng.Below(roles.size())].push_back(m);
  }
  // A construct's later components come from the maker of its first (stem and head, plate and
  // screws, generator and leads): every maker of a leading role also makes its followers.
  for (const RegistryProfile& profile : Profiles()) {
    for (const Variant& variant : profile.variants) {
      for (size_t c = 1; c < variant.components.size(); ++c) {
        auto& followers = makers_of[variant.components[c].role];
        for (int m : makers_of[variant.components[0].role]) {
          if (std::find(followers.begin(), followers.end(), m) == followers.end())
            followers.push_back(m);
        }
      }
    }
  }
  models_of_.assign(roles.size(), {});
  std::vector<int> item_counter(manufacturers.size(), 0);
  for (size_t r = 0; r < roles.size(); ++r) {
    const RoleSpec& role = roles[r];
    std::vector<std::string_view> nouns;
    for (std::string_view n : Split(role.brand_nouns, ' ')) nouns.push_back(n);
    for (int i = 0; i < role.models; ++i) {
      DeviceModel d;
      // Each maker of the role gets one model first, then the rest go at random.
      d.manufacturer = i < static_cast<int>(makers_of[r].size())
                           ? makers_of[r][i]
                           : makers_of[r][rng.Below(makers_of[r].size())];
      d.role = static_cast<int>(r);
      const Manufacturer& maker = manufacturers[d.manufacturer];
      std::string payload =
          fmt::format("0{}{:05}", maker.gs1_prefix, item_counter[d.manufacturer]++);
      d.gtin = payload + static_cast<char>('0' + domain::Gtin::CheckDigit(payload));
      d.brand = std::string(kBrandWords[rng.Below(std::size(kBrandWords))]);
      const int size = rng.Between(1, 9) * 50;  // one draw per statement (see FirstOfMonth)
      d.model = fmt::format("{} {} {}", d.brand, nouns[rng.Below(nouns.size())], size);
      const char suffix = Pick(rng, kUpper);
      d.catalogue_number = fmt::format("{}-{:04}{}", ToUpperAscii(maker.name.substr(0, 3)),
                                       rng.Below(10000), suffix);
      const int n = static_cast<int>(models.size());
      d.serial_prefix = {kUpper[(n / 676) % 26], kUpper[(n / 26) % 26], kUpper[n % 26]};
      d.share = std::exp(rng.Normal(0, 1.0));
      d.weibull_shape = role.weibull_shape;
      const double frailty = std::exp(rng.Normal(0, 0.3));  // this model's hazard multiplier
      d.weibull_scale_days =
          3652.5 / std::pow(-std::log(1 - role.revision_10y) * frailty, 1.0 / role.weibull_shape);
      d.launch = rng.Bernoulli(0.65) ? UniformDate(rng, Day(2000, 1, 1), Day(2010, 12, 31))
                                     : UniformDate(rng, Day(2011, 1, 1), Day(2023, 12, 31));
      d.withdrawn = Date::max();
      if (rng.Bernoulli(0.15)) {
        const Date when = d.launch + days{rng.Between(3 * 365, 12 * 365)};
        if (when < Day(2025, 6, 30)) d.withdrawn = when;
      }
      models_of_[r].push_back(n);
      models.push_back(std::move(d));
    }
  }
}

void World::Plant(Rng& rng, std::span<const int> registries) {
  model_effect_.assign(models.size(), 1.0);
  model_from_.assign(models.size(), Date::max());
  surgeon_effect_.assign(clinicians.size(), 1.0);
  surgeon_from_.assign(clinicians.size(), Date::max());
  site_effect_.assign(sites.size() * kRegistryCount, 1.0);
  site_from_.assign(sites.size() * kRegistryCount, Date::max());
  for (int r : registries) {
    const RegistryProfile& profile = Profiles()[r];
    std::vector<int> surgeon_sites;
    if (r != kNmtr) {
      // A device model with a large share, on the market for the whole window, goes bad.
      const int role = profile.variants[0].components[0].role;
      std::vector<int> candidates;
      for (int m : models_of_[role]) {
        if (models[m].launch < Day(2012, 1, 1) && models[m].withdrawn == Date::max()) {
          candidates.push_back(m);
        }
      }
      if (candidates.empty()) candidates = models_of_[role];
      std::sort(candidates.begin(), candidates.end(),
                [&](int a, int b) { return models[a].share > models[b].share; });
      const int model = candidates[rng.Below(std::min<size_t>(3, candidates.size()))];
      planted.push_back({PlantedKind::kDeviceModel, model, r, RoundTenth(rng.Uniform(2.0, 3.0)),
                         FirstOfMonth(rng, 2014, 2018)});
      // A busy surgeon starts doing worse.
      std::vector<std::pair<double, int>> busy;
      for (size_t c = 0; c < clinicians.size(); ++c) {
        if (clinicians[c].registry != r) continue;
        const int home = clinicians[c].home_site;
        busy.push_back({sites[home].volume * clinicians[c].volume /
                            static_cast<double>(CliniciansAt(home, r).size()),
                        static_cast<int>(c)});
      }
      std::sort(busy.rbegin(), busy.rend());
      const int surgeon = busy[rng.Below(std::min<size_t>(3, busy.size()))].second;
      surgeon_sites.push_back(clinicians[surgeon].home_site);
      // Make them busier still (they also operate at the two largest sites), so that a
      // surveillance method has the numbers to find them.
      clinicians[surgeon].volume *= 6;
      std::vector<std::pair<double, int>> largest;
      for (int s : sites_of_[r]) largest.push_back({sites[s].volume, s});
      std::sort(largest.rbegin(), largest.rend());
      for (size_t k = 0; k < std::min<size_t>(2, largest.size()); ++k) {
        auto& list = clinicians_at_[static_cast<size_t>(largest[k].second) * kRegistryCount + r];
        if (std::find(list.begin(), list.end(), surgeon) == list.end()) list.push_back(surgeon);
        surgeon_sites.push_back(largest[k].second);
      }
      for (int s : sites_of_[r]) {
        const size_t slot = static_cast<size_t>(s) * kRegistryCount + r;
        std::vector<double> weights;
        for (int c : clinicians_at_[slot]) weights.push_back(clinicians[c].volume);
        clinician_sampler_[slot] = Categorical(weights);
      }
      planted.push_back({PlantedKind::kSurgeon, surgeon, r, RoundTenth(rng.Uniform(2.0, 2.5)),
                         FirstOfMonth(rng, 2013, 2017)});
    }
    if (r == 0 || r == 4 || r == kNmtr) {
      // A large hospital where the planted surgeon does not operate does worse (NMTR: more early
      // deaths).
      std::vector<std::pair<double, int>> large;
      for (int s : sites_of_[r]) {
        if (std::find(surgeon_sites.begin(), surgeon_sites.end(), s) == surgeon_sites.end()) {
          large.push_back({sites[s].volume, s});
        }
      }
      std::sort(large.rbegin(), large.rend());
      const int site = large[rng.Below(std::min<size_t>(3, large.size()))].second;
      planted.push_back({PlantedKind::kHospital, site, r, RoundTenth(rng.Uniform(1.8, 2.5)),
                         FirstOfMonth(rng, 2013, 2018)});
    }
  }
  for (const Planted& p : planted) {
    switch (p.kind) {
      case PlantedKind::kDeviceModel:
        model_effect_[p.index] = p.effect, model_from_[p.index] = p.from;
        break;
      case PlantedKind::kSurgeon:
        surgeon_effect_[p.index] = p.effect, surgeon_from_[p.index] = p.from;
        break;
      case PlantedKind::kHospital:
        site_effect_[p.index * kRegistryCount + p.registry] = p.effect;
        site_from_[p.index * kRegistryCount + p.registry] = p.from;
        break;
    }
  }
}

double World::ModelEffect(int model, Date date) const {
  return date >= model_from_[model] ? model_effect_[model] : 1.0;
}

double World::SurgeonEffect(int clinician, Date date) const {
  return date >= surgeon_from_[clinician] ? surgeon_effect_[clinician] : 1.0;
}

double World::HospitalEffect(int site, int registry, Date date) const {
  const size_t i = static_cast<size_t>(site) * kRegistryCount + registry;
  return date >= site_from_[i] ? site_effect_[i] : 1.0;
}

}  // namespace orp::synth
