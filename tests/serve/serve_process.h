// ServeProcess: the real `strata serve` binary ($STRATA_BIN) on a data directory and free
// ports, for the integration tests. Start() returns once GET /healthz answers 200; the
// destructor stops it with SIGTERM (SIGKILL if it does not exit within 30 s).
//
//   absl::StatusOr<std::unique_ptr<ServeProcess>> server = ServeProcess::Start(dir.path());
//   client::HttpClient http("127.0.0.1", (*server)->http_port());
//   EXPECT_EQ((*server)->Stop(), 0);
//
// Thread safety: one thread controls a ServeProcess; its accessors are thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/temp_dir.h"
#include "tests/serve/subprocess.h"

namespace strata::serve_test {

// $STRATA_BIN, else build/bin/strata.
std::string StrataBinary();

// A TCP port on 127.0.0.1 that nothing listens on right now.
uint16_t FreePort();

struct ServeOptions {
  std::string data_dir;                 // required
  std::vector<std::string> extra_args;  // e.g. {"--set", "query.statement_timeout_ms=100"}
  Environment env;
  uint16_t http_port = 0;  // 0 = a free port
  uint16_t pg_port = 0;    // 0 = a free port
  absl::Duration ready_timeout = absl::Seconds(30);
};

class ServeProcess {
 public:
  // Spawns `strata serve --data-dir DIR --http-port N --pg-port M EXTRA...` with its output
  // in a log file of its own, and waits for /healthz. On failure the status carries the log.
  static absl::StatusOr<std::unique_ptr<ServeProcess>> Start(const ServeOptions& options);
  // With the defaults of ServeOptions.
  static absl::StatusOr<std::unique_ptr<ServeProcess>> Start(const std::string& data_dir);
  ~ServeProcess();
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;

  // SIGTERM, then waits: the exit status (or -N for signal N); -1000 if it did not exit
  // within `timeout` (it is SIGKILLed then).
  int Stop(absl::Duration timeout = absl::Seconds(30));
  // SIGKILL and reap: a crash.
  void Kill();
  bool Running() { return child_.Running(); }

  pid_t pid() const { return child_.pid(); }
  uint16_t http_port() const { return http_port_; }
  uint16_t pg_port() const { return pg_port_; }
  const std::string& data_dir() const { return data_dir_; }
  std::string http_url() const;
  // A libpq connection string for `user`.
  std::string Conninfo(const std::string& user, const std::string& password) const;
  // What the server printed so far.
  std::string Log() const;

 private:
  ServeProcess(std::unique_ptr<TempDir> log_dir, ChildProcess child, std::string data_dir,
               uint16_t http_port, uint16_t pg_port);

  std::unique_ptr<TempDir> log_dir_;
  ChildProcess child_;
  std::string data_dir_;
  uint16_t http_port_;
  uint16_t pg_port_;
};

}  // namespace strata::serve_test
