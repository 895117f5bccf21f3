// The line-driven core of `strata sql`: takes input one line at a time (from a prompt, a
// file, stdin or -c), runs each statement it completes on a query session and prints the
// result to stdout, or a psql-style error to stderr, then "Time: ... ms" if timing is on.
// Lines starting with '\' (outside a statement's quotes and comments) are shell commands:
// \q, \timing [on|off], \format NAME, \?.
//
// Thread safety: one thread.
#pragma once

#include <string>
#include <string_view>

#include "query/query.h"
#include "server/result_format.h"
#include "server/statement_splitter.h"

namespace strata::server {

struct ShellOptions {
  OutputFormat format = OutputFormat::kTable;
  bool timing = false;
  bool stop_on_error = false;  // scripts: stop at the first failed statement or command
};

class SqlShell {
 public:
  // `session` must outlive the shell.
  SqlShell(query::QuerySession* session, ShellOptions options)
      : session_(session), options_(options) {}

  // Handles one line of input (without its newline). Returns false when input should stop:
  // after \q, or after a failure when stop_on_error.
  bool HandleLine(std::string_view line);
  // End of input: runs a last statement left without ';'.
  void Finish();

  // True while a statement is incomplete (the prompt shows "strata-> ").
  bool continuing() const { return !splitter_.empty(); }
  // Statements and commands that failed so far.
  int failures() const { return failures_; }

 private:
  // Runs one statement; false if it failed.
  bool RunStatement(const std::string& sql);
  // Runs a backslash command line; false if it failed. Sets *quit for \q.
  bool RunCommand(std::string_view line, bool* quit);

  query::QuerySession* session_;
  ShellOptions options_;
  StatementSplitter splitter_;
  int failures_ = 0;
};

// The text \? prints.
std::string ShellHelp();

}  // namespace strata::server
