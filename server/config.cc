#include "server/config.h"

#include <unistd.h>

#include <toml++/toml.h>
#include <cctype>
#include <fstream>
#include <sstream>
#include <string_view>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "common/status.h"
#include "server/base/log.h"

extern char** environ;

namespace strata::server {
namespace {

constexpr char kMasked[] = "********";
constexpr char kEnvPrefix[] = "STRATA_";

enum class Type { kString, kInt, kStringList };

// One setting: its dotted key, where it lives in ServeConfig, and what values it takes.
// This table is the only list of settings: TOML, environment, overrides and
// ServeConfigToToml all walk it.
struct Setting {
  std::string_view key;
  Type type = Type::kString;
  void* (*field)(ServeConfig&) = nullptr;
  std::string_view help;
  int64_t min = 0;  // kInt: inclusive range
  int64_t max = 0;
  absl::Status (*check_int)(int64_t) = nullptr;                // kInt: more rules
  absl::Status (*check_string)(const std::string&) = nullptr;  // kString: rules
  bool secret = false;
};

absl::Status NonEmpty(const std::string& v) {
  if (v.empty()) return absl::InvalidArgumentError("must not be empty");
  return absl::OkStatus();
}

absl::Status OneOf(const std::string& v, std::initializer_list<std::string_view> choices) {
  for (std::string_view c : choices) {
    if (v == c) return absl::OkStatus();
  }
  std::vector<std::string> quoted;
  for (std::string_view c : choices) quoted.push_back(absl::StrCat("\"", std::string(c), "\""));
  return absl::InvalidArgumentError(
      absl::StrCat("must be one of ", absl::StrJoin(quoted, ", "), " (got \"", v, "\")"));
}

absl::Status WalSync(const std::string& v) { return OneOf(v, {"sync", "relaxed"}); }
absl::Status Compression(const std::string& v) { return OneOf(v, {"zstd", "lz4", "none"}); }

absl::Status LevelName(const std::string& v) {
  LogLevel level;
  if (ParseLogLevel(v, &level)) return absl::OkStatus();
  return OneOf(v, {"debug", "info", "warn", "error"});
}

absl::Status TimeZoneName(const std::string& v) {
  absl::TimeZone zone;
  if (v.empty() || !absl::LoadTimeZone(v, &zone)) {
    return absl::InvalidArgumentError(absl::StrCat("unknown time zone \"", v,
                                                   "\" (use an IANA name such as \"UTC\" or "
                                                   "\"Europe/Paris\")"));
  }
  return absl::OkStatus();
}

absl::Status RedisAddress(const std::string& v) {
  if (v.empty()) return absl::OkStatus();
  if (absl::StartsWith(v, "unix:")) {
    if (v.size() > 5) return absl::OkStatus();
    return absl::InvalidArgumentError("\"unix:\" needs a socket path");
  }
  size_t colon = v.rfind(':');
  int port = 0;
  if (colon == std::string::npos || colon == 0 || !absl::SimpleAtoi(v.substr(colon + 1), &port) ||
      port <= 0 || port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("must be \"host:port\" or \"unix:/path\" (got \"", v, "\")"));
  }
  return absl::OkStatus();
}

// "sasl.password=x" -> "sasl.password=********": librdkafka settings in kafka.properties
// may carry credentials.
std::string MaskSecretProperty(const std::string& item) {
  const size_t eq = item.find('=');
  if (eq == std::string::npos) return item;
  const std::string key = absl::AsciiStrToLower(item.substr(0, eq));
  if (!absl::StrContains(key, "password") && !absl::StrContains(key, "secret")) return item;
  return absl::StrCat(item.substr(0, eq + 1), kMasked);
}

absl::Status IngestMode(const std::string& v) { return OneOf(v, {"wal", "kafka"}); }

absl::Status PowerOfTwo(int64_t v) {
  if ((v & (v - 1)) != 0) return absl::InvalidArgumentError("must be a power of two");
  return absl::OkStatus();
}

constexpr int64_t kMax = INT64_MAX;

Setting Make(std::string_view key, Type type, void* (*field)(ServeConfig&), std::string_view help) {
  Setting s;
  s.key = key;
  s.type = type;
  s.field = field;
  s.help = help;
  return s;
}

Setting Int(std::string_view key, void* (*field)(ServeConfig&), int64_t min, int64_t max,
            std::string_view help, absl::Status (*check)(int64_t) = nullptr) {
  Setting s = Make(key, Type::kInt, field, help);
  s.min = min;
  s.max = max;
  s.check_int = check;
  return s;
}

Setting String(std::string_view key, void* (*field)(ServeConfig&), std::string_view help,
               absl::Status (*check)(const std::string&) = nullptr, bool secret = false) {
  Setting s = Make(key, Type::kString, field, help);
  s.check_string = check;
  s.secret = secret;
  return s;
}

Setting List(std::string_view key, void* (*field)(ServeConfig&), std::string_view help) {
  return Make(key, Type::kStringList, field, help);
}

#define STRATA_FIELD(member) [](ServeConfig& c) -> void* { return &c.member; }

const std::vector<Setting>& Settings() {
  static const std::vector<Setting>* settings = new std::vector<Setting>{
      String("data_dir", STRATA_FIELD(data_dir), "data directory", NonEmpty),

      String("http.host", STRATA_FIELD(http.host), "HTTP listen address", NonEmpty),
      Int("http.port", STRATA_FIELD(http.port), 0, 65535, "HTTP port (0 = any free port)"),
      Int("http.io_threads", STRATA_FIELD(http.io_threads), 1, 1024, "HTTP I/O threads"),
      Int("http.max_connections", STRATA_FIELD(http.max_connections), 1, 1'000'000,
          "open HTTP connections at most"),
      Int("http.max_body_mb", STRATA_FIELD(http.max_body_mb), 1, 4096,
          "largest request body as received (413 beyond)"),
      Int("http.max_decoded_body_mb", STRATA_FIELD(http.max_decoded_body_mb), 1, 65536,
          "largest request body after gunzip (413 beyond)"),
      Int("http.max_inflight_mb", STRATA_FIELD(http.max_inflight_mb), 1, 1 << 20,
          "bodies being ingested at once (429 beyond)"),
      List("http.cors_allowed_origins", STRATA_FIELD(http.cors_allowed_origins),
           "origins allowed to POST /collect from a browser (\"*\" = any)"),
      Int("http.max_event_age_hours", STRATA_FIELD(http.max_event_age_hours), 0, kMax,
          "reject events older than this (0 = accept any past ts)"),
      Int("http.max_event_future_minutes", STRATA_FIELD(http.max_event_future_minutes), 0, kMax,
          "reject events further in the future than this (0 = accept any)"),

      String("pg.host", STRATA_FIELD(pg.host), "PostgreSQL wire listen address", NonEmpty),
      Int("pg.port", STRATA_FIELD(pg.port), 0, 65535, "PostgreSQL wire port (0 = any free port)"),
      Int("pg.max_connections", STRATA_FIELD(pg.max_connections), 1, 1'000'000,
          "PostgreSQL connections at most"),
      Int("pg.max_connections_per_merchant", STRATA_FIELD(pg.max_connections_per_merchant), 1,
          1'000'000, "PostgreSQL connections per merchant at most (unless its limits say)"),
      String("pg.database", STRATA_FIELD(pg.database), "the database name clients connect to",
             NonEmpty),

      String("grpc.host", STRATA_FIELD(grpc.host), "gRPC listen address (reserved)", NonEmpty),
      Int("grpc.port", STRATA_FIELD(grpc.port), 0, 65535, "gRPC port (reserved)"),

      Int("query.statement_timeout_ms", STRATA_FIELD(query.statement_timeout_ms), 0, kMax,
          "statement timeout (0 = none on PG wire; the JSON API caps at 30 s)"),
      Int("query.memory_limit_mb", STRATA_FIELD(query.memory_limit_mb), 1, 1 << 30,
          "memory one statement may use"),
      Int("query.max_result_rows", STRATA_FIELD(query.max_result_rows), 1, kMax,
          "rows one result may hold"),
      Int("query.threads", STRATA_FIELD(query.threads), 0, 1024,
          "worker threads per statement (0 = hardware threads)"),
      String("query.time_zone", STRATA_FIELD(query.time_zone), "session time zone (IANA name)",
             TimeZoneName),

      Int("engine.shards", STRATA_FIELD(engine.shards), 1, 4096,
          "shards of a new data directory (a power of two)", PowerOfTwo),
      String("engine.wal_sync", STRATA_FIELD(engine.wal_sync),
             "\"sync\" (fdatasync each group) or \"relaxed\"", WalSync),
      Int("engine.memtable_max_rows", STRATA_FIELD(engine.memtable_max_rows), 1, kMax,
          "rows of a shard's memtable before it is flushed"),
      Int("engine.memtable_budget_mb", STRATA_FIELD(engine.memtable_budget_mb), 1, 1 << 30,
          "memory of all memtables before the largest is flushed"),
      Int("engine.memtable_max_age_seconds", STRATA_FIELD(engine.memtable_max_age_seconds), 1, kMax,
          "age of a memtable before it is flushed"),
      String("engine.compression", STRATA_FIELD(engine.compression),
             "segment compression: \"zstd\", \"lz4\" or \"none\"", Compression),

      Int("processing.allowed_lateness_minutes", STRATA_FIELD(processing.allowed_lateness_minutes),
          0, 100'000'000,
          "events this much older than a shard's watermark still join their sessions"),
      Int("processing.rollup_min_rows", STRATA_FIELD(processing.rollup_min_rows), 1, kMax,
          "rows a merchant needs in a segment to get rollup cells there"),
      Int("processing.session_timeout_minutes", STRATA_FIELD(processing.session_timeout_minutes), 1,
          7 * 24 * 60, "inactivity that ends a session (merchants may override)"),
      List("processing.conversion_events", STRATA_FIELD(processing.conversion_events),
           "events that make a session convert (merchants may override)"),
      String("processing.time_zone", STRATA_FIELD(processing.time_zone),
             "time zone of daily rollups (IANA name; merchants may override)", TimeZoneName),

      String("ingest.mode", STRATA_FIELD(ingest.mode),
             "\"wal\" (/collect appends to the local WAL) or \"kafka\" (/collect produces to "
             "kafka.topic; this node consumes it)",
             IngestMode),

      String("kafka.brokers", STRATA_FIELD(kafka.brokers),
             "bootstrap servers \"host:port,...\" (required when ingest.mode = \"kafka\")"),
      String("kafka.topic", STRATA_FIELD(kafka.topic), "topic of the events", NonEmpty),
      String("kafka.dlq_topic", STRATA_FIELD(kafka.dlq_topic),
             "dead-letter topic for bad messages (reason in header strata.error)", NonEmpty),
      String("kafka.group", STRATA_FIELD(kafka.group), "consumer group of the Strata nodes",
             NonEmpty),
      String("kafka.client_id", STRATA_FIELD(kafka.client_id), "client.id sent to the brokers",
             NonEmpty),
      List("kafka.properties", STRATA_FIELD(kafka.properties),
           "extra librdkafka settings, \"key=value\" (security.protocol, sasl.*, ssl.*)"),
      Int("kafka.produce_timeout_ms", STRATA_FIELD(kafka.produce_timeout_ms), 100, 3'600'000,
          "/collect waits this long for Kafka's delivery report at most (then 503)"),
      Int("kafka.max_batch_events", STRATA_FIELD(kafka.max_batch_events), 1, 16'777'216,
          "consumed events per engine append at most"),

      String("redis.address", STRATA_FIELD(redis.address),
             "Redis for the realtime mirror: \"host:port\" or \"unix:/path\" (empty = off)",
             RedisAddress),
      String("redis.password", STRATA_FIELD(redis.password), "Redis AUTH password (empty = none)",
             nullptr, /*secret=*/true),
      String("redis.key_prefix", STRATA_FIELD(redis.key_prefix), "prefix of the mirror's keys",
             NonEmpty),
      Int("redis.interval_ms", STRATA_FIELD(redis.interval_ms), 100, 3'600'000,
          "pushes per merchant at most once per this interval"),
      Int("redis.ttl_seconds", STRATA_FIELD(redis.ttl_seconds), 1, 86'400 * 30,
          "expiry of a merchant's keys after its last push"),
      Int("redis.top_n", STRATA_FIELD(redis.top_n), 1, 10'000, "pages and items per sorted set"),

      String("auth.admin_user", STRATA_FIELD(auth.admin_user), "the admin's user name", NonEmpty),
      String("auth.admin_password", STRATA_FIELD(auth.admin_password),
             "the admin's password (change it!)", NonEmpty, /*secret=*/true),
      String("auth.admin_token", STRATA_FIELD(auth.admin_token),
             "the admin's HTTP Bearer token (empty = none)", nullptr, /*secret=*/true),

      String("log.level", STRATA_FIELD(log.level), "\"debug\", \"info\", \"warn\" or \"error\"",
             LevelName),
  };
  return *settings;
}

#undef STRATA_FIELD

const Setting* FindSetting(std::string_view key) {
  for (const Setting& s : Settings()) {
    if (s.key == key) return &s;
  }
  return nullptr;
}

// "pg.port" -> "STRATA_PG_PORT".
std::string EnvName(std::string_view key) {
  std::string name = kEnvPrefix;
  for (char c : key) name.push_back(c == '.' ? '_' : absl::ascii_toupper(c));
  return name;
}

// The section of a key ("pg" of "pg.port"), "" for top-level keys.
std::string_view SectionOf(std::string_view key) {
  size_t dot = key.find('.');
  return dot == std::string_view::npos ? std::string_view() : key.substr(0, dot);
}

std::string_view NameIn(std::string_view key) {
  size_t dot = key.find('.');
  return dot == std::string_view::npos ? key : key.substr(dot + 1);
}

absl::Status Error(std::string_view source, std::string_view key, std::string_view reason) {
  return absl::InvalidArgumentError(
      absl::StrCat(std::string(source), ": ", std::string(key), ": ", std::string(reason)));
}

absl::Status CheckRange(const Setting& s, int64_t v) {
  if (v < s.min || v > s.max) {
    if (s.max == kMax) return absl::InvalidArgumentError(absl::StrCat("must be >= ", s.min));
    return absl::InvalidArgumentError(absl::StrCat("must be ", s.min, "-", s.max));
  }
  return s.check_int ? s.check_int(v) : absl::OkStatus();
}

absl::Status CheckString(const Setting& s, const std::string& v) {
  for (char c : v) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return absl::InvalidArgumentError("must not contain control characters");
    }
  }
  return s.check_string ? s.check_string(v) : absl::OkStatus();
}

