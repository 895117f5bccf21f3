#include "tests/kafka/kafka_cluster.h"

#include <signal.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "simdjson.h"

namespace strata::kafka_test {
namespace {

using serve_test::ChildProcess;
using serve_test::ProgramResult;
using serve_test::RunProgram;
using serve_test::WithTimeout;

// kcat's message delimiter for Produce: the ASCII record separator, which JSON text never
// holds unescaped, so one message may carry NDJSON lines.
constexpr char kMessageDelimiter = '\x1e';

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Whether `line` is a bootstrap list: "host:port[,host:port]...".
bool IsBootstrapLine(absl::string_view line) {
  if (line.empty()) return false;
  for (absl::string_view server : absl::StrSplit(line, ',')) {
    const size_t colon = server.rfind(':');
    if (colon == absl::string_view::npos || colon == 0 || colon + 1 == server.size()) {
      return false;
    }
    for (char c : server.substr(colon + 1)) {
      if (c < '0' || c > '9') return false;
    }
  }
  return true;
}

std::string ToString(std::string_view s) { return std::string(s); }

absl::Status ParseEnvelope(std::string_view line, simdjson::dom::parser& parser,
                           KafkaMessage* message) {
  simdjson::dom::element doc;
  if (parser.parse(line.data(), line.size()).get(doc) != simdjson::SUCCESS) {
    return absl::InternalError(absl::StrCat("kcat printed a bad JSON envelope: ", ToString(line)));
  }
  int64_t number = 0;
  if (doc["partition"].get_int64().get(number) != simdjson::SUCCESS) {
    return absl::InternalError(absl::StrCat("kcat envelope without partition: ", ToString(line)));
  }
  message->partition = static_cast<int32_t>(number);
  if (doc["offset"].get_int64().get(number) != simdjson::SUCCESS) {
    return absl::InternalError(absl::StrCat("kcat envelope without offset: ", ToString(line)));
  }
  message->offset = number;
  std::string_view text;
  if (doc["key"].get_string().get(text) == simdjson::SUCCESS) message->key = ToString(text);
  if (doc["payload"].get_string().get(text) == simdjson::SUCCESS) message->value = ToString(text);
  // kcat 1.7 prints the headers as one array of alternating names and values.
  simdjson::dom::array headers;
  if (doc["headers"].get_array().get(headers) == simdjson::SUCCESS) {
    std::vector<std::string> items;
    for (simdjson::dom::element item : headers) {
      if (item.get_string().get(text) != simdjson::SUCCESS) text = {};  // a null value
      items.push_back(ToString(text));
    }
    if (items.size() % 2 != 0) {
      return absl::InternalError(absl::StrCat("kcat envelope with odd headers: ", ToString(line)));
    }
    for (size_t i = 0; i < items.size(); i += 2) {
      message->headers.emplace_back(std::move(items[i]), std::move(items[i + 1]));
    }
  }
  return absl::OkStatus();
}

}  // namespace

std::string KafkaMockBinary() {
  const char* bin = std::getenv("STRATA_TESTS_KAFKA_MOCK");
  if (bin != nullptr) return bin;
#ifdef STRATA_KAFKA_MOCK_PATH
  return STRATA_KAFKA_MOCK_PATH;
#else
  return "build/tests/strata_kafka_mock";
#endif
}

std::optional<std::string> KafkaMessage::Header(const std::string& name) const {
  for (const auto& [header_name, header_value] : headers) {
    if (header_name == name) return header_value;
  }
  return std::nullopt;
}

absl::StatusOr<std::unique_ptr<KafkaCluster>> KafkaCluster::Start(
    const KafkaClusterOptions& options) {
  auto dir = std::make_unique<TempDir>();
  std::vector<std::string> argv = {KafkaMockBinary(), "--brokers", absl::StrCat(options.brokers)};
  for (const auto& [name, partitions] : options.topics) {
    argv.push_back("--topic");
    argv.push_back(absl::StrCat(name, ":", partitions));
  }
  const std::string log_path = dir->File("mock.log");
  absl::StatusOr<ChildProcess> child = ChildProcess::Spawn(argv, {}, log_path);
  if (!child.ok()) return child.status();
  std::unique_ptr<KafkaCluster> cluster(new KafkaCluster(std::move(dir), std::move(*child)));

  const absl::Time deadline = absl::Now() + options.ready_timeout;
  while (true) {
    // stdout and stderr share the log; the bootstrap line is the only one of its form.
    const std::string log = cluster->Log();
    for (absl::string_view line : absl::StrSplit(log, '\n')) {
      if (IsBootstrapLine(line) && log.find(absl::StrCat(line, "\n")) != std::string::npos) {
        cluster->bootstrap_ = std::string(line);
        return cluster;
      }
    }
    if (!cluster->Running()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "strata_kafka_mock exited with status ", cluster->child_.exit_code().value_or(-1),
          " before it printed its bootstrap servers; its output:\n", log));
    }
    if (absl::Now() >= deadline) {
      return absl::DeadlineExceededError(
          absl::StrCat("strata_kafka_mock printed no bootstrap servers in ",
                       absl::FormatDuration(options.ready_timeout), "; its output:\n", log));
    }
    absl::SleepFor(absl::Milliseconds(10));
  }
}

