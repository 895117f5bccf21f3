// `strata admin merchant add|list|set|rotate-key|remove`: manage merchants, their
// credentials and their settings, either in a stopped server's data directory (--data-dir) or
// through a running server's admin API (--server).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <optional>

#include <simdjson.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/status.h"
#include "server/admin_target.h"
#include "server/args.h"
#include "server/auth/admin_json.h"
#include "server/auth/limits.h"
#include "server/commands.h"
#include "server/serve_status.h"

namespace strata::server {
namespace {

constexpr char kOverview[] =
    "usage: strata admin merchant <action> [flags]\n"
    "       strata admin status --server URL [--format json] [--rate-seconds N]\n"
    "\n"
    "Manages merchants: who may log in (PG wire, HTTP), with which password, write key\n"
    "(trackers) and API token (HTTP Bearer), their query limits and processing settings\n"
    "(session timeout, time zone, conversion events).\n"
    "\n"
    "actions:\n"
    "  add NAME         add a merchant; prints its new credentials once\n"
    "  list             list merchants, write keys and settings (no secrets)\n"
    "  set NAME         change a merchant's limits and processing settings\n"
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

// The flags every action takes: where the merchants are.
struct TargetFlags {
  std::string data_dir;
  std::string server;
  std::string user = DefaultAdminUser();
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
    return OpenServerTarget(server, user, AdminPassword(admin_password));
  }
};

absl::Status ParseInteger(const std::string& flag, const std::string& text,
                          std::optional<int64_t>* out) {
  if (text.empty()) return absl::OkStatus();
  int64_t v = 0;
  if (!absl::SimpleAtoi(text, &v)) {
    return absl::InvalidArgumentError(absl::StrCat("--", flag, ": bad value '", text, "'"));
  }
  *out = v;
  return absl::OkStatus();
}

// The flags of a merchant's overrides (add, set); "" = not given.
struct LimitFlags {
  std::string max_connections, statement_timeout_ms, memory_limit_mb;
  std::string session_timeout_minutes, time_zone, conversion_events;

  // `defaults`: mention what an unset flag means (add); for set, an unset flag keeps the
  // merchant's value.
  void Declare(ArgParser* parser, bool defaults) {
    auto help = [defaults](const char* what, const char* server_value) {
      return defaults ? absl::StrCat(what, " (default: ", server_value, ")") : std::string(what);
    };
    parser->AddString("max-connections", &max_connections,
                      help("PG connections of this merchant at most", "the server's"));
    parser->AddString("statement-timeout-ms", &statement_timeout_ms,
                      help("statement timeout, 0 = none", "the server's"));
    parser->AddString("memory-limit-mb", &memory_limit_mb,
                      help("memory per statement", "the server's"));
    parser->AddString(
        "session-timeout-minutes", &session_timeout_minutes,
        help("inactivity that ends a session, 1-10080", "processing.session_timeout_minutes"));
    parser->AddString(
        "time-zone", &time_zone,
        help("IANA time zone of daily rollups, e.g. Europe/Paris", "processing.time_zone"));
    parser->AddString("conversion-events", &conversion_events,
                      help("events that make a session convert, comma-separated, e.g. "
                           "purchase,signup",
                           "processing.conversion_events"));
  }

  bool AnyGiven() const {
    return !max_connections.empty() || !statement_timeout_ms.empty() || !memory_limit_mb.empty() ||
           !session_timeout_minutes.empty() || !time_zone.empty() || !conversion_events.empty();
  }

