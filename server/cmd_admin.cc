// `strata admin merchant add|list|rotate-key|remove`: manage merchants and their
// credentials, either in a stopped server's data directory (--data-dir) or through a running
// server's admin API (--server).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <optional>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "server/admin_target.h"
#include "server/args.h"
#include "server/auth/admin_json.h"
#include "server/commands.h"

namespace strata::server {
namespace {

constexpr char kOverview[] =
    "usage: strata admin merchant <action> [flags]\n"
    "\n"
    "Manages merchants: who may log in (PG wire, HTTP), with which password, write key\n"
    "(trackers) and API token (HTTP Bearer), and their query limits.\n"
    "\n"
    "actions:\n"
    "  add NAME         add a merchant; prints its new credentials once\n"
    "  list             list merchants, write keys and limits (no secrets)\n"
    "  rotate-key NAME  replace the write key (--password / --token: that instead)\n"
    "  remove NAME      remove a merchant's credentials (its events stay)\n"
    "\n"
    "target (one of):\n"
    "  --data-dir DIR   edit DIR/tenants.json directly; the server must be stopped\n"
    "  --server URL     a running server's admin API, e.g. http://127.0.0.1:8080, as\n"
    "                   --user (default strata) with --admin-password (default: the\n"
    "                   STRATA_AUTH_ADMIN_PASSWORD environment variable, else strata)\n"
    "\n"
    "'strata admin merchant <action> --help' describes an action's flags.\n";

constexpr char kNotShownAgain[] = "Store these now; they are not shown again.";

int Fail(const absl::Status& status) {
  std::fprintf(stderr, "strata admin: %s\n", std::string(status.message()).c_str());
  return 1;
}

int UsageError(const std::string& message) {
  std::fprintf(stderr, "strata admin: %s (see --help)\n", message.c_str());
  return 2;
}

std::string EnvOr(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : fallback;
}

// The flags every action takes: where the merchants are.
struct TargetFlags {
  std::string data_dir;
  std::string server;
  std::string user = EnvOr("STRATA_AUTH_ADMIN_USER", "strata");
  std::string admin_password;
  std::string format = "table";

  void Declare(ArgParser* parser, bool with_format) {
    parser->AddString("data-dir", &data_dir, "data directory of a stopped server");
    parser->AddString("server", &server, "a running server, http://HOST:PORT");
    parser->AddString("user", &user,
                      "the admin user, auth.admin_user (default: "
                      "$STRATA_AUTH_ADMIN_USER, else strata)");
    parser->AddString("admin-password", &admin_password,
                      "the admin's password for --server (default: $STRATA_AUTH_ADMIN_PASSWORD, "
                      "else strata)");
    if (with_format) parser->AddString("format", &format, "output: table or json");
  }

  // A usage error in the target flags, or "".
  std::string UsageProblem() const {
    if (format != "table" && format != "json") return "--format must be table or json";
    if (data_dir.empty() == server.empty()) {
      return "give either --data-dir DIR (server stopped) or --server http://HOST:PORT "
             "(server running)";
    }
    if (!server.empty()) {
      absl::StatusOr<std::pair<std::string, uint16_t>> url = ParseServerUrl(server);
      if (!url.ok()) return std::string(url.status().message());
    }
    return "";
  }

