#include "ingest/kafka/kafka_client.h"

#include <unistd.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace strata::ingest::kafka {
namespace {

// Appends `text` as a logfmt value: quoted (with '"' and '\\' escaped) unless it is a
// plain token.
void AppendValue(std::string_view text, std::string* out) {
  const bool plain = !text.empty() && text.find_first_of(" \"=\\\n\t") == std::string_view::npos;
  if (plain) {
    out->append(text);
    return;
  }
  out->push_back('"');
  for (char c : text) {
    if (c == '"' || c == '\\') out->push_back('\\');
    if (c == '\n') {
      out->append("\\n");
      continue;
    }
    out->push_back(c);
  }
  out->push_back('"');
}

}  // namespace

absl::StatusOr<KafkaConf> MakeConf(const KafkaProperties& properties) {
  KafkaConf conf(rd_kafka_conf_new());
  char errstr[512];
  for (const auto& [name, value] : properties) {
    if (rd_kafka_conf_set(conf.get(), name.c_str(), value.c_str(), errstr, sizeof(errstr)) !=
        RD_KAFKA_CONF_OK) {
      return absl::InvalidArgumentError(absl::StrCat("kafka property ", name, ": ", errstr));
    }
  }
  return conf;
}

absl::StatusOr<KafkaHandle> MakeClient(rd_kafka_type_t type, KafkaConf conf) {
  char errstr[512];
  rd_kafka_t* rk = rd_kafka_new(type, conf.get(), errstr, sizeof(errstr));
  if (rk == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("kafka client: ", errstr));
  }
  (void)conf.release();  // owned by the client now
  return KafkaHandle(rk);
}

std::string Millis(absl::Duration d, int64_t min_ms) {
  return absl::StrCat(std::max(min_ms, absl::ToInt64Milliseconds(d)));
}

void LogKafka(std::string_view level, std::string_view message, std::string_view detail) {
  std::string line = absl::FormatTime("ts=%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone());
  line.append(" level=");
  line.append(level);
  line.append(" component=kafka msg=");
  AppendValue(message, &line);
  if (!detail.empty()) {
    line.append(" detail=");
    AppendValue(detail, &line);
  }
  line.push_back('\n');
  // One write per line keeps concurrent lines whole.
  (void)!::write(STDERR_FILENO, line.data(), line.size());
}

}  // namespace strata::ingest::kafka
