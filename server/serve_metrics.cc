#include "server/serve_metrics.h"

#include <unistd.h>

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"

namespace strata::server {
namespace {

void AppendMetric(std::string* out, const char* name, const char* type, const char* help,
                  double value) {
  absl::StrAppend(out, "# HELP ", name, " ", help, "\n# TYPE ", name, " ", type, "\n", name, " ",
                  absl::StrFormat("%.17g", value), "\n");
}

// Resident set size in bytes, from /proc/self/statm (0 if unreadable).
double ResidentBytes() {
  FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return 0;
  long pages_total = 0;
  long pages_resident = 0;
  int n = std::fscanf(f, "%ld %ld", &pages_total, &pages_resident);
  std::fclose(f);
  if (n != 2) return 0;
  return static_cast<double>(pages_resident) * static_cast<double>(sysconf(_SC_PAGESIZE));
}

}  // namespace

void RegisterEngineMetrics(engine::Engine* engine, MetricsRegistry* metrics) {
  const absl::Time start = absl::Now();
  metrics->AddCollector([engine, start](std::string* out) {
    const engine::EngineStats s = engine->stats();
    AppendMetric(out, "strata_engine_events_appended_total", "counter",
                 "Events made durable in the WAL", static_cast<double>(s.events_appended));
    AppendMetric(out, "strata_engine_wal_groups_total", "counter",
                 "WAL group commits (one fdatasync each in sync mode)",
                 static_cast<double>(s.groups_committed));
    AppendMetric(out, "strata_engine_wal_bytes_total", "counter", "Bytes written to the WAL",
                 static_cast<double>(s.wal_bytes));
    AppendMetric(out, "strata_engine_flushes_total", "counter", "Memtable flushes",
                 static_cast<double>(s.flushes));
    AppendMetric(out, "strata_engine_flush_seconds_total", "counter",
                 "Time spent flushing memtables to segments (divide by flushes for the mean)",
                 static_cast<double>(s.flush_micros) / 1e6);
    AppendMetric(out, "strata_engine_write_stall_seconds_total", "counter",
                 "Time writers waited for flushes (back-pressure)",
                 static_cast<double>(s.write_stall_micros) / 1e6);
    AppendMetric(out, "strata_engine_segments_written_total", "counter", "Segments written",
                 static_cast<double>(s.segments_written));
    AppendMetric(out, "strata_engine_segment_bytes_written_total", "counter",
                 "Bytes of segments written", static_cast<double>(s.segment_bytes_written));
    AppendMetric(out, "strata_processing_seconds_total", "counter",
                 "Flush time spent deriving sessions and rollups",
                 static_cast<double>(s.process_micros) / 1e6);
    AppendMetric(out, "strata_sessions_written_total", "counter", "Final sessions stored",
                 static_cast<double>(s.sessions_written));
    AppendMetric(out, "strata_sessions_held", "gauge",
                 "Sessions open or not yet final (as of each shard's last flush)",
                 static_cast<double>(s.held_sessions));
    AppendMetric(out, "strata_late_events_total", "counter",
                 "Events too late for their sessions (stored, logged for correction)",
                 static_cast<double>(s.late_events));
    AppendMetric(out, "strata_rollup_segments_written_total", "counter", "Rollup segments written",
                 static_cast<double>(s.rollup_segments_written));
    AppendMetric(out, "strata_rollup_bytes_written_total", "counter",
                 "Bytes of rollup segments written", static_cast<double>(s.rollup_bytes_written));
    AppendMetric(out, "strata_realtime_clients", "gauge",
                 "Clients held by the realtime tracker (seen in the last 30 minutes)",
                 static_cast<double>(engine->realtime().clients()));
    AppendMetric(out, "strata_engine_memtable_rows", "gauge", "Rows in memtables",
                 static_cast<double>(s.memtable_rows));
    AppendMetric(out, "strata_engine_memtable_bytes", "gauge", "Bytes held by memtables",
                 static_cast<double>(s.memtable_bytes));
    AppendMetric(out, "strata_engine_last_sequence", "gauge", "Sequence of the last durable event",
                 static_cast<double>(s.last_sequence));
    AppendMetric(out, "strata_engine_merchants", "gauge", "Merchants in the catalog",
                 static_cast<double>(engine->catalog().merchant_count()));
    AppendMetric(out, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes",
                 ResidentBytes());
    AppendMetric(out, "strata_uptime_seconds", "gauge", "Seconds since the server started",
                 absl::ToDoubleSeconds(absl::Now() - start));
  });
}

void AppendRedisMirrorMetrics(const ingest::RedisMirrorStats& stats, std::string* out) {
  AppendMetric(out, "strata_redis_pushes_total", "counter",
               "Merchant batches written to the Redis mirror", static_cast<double>(stats.pushes));
  AppendMetric(out, "strata_redis_errors_total", "counter",
               "Failed Redis connects or pushes (the mirror retries)",
               static_cast<double>(stats.errors));
  AppendMetric(out, "strata_redis_resyncs_total", "counter",
               "Full pushes of every merchant after a (re)connect",
               static_cast<double>(stats.resyncs));
  AppendMetric(out, "strata_redis_connected", "gauge", "1 while the mirror is connected",
               stats.connected ? 1 : 0);
}

void AppendKafkaConsumerMetrics(const ingest::kafka::ConsumerStats& s, std::string* out) {
  AppendMetric(out, "strata_kafka_consumed_messages_total", "counter",
               "Kafka messages consumed (good, bad and already-durable ones)",
               static_cast<double>(s.messages));
  AppendMetric(out, "strata_kafka_consumed_bytes_total", "counter",
               "Bytes of Kafka message values consumed", static_cast<double>(s.bytes));
  AppendMetric(out, "strata_kafka_consumed_events_total", "counter",
               "Events from Kafka appended to the engine", static_cast<double>(s.events));
  AppendMetric(out, "strata_kafka_duplicates_skipped_total", "counter",
               "Events re-read after a restart and dropped: already in segments",
               static_cast<double>(s.duplicates_skipped));
  AppendMetric(out, "strata_kafka_dead_letters_total", "counter",
               "Bad lines sent to the dead-letter topic", static_cast<double>(s.dead_letters));
  AppendMetric(out, "strata_kafka_dead_letter_errors_total", "counter",
               "Dead letters that could not be delivered (logged)",
               static_cast<double>(s.dead_letter_errors));
  AppendMetric(out, "strata_kafka_append_errors_total", "counter",
               "Engine appends that failed and were retried", static_cast<double>(s.append_errors));
  AppendMetric(out, "strata_kafka_rebalances_total", "counter", "Consumer group rebalances seen",
               static_cast<double>(s.rebalances));
  AppendMetric(out, "strata_kafka_commits_total", "counter",
               "Durable positions committed to the consumer group", static_cast<double>(s.commits));
  AppendMetric(out, "strata_kafka_assigned_partitions", "gauge", "Partitions assigned to this node",
               static_cast<double>(s.partitions.size()));
  AppendMetric(out, "strata_kafka_lag", "gauge",
               "Messages behind the partitions' ends, summed over assigned partitions",
               static_cast<double>(s.total_lag));
  if (s.partitions.empty()) return;
  out->append(
      "# HELP strata_kafka_partition_lag Messages behind the end of one assigned partition\n"
      "# TYPE strata_kafka_partition_lag gauge\n");
  for (const ingest::kafka::PartitionStats& p : s.partitions) {
    if (p.lag < 0) continue;
    absl::StrAppend(out, "strata_kafka_partition_lag{partition=\"", p.partition, "\"} ", p.lag,
                    "\n");
  }
}

void AppendKafkaProducerMetrics(const ingest::kafka::ProducerStats& s, std::string* out) {
  AppendMetric(out, "strata_kafka_produced_messages_total", "counter",
               "Messages /collect delivered to Kafka", static_cast<double>(s.messages_delivered));
  AppendMetric(out, "strata_kafka_produced_events_total", "counter",
               "Events /collect delivered to Kafka", static_cast<double>(s.events_delivered));
  AppendMetric(out, "strata_kafka_produce_errors_total", "counter",
               "Messages Kafka did not accept (the /collect request got a 503)",
               static_cast<double>(s.delivery_errors));
  AppendMetric(out, "strata_kafka_produce_queue_full_total", "counter",
               "/collect requests refused because the producer queue was full",
               static_cast<double>(s.queue_full));
  AppendMetric(out, "strata_kafka_produce_in_flight", "gauge",
               "Messages queued for Kafka, not yet delivered", static_cast<double>(s.in_flight));
}

}  // namespace strata::server
