#include "tests/serve/serve_process.h"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "client/http_client.h"

namespace strata::serve_test {

std::string StrataBinary() {
  const char* bin = std::getenv("STRATA_BIN");
  return bin != nullptr ? bin : "build/bin/strata";
}

uint16_t FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  uint16_t port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

absl::StatusOr<std::unique_ptr<ServeProcess>> ServeProcess::Start(const ServeOptions& options) {
  if (options.data_dir.empty()) return absl::InvalidArgumentError("ServeOptions::data_dir");
  uint16_t http_port = options.http_port != 0 ? options.http_port : FreePort();
  uint16_t pg_port = options.pg_port;
  while (pg_port == 0 || pg_port == http_port) pg_port = FreePort();

  auto log_dir = std::make_unique<TempDir>();
  std::vector<std::string> argv = {
      StrataBinary(),          "serve",     "--data-dir",         options.data_dir, "--http-port",
      absl::StrCat(http_port), "--pg-port", absl::StrCat(pg_port)};
  argv.insert(argv.end(), options.extra_args.begin(), options.extra_args.end());
  const std::string log_path = log_dir->File("serve.log");
  absl::StatusOr<ChildProcess> child = ChildProcess::Spawn(argv, options.env, log_path);
  if (!child.ok()) return child.status();
  std::unique_ptr<ServeProcess> server(new ServeProcess(std::move(log_dir), std::move(*child),
                                                        options.data_dir, http_port, pg_port));

  client::HttpClient http("127.0.0.1", http_port, absl::Seconds(2));
  const absl::Time deadline = absl::Now() + options.ready_timeout;
  while (true) {
    absl::StatusOr<client::HttpResponse> r = http.Request("GET", "/healthz");
    if (r.ok() && r->status == 200) return server;
    if (!server->Running()) {
      return absl::FailedPreconditionError(
          absl::StrCat("strata serve exited with status ", server->child_.exit_code().value_or(-1),
                       " before it was ready; its output:\n", server->Log()));
    }
    if (absl::Now() >= deadline) {
      return absl::DeadlineExceededError(absl::StrCat("strata serve was not ready after ",
                                                      absl::FormatDuration(options.ready_timeout),
                                                      "; its output:\n", server->Log()));
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
}

absl::StatusOr<std::unique_ptr<ServeProcess>> ServeProcess::Start(const std::string& data_dir) {
  ServeOptions options;
  options.data_dir = data_dir;
  return Start(options);
}

ServeProcess::ServeProcess(std::unique_ptr<TempDir> log_dir, ChildProcess child,
                           std::string data_dir, uint16_t http_port, uint16_t pg_port)
    : log_dir_(std::move(log_dir)),
      child_(std::move(child)),
      data_dir_(std::move(data_dir)),
      http_port_(http_port),
      pg_port_(pg_port) {}

ServeProcess::~ServeProcess() {
  if (child_.Running()) Stop();
}

int ServeProcess::Stop(absl::Duration timeout) {
  child_.Signal(SIGTERM);
  std::optional<int> code = child_.Wait(timeout);
  if (code.has_value()) return *code;
  Kill();
  return -1000;
}

void ServeProcess::Kill() {
  child_.Signal(SIGKILL);
  child_.Wait(absl::Seconds(30));
}

std::string ServeProcess::http_url() const { return absl::StrCat("http://127.0.0.1:", http_port_); }

std::string ServeProcess::Conninfo(const std::string& user, const std::string& password) const {
  return absl::StrCat("host=127.0.0.1 port=", pg_port_, " dbname=strata user=", user,
                      " password=", password, " connect_timeout=10");
}

std::string ServeProcess::Log() const {
  std::ifstream in(log_dir_->File("serve.log"));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace strata::serve_test
