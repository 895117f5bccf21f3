// `strata load`: bulk-load NDJSON events (plain, .zst or stdin) into a data directory
// (--data-dir, load_local.cc) or into a running server over POST /collect (--server,
// load_server.cc). This file parses the flags and picks the mode.
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "server/args.h"
#include "server/commands.h"
#include "server/load_modes.h"

namespace strata::server {
namespace {

// A flag of the other mode set to a non-default value: told, not silently ignored.
std::optional<std::string> MisplacedFlag(const LoadFlags& f) {
  const LoadFlags d;
  if (!f.server.empty()) {
    if (f.sync != d.sync) return "--sync";
    if (f.shards != d.shards) return "--shards";
    if (f.memtable_rows != d.memtable_rows) return "--memtable-rows";
    if (f.compression != d.compression) return "--compression";
    if (f.zstd_level != d.zstd_level) return "--zstd-level";
  } else {
    if (f.user != d.user) return "--user";
    if (f.password != d.password) return "--password";
    if (f.connections != d.connections) return "--connections";
  }
  return std::nullopt;
}

}  // namespace

int RunLoad(const std::vector<std::string>& args) {
  LoadFlags f;
  ArgParser parser(
      "strata load (--data-dir DIR | --server URL) [flags] FILE...",
      "Bulk-loads NDJSON events (one JSON object per line; .zst files are decompressed; '-'\n"
      "reads stdin) into a data directory no server holds (--data-dir), or into a running\n"
      "server through POST /collect as the admin (--server: batches of --batch lines over\n"
      "--connections keep-alive connections). Bad lines are reported with their line number\n"
      "and reason and skipped; every good line lands. Each batch is acknowledged only once\n"
      "durable. Exit 0 when the load completed (rejected lines included), 1 on an error.");
  parser.AddString("data-dir", &f.data_dir,
                   "data directory, created if missing (default: " + f.engine.data_dir + ")");
  parser.AddString("server", &f.server, "a running server, http://HOST:PORT");
  parser.AddUint64("batch", &f.batch,
                   "events per durable batch (--data-dir) or per request (--server); 0 = "
                   "32768 / 5000");
  parser.AddBool("progress", &f.progress,
                 "print 'acked LINES EVENTS' once every line up to LINES is durable");
  parser.AddString("sync", &f.sync,
                   "--data-dir: WAL durability, fsync (before each ack) or relaxed");
  parser.AddUint64("shards", &f.shards,
                   "--data-dir: shards of a new data directory (power of two)");
  parser.AddUint64("memtable-rows", &f.memtable_rows,
                   "--data-dir: rows per shard memtable before a flush");
  parser.AddString("compression", &f.compression,
                   "--data-dir: segment block compression, zstd, lz4 or none");
  parser.AddInt64("zstd-level", &f.zstd_level, "--data-dir: zstd level for segment blocks (1-19)");
  parser.AddString("user", &f.user,
                   "--server: the admin user, auth.admin_user ($STRATA_AUTH_ADMIN_USER sets "
                   "the default)");
  parser.AddString("password", &f.password,
                   "--server: the admin's password (default: $STRATA_AUTH_ADMIN_PASSWORD, else "
                   "strata)");
  parser.AddInt64("connections", &f.connections, "--server: keep-alive connections (1-64)");
  if (std::optional<int> exit = parser.ParseOrExit(args, "load")) return *exit;
  if (parser.positional().empty()) {
    std::fprintf(stderr, "strata load: no input files (use '-' for stdin)\n");
    return 2;
  }
  if (!f.server.empty() && !f.data_dir.empty()) {
    std::fprintf(stderr, "strata load: --server and --data-dir are mutually exclusive\n");
    return 2;
  }
  if (!f.data_dir.empty()) f.engine.data_dir = f.data_dir;
  if (std::optional<std::string> flag = MisplacedFlag(f)) {
    std::fprintf(stderr, "strata load: %s applies to %s only\n", flag->c_str(),
                 f.server.empty() ? "--server" : "--data-dir");
    return 2;
  }
  if (!f.server.empty()) return RunServerLoad(f, parser.positional());
  return RunLocalLoad(f, parser.positional());
}

}  // namespace strata::server
