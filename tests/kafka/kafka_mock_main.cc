// strata_kafka_mock: a Kafka cluster for tests and benchmarks, from librdkafka's mock
// cluster (no Kafka broker is packaged for Debian).
//
//   strata_kafka_mock [--brokers N] [--topic NAME:PARTITIONS]...
//
// Starts N brokers (default 3) on 127.0.0.1 with ephemeral ports, creates the topics inside
// the mock (default strata.events:8 and strata.events.dlq:1; any --topic replaces the
// defaults), prints the bootstrap servers as the first line of stdout, and serves until
// SIGTERM or SIGINT, then exits 0. Usage errors exit 2; a mock that cannot start exits 1.
// All data lives in memory and is gone when the process exits.
//
// Topics are created here because the admin CreateTopics request never completes against
// the mock (docs: /work/shared/notes/toolchain.md section 3).
#include <librdkafka/rdkafka.h>
// rdkafka_mock.h needs the declarations of rdkafka.h first.
#include <librdkafka/rdkafka_mock.h>
#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace {

constexpr int kMaxBrokers = 16;
constexpr int kMaxPartitions = 1024;
constexpr int kMaxReplication = 3;

struct TopicSpec {
  std::string name;
  int partitions = 0;
};

struct MockOptions {
  int brokers = 3;
  std::vector<TopicSpec> topics;
};

struct KafkaHandleDeleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
struct MockClusterDeleter {
  void operator()(rd_kafka_mock_cluster_t* mc) const { rd_kafka_mock_cluster_destroy(mc); }
};
struct ConfDeleter {
  void operator()(rd_kafka_conf_t* conf) const { rd_kafka_conf_destroy(conf); }
};
using KafkaHandle = std::unique_ptr<rd_kafka_t, KafkaHandleDeleter>;
using MockCluster = std::unique_ptr<rd_kafka_mock_cluster_t, MockClusterDeleter>;
using KafkaConf = std::unique_ptr<rd_kafka_conf_t, ConfDeleter>;

void PrintUsage(std::FILE* out) {
  std::fprintf(out,
               "usage: strata_kafka_mock [--brokers N] [--topic NAME:PARTITIONS]...\n"
               "  --brokers N               mock brokers on 127.0.0.1 (1..%d, default 3)\n"
               "  --topic NAME:PARTITIONS   a topic to create (repeatable; replaces the\n"
               "                            defaults strata.events:8 and strata.events.dlq:1)\n"
               "Prints the bootstrap servers as the first stdout line, runs until SIGTERM or\n"
               "SIGINT.\n",
               kMaxBrokers);
}

bool ParseInt(std::string_view text, int min, int max, int* out) {
  int value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return false;
  if (value < min || value > max) return false;
  *out = value;
  return true;
}

// Fills *options from argv; on a usage error returns false with the reason in *error.
bool ParseArgs(int argc, char** argv, MockOptions* options, std::string* error) {
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    std::string_view value;
    std::string_view name = arg;
    if (size_t eq = arg.find('='); arg.starts_with("--") && eq != std::string_view::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
    } else if (arg == "--brokers" || arg == "--topic") {
      if (i + 1 >= argc) {
        *error = std::string(arg) + " needs a value";
        return false;
      }
      value = argv[++i];
    }
    if (name == "--brokers") {
      if (!ParseInt(value, 1, kMaxBrokers, &options->brokers)) {
        *error = "--brokers must be 1.." + std::to_string(kMaxBrokers) + ", got '" +
                 std::string(value) + "'";
        return false;
      }
    } else if (name == "--topic") {
      const size_t colon = value.rfind(':');
      TopicSpec topic;
      if (colon == std::string_view::npos || colon == 0 ||
          !ParseInt(value.substr(colon + 1), 1, kMaxPartitions, &topic.partitions)) {
        *error = "--topic must be NAME:PARTITIONS with 1.." + std::to_string(kMaxPartitions) +
                 " partitions, got '" + std::string(value) + "'";
        return false;
      }
      topic.name = std::string(value.substr(0, colon));
      options->topics.push_back(std::move(topic));
    } else {
      *error = "unknown argument '" + std::string(arg) + "'";
      return false;
    }
  }
  if (options->topics.empty()) {
    options->topics = {{"strata.events", 8}, {"strata.events.dlq", 1}};
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
      PrintUsage(stdout);
      return 0;
    }
  }
  MockOptions options;
  std::string usage_error;
  if (!ParseArgs(argc, argv, &options, &usage_error)) {
    std::fprintf(stderr, "strata_kafka_mock: %s\n", usage_error.c_str());
    PrintUsage(stderr);
    return 2;
  }

  // Block the stop signals before librdkafka starts its threads (they inherit the mask), so
  // only sigwait below receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  if (int e = pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr); e != 0) {
    std::fprintf(stderr, "strata_kafka_mock: pthread_sigmask: %s\n", std::strerror(e));
    return 1;
  }

  // The handle only hosts the mock cluster; it never connects anywhere. Its log level stays
  // at errors so that the "no bootstrap.servers" warning does not clutter the output.
  KafkaConf conf(rd_kafka_conf_new());
  char errstr[512];
  if (rd_kafka_conf_set(conf.get(), "log_level", "3", errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK) {
    std::fprintf(stderr, "strata_kafka_mock: %s\n", errstr);
    return 1;
  }
  KafkaHandle rk(rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), errstr, sizeof(errstr)));
  if (rk == nullptr) {
    std::fprintf(stderr, "strata_kafka_mock: rd_kafka_new: %s\n", errstr);
    return 1;
  }
  (void)conf.release();  // rd_kafka_new took ownership

  {
    MockCluster cluster(rd_kafka_mock_cluster_new(rk.get(), options.brokers));
    if (cluster == nullptr) {
      std::fprintf(stderr, "strata_kafka_mock: cannot start %d mock brokers\n", options.brokers);
      return 1;
    }
    const int replication = std::min(options.brokers, kMaxReplication);
    for (const TopicSpec& topic : options.topics) {
      rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(cluster.get(), topic.name.c_str(),
                                                           topic.partitions, replication);
      if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        std::fprintf(stderr, "strata_kafka_mock: create topic %s: %s\n", topic.name.c_str(),
                     rd_kafka_err2str(err));
        return 1;
      }
    }
    std::printf("%s\n", rd_kafka_mock_cluster_bootstraps(cluster.get()));
    std::fflush(stdout);

    int received = 0;
    while (sigwait(&stop_signals, &received) != 0) {
    }
  }  // the cluster goes before the handle that hosts it
  return 0;
}
