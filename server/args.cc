#include "server/args.h"

#include <cstdio>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace strata::server {
namespace {

std::string DefaultText(void* target, int kind) {
  switch (kind) {
    case 0:
      return *static_cast<std::string*>(target);
    case 1:
      return std::to_string(*static_cast<int64_t*>(target));
    case 2:
      return std::to_string(*static_cast<uint64_t*>(target));
    case 3:
      return absl::StrCat(*static_cast<double*>(target));
    case 4:
      return *static_cast<bool*>(target) ? "true" : "false";
    default:
      return "";  // a list starts empty
  }
}

}  // namespace

ArgParser::ArgParser(std::string usage, std::string summary)
    : usage_(std::move(usage)), summary_(std::move(summary)) {}

void ArgParser::Add(const std::string& name, Kind kind, void* target, const std::string& help) {
  flags_.push_back({name, kind, target, help, DefaultText(target, static_cast<int>(kind))});
}
void ArgParser::AddString(const std::string& n, std::string* t, const std::string& h) {
  Add(n, Kind::kString, t, h);
}
void ArgParser::AddInt64(const std::string& n, int64_t* t, const std::string& h) {
  Add(n, Kind::kInt64, t, h);
}
void ArgParser::AddUint64(const std::string& n, uint64_t* t, const std::string& h) {
  Add(n, Kind::kUint64, t, h);
}
void ArgParser::AddDouble(const std::string& n, double* t, const std::string& h) {
  Add(n, Kind::kDouble, t, h);
}
void ArgParser::AddBool(const std::string& n, bool* t, const std::string& h) {
  Add(n, Kind::kBool, t, h);
}
void ArgParser::AddStringList(const std::string& n, std::vector<std::string>* t,
                              const std::string& h) {
  Add(n, Kind::kStringList, t, h);
}
void ArgParser::AddShortName(char letter, const std::string& name) {
  for (Flag& f : flags_)
    if (f.name == name) f.short_name = letter;
}

absl::Status ArgParser::Set(const Flag& flag, const std::string& value) {
  bool ok = true;
  switch (flag.kind) {
    case Kind::kString:
      *static_cast<std::string*>(flag.target) = value;
      break;
    case Kind::kInt64:
      ok = absl::SimpleAtoi(value, static_cast<int64_t*>(flag.target));
      break;
    case Kind::kUint64:
      ok = absl::SimpleAtoi(value, static_cast<uint64_t*>(flag.target));
      break;
    case Kind::kDouble:
      ok = absl::SimpleAtod(value, static_cast<double*>(flag.target));
      break;
    case Kind::kBool:
      ok = absl::SimpleAtob(value, static_cast<bool*>(flag.target));
      break;
    case Kind::kStringList:
      static_cast<std::vector<std::string>*>(flag.target)->push_back(value);
      break;
  }
  if (!ok)
    return absl::InvalidArgumentError(absl::StrCat("--", flag.name, ": bad value '", value, "'"));
  return absl::OkStatus();
}

absl::Status ArgParser::Parse(const std::vector<std::string>& args) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      help_requested_ = true;
      return absl::OkStatus();
    }
    std::string name;
    if (arg.size() == 2 && arg[0] == '-' &&
        absl::ascii_isalpha(static_cast<unsigned char>(arg[1]))) {
      for (const Flag& f : flags_)
        if (f.short_name == arg[1]) name = f.name;
      if (name.empty()) {
        return absl::InvalidArgumentError(absl::StrCat("unknown flag ", arg, " (see --help)"));
      }
    } else if (arg == "-" || arg.rfind("--", 0) != 0) {
      positional_.push_back(arg);
      continue;
    } else {
      name = arg.substr(2);
    }
    std::string value;
    bool has_value = false;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    const Flag* flag = nullptr;
    for (const Flag& f : flags_)
      if (f.name == name) flag = &f;
    if (flag == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("unknown flag --", name, " (see --help)"));
    }
    if (!has_value) {
      if (flag->kind == Kind::kBool) {
        value = "true";
      } else if (i + 1 < args.size()) {
        value = args[++i];
      } else {
        return absl::InvalidArgumentError(absl::StrCat("--", name, " needs a value"));
      }
    }
    if (auto s = Set(*flag, value); !s.ok()) return s;
  }
  return absl::OkStatus();
}

std::optional<int> ArgParser::ParseOrExit(const std::vector<std::string>& args,
                                          const char* command) {
  if (absl::Status s = Parse(args); !s.ok()) {
    std::fprintf(stderr, "strata %s: %s\n", command, std::string(s.message()).c_str());
    return 2;
  }
  if (help_requested_) {
    std::fputs(Usage().c_str(), stdout);
    return 0;
  }
  return std::nullopt;
}

std::string ArgParser::Usage() const {
  std::string out = absl::StrCat("usage: ", usage_, "\n\n", summary_, "\n");
  if (!flags_.empty()) out += "\nflags:\n";
  for (const Flag& f : flags_) {
    std::string left =
        absl::StrCat(f.short_name != 0 ? absl::StrCat("  -", std::string(1, f.short_name), ", --")
                                       : std::string("  --"),
                     f.name, f.kind == Kind::kBool ? "" : " VALUE");
    if (left.size() < 26) left.resize(26, ' ');
    absl::StrAppend(&out, left, " ", f.help);
    if (!f.default_text.empty() && f.kind != Kind::kBool)
      absl::StrAppend(&out, " (default: ", f.default_text, ")");
    if (f.kind == Kind::kStringList) out += " (repeatable)";
    out += "\n";
  }
  out += "  --help                   show this help\n";
  return out;
}

}  // namespace strata::server
