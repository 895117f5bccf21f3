#include "server/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>

#include "common/temp_dir.h"

namespace strata::server {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string WriteFile(const TempDir& dir, const std::string& name, const std::string& text) {
  std::string path = dir.File(name);
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

std::string Dump(const ServeConfig& c) { return ServeConfigToToml(c, /*show_secrets=*/true); }

absl::Status LoadError(const ConfigSources& sources) { return LoadServeConfig(sources).status(); }

TEST(ConfigTest, DefaultsWithoutSources) {
  absl::StatusOr<ServeConfig> config = LoadServeConfig({});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(Dump(*config), Dump(ServeConfig{}));
  EXPECT_EQ(config->data_dir, "./strata-data");
  EXPECT_EQ(config->http.port, 8080);
  EXPECT_EQ(config->pg.port, 5433);
  EXPECT_EQ(config->grpc.port, 50051);
  EXPECT_EQ(config->auth.admin_user, "strata");
}

TEST(ConfigTest, EachSourceOverridesThePrevious) {
  TempDir dir;
  ConfigSources sources;
  sources.toml_path = WriteFile(dir, "strata.toml", R"(
data_dir = "/from/toml"
[pg]
port = 6000
database = "toml_db"
[http]
port = 9000
io_threads = 3
[query]
time_zone = "Europe/Paris"
)");
  absl::StatusOr<ServeConfig> toml_only = LoadServeConfig(sources);
  ASSERT_TRUE(toml_only.ok()) << toml_only.status();
  EXPECT_EQ(toml_only->data_dir, "/from/toml");
  EXPECT_EQ(toml_only->pg.port, 6000);
  EXPECT_EQ(toml_only->http.io_threads, 3);
  EXPECT_EQ(toml_only->query.time_zone, "Europe/Paris");
  EXPECT_EQ(toml_only->pg.max_connections, 200);  // untouched default

  sources.environment = {{"STRATA_PG_PORT", "7000"},
                         {"STRATA_HTTP_PORT", "9100"},
                         {"STRATA_DATA_DIR", "/from/env"},
                         {"HOME", "/root"}};
  absl::StatusOr<ServeConfig> with_env = LoadServeConfig(sources);
  ASSERT_TRUE(with_env.ok()) << with_env.status();
  EXPECT_EQ(with_env->pg.port, 7000);
  EXPECT_EQ(with_env->http.port, 9100);
  EXPECT_EQ(with_env->data_dir, "/from/env");
  EXPECT_EQ(with_env->pg.database, "toml_db");

  sources.overrides = {{"pg.port", "8000"}, {"data_dir", "/from/flag"}, {"pg.port", "8001"}};
  absl::StatusOr<ServeConfig> all = LoadServeConfig(sources);
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(all->pg.port, 8001);  // the last flag wins
  EXPECT_EQ(all->data_dir, "/from/flag");
  EXPECT_EQ(all->http.port, 9100);
  EXPECT_EQ(all->http.io_threads, 3);
}

TEST(ConfigTest, DottedKeysAndInlineTablesInToml) {
  TempDir dir;
  ConfigSources sources;
  sources.toml_path = WriteFile(dir, "c.toml",
                                "pg.port = 6543\n"
                                "engine = { wal_sync = \"relaxed\", shards = 16 }\n");
  absl::StatusOr<ServeConfig> config = LoadServeConfig(sources);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->pg.port, 6543);
  EXPECT_EQ(config->engine.wal_sync, "relaxed");
  EXPECT_EQ(config->engine.shards, 16);
}

TEST(ConfigTest, ListsFromEveryKindOfSource) {
  TempDir dir;
  ConfigSources sources;
  sources.toml_path = WriteFile(dir, "c.toml",
                                "[http]\ncors_allowed_origins = [\"https://a.example\", "
                                "\"https://b.example\"]\n");
  absl::StatusOr<ServeConfig> config = LoadServeConfig(sources);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->http.cors_allowed_origins,
            (std::vector<std::string>{"https://a.example", "https://b.example"}));
  sources.environment = {{"STRATA_HTTP_CORS_ALLOWED_ORIGINS", "https://c.example, https://d"}};
  config = LoadServeConfig(sources);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->http.cors_allowed_origins,
            (std::vector<std::string>{"https://c.example", "https://d"}));
  sources.overrides = {{"http.cors_allowed_origins", ""}};
  config = LoadServeConfig(sources);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_TRUE(config->http.cors_allowed_origins.empty());
}

