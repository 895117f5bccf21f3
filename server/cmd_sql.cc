// `strata sql`: SQL on a data directory opened read-only, from -c, -f, piped stdin, or an
// interactive prompt with line editing and history (libedit).
#include <editline/readline.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "engine/engine.h"
#include "query/expr.h"
#include "query/query.h"
#include "server/args.h"
#include "server/commands.h"
#include "server/result_format.h"
#include "server/sql_shell.h"
#include "storage/file.h"

namespace strata::server {
namespace {

constexpr char kSummary[] =
    "Runs SQL on a data directory opened read-only: it changes nothing there and sees every\n"
    "acknowledged event (in segments or still only in the WAL). Any number of readers may\n"
    "share a directory, but not with a process that writes it (`strata load`, a server).\n"
    "\n"
    "Input: -c QUERY runs its statements, all of them, and exits 1 if any failed. -f FILE\n"
    "(or '-') and piped stdin run a script and stop at its first error with exit code 1,\n"
    "like psql -v ON_ERROR_STOP=1. Otherwise an interactive prompt, with history in\n"
    "~/.strata_history, where Ctrl-C cancels the running statement and Ctrl-D quits.\n"
    "Statements end with ';'. Shell commands, at the start of a line: \\q,\n"
    "\\timing [on|off], \\format NAME, \\?.\n"
    "\n"
    "Output: table (psql's aligned format), csv (RFC 4180, with a header), tsv (header;\n"
    "tab, newline, CR and backslash escaped as \\t \\n \\r \\\\), json (one object per row).\n"
    "NULL is empty (json: null). Errors go to stderr as psql prints them:\n"
    "  ERROR:  syntax error at or near \"FORM\" (SQLSTATE 42601)\n"
    "  LINE 1: SELECT * FORM events\n"
    "                   ^";

int UsageError(const std::string& message) {
  std::fprintf(stderr, "strata sql: %s\n", message.c_str());
  return 2;
}

// Feeds `text` to the shell line by line, then ends the input. False if it stopped early.
bool RunText(std::string_view text, SqlShell* shell) {
  for (absl::string_view line : absl::StrSplit(absl::string_view(text.data(), text.size()), '\n')) {
    if (!shell->HandleLine(std::string_view(line.data(), line.size()))) return false;
  }
  shell->Finish();
  return true;
}

void RunStream(std::istream& in, SqlShell* shell) {
  std::string line;
  while (std::getline(in, line)) {
    if (!shell->HandleLine(line)) return;
  }
  shell->Finish();
}

// The session Ctrl-C cancels in the interactive shell. QuerySession::Cancel is one atomic
// store, so calling it from a signal handler is safe; at the prompt it does nothing, since
// each statement clears the cancel flag when it starts.
std::atomic<query::QuerySession*> g_cancel_target{nullptr};

void CancelOnInterrupt(int) {
  if (query::QuerySession* session = g_cancel_target.load()) session->Cancel();
}

// While alive, Ctrl-C cancels the running statement of `session` instead of ending the
// process.
class CancelOnCtrlC {
 public:
  explicit CancelOnCtrlC(query::QuerySession* session) {
    g_cancel_target.store(session);
    struct sigaction action = {};
    action.sa_handler = CancelOnInterrupt;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGINT, &action, &previous_);
  }
  ~CancelOnCtrlC() {
    sigaction(SIGINT, &previous_, nullptr);
    g_cancel_target.store(nullptr);
  }
  CancelOnCtrlC(const CancelOnCtrlC&) = delete;
  CancelOnCtrlC& operator=(const CancelOnCtrlC&) = delete;

