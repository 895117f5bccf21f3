#include "server/serve_status.h"

#include <simdjson.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/json_text.h"

namespace strata::server {
namespace {

void Field(std::string* out, std::string_view name, uint64_t value, bool first = false) {
  absl::StrAppend(out, first ? "" : ",", "\"", std::string(name), "\":", value);
}
void FieldSigned(std::string* out, std::string_view name, int64_t value) {
  absl::StrAppend(out, ",\"", std::string(name), "\":", value);
}

void AppendEngine(const engine::Engine& engine, std::string* out) {
  const engine::EngineStats s = engine.stats();
  out->append("{");
  Field(out, "events_appended", s.events_appended, true);
  Field(out, "groups_committed", s.groups_committed);
  Field(out, "memtable_rows", s.memtable_rows);
  Field(out, "memtable_bytes", s.memtable_bytes);
  Field(out, "flushes", s.flushes);
  Field(out, "segments_written", s.segments_written);
  Field(out, "segment_bytes_written", s.segment_bytes_written);
  Field(out, "sessions_written", s.sessions_written);
  Field(out, "late_events", s.late_events);
  Field(out, "shards", engine.shard_count());
  out->append("}");
}

void AppendConsumer(const ingest::kafka::ConsumerStats& s, std::string* out) {
  out->append("{");
  Field(out, "messages", s.messages, true);
  Field(out, "bytes", s.bytes);
  Field(out, "events", s.events);
  Field(out, "duplicates_skipped", s.duplicates_skipped);
  Field(out, "dead_letters", s.dead_letters);
  Field(out, "dead_letter_errors", s.dead_letter_errors);
  Field(out, "append_errors", s.append_errors);
  Field(out, "rebalances", s.rebalances);
  Field(out, "commits", s.commits);
  FieldSigned(out, "lag", s.total_lag);
  out->append(",\"partitions\":[");
  for (size_t i = 0; i < s.partitions.size(); ++i) {
    const ingest::kafka::PartitionStats& p = s.partitions[i];
    absl::StrAppend(out, i ? "," : "", "{\"partition\":", p.partition);
    FieldSigned(out, "position", p.position);
    FieldSigned(out, "high_watermark", p.high_watermark);
    FieldSigned(out, "lag", p.lag);
    FieldSigned(out, "durable", p.durable);
    FieldSigned(out, "committed", p.committed);
    out->append("}");
  }
  out->append("]}");
}

void AppendProducer(const ingest::kafka::ProducerStats& s, std::string* out) {
  out->append("{");
  Field(out, "messages_delivered", s.messages_delivered, true);
  Field(out, "events_delivered", s.events_delivered);
  Field(out, "bytes_delivered", s.bytes_delivered);
  Field(out, "delivery_errors", s.delivery_errors);
  Field(out, "queue_full", s.queue_full);
  Field(out, "in_flight", s.in_flight);
  out->append("}");
}

// Prints every number of a flat JSON object as "  name  value" lines.
void PrintObject(simdjson::dom::object object, int indent, std::string* out) {
  for (auto [key, value] : object) {
    if (value.is_array() || value.is_object()) continue;
    absl::StrAppendFormat(out, "%*s%-22s %s\n", indent, "", std::string(key),
                          simdjson::to_string(value));
  }
}

}  // namespace

std::string ServeStatusJson(const ServeStatusSources& sources) {
  std::string out = "{\"ingest_mode\":";
  AppendJsonString(sources.ingest_mode, &out);
  FieldSigned(&out, "uptime_seconds", absl::ToInt64Seconds(absl::Now() - sources.started));
  out.append(",\"engine\":");
  AppendEngine(*sources.engine, &out);
  if (sources.consumer != nullptr || sources.producer != nullptr) {
    out.append(",\"kafka\":{");
    if (sources.consumer != nullptr) {
      out.append("\"consumer\":");
      AppendConsumer(sources.consumer->stats(), &out);
    }
    if (sources.producer != nullptr) {
      out.append(sources.consumer != nullptr ? ",\"producer\":" : "\"producer\":");
      AppendProducer(sources.producer->stats(), &out);
    }
    out.append("}");
  }
  out.append("}");
  return out;
}

std::string FormatServeStatus(const std::string& json) {
  simdjson::dom::parser parser;
  simdjson::dom::object root;
  if (parser.parse(json).get(root) != simdjson::SUCCESS) return json + "\n";
  std::string out;
  std::string_view mode;
  int64_t uptime = 0;
  if (root["ingest_mode"].get(mode) != simdjson::SUCCESS) mode = "?";
  if (root["uptime_seconds"].get(uptime) != simdjson::SUCCESS) uptime = 0;
  absl::StrAppend(&out, "ingest mode: ", std::string(mode), ", up ", uptime, " s\n");
  simdjson::dom::object section;
  if (root["engine"].get(section) == simdjson::SUCCESS) {
    out.append("engine:\n");
    PrintObject(section, 2, &out);
  }
  simdjson::dom::object kafka;
  if (root["kafka"].get(kafka) != simdjson::SUCCESS) return out;
  if (kafka["consumer"].get(section) == simdjson::SUCCESS) {
    out.append("kafka consumer:\n");
    PrintObject(section, 2, &out);
    simdjson::dom::array partitions;
    if (section["partitions"].get(partitions) == simdjson::SUCCESS) {
      absl::StrAppendFormat(&out, "  %9s %12s %14s %10s %12s %12s\n", "partition", "position",
                            "high_watermark", "lag", "durable", "committed");
      for (simdjson::dom::element p : partitions) {
        int64_t v[6] = {0, 0, 0, 0, 0, 0};
        const char* names[6] = {"partition", "position", "high_watermark",
                                "lag",       "durable",  "committed"};
        for (int i = 0; i < 6; ++i) {
          if (p[names[i]].get(v[i]) != simdjson::SUCCESS) v[i] = -1;
        }
        absl::StrAppendFormat(&out, "  %9d %12d %14d %10d %12d %12d\n", v[0], v[1], v[2], v[3],
                              v[4], v[5]);
      }
    }
  }
  if (kafka["producer"].get(section) == simdjson::SUCCESS) {
    out.append("kafka producer:\n");
    PrintObject(section, 2, &out);
  }
  return out;
}

}  // namespace strata::server