absl::Status SetInt(const Setting& s, int64_t v, ServeConfig* config, std::string_view source) {
  if (absl::Status st = CheckRange(s, v); !st.ok())
    return Error(source, s.key, std::string(st.message()));
  *static_cast<int64_t*>(s.field(*config)) = v;
  return absl::OkStatus();
}

absl::Status SetString(const Setting& s, std::string v, ServeConfig* config,
                       std::string_view source) {
  if (absl::Status st = CheckString(s, v); !st.ok())
    return Error(source, s.key, std::string(st.message()));
  *static_cast<std::string*>(s.field(*config)) = std::move(v);
  return absl::OkStatus();
}

absl::Status SetList(const Setting& s, std::vector<std::string> v, ServeConfig* config,
                     std::string_view source) {
  for (const std::string& item : v) {
    if (absl::Status st = CheckString(s, item); !st.ok()) {
      return Error(source, s.key, std::string(st.message()));
    }
  }
  *static_cast<std::vector<std::string>*>(s.field(*config)) = std::move(v);
  return absl::OkStatus();
}

// A value given as text (environment, command line). Lists are comma-separated.
absl::Status SetFromText(const Setting& s, std::string_view text, ServeConfig* config,
                         std::string_view source) {
  switch (s.type) {
    case Type::kInt: {
      int64_t v = 0;
      std::string trimmed(absl::StripAsciiWhitespace(std::string(text)));
      if (!absl::SimpleAtoi(trimmed, &v)) {
        return Error(source, s.key,
                     absl::StrCat("expected an integer, got \"", std::string(text), "\""));
      }
      return SetInt(s, v, config, source);
    }
    case Type::kString:
      return SetString(s, std::string(text), config, source);
    case Type::kStringList: {
      std::vector<std::string> items;
      for (absl::string_view item :
           absl::StrSplit(std::string(text), ',', absl::SkipWhitespace())) {
        items.emplace_back(absl::StripAsciiWhitespace(item));
      }
      return SetList(s, std::move(items), config, source);
    }
  }
  return absl::OkStatus();
}