TEST(ConfigTest, UnknownKeysNameTheKeyAndSource) {
  TempDir dir;
  struct Case {
    std::string toml;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {"[pg]\nprot = 1\n", "unknown key \"pg.prot\""},
      {"port = 1\n", "unknown key \"port\""},
      {"[pgwire]\nport = 1\n", "unknown key \"pgwire\""},
      {"pg = 5\n", "pg: expected a table"},
  };
  for (const Case& c : cases) {
    ConfigSources sources;
    sources.toml_path = WriteFile(dir, "bad.toml", c.toml);
    absl::Status status = LoadError(sources);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.toml;
    EXPECT_THAT(status.message(), HasSubstr(c.expected)) << status;
    EXPECT_THAT(status.message(), HasSubstr("bad.toml")) << status;
  }

  ConfigSources env;
  env.environment = {{"STRATA_PG_PROT", "1"}};
  absl::Status status = LoadError(env);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("STRATA_PG_PROT"));
  // STRATA_ variables outside the configuration's sections belong to others.
  env.environment = {{"STRATA_BIN", "/x/strata"}, {"PATH", "/bin"}, {"STRATA", "1"}};
  EXPECT_TRUE(LoadServeConfig(env).ok());

  ConfigSources flags;
  flags.overrides = {{"pg.prot", "1"}};
  status = LoadError(flags);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("command line: unknown key \"pg.prot\""));
}

TEST(ConfigTest, BadTypes) {
  TempDir dir;
  struct Case {
    std::string toml;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {"[pg]\nport = \"5433\"\n", "pg.port: expected an integer, got a string"},
      {"[pg]\nport = 5433.0\n", "pg.port: expected an integer, got a float"},
      {"[pg]\nhost = 127\n", "pg.host: expected a string, got an integer"},
      {"[log]\nlevel = true\n", "log.level: expected a string, got a boolean"},
      {"[http]\ncors_allowed_origins = \"*\"\n",
       "http.cors_allowed_origins: expected an array of strings, got a string"},
      {"[http]\ncors_allowed_origins = [1]\n",
       "http.cors_allowed_origins: expected an array of strings"},
      {"data_dir = [\"a\"]\n", "data_dir: expected a string, got an array"},
  };
  for (const Case& c : cases) {
    ConfigSources sources;
    sources.toml_path = WriteFile(dir, "config.toml", c.toml);
    absl::Status status = LoadError(sources);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.toml;
    EXPECT_THAT(status.message(), HasSubstr("config.toml: " + c.expected)) << status;
  }
  ConfigSources env;
  env.environment = {{"STRATA_PG_PORT", "54x"}};
  absl::Status status = LoadError(env);
  EXPECT_THAT(status.message(), HasSubstr("STRATA_PG_PORT: pg.port: expected an integer"));
  ConfigSources flags;
  flags.overrides = {{"http.io_threads", ""}};
  EXPECT_THAT(LoadError(flags).message(),
              HasSubstr("command line: http.io_threads: expected an integer"));
}

