// A small command-line parser for the strata subcommands: --name value, --name=value,
// boolean --flag, repeatable flags, one-letter aliases (-c VALUE), positional arguments,
// and --help generated from the declarations.
//
// Thread safety: single-threaded use at startup.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace strata::server {

class ArgParser {
 public:
  // `usage` is the synopsis line, e.g. "strata load --data-dir DIR FILE...".
  ArgParser(std::string usage, std::string summary);

  void AddString(const std::string& name, std::string* target, const std::string& help);
  void AddInt64(const std::string& name, int64_t* target, const std::string& help);
  void AddUint64(const std::string& name, uint64_t* target, const std::string& help);
  void AddDouble(const std::string& name, double* target, const std::string& help);
  void AddBool(const std::string& name, bool* target, const std::string& help);
  // A repeatable flag: every occurrence appends its value to *target.
  void AddStringList(const std::string& name, std::vector<std::string>* target,
                     const std::string& help);
  // Lets "-<letter> VALUE" stand for "--<name> VALUE" (name must be declared first).
  void AddShortName(char letter, const std::string& name);

  // Parses `args` (the words after the subcommand). InvalidArgument names the bad flag or
  // value. After --help, help_requested() is true and nothing else is checked.
  absl::Status Parse(const std::vector<std::string>& args);
  bool help_requested() const { return help_requested_; }
  const std::vector<std::string>& positional() const { return positional_; }
  std::string Usage() const;

  // The usual start of a subcommand: parses `args`; on a usage error prints
  // "strata COMMAND: reason" to stderr and returns 2; after --help prints the usage and
  // returns 0; otherwise returns nullopt and the command goes on.
  std::optional<int> ParseOrExit(const std::vector<std::string>& args, const char* command);

 private:
  enum class Kind { kString, kInt64, kUint64, kDouble, kBool, kStringList };
  struct Flag {
    std::string name;
    Kind kind;
    void* target;
    std::string help;
    std::string default_text;
    char short_name = 0;  // 0 = none
  };
  void Add(const std::string& name, Kind kind, void* target, const std::string& help);
  absl::Status Set(const Flag& flag, const std::string& value);

  std::string usage_;
  std::string summary_;
  std::vector<Flag> flags_;
  std::vector<std::string> positional_;
  bool help_requested_ = false;
};

}  // namespace strata::server