std::string TomlTypeName(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a float";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::table:
      return "a table";
    default:
      return "a date/time";
  }
}

absl::Status SetFromToml(const Setting& s, const toml::node& node, ServeConfig* config,
                         std::string_view source) {
  switch (s.type) {
    case Type::kInt:
      if (!node.is_integer()) {
        return Error(source, s.key, absl::StrCat("expected an integer, got ", TomlTypeName(node)));
      }
      return SetInt(s, node.as_integer()->get(), config, source);
    case Type::kString:
      if (!node.is_string()) {
        return Error(source, s.key, absl::StrCat("expected a string, got ", TomlTypeName(node)));
      }
      return SetString(s, node.as_string()->get(), config, source);
    case Type::kStringList: {
      const toml::array* array = node.as_array();
      std::vector<std::string> items;
      bool ok = array != nullptr;
      if (ok) {
        for (const toml::node& item : *array) {
          if (!item.is_string()) {
            ok = false;
            break;
          }
          items.push_back(item.as_string()->get());
        }
      }
      if (!ok) {
        return Error(source, s.key,
                     absl::StrCat("expected an array of strings, got ", TomlTypeName(node)));
      }
      return SetList(s, std::move(items), config, source);
    }
  }
  return absl::OkStatus();
}

bool IsSection(std::string_view name) {
  for (const Setting& s : Settings()) {
    if (SectionOf(s.key) == name) return true;
  }
  return false;
}

