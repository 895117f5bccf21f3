// `strata inspect`: what a data directory holds — merchants, segments, rows, time ranges,
// bytes on disk, bytes per event, and per-column compressed sizes and encodings.
#include <algorithm>
#include <cstdio>
#include <map>

#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "engine/engine.h"
#include "engine/schema.h"
#include "server/args.h"
#include "server/commands.h"
#include "storage/file.h"

namespace strata::server {
namespace {

std::string FormatTs(int64_t us) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromUnixMicros(us), absl::UTCTimeZone());
}

std::string FormatDay(int32_t day) {
  return absl::FormatTime("%Y-%m-%d", absl::FromUnixSeconds(int64_t{day} * 86400),
                          absl::UTCTimeZone());
}

std::string FormatBytes(uint64_t b) {
  if (b >= (1ull << 30)) return absl::StrFormat("%.2f GiB", b / double(1ull << 30));
  if (b >= (1ull << 20)) return absl::StrFormat("%.2f MiB", b / double(1ull << 20));
  if (b >= (1ull << 10)) return absl::StrFormat("%.1f KiB", b / 1024.0);
  return absl::StrFormat("%llu B", static_cast<unsigned long long>(b));
}

uint64_t DirBytes(const std::string& dir) {
  auto names = storage::ListDir(dir);
  if (!names.ok()) return 0;
  uint64_t total = 0;
  for (const auto& n : *names) {
    auto size = storage::FileSize(storage::JoinPath(dir, n));
    if (size.ok()) total += *size;
  }
  return total;
}

struct MerchantRow {
  uint32_t id = 0;
  uint64_t rows = 0;
  int64_t min_ts = INT64_MAX, max_ts = INT64_MIN;
};

struct ColumnTotals {
  uint64_t bytes = 0;
  uint64_t dict_values = 0;
  std::map<std::string, uint64_t> encodings;     // name -> blocks
  std::map<std::string, uint64_t> compressions;  // name -> blocks
};

}  // namespace

