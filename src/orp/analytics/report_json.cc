#include "orp/analytics/report_json.h"

#include <fmt/format.h>

#include <cmath>
#include <optional>
#include <string_view>

namespace orp::analytics {
namespace {

// A JSON object being written: Key adds the separator and the quoted name.
class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}

  void Open(char bracket) {
    out_ += bracket;
    first_ = true;
  }
  void Close(char bracket) {
    out_ += bracket;
    first_ = false;
  }
  void Key(std::string_view name) {
    Separate();
    String(name);
    out_ += ':';
  }
  void Separate() {
    if (!first_) out_ += ',';
    first_ = false;
  }
  void String(std::string_view text) {
    out_ += '"';
    for (char c : text) {
      if (c == '"' || c == '\\') {
        out_ += '\\';
        out_ += c;
      } else if (static_cast<unsigned char>(c) < 0x20) {
        out_ += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
      } else {
        out_ += c;
      }
    }
    out_ += '"';
  }
  void Number(double value) {
    if (std::isfinite(value)) {
      fmt::format_to(std::back_inserter(out_), "{}", value);
    } else {
      out_ += "null";
    }
  }
  void Number(std::optional<double> value) { value ? Number(*value) : Null(); }
  void Integer(std::optional<int64_t> value) {
    if (value) {
      fmt::format_to(std::back_inserter(out_), "{}", *value);
    } else {
      Null();
    }
  }
  void Bool(bool value) { out_ += value ? "true" : "false"; }
  void Null() { out_ += "null"; }

  void Field(std::string_view name, std::string_view text) {
    Key(name);
    String(text);
  }
  void Field(std::string_view name, std::optional<double> value) {
    Key(name);
    Number(value);
  }
  void Count(std::string_view name, std::optional<int64_t> value) {
    Key(name);
    Integer(value);
  }
  void Flag(std::string_view name, bool value) {
    Key(name);
    Bool(value);
  }

 private:
  std::string& out_;
  bool first_ = true;
};

void WriteAt(Writer& w, const SurvivalAtTime& a, bool aj) {
  w.Separate();
  w.Open('{');
  w.Field("years", a.years);
  w.Field("days", a.days);
  w.Count("n_risk", a.n_risk);
  w.Count("n_event", a.n_event);
  w.Count("n_censor", a.n_censor);
  w.Flag("few_at_risk", a.few_at_risk);
  w.Flag("withheld", a.withheld);
  w.Field("surv", a.surv);
  w.Field("std_err", a.std_err);
  w.Field("lower", a.lower);
  w.Field("upper", a.upper);
  if (aj) {
    w.Field("cif", a.cif);
    w.Field("cif_var", a.cif_var);
    w.Field("cif_lower", a.cif_lower);
    w.Field("cif_upper", a.cif_upper);
    w.Field("cif_death", a.cif_death);
    w.Field("cif_death_var", a.cif_death_var);
  }
  w.Close('}');
}

void WriteCurvePoint(Writer& w, const SurvivalCurvePoint& p, bool aj) {
  w.Separate();
  w.Open('{');
  w.Count("day", p.day);
  w.Count("n_risk", p.n_risk);
  w.Count("n_event", p.n_event);
  w.Count("n_censor", p.n_censor);
  w.Field("surv", p.surv);
  w.Field("lower", p.lower);
  w.Field("upper", p.upper);
  if (aj) {
    w.Field("cif", p.cif);
    w.Field("cif_lower", p.cif_lower);
    w.Field("cif_upper", p.cif_upper);
  }
  w.Close('}');
}

void WriteGroup(Writer& w, const SurvivalGroup& g, bool aj) {
  w.Separate();
  w.Open('{');
  w.Field("group", g.label);
  w.Count("n", g.n);
  w.Count("revisions", g.revisions);
  w.Count("deaths", g.deaths);
  w.Flag("withheld", g.withheld);
  w.Key("at");
  w.Open('[');
  for (const SurvivalAtTime& a : g.at) WriteAt(w, a, aj);
  w.Close(']');
  w.Key("curve");
  w.Open('[');
  for (const SurvivalCurvePoint& p : g.curve) WriteCurvePoint(w, p, aj);
  w.Close(']');
  w.Close('}');
}

}  // namespace

std::string SurvivalReportJson(const SurvivalReport& r) {
  std::string out;
  Writer w(out);
  const bool aj = r.method == SurvivalMethod::kAalenJohansen;
  w.Open('{');
  w.Field("registry", r.registry);
  w.Field("by", r.by);
  w.Field("unit", r.unit);
  w.Field("method", SurvivalMethodName(r.method));
  w.Field("audience", stats::AudienceName(r.audience));
  w.Field("conf_type", stats::ConfTypeName(r.conf_type));
  w.Field("conf_level", r.conf_level);
  w.Field("data_cut", FormatIsoDate(r.data_cut));
  w.Count("change_seq", r.change_seq);
  w.Flag("opt_out_applied", r.opt_out_applied);
  w.Count("units", r.units);
  w.Key("excluded");
  w.Open('{');
  w.Count("opted_out", r.excluded_opted_out);
  w.Count("after_data_cut", r.excluded_after_cut);
  w.Count("inconsistent_dates", r.excluded_inconsistent);
  w.Close('}');
  w.Key("at_risk_rules");
  w.Open('{');
  w.Count("flag_below", r.flag_below_at_risk);
  w.Count("suppress_below", r.suppress_below_at_risk);
  w.Close('}');
  w.Key("groups");
  w.Open('[');
  for (const SurvivalGroup& g : r.groups) WriteGroup(w, g, aj);
  w.Close(']');
  w.Close('}');
  out += '\n';
  return out;
}

}  // namespace orp::analytics
