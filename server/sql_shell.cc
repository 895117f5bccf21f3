#include "server/sql_shell.h"

#include <cstdio>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "query/expr.h"

namespace strata::server {
namespace {

void PrintOut(std::string_view text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

// Errors go to stderr after everything printed before them, so `2>&1` keeps the order.
void PrintError(std::string_view text) {
  std::fflush(stdout);
  std::fwrite(text.data(), 1, text.size(), stderr);
  std::fflush(stderr);
}

size_t FirstNonBlank(std::string_view line) {
  size_t i = 0;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  return i;
}

}  // namespace

std::string ShellHelp() {
  return "Shell commands (at the start of a line):\n"
         "  \\q                 quit\n"
         "  \\timing [on|off]   show how long each statement takes (toggles without an argument)\n"
         "  \\format NAME       output format: table, csv, tsv or json\n"
         "  \\?                 this help\n"
         "SQL statements end with ';' and may span lines; the input runs when a statement "
         "ends.\n";
}

bool SqlShell::HandleLine(std::string_view line) {
  size_t start = FirstNonBlank(line);
  if (start < line.size() && line[start] == '\\' && !splitter_.in_quote_or_comment()) {
    bool quit = false;
    bool ok = RunCommand(line.substr(start), &quit);
    return !quit && (ok || !options_.stop_on_error);
  }
  std::vector<std::string> statements;
  splitter_.Append(line, &statements);
  splitter_.Append("\n", &statements);
  for (const std::string& sql : statements) {
    if (!RunStatement(sql) && options_.stop_on_error) {
      (void)splitter_.TakeRest();  // what follows the failed statement is not run
      return false;
    }
  }
  return true;
}

void SqlShell::Finish() {
  std::string rest = splitter_.TakeRest();
  if (!rest.empty()) RunStatement(rest);
}

bool SqlShell::RunStatement(const std::string& sql) {
  const absl::Time start = absl::Now();
  absl::StatusOr<query::QueryResult> result = session_->Execute(sql);
  const double millis = absl::ToDoubleMilliseconds(absl::Now() - start);
  if (result.ok()) {
    // Timestamps are shown in the session's TimeZone, as it is after this statement (SET).
    absl::TimeZone zone = absl::UTCTimeZone();
    auto setting = session_->settings().find("timezone");
    if (setting != session_->settings().end()) {
      absl::StatusOr<absl::TimeZone> loaded = query::LoadZone(setting->second);
      if (loaded.ok()) zone = *loaded;
    }
    std::string out;
    AppendResult(*result, options_.format, zone, &out);
    PrintOut(out);
  } else {
    ++failures_;
    PrintError(FormatError(result.status(), sql));
  }
  if (options_.timing) PrintOut(absl::StrFormat("Time: %.3f ms\n", millis));
  return result.ok();
}

bool SqlShell::RunCommand(std::string_view line, bool* quit) {
  std::vector<std::string> words = absl::StrSplit(absl::string_view(line.data(), line.size()),
                                                  absl::ByAnyChar(" \t"), absl::SkipEmpty());
  const std::string& command = words[0];
  const std::string arg = words.size() > 1 ? words[1] : std::string();
  bool ok = true;
  if (words.size() > 2 || (command != "\\timing" && command != "\\format" && words.size() > 1)) {
    ok = false;
    PrintError(absl::StrCat(command, ": too many arguments\n"));
  } else if (command == "\\q") {
    *quit = true;
  } else if (command == "\\?") {
    PrintOut(ShellHelp());
  } else if (command == "\\timing") {
    if (arg.empty() || arg == "on" || arg == "off") {
      options_.timing = arg.empty() ? !options_.timing : arg == "on";
      PrintOut(options_.timing ? "Timing is on.\n" : "Timing is off.\n");
    } else {
      ok = false;
      PrintError(absl::StrCat("\\timing: expected on or off, got \"", arg, "\"\n"));
    }
  } else if (command == "\\format") {
    if (ParseOutputFormat(arg, &options_.format)) {
      PrintOut(
          absl::StrCat("Output format is ", std::string(OutputFormatName(options_.format)), ".\n"));
    } else {
      ok = false;
      PrintError(
          absl::StrCat("\\format: unknown format \"", arg, "\" (use table, csv, tsv or json)\n"));
    }
  } else {
    ok = false;
    PrintError(absl::StrCat("invalid command ", command, "\nTry \\? for help.\n"));
  }
  if (!ok) ++failures_;
  return ok;
}

}  // namespace strata::server