absl::Status ApplyTomlFile(const std::string& path, ServeConfig* config) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(absl::StrCat("config file ", path, ": cannot be opened"));
  }
  std::stringstream text;
  text << in.rdbuf();
  toml::table root;
  try {
    root = toml::parse(text.str(), path);
  } catch (const toml::parse_error& e) {
    return absl::InvalidArgumentError(absl::StrCat(path, ":", e.source().begin.line, ":",
                                                   e.source().begin.column, ": ",
                                                   std::string(e.description())));
  }
  for (const auto& [name, node] : root) {
    std::string_view top = name.str();
    if (const Setting* s = FindSetting(top)) {
      RETURN_IF_ERROR(SetFromToml(*s, node, config, path));
      continue;
    }
    if (!IsSection(top)) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": unknown key \"", std::string(top), "\""));
    }
    const toml::table* section = node.as_table();
    if (section == nullptr) return Error(path, top, "expected a table");
    for (const auto& [inner, value] : *section) {
      std::string key = absl::StrCat(std::string(top), ".", std::string(inner.str()));
      const Setting* s = FindSetting(key);
      if (s == nullptr) {
        return absl::InvalidArgumentError(absl::StrCat(path, ": unknown key \"", key, "\""));
      }
      RETURN_IF_ERROR(SetFromToml(*s, value, config, path));
    }
  }
  return absl::OkStatus();
}

