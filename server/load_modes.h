// `strata load`'s two modes, behind cmd_load.cc's flag parsing: into a data directory
// (load_local.cc) or into a running server through POST /collect (load_server.cc).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "server/admin_target.h"

namespace strata::server {

// Rejected lines printed with their reasons; the rest are only counted.
constexpr uint64_t kMaxReportedErrors = 100;

struct LoadFlags {
  engine::EngineOptions engine;
  std::string data_dir;  // "" = engine.data_dir's default, unless --server
  std::string sync = "fsync";
  uint64_t batch = 0;  // 0 = the mode's default
  uint64_t shards = engine.shards;
  uint64_t memtable_rows = engine.memtable_max_rows;
  bool progress = false;
  int64_t zstd_level = engine.zstd_level;
  std::string compression = "zstd";
  std::string server;
  std::string user = DefaultAdminUser();
  std::string password;  // "" = $STRATA_AUTH_ADMIN_PASSWORD, else "strata"
  int64_t connections = 4;
};

// Each returns the command's exit code and prints its own errors and summary.
int RunLocalLoad(LoadFlags& f, const std::vector<std::string>& files);
int RunServerLoad(const LoadFlags& f, const std::vector<std::string>& files);

}  // namespace strata::server
