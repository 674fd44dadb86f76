#include "orp/core/result.h"

#include <fmt/format.h>

namespace orp {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return "INVALID_ARGUMENT";
    case ErrorCode::kNotFound: return "NOT_FOUND";
    case ErrorCode::kAlreadyExists: return "ALREADY_EXISTS";
    case ErrorCode::kPermissionDenied: return "PERMISSION_DENIED";
    case ErrorCode::kUnauthenticated: return "UNAUTHENTICATED";
    case ErrorCode::kFailedPrecondition: return "FAILED_PRECONDITION";
    case ErrorCode::kUnavailable: return "UNAVAILABLE";
    case ErrorCode::kDataLoss: return "DATA_LOSS";
    case ErrorCode::kInternal: return "INTERNAL";
  }
  return "INTERNAL";
}

// Exit codes follow sysexits(3) where one fits, so scripts can tell bad input from an outage.
int ExitCodeFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return 65;     // EX_DATAERR
    case ErrorCode::kNotFound: return 66;            // EX_NOINPUT
    case ErrorCode::kAlreadyExists: return 73;       // EX_CANTCREAT
    case ErrorCode::kPermissionDenied: return 77;    // EX_NOPERM
    case ErrorCode::kUnauthenticated: return 77;     // EX_NOPERM
    case ErrorCode::kFailedPrecondition: return 78;  // EX_CONFIG
    case ErrorCode::kUnavailable: return 69;         // EX_UNAVAILABLE
    case ErrorCode::kDataLoss: return 74;            // EX_IOERR
    case ErrorCode::kInternal: return 70;            // EX_SOFTWARE
  }
  return 70;
}

int HttpStatusFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return 400;
    case ErrorCode::kNotFound: return 404;
    case ErrorCode::kAlreadyExists: return 409;
    case ErrorCode::kPermissionDenied: return 403;
    case ErrorCode::kUnauthenticated: return 401;
    case ErrorCode::kFailedPrecondition: return 409;
    case ErrorCode::kUnavailable: return 503;
    case ErrorCode::kDataLoss: return 500;
    case ErrorCode::kInternal: return 500;
  }
  return 500;
}

std::string Error::ToString() const {
  return fmt::format("{}: {}", ErrorCodeName(code_), message_);
}

Error Error::WithContext(std::string_view context) const {
  return Error(code_, fmt::format("{}: {}", context, message_));
}

std::unexpected<Error> MakeError(ErrorCode code, std::string message) {
  return std::unexpected(Error(code, std::move(message)));
}

}  // namespace orp