// STRATA_<SECTION>_* and STRATA_DATA_DIR are configuration; other STRATA_* variables
// (such as STRATA_BIN in the tests) are not ours to judge.
bool LooksLikeSetting(std::string_view env_name) {
  std::string_view rest = env_name.substr(std::string_view(kEnvPrefix).size());
  for (const Setting& s : Settings()) {
    std::string_view section = SectionOf(s.key);
    std::string prefix = section.empty()
                             ? EnvName(s.key).substr(std::string_view(kEnvPrefix).size())
                             : absl::AsciiStrToUpper(absl::StrCat(std::string(section), "_"));
    if (rest.substr(0, prefix.size()) == prefix) return true;
  }
  return false;
}

absl::Status ApplyEnvironment(const std::map<std::string, std::string>& environment,
                              ServeConfig* config) {
  for (const auto& [name, value] : environment) {
    if (name.rfind(kEnvPrefix, 0) != 0) continue;
    const Setting* found = nullptr;
    for (const Setting& s : Settings()) {
      if (EnvName(s.key) == name) found = &s;
    }
    if (found == nullptr) {
      if (!LooksLikeSetting(name)) continue;
      return absl::InvalidArgumentError(absl::StrCat("environment variable ", name,
                                                     ": no such setting (the keys are listed by "
                                                     "`strata serve --print-config`)"));
    }
    RETURN_IF_ERROR(SetFromText(*found, value, config, name));
  }
  return absl::OkStatus();
}

