// orp::Error and orp::Result<T>: how every expected failure in ORP is returned.
//
// A Result<T> is std::expected<T, Error>. Functions that can fail on bad input, missing data or
// an unavailable dependency return one; they never throw. Error carries a code from the short
// list below and a message written for the person who must act on it ("NHS number 9434765918:
// check digit should be 9"). The message never contains a patient identifier unless the caller
// is about to show it to a person entitled to see it; logs get Error::code() only where in doubt.
//
// Choosing a code (after absl::StatusCode):
//   kInvalidArgument     the input itself is wrong, whatever the state of the system
//   kNotFound            a named thing does not exist
//   kAlreadyExists       a create collided with an existing thing
//   kPermissionDenied    the caller is known but not allowed
//   kUnauthenticated     the caller is not known
//   kFailedPrecondition  the input is fine but the system is not in a state to accept it
//   kUnavailable         a dependency is down; retrying may succeed
//   kDataLoss            stored data is corrupt or unreadable
//   kInternal            a bug: an invariant broke
// Thread safety: plain values; safe to copy between threads.
#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <utility>

namespace orp {

enum class ErrorCode {
  kInvalidArgument,
  kNotFound,
  kAlreadyExists,
  kPermissionDenied,
  kUnauthenticated,
  kFailedPrecondition,
  kUnavailable,
  kDataLoss,
  kInternal,
};

// The code's stable name, e.g. "INVALID_ARGUMENT": used in JSON error bodies and logs.
std::string_view ErrorCodeName(ErrorCode code);

// The process exit code for an error that ends a command (0 is success, 1 is "nothing valid").
int ExitCodeFor(ErrorCode code);

// The HTTP status for an error returned by a handler.
int HttpStatusFor(ErrorCode code);

class Error {
 public:
  Error(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // "INVALID_ARGUMENT: message"
  std::string ToString() const;

  // A copy whose message is "context: message", for adding where the error happened.
  Error WithContext(std::string_view context) const;

  friend bool operator==(const Error&, const Error&) = default;

 private:
  ErrorCode code_;
  std::string message_;
};

template <typename T>
using Result = std::expected<T, Error>;

// Shorthands for building the unexpected side: `return InvalidArgument("…");`
std::unexpected<Error> MakeError(ErrorCode code, std::string message);
inline std::unexpected<Error> InvalidArgument(std::string m) {
  return MakeError(ErrorCode::kInvalidArgument, std::move(m));
}
inline std::unexpected<Error> NotFound(std::string m) {
  return MakeError(ErrorCode::kNotFound, std::move(m));
}
inline std::unexpected<Error> AlreadyExists(std::string m) {
  return MakeError(ErrorCode::kAlreadyExists, std::move(m));
}
inline std::unexpected<Error> PermissionDenied(std::string m) {
  return MakeError(ErrorCode::kPermissionDenied, std::move(m));
}
inline std::unexpected<Error> Unauthenticated(std::string m) {
  return MakeError(ErrorCode::kUnauthenticated, std::move(m));
}
inline std::unexpected<Error> FailedPrecondition(std::string m) {
  return MakeError(ErrorCode::kFailedPrecondition, std::move(m));
}
inline std::unexpected<Error> Unavailable(std::string m) {
  return MakeError(ErrorCode::kUnavailable, std::move(m));
}
inline std::unexpected<Error> DataLoss(std::string m) {
  return MakeError(ErrorCode::kDataLoss, std::move(m));
}
inline std::unexpected<Error> Internal(std::string m) {
  return MakeError(ErrorCode::kInternal, std::move(m));
}

}  // namespace orp

// Propagates the error of a Result-returning expression, else yields nothing.
//   ORP_RETURN_IF_ERROR(store.Put(x));
#define ORP_RETURN_IF_ERROR(expr)                                  \
  do {                                                             \
    auto orp_status_ = (expr);                                     \
    if (!orp_status_) return std::unexpected(orp_status_.error()); \
  } while (false)