TEST(ConfigTest, Validation) {
  struct Case {
    std::string key, value, expected;
  };
  const std::vector<Case> cases = {
      {"pg.port", "65536", "pg.port: must be 0-65535"},
      {"http.port", "-1", "http.port: must be 0-65535"},
      {"grpc.port", "70000", "grpc.port: must be 0-65535"},
      {"http.max_body_mb", "0", "http.max_body_mb: must be 1-"},
      {"query.memory_limit_mb", "0", "query.memory_limit_mb: must be 1-"},
      {"engine.memtable_max_rows", "0", "engine.memtable_max_rows: must be >= 1"},
      {"query.statement_timeout_ms", "-5", "query.statement_timeout_ms: must be >= 0"},
      {"engine.shards", "3", "engine.shards: must be a power of two"},
      {"engine.shards", "0", "engine.shards: must be 1-4096"},
      {"engine.wal_sync", "always", "engine.wal_sync: must be one of \"sync\", \"relaxed\""},
      {"engine.compression", "gzip", "engine.compression: must be one of"},
      {"ingest.mode", "spark", "ingest.mode: must be one of \"wal\", \"kafka\""},
      {"kafka.topic", "", "kafka.topic: must not be empty"},
      {"kafka.produce_timeout_ms", "10", "kafka.produce_timeout_ms: must be 100-"},
      {"log.level", "verbose", "log.level: must be one of"},
      {"query.time_zone", "Mars/Olympus", "query.time_zone: unknown time zone"},
      {"query.time_zone", "", "query.time_zone: unknown time zone"},
      {"data_dir", "", "data_dir: must not be empty"},
      {"auth.admin_password", "", "auth.admin_password: must not be empty"},
      {"pg.host", "a\nb", "pg.host: must not contain control characters"},
  };
  for (const Case& c : cases) {
    ConfigSources sources;
    sources.overrides = {{c.key, c.value}};
    absl::Status status = LoadError(sources);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.key << "=" << c.value;
    EXPECT_THAT(status.message(), HasSubstr("command line: " + c.expected)) << status;
  }
  // The same rules apply to every source.
  TempDir dir;
  ConfigSources toml;
  toml.toml_path = WriteFile(dir, "config.toml", "[pg]\nport = 99999\n");
  EXPECT_THAT(LoadError(toml).message(), HasSubstr("config.toml: pg.port: must be 0-65535"));
  ConfigSources env;
  env.environment = {{"STRATA_ENGINE_WAL_SYNC", "never"}};
  EXPECT_THAT(LoadError(env).message(), HasSubstr("STRATA_ENGINE_WAL_SYNC: engine.wal_sync"));

  ConfigSources good;
  good.overrides = {{"log.level", "WARN"},
                    {"pg.port", "0"},
                    {"engine.shards", "1"},
                    {"engine.compression", "none"},
                    {"query.time_zone", "America/New_York"},
                    {"auth.admin_token", ""}};
  absl::StatusOr<ServeConfig> config = LoadServeConfig(good);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->pg.port, 0);
}

TEST(ConfigTest, TomlSyntaxErrorNamesFileAndLine) {
  TempDir dir;
  ConfigSources sources;
  sources.toml_path = WriteFile(dir, "broken.toml", "[pg]\nport = = 5\n");
  absl::Status status = LoadError(sources);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("broken.toml:2:"));
}

TEST(ConfigTest, MissingFileIsNotFound) {
  TempDir dir;
  ConfigSources sources;
  sources.toml_path = dir.File("absent.toml");
  absl::Status status = LoadError(sources);
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(status.message(), HasSubstr("absent.toml"));
}

// Every key set to a non-default value through the command line, then printed, then
// read back as a TOML file: the same configuration.
TEST(ConfigTest, PrintConfigReparsesToTheSameConfig) {
  ConfigSources sources;
  sources.overrides = {
      {"data_dir", "/var/lib/strata \"quoted\" \\ backslash é"},
      {"http.host", "0.0.0.0"},
      {"http.port", "18080"},
      {"http.io_threads", "4"},
      {"http.max_connections", "77"},
      {"http.max_body_mb", "2"},
      {"http.max_decoded_body_mb", "3"},
      {"http.max_inflight_mb", "5"},
      {"http.cors_allowed_origins", "https://a.example,https://b.example"},
      {"http.max_event_age_hours", "48"},
      {"http.max_event_future_minutes", "15"},
      {"pg.host", "::1"},
      {"pg.port", "15433"},
      {"pg.max_connections", "9"},
      {"pg.max_connections_per_merchant", "3"},
      {"pg.database", "analytics"},
      {"grpc.host", "grpc.local"},
      {"grpc.port", "50052"},
      {"query.statement_timeout_ms", "2500"},
      {"query.memory_limit_mb", "512"},
      {"query.max_result_rows", "1000"},
      {"query.threads", "2"},
      {"query.time_zone", "Asia/Tokyo"},
      {"engine.shards", "32"},
      {"engine.wal_sync", "relaxed"},
      {"engine.memtable_max_rows", "1000"},
      {"engine.memtable_budget_mb", "64"},
      {"engine.memtable_max_age_seconds", "30"},
      {"engine.compression", "lz4"},
      {"auth.admin_user", "root"},
      {"auth.admin_password", "pa\"ss"},
      {"auth.admin_token", "tok"},
      {"log.level", "debug"},
  };
  absl::StatusOr<ServeConfig> config = LoadServeConfig(sources);
  ASSERT_TRUE(config.ok()) << config.status();
  std::string printed = ServeConfigToToml(*config, /*show_secrets=*/true);
  // Every key changed, so the printout differs from the defaults' line by line.
  EXPECT_EQ(config->http.max_event_future_minutes, 15);

  TempDir dir;
  ConfigSources reread;
  reread.toml_path = WriteFile(dir, "printed.toml", printed);
  absl::StatusOr<ServeConfig> again = LoadServeConfig(reread);
  ASSERT_TRUE(again.ok()) << again.status() << "\n" << printed;
  EXPECT_EQ(Dump(*again), printed);
  EXPECT_EQ(again->data_dir, config->data_dir);
  EXPECT_EQ(again->http.cors_allowed_origins, config->http.cors_allowed_origins);
  EXPECT_EQ(again->auth.admin_password, "pa\"ss");

  // The defaults print and re-read the same way.
  reread.toml_path = WriteFile(dir, "defaults.toml", Dump(ServeConfig{}));
  again = LoadServeConfig(reread);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(Dump(*again), Dump(ServeConfig{}));
}