KafkaCluster::KafkaCluster(std::unique_ptr<TempDir> dir, ChildProcess child)
    : dir_(std::move(dir)), child_(std::move(child)) {}

KafkaCluster::~KafkaCluster() { Stop(); }

int KafkaCluster::Stop(absl::Duration timeout) {
  if (child_.exit_code().has_value()) return *child_.exit_code();
  child_.Signal(SIGTERM);
  std::optional<int> code = child_.Wait(timeout);
  if (code.has_value()) return *code;
  child_.Signal(SIGKILL);
  return child_.Wait(absl::Seconds(10)).value_or(-1000);
}

std::string KafkaCluster::Log() const { return ReadFile(dir_->File("mock.log")); }

absl::Status KafkaCluster::Produce(const std::string& topic,
                                   const std::vector<KafkaRecord>& records,
                                   int32_t partition) const {
  static std::atomic<uint64_t> next_file{0};
  std::string input;
  for (const KafkaRecord& r : records) {
    if (r.key.find('\t') != std::string::npos ||
        r.value.find(kMessageDelimiter) != std::string::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("a key with a tab or a value with 0x1e: ", r.key));
    }
    absl::StrAppend(&input, r.key, "\t", r.value, std::string(1, kMessageDelimiter));
  }
  const std::string path = dir_->File(absl::StrCat("produce-", next_file++, ".txt"));
  {
    std::ofstream out(path, std::ios::binary);
    out << input;
    if (!out.good()) return absl::InternalError(absl::StrCat("cannot write ", path));
  }
  std::vector<std::string> argv = {"kcat", "-P", "-b", bootstrap_, "-t", topic, "-l", path};
  // Tab between key and value, 0x1e between messages; lz4 for the mock's retention limit.
  argv.insert(argv.end(), {"-K", "\\t", "-D", "\\x1e", "-z", "lz4"});
  argv.insert(argv.end(), {"-X", "enable.idempotence=true", "-X", "acks=all"});
  if (partition >= 0) {
    argv.push_back("-p");
    argv.push_back(absl::StrCat(partition));
  }
  absl::StatusOr<ProgramResult> result = RunProgram(argv, WithTimeout(absl::Seconds(120)));
  std::remove(path.c_str());
  if (!result.ok()) return result.status();
  // kcat reports a failed delivery on stderr ("% Delivery failed for message: ..."), which
  // does not always change its exit status.
  if (result->exit_code != 0 || result->timed_out ||
      absl::StrContains(result->err, "Delivery failed") ||
      absl::StrContains(result->err, "Failed to produce")) {
    return absl::UnavailableError(
        absl::StrCat("kcat could not produce to ", topic, ": ", result->Describe()));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<KafkaMessage>> KafkaCluster::ConsumeAll(const std::string& topic) const {
  std::vector<std::string> argv = {"kcat", "-C",        "-b", bootstrap_, "-t", topic,
                                   "-o",   "beginning", "-e", "-J",       "-q"};
  absl::StatusOr<ProgramResult> result = RunProgram(argv, WithTimeout(absl::Seconds(60)));
  if (!result.ok()) return result.status();
  if (result->exit_code != 0 || result->timed_out) {
    return absl::UnavailableError(
        absl::StrCat("kcat could not consume ", topic, ": ", result->Describe()));
  }
  std::vector<KafkaMessage> messages;
  simdjson::dom::parser parser;
  for (absl::string_view line : absl::StrSplit(result->out, '\n', absl::SkipEmpty())) {
    KafkaMessage message;
    absl::Status parsed =
        ParseEnvelope(std::string_view(line.data(), line.size()), parser, &message);
    if (!parsed.ok()) return parsed;
    messages.push_back(std::move(message));
  }
  std::sort(messages.begin(), messages.end(), [](const KafkaMessage& a, const KafkaMessage& b) {
    return a.partition != b.partition ? a.partition < b.partition : a.offset < b.offset;
  });
  return messages;
}

}  // namespace strata::kafka_test
