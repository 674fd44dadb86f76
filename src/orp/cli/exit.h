// How a subcommand's callback ends the process with a failure: it throws CommandFailed, which
// RunCli catches at the edge. Fail() prints the one line "orp <command>: <message>" on stderr.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include "orp/core/result.h"

namespace orp::cli {

class CommandFailed : public std::runtime_error {
 public:
  CommandFailed(int exit_code, const std::string& what)
      : std::runtime_error(what), exit_code_(exit_code) {}
  int exit_code() const { return exit_code_; }

 private:
  int exit_code_;
};

// Prints "orp <command>: <error message>" and throws CommandFailed with the error's exit code.
[[noreturn]] void Fail(std::string_view command, const Error& error);

// Returns the value, or fails the command with its error.
template <typename T>
T ValueOrFail(std::string_view command, Result<T> result) {
  if (!result) Fail(command, result.error());
  return std::move(*result);
}

}  // namespace orp::cli
