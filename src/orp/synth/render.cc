#include "orp/synth/render.h"

#include <fmt/format.h>

#include "orp/synth/label.h"

namespace orp::synth {

namespace {

using std::chrono::days;

constexpr double kMissingNhsNumber = 0.002;  // clean records linked on birth date, sex, postcode

std::string_view LateralityQualifier(char side) {
  switch (side) {
    case 'B': return "Z94.1";
    case 'R': return "Z94.2";
    case 'L': return "Z94.3";
    default: return "";
  }
}

domain::ProcedureType DomainType(ProcedureType type) {
  switch (type) {
    case ProcedureType::kPrimary: return domain::ProcedureType::kPrimary;
    case ProcedureType::kRevision: return domain::ProcedureType::kRevision;
    case ProcedureType::kExplant: return domain::ProcedureType::kExplant;
    case ProcedureType::kOther: return domain::ProcedureType::kOther;
  }
  return domain::ProcedureType::kOther;
}

// Written by hand: dates are most of the values in a row, and this is the synth's hot loop.
void FormatDate(std::string& out, Date date) {
  const std::chrono::year_month_day ymd{date};
  const int y = static_cast<int>(ymd.year());
  const unsigned m = static_cast<unsigned>(ymd.month()), d = static_cast<unsigned>(ymd.day());
  const char text[10] = {static_cast<char>('0' + y / 1000),
                         static_cast<char>('0' + y / 100 % 10),
                         static_cast<char>('0' + y / 10 % 10),
                         static_cast<char>('0' + y % 10),
                         '-',
                         static_cast<char>('0' + m / 10),
                         static_cast<char>('0' + m % 10),
                         '-',
                         static_cast<char>('0' + d / 10),
                         static_cast<char>('0' + d % 10)};
  out.assign(text, sizeof text);
}

// "RXF05-00012345"
void FormatRef(std::string& out, std::string_view ods, uint64_t sequence) {
  out.assign(ods);
  out.push_back('-');
  char digits[20];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + sequence % 10);
    sequence /= 10;
  } while (sequence > 0);
  for (int pad = n; pad < 8; ++pad) out.push_back('0');
  while (n > 0) out.push_back(digits[--n]);
}

}  // namespace

std::string Renderer::ScanText(const DeviceInstance& instance, ScanForm form) const {
  const DeviceModel& model = world_.models[instance.model];
  const Manufacturer& maker = world_.manufacturers[model.manufacturer];
  DeviceLabel label{model.gtin,
                    instance.lot,
                    instance.serial,
                    instance.expiry,
                    instance.expiry_day_zero,
                    maker.hibc_lic,
                    ""};
  switch (form) {
    case ScanForm::kNone: return "";
    case ScanForm::kGs1: return Gs1ElementString(label, false);
    case ScanForm::kGs1WithSymbology: return Gs1ElementString(label, true);
    case ScanForm::kBracketed: return Gs1Bracketed(label);
    case ScanForm::kDigitalLink: return Gs1DigitalLink(label);
    case ScanForm::kHibc: {
      label.hibc_pcn = HibcProductCode(model.catalogue_number);
      std::string text = HibcConcatenated(label);
      // A space check character does not survive keyboard-wedge scanning (trailing blanks are
      // trimmed), so such a label is scanned from its GS1 symbol instead.
      return text.back() == ' ' ? Gs1ElementString(label, false) : text;
    }
  }
  return "";
}

