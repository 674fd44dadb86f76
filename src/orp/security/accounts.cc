// Accounts: users and sign-in. Sessions, tokens and Authenticate are in sessions.cc.
#include "orp/security/accounts.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "orp/core/text.h"
#include "orp/security/totp.h"

namespace orp::security {
namespace {

constexpr std::string_view kRejected = "username, password or code not accepted";
constexpr size_t kMaxUsername = 64;

bool IsUsernameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '@' ||
         c == '-';
}

bool IsHex64(std::string_view text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

Result<void> CheckGrants(const NewUser& user) {
  if (user.grants.empty()) return InvalidArgument("a user needs at least one role");
  for (const Grant& g : user.grants) {
    // Re-validate: a Grant may have been built by hand rather than by ParseGrant.
    auto parsed = ParseGrant(FormatGrant(g));
    if (!parsed) return std::unexpected(parsed.error());
    if (*parsed != g) {
      return InvalidArgument(fmt::format("grant '{}' is not in normal form", FormatGrant(g)));
    }
  }
  bool is_patient = std::any_of(user.grants.begin(), user.grants.end(),
                                [](const Grant& g) { return g.role == Role::kPatient; });
  if (is_patient && !IsHex64(user.patient)) {
    return InvalidArgument("role patient@self needs the patient's pseudonym (64 hex digits)");
  }
  if (!is_patient && !user.patient.empty()) {
    return InvalidArgument("a patient pseudonym is given only with role patient@self");
  }
  return {};
}

// The same argon2id work as a real check, for usernames that do not exist (no timing oracle).
void SpendVerifyTime(std::string_view password, PasswordCost cost) {
  // One dummy hash per cost, made on first use (the moderate one takes seconds).
  static const std::string kMinimum =
      HashPassword("orp-dummy", PasswordCost::kMinimum).value_or("");
  auto hash_of = [](PasswordCost c) -> const std::string& {
    if (c == PasswordCost::kInteractive) {
      static const std::string kInteractive =
          HashPassword("orp-dummy", PasswordCost::kInteractive).value_or("");
      return kInteractive;
    }
    static const std::string kModerate =
        HashPassword("orp-dummy", PasswordCost::kModerate).value_or("");
    return kModerate;
  };
  (void)VerifyPassword(cost == PasswordCost::kMinimum ? kMinimum : hash_of(cost), password);
}

}  // namespace

Result<std::string> NormaliseUsername(std::string_view text) {
  std::string name = std::string(Trim(text));
  std::transform(name.begin(), name.end(), name.begin(),
                 [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; });
  if (name.empty() || name.size() > kMaxUsername ||
      !std::all_of(name.begin(), name.end(), IsUsernameChar)) {
    return InvalidArgument(
        fmt::format("username '{}' must be 1-64 of a-z, 0-9, '.', '_', '@', '-'", Printable(text)));
  }
  return name;
}

Accounts::Accounts(storage::Store& store, AuditLog& audit, AccountsOptions options)
    : store_(store), audit_(audit), options_(std::move(options)) {
  if (!options_.clock) options_.clock = SystemNow;
}

domain::Instant Accounts::Now() const { return options_.clock(); }

Result<CreatedUser> Accounts::AddUser(const NewUser& user, std::string_view actor) {
  auto username = NormaliseUsername(user.username);
  if (!username) return std::unexpected(username.error());
  ORP_RETURN_IF_ERROR(CheckGrants(user));
  const bool only_patient = std::all_of(user.grants.begin(), user.grants.end(),
                                        [](const Grant& g) { return g.role == Role::kPatient; });
  if (options_.require_second_factor && user.password && !user.require_totp && !only_patient) {
    return InvalidArgument(fmt::format(
        "user '{}' signs in with a password and holds {}: a person who can see registry data "
        "needs a second factor (TOTP)",
        *username, FormatGrants(user.grants)));
  }
  storage::UserRecord record;
  record.username = *username;
  record.patient = user.patient;
  record.created_at = Now();
  for (const Grant& g : user.grants) record.grants.push_back(FormatGrant(g));
  if (user.password) {
    auto hash = HashPassword(*user.password, options_.password_cost);
    if (!hash) return std::unexpected(hash.error());
    record.password_hash = std::move(*hash);
  }
  CreatedUser created;
  if (user.require_totp) {
    auto secret = NewTotpSecret();
    if (!secret) return std::unexpected(secret.error());
    record.totp_secret = *secret;
    created.totp_secret = *secret;
    created.otpauth_uri = OtpauthUri(options_.totp_issuer, record.username, *secret);
  }
  auto done = RunAudited(store_, [&](storage::Transaction& txn) -> Result<void> {
    auto id = txn.AddUser(record);
    if (!id) return std::unexpected(id.error());
    created.user_id = *id;
    return RecordAudit(
        txn, AccountEvent(Now(), std::string(actor), "user.create", "user/" + record.username,
                          "ok: " + fmt::format("{}", fmt::join(record.grants, ", "))));
  });
  if (!done) {
    if (done.error().code() == ErrorCode::kAlreadyExists) {
      return AlreadyExists(fmt::format("user '{}' already exists", record.username));
    }
    return std::unexpected(done.error());
  }
  return created;
}

Result<void> Accounts::DisableUser(std::string_view username, std::string_view actor) {
  auto name = NormaliseUsername(username);
  if (!name) return std::unexpected(name.error());
  auto user = store_.FindUser(*name);
  if (!user) return std::unexpected(user.error());
  if (!*user) return NotFound(fmt::format("no user '{}'", *name));
  const int64_t id = (*user)->id;
  return RunAudited(store_, [&](storage::Transaction& txn) -> Result<void> {
    ORP_RETURN_IF_ERROR(txn.SetUserDisabled(id, true));
    ORP_RETURN_IF_ERROR(txn.DeleteSessionsOf(id));
    return RecordAudit(
        txn, AccountEvent(Now(), std::string(actor), "user.disable", "user/" + *name, "ok"));
  });
}

Result<std::vector<UserInfo>> Accounts::ListUsers() {
  auto users = store_.ListUsers();
  if (!users) return std::unexpected(users.error());
  std::vector<UserInfo> out;
  for (const storage::UserRecord& u : *users) {
    UserInfo info{u.id,       u.username,  {}, !u.password_hash.empty(), !u.totp_secret.empty(),
                  u.disabled, u.created_at};
    for (const std::string& text : u.grants) {
      auto grant = ParseGrant(text);
      if (!grant)
        return DataLoss(
            fmt::format("stored grant of user '{}': {}", u.username, grant.error().message()));
      info.grants.push_back(*grant);
    }
    out.push_back(std::move(info));
  }
  return out;
}

Result<Session> Accounts::Login(std::string_view username, std::string_view password,
                                std::string_view totp_code, std::string_view remote) {
  const domain::Instant now = Now();
  // The actor we record: the name as typed, made printable and bounded, or its normal form.
  auto name = NormaliseUsername(username);
  const std::string typed = name ? *name : Printable(Trim(username).substr(0, kMaxUsername));
  std::optional<storage::UserRecord> user;
  auto reason = RefusalReason(typed, name.has_value(), password, totp_code, remote, now, user);
  if (!reason) return std::unexpected(reason.error());
  if (!reason->empty()) {
    ORP_RETURN_IF_ERROR(RecordLogin(typed, remote, false, "denied: " + *reason, nullptr));
    return Unauthenticated(std::string(kRejected));
  }
  auto principal = PrincipalOf(*user);
  if (!principal) return std::unexpected(principal.error());
  auto id = RandomBytes(32);
  auto csrf = RandomBytes(32);
  if (!id || !csrf) return std::unexpected(!id ? id.error() : csrf.error());
  Session session{Base32Encode(*id, true), Base32Encode(*csrf, true),
                  now + options_.session_lifetime, std::move(*principal)};
  storage::SessionRecord stored{
      Sha256Hex(session.id), user->id,           session.csrf_token, now, now,
      session.expires_at,    std::string(remote)};
  ORP_RETURN_IF_ERROR(RecordLogin(typed, remote, true, "ok", &stored));
  return session;
}

Result<std::string> Accounts::RefusalReason(const std::string& username, bool well_formed,
                                            std::string_view password, std::string_view totp_code,
                                            std::string_view remote, domain::Instant now,
                                            std::optional<storage::UserRecord>& user) {
  auto failures = store_.CountLoginFailures(username, remote, now - options_.login_window);
  if (!failures) return std::unexpected(failures.error());
  if (failures->by_username >= options_.max_failures_per_user) {
    return "locked: too many failed sign-ins for this username";
  }
  if (failures->by_remote >= options_.max_failures_per_remote) {
    return "locked: too many failed sign-ins from this address";
  }
  if (well_formed) {
    auto found = store_.FindUser(username);
    if (!found) return std::unexpected(found.error());
    user = std::move(*found);
  }
  if (!user || user->password_hash.empty()) {
    SpendVerifyTime(password, options_.password_cost);
    return user ? "account has no password (tokens only)" : "unknown username";
  }
  if (!VerifyPassword(user->password_hash, password)) return "wrong password";
  std::optional<int64_t> step;
  if (!user->totp_secret.empty()) {
    step = MatchTotpStep(Base32Decode(user->totp_secret).value_or(""), totp_code, now);
    if (!step) return totp_code.empty() ? "missing second factor code" : "wrong second factor code";
  }
  if (user->disabled) return "account disabled";
  if (step) {
    // Last, so only a sign-in that would otherwise succeed uses the code up.
    auto claimed = ClaimTotp(user->id, *step);
    if (!claimed) return std::unexpected(claimed.error());
    if (!*claimed) return "second factor code already used";
  }
  return "";
}

Result<void> Accounts::RecordLogin(std::string_view username, std::string_view remote, bool success,
                                   std::string_view outcome,
                                   const storage::SessionRecord* session) {
  const domain::Instant now = Now();
  return RunAudited(store_, [&](storage::Transaction& txn) -> Result<void> {
    ORP_RETURN_IF_ERROR(
        txn.RecordLoginAttempt({now, std::string(username), std::string(remote), success}));
    if (session != nullptr) ORP_RETURN_IF_ERROR(txn.AddSession(*session));
    return RecordAudit(
        txn, AccountEvent(now, std::string(username), "session.create",
                          fmt::format("remote/{}", Printable(remote)), std::string(outcome)));
  });
}

Result<Principal> Accounts::PrincipalOf(const storage::UserRecord& user) const {
  Principal p;
  p.user_id = user.id;
  p.username = user.username;
  p.patient = user.patient;
  for (const std::string& text : user.grants) {
    auto grant = ParseGrant(text);
    if (!grant) {
      return DataLoss(
          fmt::format("stored grant of user '{}': {}", user.username, grant.error().message()));
    }
    p.grants.push_back(*grant);
  }
  return p;
}

}  // namespace orp::security
