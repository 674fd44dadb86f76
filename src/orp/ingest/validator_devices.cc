// Device rows: action, identifiers, the scanned label (orp::udi) and its agreement with the
// parsed columns, and the device catalogue.
#include <algorithm>

#include "orp/catalogue/compatibility.h"
#include "orp/catalogue/scan_check.h"
#include "orp/domain/device_id.h"
#include "orp/domain/gtin.h"
#include "orp/domain/registry_rule_eval.h"
#include "orp/ingest/validator_internal.h"
#include "orp/udi/parse.h"

namespace orp::ingest {
namespace {

using domain::Severity;

// GS1 AI (10)/(21): up to 20 characters of GS1 character set 82.
bool ValidCset82(std::string_view text) {
  static constexpr std::string_view kPunctuation = "!\"%&'()*+,-./:;<=>?_";
  return text.size() <= 20 && std::all_of(text.begin(), text.end(), [](char ch) {
           return std::isalnum(static_cast<unsigned char>(ch)) ||
                  kPunctuation.find(ch) != std::string_view::npos;
         });
}

struct DeviceIdentity {
  std::string di;  // normalised: GTIN-14 or HIBC DI
  std::string lot;
  std::string serial;
  std::optional<Date> expiry;
};

void Disagree(Check& c, int64_t row, std::string_view field, std::string_view column,
              std::string_view scanned) {
  c.Error(
      field, fmt::format("{}.disagrees_with_device_scan", field),
      fmt::format("{} '{}' disagrees with device_scan, which says '{}'", field, column, scanned),
      row);
}

// Parses device_scan and checks each element it carries against the columns.
void CheckScan(Check& c, const Validator::Compiled& v, const RawDevice& d, DeviceIdentity& id) {
  const std::string_view scan = FieldValue(d.fields, "device_scan");
  if (scan.empty()) return;
  udi::ParsedUdi parsed = udi::ParseUdi(scan, {.today = v.options.today});
  for (const udi::Finding& f : parsed.findings) {
    if (f.code == "udi.expired") continue;  // judged against the procedure date instead
    c.Add(d.row, "device_scan", std::string(f.code),
          f.severity == udi::Severity::kError ? Severity::kError : Severity::kWarning,
          "device_scan: " + f.message);
  }
  if (!parsed.ok()) return;
  if (parsed.issuer == udi::Issuer::kGs1) {
    if (id.di.empty()) {
      id.di = parsed.di;
    } else if (id.di != parsed.di) {
      Disagree(c, d.row, "gtin", FieldValue(d.fields, "gtin"), parsed.di);
    }
  } else if (parsed.issuer == udi::Issuer::kHibcc && v.options.catalogue && !id.di.empty()) {
    const catalogue::DeviceModel* hibc = v.options.catalogue->FindLatest(parsed.di);
    const catalogue::DeviceModel* gs1 = v.options.catalogue->FindLatest(id.di);
    if (hibc && gs1 &&
        (hibc->manufacturer != gs1->manufacturer ||
         hibc->catalogue_number != gs1->catalogue_number)) {
      Disagree(c, d.row, "gtin", FieldValue(d.fields, "gtin"), parsed.di);
    }
  }
  if (id.di.empty()) id.di = parsed.di;
  auto agree = [&](std::string_view field, std::string& column, const std::string& scanned) {
    if (scanned.empty()) return;
    if (column.empty()) {
      column = scanned;
    } else if (column != scanned) {
      Disagree(c, d.row, field, column, scanned);
    }
  };
  agree("lot", id.lot, parsed.lot);
  agree("serial", id.serial, parsed.serial);
  if (parsed.expiry && id.expiry && *parsed.expiry != *id.expiry) {
    Disagree(c, d.row, "expiry", FormatIsoDate(*id.expiry), FormatIsoDate(*parsed.expiry));
  }
  if (!id.expiry) id.expiry = parsed.expiry;
}

// The columns' own identity: gtin (normalised to 14 digits), lot, serial, expiry.
DeviceIdentity ReadColumns(Check& c, const RawDevice& d) {
  DeviceIdentity id;
  if (std::string_view gtin = FieldValue(d.fields, "gtin"); !gtin.empty()) {
    Result<std::string> di = catalogue::NormaliseDi(gtin);
    Result<domain::Gtin> parsed = domain::Gtin::Parse(gtin);
    if (!parsed || !di) {
      c.Error("gtin", "gtin.invalid",
              "gtin: " + (parsed ? di.error().message() : parsed.error().message()), d.row);
    } else {
      id.di = *di;
    }
  }
  for (std::string_view field : {"lot", "serial"}) {
    std::string_view value = FieldValue(d.fields, field);
    if (!ValidCset82(value)) {
      c.Error(
          field, fmt::format("{}.format", field),
          fmt::format("{} '{}' must be up to 20 characters of GS1 character set 82", field, value),
          d.row);
    }
  }
  id.lot = std::string(FieldValue(d.fields, "lot"));
  id.serial = std::string(FieldValue(d.fields, "serial"));
  if (std::string_view expiry = FieldValue(d.fields, "expiry"); !expiry.empty()) {
    Result<Date> date = ParseIsoDate(expiry);
    if (!date) {
      c.Error("expiry", "expiry.format", "expiry: " + date.error().message(), d.row);
    } else {
      id.expiry = *date;
    }
  }
  return id;
}

void CheckCatalogue(Check& c, const Validator::Compiled& v, const RawDevice& d,
                    const DeviceIdentity& id, domain::DeviceAction action) {
  if (!v.options.catalogue || id.di.empty() || c.out.procedure.date == Date{}) return;
  udi::ParsedUdi label;
  label.di = id.di;
  label.lot = id.lot;
  label.serial = id.serial;
  label.expiry = id.expiry;
  catalogue::ScanContext context{c.out.procedure.date, c.out.procedure.registry, std::nullopt};
  for (const udi::Finding& f : catalogue::CheckScan(*v.options.catalogue, label, context)) {
    // A device taken out was judged when it went in: only its identity matters now.
    if (action == domain::DeviceAction::kExplanted && f.code != "catalogue.unknown_di") continue;
    const std::string_view field = f.code == "catalogue.expired" ? "expiry" : "gtin";
    c.Add(d.row, field, std::string(f.code),
          f.severity == udi::Severity::kError ? Severity::kError : Severity::kWarning, f.message);
  }
}

// The definition's [[compatibility]] rules over the implanted devices (catalogue/compatibility.h).
// A finding sits on the row of the second device it names: the one that differs from the first,
// or the second of a pair not allowed.
void CheckCompatibility(const CompiledRegistry* registry, const Validator::Compiled& v, Check& c,
                        const std::vector<std::string>& dis, const std::vector<int64_t>& rows) {
  if (registry == nullptr || !v.options.catalogue || c.out.procedure.date == Date{}) return;
  for (const domain::CompatibilityRule& rule : registry->definition->compatibility) {
    if (rule.when && !domain::EvaluateRule(*rule.when, ViewOf(v, c.raw, nullptr))) continue;
    for (catalogue::CompatibilityFinding& f :
         catalogue::CheckCompatibility(*v.options.catalogue, rule, dis, c.out.procedure.date)) {
      const int64_t row = rows[f.devices.size() > 1 ? f.devices[1] : f.devices[0]];
      c.Add(row, "gtin", std::move(f.rule), f.severity, std::move(f.message));
    }
  }
}

// The device row's own registry fields that were given (checked by CheckRegistryFields).
std::map<std::string, std::string> DeviceFieldValues(const CompiledRegistry& registry,
                                                     const RawDevice& d) {
  std::map<std::string, std::string> values;
  for (const CompiledField& field : registry.device_fields) {
    const std::string& name = field.definition->name;
    if (std::string_view v = FieldValue(d.fields, name); !v.empty()) values.emplace(name, v);
  }
  return values;
}

}  // namespace

int CountDevices(const Validator::Compiled& compiled, const RawProcedure& raw,
                 std::string_view device_type) {
  int count = 0;
  for (const RawDevice& d : raw.devices) {
    if (FieldValue(d.fields, "device_action") != "implanted") continue;
    if (!compiled.options.catalogue) {
      ++count;
      continue;
    }
    std::string di;
    if (auto gtin = catalogue::NormaliseDi(FieldValue(d.fields, "gtin")); gtin) {
      di = *gtin;
    } else if (std::string_view scan = FieldValue(d.fields, "device_scan"); !scan.empty()) {
      di = udi::ParseUdi(scan, {.today = compiled.options.today}).di;
    }
    const catalogue::DeviceModel* model = compiled.options.catalogue->FindLatest(di);
    if (model && catalogue::DeviceTypeCode(model->device_type) == device_type) ++count;
  }
  return count;
}

void CheckDevices(const CompiledRegistry* registry, const Validator::Compiled& v, Check& c) {
  std::vector<std::string> implanted_dis;  // with the rows they came from, for compatibility
  std::vector<int64_t> implanted_rows;
  c.out.procedure.implants.reserve(c.raw.devices.size());
  for (const RawDevice& d : c.raw.devices) {
    std::optional<domain::DeviceAction> action;
    if (std::string_view text = FieldValue(d.fields, "device_action"); text.empty()) {
      c.Error("device_action", "device_action.required",
              "device_action is required on a device row: implanted or explanted", d.row);
    } else if (auto parsed = domain::ParseDeviceAction(text); !parsed) {
      c.Error("device_action", "device_action.invalid", parsed.error().message(), d.row);
    } else {
      action = *parsed;
    }
    if (FieldValue(d.fields, "device_scan").empty() && FieldValue(d.fields, "gtin").empty()) {
      c.Error("gtin", "device.identifier_missing",
              "a device row needs device_scan or gtin (or both)", d.row);
    }
    DeviceIdentity id = ReadColumns(c, d);
    CheckScan(c, v, d, id);
    if (action) CheckCatalogue(c, v, d, id, *action);
    if (action == domain::DeviceAction::kImplanted) {
      implanted_dis.push_back(id.di);
      implanted_rows.push_back(d.row);
    }
    domain::Implant implant;
    if (auto device = domain::DeviceId::Parse(id.di); device && device->gtin()) {
      implant.gtin = device->gtin();
    } else if (device) {
      implant.other_di = std::move(*device);  // a HIBCC DI (from the scan)
    }
    implant.lot = id.lot;
    implant.serial = id.serial;
    implant.expiry = id.expiry;
    implant.raw_scan = std::string(FieldValue(d.fields, "device_scan"));
    implant.action = action.value_or(domain::DeviceAction::kImplanted);
    implant.in_situ = implant.action == domain::DeviceAction::kImplanted;
    if (registry) implant.fields = DeviceFieldValues(*registry, d);
    c.out.procedure.implants.push_back(std::move(implant));
  }
  CheckCompatibility(registry, v, c, implanted_dis, implanted_rows);
}

}  // namespace orp::ingest