void Renderer::Render(const Episode& e, const ProcedureRecord& p, uint64_t sequence,
                      RenderedProcedure& out) {
  const Patient& patient = patients_[p.patient];
  const RegistryProfile& profile = Profiles()[p.registry];
  const std::string& ods = world_.sites[p.site].ods;
  out.registry = p.registry;
  out.year = static_cast<int>(std::chrono::year_month_day{p.date}.year());
  auto& c = out.core;
  c[kColRegistry] = profile.code;
  FormatRef(c[kColRef], ods, sequence);
  c[kColSite] = ods;
  c[kColGmc] = world_.clinicians[p.clinician].gmc;
  c[kColNhs] = rng_.Bernoulli(kMissingNhsNumber) ? "" : NhsNumberFor(patient.nhs_body);
  FormatDate(c[kColDob], Date{days{patient.date_of_birth}});
  c[kColSex].assign(1, patient.sex);
  c[kColPostcode] = patient.postcode.data();
  FormatDate(c[kColDate], p.date);
  c[kColType] = ProcedureTypeName(p.type);
  c[kColOpcs] = p.opcs_main;
  if (const std::string_view q = LateralityQualifier(p.laterality);
      !q.empty() && !p.opcs_main.empty()) {
    c[kColOpcs] += ';';
    c[kColOpcs] += q;
  }
  c[kColSnomed].clear();
  c[kColLaterality].assign(1, p.laterality);
  c[kColIndication] = p.indication;
  c[kColAsa].clear();
  if (p.asa > 0) c[kColAsa].push_back(static_cast<char>('0' + p.asa));
  c[kColBmi] = p.bmi_tenths > 0 ? std::to_string(p.bmi_tenths / 10) + '.' +
                                      static_cast<char>('0' + p.bmi_tenths % 10)
                                : "";
  out.devices.resize(p.devices.size());
  for (size_t i = 0; i < p.devices.size(); ++i) {
    const DeviceRow& row = p.devices[i];
    const DeviceInstance& instance = e.instances[row.instance];
    auto& d = out.devices[i];
    d[kColAction] = row.implanted ? "implanted" : "explanted";
    // Explanted devices are identified from the implant record, not from a label.
    d[kColScan] = row.implanted ? ScanText(instance, instance.scan) : "";
    d[kColGtin] = world_.models[instance.model].gtin;
    d[kColLot] = instance.lot;
    d[kColSerial] = instance.serial;
    FormatDate(d[kColExpiry], instance.expiry);
  }
  const bool first = &p == &e.procedures.front();
  const int age = WholeYearsBetween(Date{days{patient.date_of_birth}}, p.date);
  const FieldContext ctx{world_, e, p,           patient,
                         age,    c, out.devices, first ? nullptr : &primary_fields_};
  fillers_[p.registry].Fill(ctx, rng_, out.fields, out.device_fields);
  if (first) primary_fields_ = out.fields;
}

PlantedError Renderer::Spoil(const Episode& e, const ProcedureRecord& p, RenderedProcedure& out) {
  auto& c = out.core;
  const std::string& ref = c[kColRef];
  std::vector<int> kinds = {1, 2, 3};
  if (!c[kColNhs].empty()) kinds.push_back(0);
  if (!out.devices.empty()) kinds.insert(kinds.end(), {4, 5});
  // An unknown code is only detectable where the definition lists the codes of this type.
  const domain::RegistryDefinition* definition = fillers_[p.registry].definition();
  const auto* listed =
      definition == nullptr ? nullptr : definition->FindProcedureType(DomainType(p.type));
  if (!c[kColOpcs].empty() && listed != nullptr && !listed->opcs_codes.empty()) kinds.push_back(6);
  switch (kinds[rng_.Below(kinds.size())]) {
    case 0: {
      char& last = c[kColNhs].back();
      last = static_cast<char>('0' + (last - '0' + 1 + rng_.Below(9)) % 10);
      return {ref, "nhs_number", "bad_check_digit"};
    }
    case 1: {
      static constexpr std::string_view kRequired[] = {"procedure_date", "provider_site",
                                                       "procedure_type"};
      static constexpr int kColumns[] = {kColDate, kColSite, kColType};
      const size_t which = rng_.Below(3);
      c[kColumns[which]].clear();
      return {ref, kRequired[which], "missing"};
    }
    case 2:
      FormatDate(c[kColDob], p.date + days{rng_.Between(1, 400)});
      return {ref, "date_of_birth", "after_procedure_date"};
    case 3: {
      // A typed year: the same day some decades on (the 28th when that day does not exist).
      const std::chrono::year_month_day ymd{p.date};
      std::chrono::year_month_day later{ymd.year() + std::chrono::years{rng_.Between(30, 60)},
                                        ymd.month(), ymd.day()};
      if (!later.ok()) later = later.year() / later.month() / 28;
      FormatDate(c[kColDate], Date{later});
      return {ref, "procedure_date", "in_future"};
    }
    case 4: {
      auto& d = out.devices[rng_.Below(out.devices.size())];
      d[kColScan].clear();
      char& last = d[kColGtin].back();
      last = static_cast<char>('0' + (last - '0' + 1 + rng_.Below(9)) % 10);
      return {ref, "gtin", "bad_check_digit"};
    }
    case 5: {
      const size_t i = rng_.Below(out.devices.size());
      auto& d = out.devices[i];
      if (d[kColScan].empty()) {
        d[kColScan] = ScanText(e.instances[p.devices[i].instance], ScanForm::kGs1WithSymbology);
      }
      char& last = d[kColLot].back();
      last = last == 'Z' ? 'Y' : static_cast<char>(last == '9' ? 'A' : last + 1);
      return {ref, "lot", "disagrees_with_device_scan"};
    }
    default: {
      static constexpr std::string_view kOtherCodes[] = {"H01.1", "Q07.4", "F34.1", "E25.1"};
      const std::string_view code = kOtherCodes[rng_.Below(std::size(kOtherCodes))];
      const size_t semicolon = c[kColOpcs].find(';');
      c[kColOpcs] =
          std::string(code) + (semicolon == std::string::npos ? "" : c[kColOpcs].substr(semicolon));
      return {ref, "opcs_codes", "unknown_code"};
    }
  }
}

}  // namespace orp::synth
