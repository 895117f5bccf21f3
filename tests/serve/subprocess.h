// Child processes for the serve tests: run a program to completion with captured output
// (psql, java, python, `strata admin`), or keep one running in the background
// (`strata serve`). posix_spawn only: the tests are multi-threaded, so no code runs between
// fork and exec.
//
// Thread safety: a ChildProcess belongs to one thread; RunProgram is thread-safe.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace strata::serve_test {

using Environment = std::vector<std::pair<std::string, std::string>>;

struct ProgramResult {
  int exit_code = -1;  // the exit status, or -N when killed by signal N
  bool timed_out = false;
  std::string out;
  std::string err;
  // "exit 3" / "killed by signal 9" / "timed out", then both outputs, for failure messages.
  std::string Describe() const;
};

struct ProgramOptions {
  Environment env;  // added to (or replacing in) this process's environment
  std::string stdin_text;
  absl::Duration timeout = absl::Seconds(60);
};

inline ProgramOptions WithTimeout(absl::Duration timeout) {
  ProgramOptions options;
  options.timeout = timeout;
  return options;
}

// Runs argv[0] (a path, or a name looked up in PATH) and waits for it. The status is an
// error only if the program could not be started.
absl::StatusOr<ProgramResult> RunProgram(const std::vector<std::string>& argv,
                                         const ProgramOptions& options = {});

// A background process with stdout and stderr appended to `log_path`; killed (SIGKILL) and
// reaped on destruction if still running.
class ChildProcess {
 public:
  static absl::StatusOr<ChildProcess> Spawn(const std::vector<std::string>& argv,
                                            const Environment& env, const std::string& log_path);
  ChildProcess(ChildProcess&& other) noexcept
      : pid_(std::exchange(other.pid_, -1)),
        exit_code_(std::exchange(other.exit_code_, std::nullopt)) {}
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ~ChildProcess();

  pid_t pid() const { return pid_; }
  // Whether it has not exited yet (reaps it if it has; see exit_code()).
  bool Running();
  void Signal(int signal_number);
  // Waits up to `timeout` for the exit: the exit status or -N for signal N; nullopt if it is
  // still running.
  std::optional<int> Wait(absl::Duration timeout);
  // The exit status once reaped.
  std::optional<int> exit_code() const { return exit_code_; }

 private:
  explicit ChildProcess(pid_t pid) : pid_(pid) {}
  void Reaped(int wait_status);

  pid_t pid_ = -1;
  std::optional<int> exit_code_;
};

// Environment for a child: this process's variables with `overrides` applied.
std::vector<std::string> MergedEnvironment(const Environment& overrides);

}  // namespace strata::serve_test