 private:
  struct sigaction previous_ = {};
};

std::string HistoryPath() {
  const char* home = std::getenv("HOME");
  if (home == nullptr || *home == '\0') return "";
  return storage::JoinPath(home, ".strata_history");
}

void RunInteractive(const std::string& data_dir, SqlShell* shell) {
  std::printf("strata sql on %s (read-only). Type \\? for help, \\q to quit.\n", data_dir.c_str());
  const std::string history = HistoryPath();
  rl_catch_signals = 0;  // Ctrl-C goes to CancelOnCtrlC, not to libedit's own handling
  using_history();
  stifle_history(1000);
  if (!history.empty()) read_history(history.c_str());
  while (true) {
    char* raw = readline(shell->continuing() ? "strata-> " : "strata=> ");
    if (raw == nullptr) {  // Ctrl-D
      std::printf("\n");
      return;
    }
    std::string line(raw);
    std::free(raw);
    if (line.find_first_not_of(" \t") != std::string::npos) {
      add_history(line.c_str());
      // Saved at once, so a killed shell keeps what was typed.
      if (!history.empty()) write_history(history.c_str());
    }
    if (!shell->HandleLine(line)) return;
  }
}

}  // namespace

int RunSql(const std::vector<std::string>& args) {
  std::string data_dir = "./strata-data";
  std::string command, file, format_name = "table", time_zone = "UTC";
  std::vector<std::string> merchants;
  bool timing = false;
  ArgParser parser("strata sql --data-dir DIR [-c QUERY | -f FILE] [flags]", kSummary);
  parser.AddString("data-dir", &data_dir, "data directory");
  parser.AddString("command", &command, "run these ';'-separated statements, then exit");
  parser.AddShortName('c', "command");
  parser.AddString("file", &file, "run the statements in FILE ('-' for stdin), then exit");
  parser.AddShortName('f', "file");
  parser.AddString("format", &format_name, "output format: table, csv, tsv or json");
  parser.AddString("timezone", &time_zone, "session TimeZone, e.g. Europe/Berlin");
  parser.AddStringList("merchant", &merchants,
                       "read only this merchant's events (default: every merchant)");
  parser.AddBool("timing", &timing, "print \"Time: N ms\" after each statement");
  if (std::optional<int> exit = parser.ParseOrExit(args, "sql")) return *exit;
  if (!parser.positional().empty()) {
    return UsageError("unexpected argument '" + parser.positional()[0] + "' (see --help)");
  }
  if (!command.empty() && !file.empty()) return UsageError("give -c or -f, not both");
  ShellOptions shell_options;
  shell_options.timing = timing;
  if (!ParseOutputFormat(format_name, &shell_options.format)) {
    return UsageError("--format: unknown format '" + format_name + "' (table, csv, tsv, json)");
  }
  if (!query::LoadZone(time_zone).ok()) {
    return UsageError("--timezone: unknown time zone '" + time_zone + "'");
  }

  engine::EngineOptions engine_options;
  engine_options.data_dir = data_dir;
  engine_options.read_only = true;
  auto opened = engine::Engine::Open(engine_options);
  if (!opened.ok()) {
    std::fprintf(stderr, "strata sql: %s\n", std::string(opened.status().message()).c_str());
    return 1;
  }
  std::unique_ptr<engine::Engine> db = std::move(*opened);
  for (const std::string& torn : db->recovery_report().torn_tails)
    std::fprintf(stderr, "strata sql: note: %s\n", torn.c_str());

  query::SessionOptions session_options;
  session_options.time_zone = time_zone;
  if (!merchants.empty()) session_options.merchant_scope = merchants;
  query::QuerySession session([&db] { return db->GetSnapshot(); }, session_options);

  const bool from_stdin = file == "-" || (command.empty() && file.empty() && !::isatty(0));
  if (!command.empty()) {
    SqlShell shell(&session, shell_options);
    RunText(command, &shell);
    return shell.failures() > 0 ? 1 : 0;
  }
  if (!file.empty() || from_stdin) {
    shell_options.stop_on_error = true;
    SqlShell shell(&session, shell_options);
    if (from_stdin) {
      RunStream(std::cin, &shell);
    } else {
      absl::StatusOr<std::string> script = storage::ReadFileToString(file);
      if (!script.ok()) {
        std::fprintf(stderr, "strata sql: %s\n", std::string(script.status().message()).c_str());
        return 1;
      }
      RunText(*script, &shell);
    }
    return shell.failures() > 0 ? 1 : 0;
  }
  SqlShell shell(&session, shell_options);
  CancelOnCtrlC cancel_on_ctrl_c(&session);
  RunInteractive(data_dir, &shell);
  return 0;
}

}  // namespace strata::server