TEST(ConfigTest, SecretsAreMasked) {
  ServeConfig config;
  config.auth.admin_password = "very-secret";
  config.auth.admin_token = "token-secret";
  std::string masked = ServeConfigToToml(config);
  EXPECT_THAT(masked, Not(HasSubstr("very-secret")));
  EXPECT_THAT(masked, Not(HasSubstr("token-secret")));
  EXPECT_THAT(masked, HasSubstr("admin_password = \"********\""));
  EXPECT_THAT(masked, HasSubstr("admin_token = \"********\""));
  EXPECT_THAT(masked, HasSubstr("admin_user = \"strata\""));  // not a secret
  // An empty token is nothing to hide (and re-reads as "none").
  config.auth.admin_token.clear();
  EXPECT_THAT(ServeConfigToToml(config), HasSubstr("admin_token = \"\""));
  std::string shown = ServeConfigToToml(config, /*show_secrets=*/true);
  EXPECT_THAT(shown, HasSubstr("admin_password = \"very-secret\""));
}

// librdkafka settings may carry credentials: values of keys naming a password or secret.
TEST(ConfigTest, KafkaPropertySecretsAreMasked) {
  ServeConfig config;
  config.kafka.properties = {"sasl.password=pw-1", "ssl.key.password=pw-2",
                             "sasl.oauthbearer.client.secret=pw-3", "security.protocol=SASL_SSL"};
  std::string masked = ServeConfigToToml(config);
  for (const char* secret : {"pw-1", "pw-2", "pw-3"}) {
    EXPECT_THAT(masked, Not(HasSubstr(secret)));
  }
  EXPECT_THAT(masked, HasSubstr("\"sasl.password=********\""));
  EXPECT_THAT(masked, HasSubstr("\"security.protocol=SASL_SSL\""));
  EXPECT_THAT(ServeConfigToToml(config, /*show_secrets=*/true), HasSubstr("sasl.password=pw-1"));
}

TEST(ConfigTest, PrintedKeysMatchEnvironmentNames) {
  // Every printed key is settable through its environment variable.
  std::string printed = ServeConfigToToml(ServeConfig{}, true);
  std::string section;
  int keys = 0;
  std::istringstream lines(printed);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#') continue;
    if (line[0] == '[') {
      section = line.substr(1, line.size() - 2);
      continue;
    }
    std::string name = line.substr(0, line.find(' '));
    std::string key = section.empty() ? name : section + "." + name;
    std::string env = "STRATA_";
    for (char c : key) env.push_back(c == '.' ? '_' : static_cast<char>(std::toupper(c)));
    ConfigSources sources;
    // An invalid value proves the variable reaches this key's validation.
    sources.environment = {{env, "\x01"}};
    absl::Status status = LoadError(sources);
    EXPECT_THAT(status.message(), HasSubstr(env + ": " + key + ":")) << status;
    ++keys;
  }
  EXPECT_EQ(keys, 53);
}

TEST(ConfigTest, ProcessEnvironment) {
  ASSERT_EQ(::setenv("STRATA_CONFIG_TEST_VAR", "a=b", 1), 0);
  std::map<std::string, std::string> env = ProcessEnvironment();
  EXPECT_EQ(env["STRATA_CONFIG_TEST_VAR"], "a=b");
  ::unsetenv("STRATA_CONFIG_TEST_VAR");
}

}  // namespace
}  // namespace strata::server
