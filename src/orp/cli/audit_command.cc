// orp audit verify --db URL [--anchor HASH] [--format table|json|csv]
//   Walks the hash chain (security/audit.h); exits non-zero (74, data loss) naming the first bad
//   entry. Prints the head hash: keep it elsewhere to detect entries removed from the end.
// orp audit list --db URL [--actor U] [--object OBJ] [--since T] [--until T] [--limit N]
//                [--format table|json|csv]
//   Entries by person, object (patient/<pseudonym hex>) and time (UTC: YYYY-MM-DD or
//   YYYY-MM-DDTHH:MM:SSZ; since inclusive, until exclusive). Reading the log is itself logged.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "orp/cli/commands.h"
#include "orp/cli/exit.h"
#include "orp/cli/table.h"
#include "orp/core/date.h"
#include "orp/core/text.h"
#include "orp/security/accounts.h"
#include "orp/security/audit.h"
#include "orp/storage/store.h"

namespace orp::cli {
namespace {

struct AuditOptions {
  std::string db;
  std::string anchor;
  std::string actor;
  std::string object;
  std::string since;
  std::string until;
  int64_t limit = 0;
  std::string format = "table";
};

// "YYYY-MM-DD" (midnight UTC) or "YYYY-MM-DDTHH:MM:SSZ".
Result<domain::Instant> ParseInstant(std::string_view option, std::string_view text) {
  auto fail = [&] {
    return InvalidArgument(
        fmt::format("{} '{}' is not YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ", option, Printable(text)));
  };
  auto date = ParseIsoDate(text.substr(0, 10));
  if (!date) return fail();
  domain::Instant at = std::chrono::time_point_cast<std::chrono::seconds>(*date);
  if (text.size() == 10) return at;
  if (text.size() != 20 || text[10] != 'T' || text[13] != ':' || text[16] != ':' ||
      text[19] != 'Z') {
    return fail();
  }
  std::string_view h = text.substr(11, 2), m = text.substr(14, 2), s = text.substr(17, 2);
  if (!IsAsciiDigits(h) || !IsAsciiDigits(m) || !IsAsciiDigits(s)) return fail();
  int hh = std::stoi(std::string(h)), mm = std::stoi(std::string(m)),
      ss = std::stoi(std::string(s));
  if (hh > 23 || mm > 59 || ss > 59) return fail();
  return at + std::chrono::hours(hh) + std::chrono::minutes(mm) + std::chrono::seconds(ss);
}

void RunVerify(const AuditOptions& o, const Environment& env) {
  OutputFormat format = ValueOrFail("audit verify", ParseOutputFormat(o.format));
  auto store = OpenStoreOrFail("audit verify", env, o.db);
  security::VerifyReport report = ValueOrFail("audit verify", security::Verify(*store, o.anchor));
  if (!report.ok()) {
    Fail("audit verify",
         Error(ErrorCode::kDataLoss,
               fmt::format("audit entry seq {} fails: {} (last good hash: {})", *report.first_bad,
                           report.problem, report.head.empty() ? "none" : report.head)));
  }
  if (format == OutputFormat::kJson) {
    nlohmann::ordered_json out = {{"entries", report.entries}, {"ok", true}, {"head", report.head}};
    fmt::print("{}\n", out.dump(2));
    return;
  }
  Table table({"entries", "chain", "head"});
  table.AddRow({std::to_string(report.entries), "intact", report.head});
  fmt::print("{}", format == OutputFormat::kCsv ? table.RenderCsv() : table.RenderText());
}

void RunList(const AuditOptions& o, const Environment& env) {
  constexpr std::string_view kCommand = "audit list";
  OutputFormat format = ValueOrFail(kCommand, ParseOutputFormat(o.format));
  storage::AuditQuery query;
  query.actor = o.actor;
  query.object = o.object;
  if (!o.since.empty()) query.since = ValueOrFail(kCommand, ParseInstant("--since", o.since));
  if (!o.until.empty()) query.until = ValueOrFail(kCommand, ParseInstant("--until", o.until));
  query.limit = o.limit;
  auto store = OpenStoreOrFail(kCommand, env, o.db);
  security::AuditLog log(*store);
  std::vector<domain::AuditRecord> records = ValueOrFail(kCommand, log.Query(query));
  // Reading the log shows who looked at which patient: that read is recorded too.
  security::AuditEvent read;
  read.actor = std::string(security::kCommandLineActor);
  read.action = "audit.read";
  read.object = o.object.empty() ? "audit" : o.object;
  read.purpose = fmt::format("actor={} since={} until={}", o.actor, o.since, o.until);
  read.outcome = fmt::format("ok: {} entries", records.size());
  ValueOrFail(kCommand, log.Append(read));
  const std::vector<std::string> headers = {"seq",    "at",         "actor",   "role",   "action",
                                            "object", "request_id", "purpose", "outcome"};
  if (format == OutputFormat::kJson) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& r : records) {
      out.push_back({{"seq", r.seq},
                     {"at", FormatIsoInstant(r.at)},
                     {"actor", r.actor},
                     {"role", r.role},
                     {"action", r.action},
                     {"object", r.object},
                     {"request_id", r.request_id},
                     {"purpose", r.purpose},
                     {"outcome", r.outcome},
                     {"prev_hash", r.prev_hash},
                     {"hash", r.hash}});
    }
    fmt::print("{}\n", out.dump(2));
    return;
  }
  Table table(headers);
  for (const auto& r : records) {
    table.AddRow({std::to_string(r.seq), FormatIsoInstant(r.at), r.actor, r.role, r.action,
                  r.object, r.request_id, r.purpose, r.outcome});
  }
  fmt::print("{}", format == OutputFormat::kCsv ? table.RenderCsv() : table.RenderText());
}

}  // namespace

void AddAuditCommand(CLI::App& app, const Environment& env) {
  auto o = std::make_shared<AuditOptions>();
  CLI::App* cmd = app.add_subcommand("audit", "Verify and query the hash-chained audit log.");
  cmd->require_subcommand(1);
  const std::string db_help = "Database URL: sqlite:PATH";

  CLI::App* verify = cmd->add_subcommand(
      "verify", "Check the hash chain; fail naming the first edited, deleted or moved entry.");
  verify->add_option("--db", o->db, db_help)->required();
  verify->add_option("--anchor", o->anchor,
                     "A head hash printed by an earlier verify: fail if entries after it were "
                     "removed from the end");
  verify->add_option("--format", o->format, "Output: table, json or csv")->default_val("table");
  verify->callback([o, &env] { RunVerify(*o, env); });

  CLI::App* list = cmd->add_subcommand("list", "Entries by person, patient or time.");
  list->add_option("--db", o->db, db_help)->required();
  list->add_option("--actor", o->actor, "Only this actor (username)");
  list->add_option("--object", o->object, "Only this object, e.g. patient/<pseudonym hex>");
  list->add_option("--since", o->since, "From this UTC time (YYYY-MM-DD[THH:MM:SSZ])");
  list->add_option("--until", o->until, "Before this UTC time");
  list->add_option("--limit", o->limit, "At most this many entries (0: all)")->default_val(0);
  list->add_option("--format", o->format, "Output: table, json or csv")->default_val("table");
  list->callback([o, &env] { RunList(*o, env); });
}

}  // namespace orp::cli