  // The given flags into *limits; InvalidArgument names a flag whose value is not even of
  // the right kind (ranges are the store's to check).
  absl::Status Parse(auth::MerchantLimits* limits) const {
    std::optional<int64_t> connections;
    RETURN_IF_ERROR(ParseInteger("max-connections", max_connections, &connections));
    RETURN_IF_ERROR(
        ParseInteger("statement-timeout-ms", statement_timeout_ms, &limits->statement_timeout_ms));
    RETURN_IF_ERROR(ParseInteger("memory-limit-mb", memory_limit_mb, &limits->memory_limit_mb));
    RETURN_IF_ERROR(ParseInteger("session-timeout-minutes", session_timeout_minutes,
                                 &limits->session_timeout_minutes));
    if (connections) {
      if (*connections < INT32_MIN || *connections > INT32_MAX) {
        return absl::InvalidArgumentError("--max-connections: out of range");
      }
      limits->max_connections = static_cast<int>(*connections);
    }
    if (!time_zone.empty()) limits->time_zone = time_zone;
    if (!conversion_events.empty()) {
      std::vector<std::string> events;
      for (absl::string_view event : absl::StrSplit(conversion_events, ',')) {
        events.emplace_back(absl::StripAsciiWhitespace(event));
      }
      limits->conversion_events = std::move(events);
    }
    return absl::OkStatus();
  }
};

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
              static_cast<int>(key_width), "write key", "created (UTC)", "limits and settings");
  for (const auth::MerchantInfo& m : merchants) {
    std::string created = absl::FormatTime("%Y-%m-%d %H:%M:%SZ", absl::FromUnixMicros(m.created_us),
                                           absl::UTCTimeZone());
    std::printf("%-*s  %-*s  %-20s  %s\n", static_cast<int>(name_width), m.merchant.c_str(),
                static_cast<int>(key_width), m.write_key.c_str(), created.c_str(),
                auth::LimitsText(m.limits).c_str());
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
  LimitFlags limit_flags;
  std::string password;
  ArgParser parser(
      "strata admin merchant add NAME (--data-dir DIR | --server URL) [flags]",
      "Adds merchant NAME (1-64 of [A-Za-z0-9_.-]) and prints its credentials once: the\n"
      "password of PG user NAME, the tracker write key and the HTTP API token.");
  target_flags.Declare(&parser, /*with_format=*/true);
  parser.AddString("password", &password,
                   "the merchant's password (printable ASCII; default: generated)");
  limit_flags.Declare(&parser, /*defaults=*/true);
  if (std::optional<int> exit = parser.ParseOrExit(args, "admin merchant add")) return *exit;
  int exit = 0;
  std::optional<std::string> name = OneName(parser, &exit);
  if (!name) return exit;
  auth::AddMerchantRequest request;
  request.merchant = *name;
  request.password = password;
  if (absl::Status s = limit_flags.Parse(&request.limits); !s.ok()) {
    return UsageError(std::string(s.message()));
  }
  std::unique_ptr<AdminTarget> target = OpenTarget(target_flags, &exit);
  if (!target) return exit;
  absl::StatusOr<auth::Credentials> creds = target->Add(request);
  if (!creds.ok()) return Fail(creds.status());
  PrintCredentials(*creds, target_flags.format, "Added");
  return 0;
}