void AppendTomlString(std::string_view text, std::string* out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  out->push_back('"');
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(c);
    } else if (c == '\n') {
      out->append("\\n");
    } else if (c == '\t') {
      out->append("\\t");
    } else if (u < 0x20 || u == 0x7f) {
      out->append("\\u00");
      out->push_back(kHex[u >> 4]);
      out->push_back(kHex[u & 15]);
    } else {
      out->push_back(c);
    }
  }
  out->push_back('"');
}

}  // namespace

absl::StatusOr<ServeConfig> LoadServeConfig(const ConfigSources& sources) {
  ServeConfig config;
  if (!sources.toml_path.empty()) RETURN_IF_ERROR(ApplyTomlFile(sources.toml_path, &config));
  RETURN_IF_ERROR(ApplyEnvironment(sources.environment, &config));
  for (const auto& [key, value] : sources.overrides) {
    const Setting* s = FindSetting(key);
    if (s == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("command line: unknown key \"", key,
                       "\" (the keys are listed by `strata serve --print-config`)"));
    }
    RETURN_IF_ERROR(SetFromText(*s, value, &config, "command line"));
  }
  return config;
}

std::string ServeConfigToToml(const ServeConfig& config, bool show_secrets) {
  // The accessors take a mutable config; printing only reads through them.
  ServeConfig& c = const_cast<ServeConfig&>(config);
  std::string out =
      "# strata serve configuration. Every key can also be set with an environment variable\n"
      "# (STRATA_ + the key upper-cased, '.' -> '_') or with --set key=value.\n\n";
  std::string_view section = "";
  for (const Setting& s : Settings()) {
    if (SectionOf(s.key) != section) {
      section = SectionOf(s.key);
      absl::StrAppend(&out, "\n[", std::string(section), "]\n");
    }
    absl::StrAppend(&out, "# ", std::string(s.help), "\n", std::string(NameIn(s.key)), " = ");
    switch (s.type) {
      case Type::kInt:
        absl::StrAppend(&out, *static_cast<const int64_t*>(s.field(c)));
        break;
      case Type::kString: {
        const std::string& v = *static_cast<const std::string*>(s.field(c));
        AppendTomlString(s.secret && !show_secrets && !v.empty() ? kMasked : v, &out);
        break;
      }
      case Type::kStringList: {
        const auto& items = *static_cast<const std::vector<std::string>*>(s.field(c));
        out.push_back('[');
        for (size_t i = 0; i < items.size(); ++i) {
          if (i > 0) out.append(", ");
          AppendTomlString(show_secrets ? items[i] : MaskSecretProperty(items[i]), &out);
        }
        out.push_back(']');
        break;
      }
    }
    out.push_back('\n');
  }
  return out;
}

std::map<std::string, std::string> ProcessEnvironment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string_view entry(*e);
    size_t eq = entry.find('=');
    if (eq == std::string_view::npos) continue;
    env.emplace(std::string(entry.substr(0, eq)), std::string(entry.substr(eq + 1)));
  }
  return env;
}

}  // namespace strata::server