int RunInspect(const std::vector<std::string>& args) {
  engine::EngineOptions options;
  uint64_t top = 20;
  bool verify = false, list_segments = false;
  ArgParser parser("strata inspect --data-dir DIR [flags]",
                   "Describes a data directory: merchants, segments, rows, time ranges, bytes\n"
                   "on disk, bytes per event, per-column compressed sizes and encodings.\n"
                   "Replays the WAL like a restart would (so unflushed events are counted) but\n"
                   "changes nothing else. Fails if a server holds the directory.");
  parser.AddString("data-dir", &options.data_dir, "data directory");
  parser.AddUint64("merchants", &top, "how many of the largest merchants to list");
  parser.AddBool("segments", &list_segments, "list every segment");
  parser.AddBool("verify", &verify, "read and checksum every block, dictionary and index");
  if (std::optional<int> exit = parser.ParseOrExit(args, "inspect")) return *exit;
  if (!storage::FileExists(storage::JoinPath(options.data_dir, "CURRENT"))) {
    std::fprintf(stderr, "strata inspect: %s is not a Strata data directory (no CURRENT)\n",
                 options.data_dir.c_str());
    return 1;
  }
  options.flush_on_close = false;
  options.read_only = true;  // inspecting changes nothing and runs beside readers
  auto opened = engine::Engine::Open(options);
  if (!opened.ok()) {
    std::fprintf(stderr, "strata inspect: %s\n", std::string(opened.status().message()).c_str());
    return 1;
  }
  std::unique_ptr<engine::Engine> db = std::move(*opened);
  auto snap = db->GetSnapshot();
  const engine::Catalog& catalog = db->catalog();

  uint64_t seg_rows = 0, seg_bytes = 0;
  std::map<uint32_t, MerchantRow> merchants;
  std::vector<ColumnTotals> columns(engine::kNumEventColumns);
  int failures = 0;
  for (const auto& h : snap->segments) {
    const storage::SegmentReader& r = h->reader();
    seg_rows += r.row_count();
    seg_bytes += r.file_size();
    for (const storage::KeyRange& k : r.keys()) {
      MerchantRow& m = merchants[k.key];
      m.id = k.key;
      m.rows += k.row_count;
      m.min_ts = std::min(m.min_ts, k.min_ts);
      m.max_ts = std::max(m.max_ts, k.max_ts);
    }
    for (size_t c = 0; c < r.columns().size() && c < columns.size(); ++c) {
      const storage::ColumnInfo& info = r.columns()[c];
      ColumnTotals& t = columns[c];
      t.bytes += info.stored_bytes;
      t.dict_values += info.dict_size;
      for (const storage::BlockInfo& b : info.blocks) {
        t.encodings[storage::EncodingName(b.encoding)]++;
        t.compressions[storage::CompressionName(b.compression)]++;
      }
    }
    if (verify) {
      absl::Status s = r.VerifyAll();
      if (!s.ok()) {
        ++failures;
        std::printf("CORRUPT %s: %s\n", h->path().c_str(), std::string(s.message()).c_str());
      }
    }
  }
  uint64_t mem_rows = 0;
  for (const auto& m : snap->memtables) mem_rows += m.rows;
  const std::string& dir = options.data_dir;
  uint64_t wal_bytes = DirBytes(storage::JoinPath(dir, "wal"));
  uint64_t other_bytes = DirBytes(dir);  // catalog.log, MANIFEST, CURRENT, LOCK

  std::printf("data directory  %s\n", dir.c_str());
  std::printf("shards          %u\n", db->shard_count());
  std::printf("merchants       %u\n", catalog.merchant_count());
  std::printf("segments        %zu\n", snap->segments.size());
  std::printf("rows            %llu in segments, %llu in memtables (WAL)\n",
              static_cast<unsigned long long>(seg_rows), static_cast<unsigned long long>(mem_rows));
  std::printf("bytes on disk   %s segments, %s WAL, %s catalog+manifest\n",
              FormatBytes(seg_bytes).c_str(), FormatBytes(wal_bytes).c_str(),
              FormatBytes(other_bytes).c_str());
  if (seg_rows > 0) {
    std::printf("bytes/event     %.2f (segments only)\n", double(seg_bytes) / seg_rows);
  }
  for (const std::string& torn : db->recovery_report().torn_tails)
    std::printf("recovery        %s\n", torn.c_str());

  std::vector<MerchantRow> by_rows;
  for (const auto& [id, m] : merchants) by_rows.push_back(m);
  std::sort(by_rows.begin(), by_rows.end(),
            [](const MerchantRow& a, const MerchantRow& b) { return a.rows > b.rows; });
  std::printf("\nlargest merchants (of %zu with segment rows)\n", by_rows.size());
  std::printf("  %-24s %6s %12s %10s  %-20s  %-20s\n", "merchant", "id", "rows", "clients",
              "first event", "last event");
  for (size_t i = 0; i < by_rows.size() && i < top; ++i) {
    const MerchantRow& m = by_rows[i];
    std::printf("  %-24s %6u %12llu %10u  %-20s  %-20s\n", catalog.MerchantName(m.id).c_str(), m.id,
                static_cast<unsigned long long>(m.rows), catalog.client_count(m.id),
                FormatTs(m.min_ts).c_str(), FormatTs(m.max_ts).c_str());
  }

  std::printf("\ncolumns (all segments)\n");
  std::printf("  %-13s %-7s %12s %7s %9s %10s  %s\n", "column", "type", "bytes", "share",
              "bytes/ev", "dict vals", "encodings (blocks) / compression (blocks)");
  const auto& defs = engine::EventColumns();
  for (int c = 0; c < engine::kNumEventColumns; ++c) {
    const ColumnTotals& t = columns[c];
    std::string enc;
    for (const auto& [name, n] : t.encodings)
      absl::StrAppend(&enc, enc.empty() ? "" : ", ", name, " ", n);
    enc += " /";
    for (const auto& [name, n] : t.compressions) absl::StrAppend(&enc, " ", name, " ", n);
    std::printf("  %-13s %-7s %12llu %6.1f%% %9.2f %10llu  %s\n", defs[c].name,
                storage::ColumnTypeName(defs[c].type), static_cast<unsigned long long>(t.bytes),
                seg_bytes ? 100.0 * t.bytes / seg_bytes : 0.0,
                seg_rows ? double(t.bytes) / seg_rows : 0.0,
                static_cast<unsigned long long>(t.dict_values), enc.c_str());
  }

  if (list_segments) {
    std::printf("\nsegments\n  %8s %5s %-10s %10s %-20s  %-20s %12s %8s\n", "id", "shard", "day",
                "rows", "min ts", "max ts", "bytes", "B/row");
    for (const auto& h : snap->segments) {
      const storage::SegmentMeta& m = h->meta();
      std::printf("  %8llu %5u %-10s %10llu %-20s  %-20s %12llu %8.2f\n",
                  static_cast<unsigned long long>(m.id), m.shard, FormatDay(m.day).c_str(),
                  static_cast<unsigned long long>(m.rows), FormatTs(m.min_ts).c_str(),
                  FormatTs(m.max_ts).c_str(), static_cast<unsigned long long>(m.file_size),
                  m.rows ? double(m.file_size) / m.rows : 0.0);
    }
  }
  if (verify) {
    std::printf("\nverify          %s (%zu segments)\n", failures ? "FAILED" : "ok",
                snap->segments.size());
  }
  snap.reset();
  (void)db->Close();
  return failures ? 1 : 0;
}

}  // namespace strata::server
