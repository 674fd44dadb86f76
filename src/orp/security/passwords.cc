// Accounts: changing a password (by the signed-in person, or by an admin from the command line),
// the password policy, and the one-use claim of TOTP codes shared with sign-in.
#include <fmt/format.h>

#include <algorithm>

#include "orp/core/text.h"
#include "orp/security/accounts.h"
#include "orp/security/totp.h"

namespace orp::security {
namespace {

AuditEvent PasswordEvent(domain::Instant at, std::string actor, const std::string& username,
                         std::string outcome) {
  AuditEvent e;
  e.at = at;
  e.actor = std::move(actor);
  e.action = "user.password";
  e.object = "user/" + username;
  e.outcome = std::move(outcome);
  return e;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; });
  return out;
}

}  // namespace

Result<void> CheckPasswordPolicy(std::string_view username, std::string_view password) {
  if (password.size() < kMinPasswordLength) {
    return InvalidArgument(fmt::format("new_password: must be at least {} characters (got {})",
                                       kMinPasswordLength, password.size()));
  }
  if (password.size() > kMaxPasswordLength) {
    return InvalidArgument(
        fmt::format("new_password: must be at most {} characters", kMaxPasswordLength));
  }
  if (Lower(Trim(password)) == Lower(username)) {
    return InvalidArgument("new_password: must not be the username");
  }
  return {};
}

Result<bool> Accounts::ClaimTotp(int64_t user_id, int64_t step) {
  auto txn = store_.Begin();
  if (!txn) return std::unexpected(txn.error());
  auto claimed = (*txn)->ClaimTotpStep(user_id, step);
  if (!claimed) return claimed;
  ORP_RETURN_IF_ERROR((*txn)->Commit());
  return claimed;
}

// Why a password change is refused ("" when it is not): the same checks as sign-in, so this
// route is no easier a way to guess a password (failures count towards the sign-in lock).
Result<std::string> Accounts::PasswordChangeRefusal(const storage::UserRecord& user,
                                                    const PasswordChange& change,
                                                    domain::Instant now) {
  auto failures =
      store_.CountLoginFailures(user.username, change.remote, now - options_.login_window);
  if (!failures) return std::unexpected(failures.error());
  if (failures->by_username >= options_.max_failures_per_user ||
      failures->by_remote >= options_.max_failures_per_remote) {
    return "locked: too many failed sign-ins";
  }
  if (user.disabled) return "account disabled";
  if (user.password_hash.empty()) return "account has no password (tokens only)";
  if (!VerifyPassword(user.password_hash, change.current_password)) return "wrong password";
  if (user.totp_secret.empty()) return "";
  auto step = MatchTotpStep(Base32Decode(user.totp_secret).value_or(""), change.totp_code, now);
  if (!step)
    return change.totp_code.empty() ? "missing second factor code" : "wrong second factor code";
  auto claimed = ClaimTotp(user.id, *step);
  if (!claimed) return std::unexpected(claimed.error());
  if (!*claimed) return "second factor code already used";
  return "";
}

Result<void> Accounts::ChangePassword(const PasswordChange& change) {
  const domain::Instant now = Now();
  auto user = store_.FindUserById(change.user_id);
  if (!user) return std::unexpected(user.error());
  if (!*user) return Unauthenticated("the account does not exist");
  const storage::UserRecord& u = **user;
  auto reason = PasswordChangeRefusal(u, change, now);
  if (!reason) return std::unexpected(reason.error());
  if (!reason->empty()) {
    Result<void> recorded = RunAudited(store_, [&](storage::Transaction& txn) -> Result<void> {
      ORP_RETURN_IF_ERROR(txn.RecordLoginAttempt({now, u.username, change.remote, false}));
      auto seq = AppendAudit(txn, PasswordEvent(now, u.username, u.username, "denied: " + *reason));
      if (!seq) return std::unexpected(seq.error());
      return {};
    });
    if (!recorded) return recorded;
    return PermissionDenied("current password or code not accepted");
  }
  ORP_RETURN_IF_ERROR(CheckPasswordPolicy(u.username, change.new_password));
  if (VerifyPassword(u.password_hash, change.new_password)) {
    return InvalidArgument("new_password: must differ from the current password");
  }
  const std::string keep = Sha256Hex(change.session_cookie);
  return StorePassword(u, change.new_password, keep, u.username,
                       "ok: changed by the user; other sessions ended");
}

Result<void> Accounts::SetPassword(std::string_view username, std::string_view password,
                                   std::string_view actor) {
  auto name = NormaliseUsername(username);
  if (!name) return std::unexpected(name.error());
  auto user = store_.FindUser(*name);
  if (!user) return std::unexpected(user.error());
  if (!*user) return NotFound(fmt::format("no user '{}'", *name));
  ORP_RETURN_IF_ERROR(CheckPasswordPolicy((*user)->username, password));
  return StorePassword(**user, password, "", actor, "ok: set by an administrator; sessions ended");
}

Result<void> Accounts::StorePassword(const storage::UserRecord& user, std::string_view password,
                                     std::string_view keep_session_hash, std::string_view actor,
                                     std::string_view outcome) {
  auto hash = HashPassword(password, options_.password_cost);
  if (!hash) return std::unexpected(hash.error());
  const domain::Instant now = Now();
  return RunAudited(store_, [&](storage::Transaction& txn) -> Result<void> {
    ORP_RETURN_IF_ERROR(txn.SetUserPassword(user.id, *hash));
    ORP_RETURN_IF_ERROR(txn.DeleteSessionsOfExcept(user.id, keep_session_hash));
    auto seq = AppendAudit(
        txn, PasswordEvent(now, std::string(actor), user.username, std::string(outcome)));
    if (!seq) return std::unexpected(seq.error());
    return {};
  });
}

}  // namespace orp::security