  absl::StatusOr<std::unique_ptr<AdminTarget>> Open() const {
    if (!data_dir.empty()) return OpenStoreTarget(data_dir, user);
    std::string password =
        admin_password.empty() ? EnvOr("STRATA_AUTH_ADMIN_PASSWORD", "strata") : admin_password;
    return OpenServerTarget(server, user, password);
  }
};

absl::Status ParseLimit(const std::string& flag, const std::string& text,
                        std::optional<int64_t>* out) {
  if (text.empty()) return absl::OkStatus();
  int64_t v = 0;
  if (!absl::SimpleAtoi(text, &v)) {
    return absl::InvalidArgumentError(absl::StrCat("--", flag, ": bad value '", text, "'"));
  }
  *out = v;
  return absl::OkStatus();
}

void PrintCredentials(const auth::Credentials& c, const std::string& format, const char* what) {
  if (format == "json") {
    std::printf("%s\n", auth::CredentialsToJson(c).c_str());
    std::fprintf(stderr, "%s\n", kNotShownAgain);
    return;
  }
  std::printf("%s merchant \"%s\":\n", what, c.merchant.c_str());
  if (!c.password.empty()) {
    std::printf("  user       %s\n  password   %s\n", c.merchant.c_str(), c.password.c_str());
  }
  if (!c.write_key.empty()) std::printf("  write key  %s\n", c.write_key.c_str());
  if (!c.api_token.empty()) std::printf("  API token  %s\n", c.api_token.c_str());
  std::printf("%s\n", kNotShownAgain);
}

std::string LimitsText(const auth::MerchantLimits& limits) {
  std::string out;
  auto add = [&](const char* name, int64_t v) {
    absl::StrAppend(&out, out.empty() ? "" : " ", name, "=", v);
  };
  if (limits.max_connections) add("max_connections", *limits.max_connections);
  if (limits.statement_timeout_ms) add("statement_timeout_ms", *limits.statement_timeout_ms);
  if (limits.memory_limit_mb) add("memory_limit_mb", *limits.memory_limit_mb);
  return out.empty() ? "-" : out;
}

void PrintList(const std::vector<auth::MerchantInfo>& merchants, const std::string& format) {
  if (format == "json") {
    std::printf("%s\n", auth::MerchantListToJson(merchants).c_str());
    return;
  }
  size_t name_width = 8, key_width = 9;  // the headers' widths
  for (const auth::MerchantInfo& m : merchants) {
    name_width = std::max(name_width, m.merchant.size());
    key_width = std::max(key_width, m.write_key.size());
  }
  std::printf("%-*s  %-*s  %-20s  %s\n", static_cast<int>(name_width), "merchant",
              static_cast<int>(key_width), "write key", "created (UTC)", "limits");
  for (const auth::MerchantInfo& m : merchants) {
    std::string created = absl::FormatTime("%Y-%m-%d %H:%M:%SZ", absl::FromUnixMicros(m.created_us),
                                           absl::UTCTimeZone());
    std::printf("%-*s  %-*s  %-20s  %s\n", static_cast<int>(name_width), m.merchant.c_str(),
                static_cast<int>(key_width), m.write_key.c_str(), created.c_str(),
                LimitsText(m.limits).c_str());
  }
  std::printf("(%zu merchant%s)\n", merchants.size(), merchants.size() == 1 ? "" : "s");
}

// Opens the target; on failure prints why and sets *exit.
std::unique_ptr<AdminTarget> OpenTarget(const TargetFlags& flags, int* exit) {
  if (std::string problem = flags.UsageProblem(); !problem.empty()) {
    *exit = UsageError(problem);
    return nullptr;
  }
  absl::StatusOr<std::unique_ptr<AdminTarget>> target = flags.Open();
  if (target.ok()) return *std::move(target);
  *exit = Fail(target.status());
  return nullptr;
}

// The one positional NAME of an action, or a usage error.
std::optional<std::string> OneName(const ArgParser& parser, int* exit) {
  if (parser.positional().size() != 1) {
    *exit = UsageError("expected exactly one merchant NAME");
    return std::nullopt;
  }
  return parser.positional()[0];
}

int RunAdd(const std::vector<std::string>& args) {
  TargetFlags target_flags;
  std::string password, max_connections, statement_timeout_ms, memory_limit_mb;
  ArgParser parser(
      "strata admin merchant add NAME (--data-dir DIR | --server URL) [flags]",
      "Adds merchant NAME (1-64 of [A-Za-z0-9_.-]) and prints its credentials once: the\n"
      "password of PG user NAME, the tracker write key and the HTTP API token.");
  target_flags.Declare(&parser, /*with_format=*/true);
  parser.AddString("password", &password,
                   "the merchant's password (printable ASCII; default: generated)");
  parser.AddString("max-connections", &max_connections,
                   "PG connections of this merchant at most (default: the server's)");
  parser.AddString("statement-timeout-ms", &statement_timeout_ms,
                   "statement timeout, 0 = none (default: the server's)");
  parser.AddString("memory-limit-mb", &memory_limit_mb,
                   "memory per statement (default: the server's)");
  if (std::optional<int> exit = parser.ParseOrExit(args, "admin merchant add")) return *exit;
  int exit = 0;
  std::optional<std::string> name = OneName(parser, &exit);
  if (!name) return exit;
  auth::AddMerchantRequest request;
  request.merchant = *name;
  request.password = password;
  std::optional<int64_t> connections;
  for (absl::Status s :
       {ParseLimit("max-connections", max_connections, &connections),
        ParseLimit("statement-timeout-ms", statement_timeout_ms,
                   &request.limits.statement_timeout_ms),
        ParseLimit("memory-limit-mb", memory_limit_mb, &request.limits.memory_limit_mb)}) {
    if (!s.ok()) return UsageError(std::string(s.message()));
  }
  if (connections) {
    if (*connections < INT32_MIN || *connections > INT32_MAX) {
      return UsageError("--max-connections: out of range");
    }
    request.limits.max_connections = static_cast<int>(*connections);
  }
  std::unique_ptr<AdminTarget> target = OpenTarget(target_flags, &exit);
  if (!target) return exit;
  absl::StatusOr<auth::Credentials> creds = target->Add(request);
  if (!creds.ok()) return Fail(creds.status());
  PrintCredentials(*creds, target_flags.format, "Added");
  return 0;
}

int RunList(const std::vector<std::string>& args) {
  TargetFlags target_flags;
  ArgParser parser("strata admin merchant list (--data-dir DIR | --server URL) [flags]",
                   "Lists merchants with their write keys, creation times and limits. Passwords\n"
                   "and API tokens are never shown (they are stored only as digests).");
  target_flags.Declare(&parser, /*with_format=*/true);
  if (std::optional<int> exit = parser.ParseOrExit(args, "admin merchant list")) return *exit;
  if (!parser.positional().empty()) return UsageError("list takes no NAME");
  int exit = 0;
  std::unique_ptr<AdminTarget> target = OpenTarget(target_flags, &exit);
  if (!target) return exit;
  absl::StatusOr<std::vector<auth::MerchantInfo>> list = target->List();
  if (!list.ok()) return Fail(list.status());
  PrintList(*list, target_flags.format);
  return 0;
}

int RunRotate(const std::vector<std::string>& args) {
  TargetFlags target_flags;
  bool password = false, token = false;
  ArgParser parser(
      "strata admin merchant rotate-key NAME (--data-dir DIR | --server URL) [flags]",
      "Replaces merchant NAME's write key (or, with --password / --token, its password or API\n"
      "token) with a new random one and prints it once. The old one stops working at once.");
  target_flags.Declare(&parser, /*with_format=*/true);
  parser.AddBool("password", &password, "rotate the password instead of the write key");
  parser.AddBool("token", &token, "rotate the API token instead of the write key");
  if (std::optional<int> exit = parser.ParseOrExit(args, "admin merchant rotate-key")) {
    return *exit;
  }
  int exit = 0;
  std::optional<std::string> name = OneName(parser, &exit);
  if (!name) return exit;
  if (password && token) return UsageError("give at most one of --password and --token");
  RotateWhat what = password ? RotateWhat::kPassword
                    : token  ? RotateWhat::kApiToken
                             : RotateWhat::kWriteKey;
  std::unique_ptr<AdminTarget> target = OpenTarget(target_flags, &exit);
  if (!target) return exit;
  absl::StatusOr<auth::Credentials> creds = target->Rotate(*name, what);
  if (!creds.ok()) return Fail(creds.status());
  PrintCredentials(*creds, target_flags.format, "New credentials of");
  return 0;
}

int RunRemove(const std::vector<std::string>& args) {
  TargetFlags target_flags;
  ArgParser parser(
      "strata admin merchant remove NAME (--data-dir DIR | --server URL) [flags]",
      "Removes merchant NAME's credentials: its password, write key and API token stop\n"
      "working at once. Its events stay in the data directory (the admin still sees them).");
  target_flags.Declare(&parser, /*with_format=*/false);
  if (std::optional<int> exit = parser.ParseOrExit(args, "admin merchant remove")) return *exit;
  int exit = 0;
  std::optional<std::string> name = OneName(parser, &exit);
  if (!name) return exit;
  std::unique_ptr<AdminTarget> target = OpenTarget(target_flags, &exit);
  if (!target) return exit;
  if (absl::Status s = target->Remove(*name); !s.ok()) return Fail(s);
  std::printf("Removed merchant \"%s\".\n", name->c_str());
  return 0;
}

}  // namespace

int RunAdmin(const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::fputs(kOverview, args.empty() ? stderr : stdout);
    return args.empty() ? 2 : 0;
  }
  if (args[0] != "merchant") {
    return UsageError(absl::StrCat("unknown admin command '", args[0], "' (expected merchant)"));
  }
  if (args.size() < 2 || args[1] == "--help" || args[1] == "-h") {
    std::fputs(kOverview, args.size() < 2 ? stderr : stdout);
    return args.size() < 2 ? 2 : 0;
  }
  const std::string& action = args[1];
  std::vector<std::string> rest(args.begin() + 2, args.end());
  if (action == "add") return RunAdd(rest);
  if (action == "list") return RunList(rest);
  if (action == "rotate-key") return RunRotate(rest);
  if (action == "remove") return RunRemove(rest);
  return UsageError(absl::StrCat("unknown action '", action, "'"));
}

}  // namespace strata::server
