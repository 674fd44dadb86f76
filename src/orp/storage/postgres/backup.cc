#include "orp/storage/postgres/backup.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <vector>

#include "orp/storage/postgres/connection.h"
#include "orp/storage/postgres/migrations.h"
#include "orp/storage/postgres/postgres_store.h"

extern char** environ;

namespace orp::storage::postgres {
namespace {

// Runs `argv` (found on PATH) and waits; on failure, the error names the tool, its exit status
// and the last line it wrote to stderr (pg_dump's messages name the problem, never a password).
Result<void> RunTool(const std::vector<std::string>& argv) {
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) return Unavailable("cannot create a pipe for " + argv[0]);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDERR_FILENO);
  posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, argv[0].c_str(), &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(pipe_fds[1]);
  std::string err;
  char buffer[4096];
  ssize_t n = 0;
  while ((n = read(pipe_fds[0], buffer, sizeof buffer)) > 0) err.append(buffer, n);
  close(pipe_fds[0]);
  if (rc != 0) {
    return Unavailable(fmt::format("cannot run {} ({}); install the PostgreSQL client tools",
                                   argv[0], std::strerror(rc)));
  }
  int status = 0;
  waitpid(pid, &status, 0);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return {};
  while (!err.empty() && err.back() == '\n') err.pop_back();
  std::string last = err.substr(err.rfind('\n') == std::string::npos ? 0 : err.rfind('\n') + 1);
  return Unavailable(fmt::format("{} failed (status {}): {}", argv[0],
                                 WIFEXITED(status) ? WEXITSTATUS(status) : -1, last));
}

Result<std::vector<std::string>> Recorded(const std::string& conninfo, const std::string& where) {
  auto connection = Connection::Open(conninfo, where);
  if (!connection) return std::unexpected(connection.error());
  auto recorded = RecordedVersions(**connection);
  if (!recorded) return std::unexpected(recorded.error());
  std::vector<std::string> names;
  for (const auto& [version, name] : *recorded) names.push_back(name);
  return names;
}

int64_t SizeOf(const std::string& file) {
  std::error_code ec;
  auto size = std::filesystem::file_size(file, ec);
  return ec ? 0 : static_cast<int64_t>(size);
}

}  // namespace

Result<BackupReport> BackupDatabase(const std::string& conninfo, const std::string& file) {
  auto location = RedactedLocation(conninfo);
  if (!location) return std::unexpected(location.error());
  auto recorded = Recorded(conninfo, *location);
  if (!recorded) return std::unexpected(recorded.error());
  const std::string part = file + ".part";
  ORP_RETURN_IF_ERROR(
      RunTool({"pg_dump", "--format=custom", "--file=" + part, "--dbname=" + conninfo}));
  std::error_code ec;
  std::filesystem::rename(part, file, ec);
  if (ec)
    return Unavailable(fmt::format("cannot rename '{}' to '{}': {}", part, file, ec.message()));
  return BackupReport{"postgresql", *location, file, SizeOf(file),
                      static_cast<int>(recorded->size())};
}

Result<BackupReport> RestoreDatabase(const std::string& file, const std::string& conninfo) {
  auto location = RedactedLocation(conninfo);
  if (!location) return std::unexpected(location.error());
  auto recorded = Recorded(conninfo, *location);
  if (!recorded) return std::unexpected(recorded.error());
  if (!recorded->empty()) {
    return AlreadyExists(fmt::format(
        "{} already holds an orp schema ({} migrations recorded); restore into an empty database "
        "(createdb a new one)",
        *location, recorded->size()));
  }
  ORP_RETURN_IF_ERROR(RunTool({"pg_restore", "--single-transaction", "--exit-on-error",
                               "--no-owner", "--no-privileges", "--dbname=" + conninfo, file}));
  auto store = OpenStore(conninfo);  // upgrades a backup from an older orp
  if (!store) return std::unexpected(store.error().WithContext("restored database"));
  return BackupReport{"postgresql", *location, file, SizeOf(file), (*store)->Info().schema_version};
}

BackupTool MakeBackupTool() {
  return {[](std::string_view url, std::string_view, const std::string& file) {
            return BackupDatabase(std::string(url), file);
          },
          [](std::string_view url, std::string_view, const std::string& file) {
            return RestoreDatabase(file, std::string(url));
          }};
}

}  // namespace orp::storage::postgres