int RunSet(const std::vector<std::string>& args) {
  TargetFlags target_flags;
  LimitFlags limit_flags;
  std::string reset;
  ArgParser parser(
      "strata admin merchant set NAME (--data-dir DIR | --server URL) [flags]",
      "Changes merchant NAME's limits and processing settings: the flags given take their\n"
      "values, --reset returns settings to the server's, the others stay. Through --server\n"
      "the change applies at once: processing settings to data processed from then on.");
  target_flags.Declare(&parser, /*with_format=*/true);
  limit_flags.Declare(&parser, /*defaults=*/false);
  parser.AddString("reset", &reset,
                   "settings back to the server's value, comma-separated, e.g. "
                   "time_zone,max_connections");
  if (std::optional<int> exit = parser.ParseOrExit(args, "admin merchant set")) return *exit;
  int exit = 0;
  std::optional<std::string> name = OneName(parser, &exit);
  if (!name) return exit;
  auth::LimitsChange change;
  if (absl::Status s = limit_flags.Parse(&change.set); !s.ok()) {
    return UsageError(std::string(s.message()));
  }
  if (!reset.empty()) {
    for (absl::string_view field : absl::StrSplit(reset, ',')) {
      std::string name_of_field(absl::StripAsciiWhitespace(field));
      // Flag spellings (time-zone) are accepted for the field names (time_zone).
      std::replace(name_of_field.begin(), name_of_field.end(), '-', '_');
      change.reset.push_back(std::move(name_of_field));
    }
  }
  if (!limit_flags.AnyGiven() && change.reset.empty()) {
    return UsageError("nothing to change: give a setting's flag or --reset");
  }
  std::unique_ptr<AdminTarget> target = OpenTarget(target_flags, &exit);
  if (!target) return exit;
  absl::StatusOr<auth::MerchantInfo> info = target->ChangeLimits(*name, change);
  if (!info.ok()) return Fail(info.status());
  if (target_flags.format == "json") {
    std::printf("%s\n", auth::MerchantInfoToJson(*info).c_str());
  } else {
    std::printf("Updated merchant \"%s\": %s\n", info->merchant.c_str(),
                auth::LimitsText(info->limits).c_str());
  }
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

// A counter of a status JSON ("kafka.consumer.events"), 0 when absent.
double StatusNumber(const std::string& json, std::initializer_list<const char*> path) {
  simdjson::dom::parser parser;
  simdjson::dom::element e;
  if (parser.parse(json).get(e) != simdjson::SUCCESS) return 0;
  for (const char* key : path) {
    if (e[key].get(e) != simdjson::SUCCESS) return 0;
  }
  double v = 0;
  int64_t i = 0;
  if (e.get(i) == simdjson::SUCCESS) return static_cast<double>(i);
  uint64_t u = 0;
  if (e.get(u) == simdjson::SUCCESS) return static_cast<double>(u);
  return e.get(v) == simdjson::SUCCESS ? v : 0;
}

int RunStatus(const std::vector<std::string>& args) {
  TargetFlags target_flags;
  int64_t rate_seconds = 1;
  ArgParser parser("strata admin status --server URL [flags]",
                   "Shows a running server's ingest state: engine counters and, in Kafka mode,\n"
                   "assigned partitions with positions, lag and durable offsets, dead letters and\n"
                   "producer deliveries; rates are measured over --rate-seconds.");
  target_flags.Declare(&parser, /*with_format=*/true);
  parser.AddInt64("rate-seconds", &rate_seconds, "measure rates over this many seconds (0 = none)");
  if (std::optional<int> exit = parser.ParseOrExit(args, "admin status")) return *exit;
  if (!parser.positional().empty()) return UsageError("status takes no NAME");
  int exit = 0;
  std::unique_ptr<AdminTarget> target = OpenTarget(target_flags, &exit);
  if (!target) return exit;
  absl::StatusOr<std::string> first = target->StatusJson();
  if (!first.ok()) return Fail(first.status());
  if (target_flags.format == "json" || rate_seconds <= 0) {
    std::fputs(
        target_flags.format == "json" ? (*first + "\n").c_str() : FormatServeStatus(*first).c_str(),
        stdout);
    return 0;
  }
  absl::SleepFor(absl::Seconds(rate_seconds));
  absl::StatusOr<std::string> second = target->StatusJson();
  if (!second.ok()) return Fail(second.status());
  std::fputs(FormatServeStatus(*second).c_str(), stdout);
  auto rate = [&](std::initializer_list<const char*> path) {
    return (StatusNumber(*second, path) - StatusNumber(*first, path)) /
           static_cast<double>(rate_seconds);
  };
  std::printf("rates over %lld s: appended %.0f events/s", static_cast<long long>(rate_seconds),
              rate({"engine", "events_appended"}));
  if (second->find("\"consumer\"") != std::string::npos) {
    std::printf(", consumed %.0f messages/s, %.0f dead letters/s",
                rate({"kafka", "consumer", "messages"}),
                rate({"kafka", "consumer", "dead_letters"}));
  }
  if (second->find("\"producer\"") != std::string::npos) {
    std::printf(", produced %.0f events/s", rate({"kafka", "producer", "events_delivered"}));
  }
  std::printf("\n");
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
  if (args[0] == "status") return RunStatus(std::vector<std::string>(args.begin() + 1, args.end()));
  if (args[0] != "merchant") {
    return UsageError(
        absl::StrCat("unknown admin command '", args[0], "' (expected merchant or status)"));
  }
  if (args.size() < 2 || args[1] == "--help" || args[1] == "-h") {
    std::fputs(kOverview, args.size() < 2 ? stderr : stdout);
    return args.size() < 2 ? 2 : 0;
  }
  const std::string& action = args[1];
  std::vector<std::string> rest(args.begin() + 2, args.end());
  if (action == "add") return RunAdd(rest);
  if (action == "list") return RunList(rest);
  if (action == "set") return RunSet(rest);
  if (action == "rotate-key") return RunRotate(rest);
  if (action == "remove") return RunRemove(rest);
  return UsageError(absl::StrCat("unknown action '", action, "'"));
}

}  // namespace strata::server
