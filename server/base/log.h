// Structured logs: one logfmt line per event on stderr, e.g.
//   ts=2026-11-26T10:00:00.123Z level=info msg="listening" proto=pg addr=127.0.0.1:5433
// Values with spaces, quotes or '=' are quoted. Lines are written whole (one write per
// line), so lines of concurrent threads never interleave.
//
//   Log(LogLevel::kInfo, "listening").Kv("proto", "pg").Kv("addr", address);
//
// Thread safety: everything here may be called from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace strata::server {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

// Lines below `level` are dropped (default kInfo).
void SetLogLevel(LogLevel level);
LogLevel GetLogLevel();
// "debug", "info", "warn", "error" (case-insensitive); false if none of them.
bool ParseLogLevel(std::string_view text, LogLevel* out);

// One log line, written when the object is destroyed (end of the full expression).
class Log {
 public:
  Log(LogLevel level, std::string_view message);
  ~Log();
  Log(const Log&) = delete;
  Log& operator=(const Log&) = delete;

  Log& Kv(std::string_view key, std::string_view value);
  Log& Kv(std::string_view key, const char* value) { return Kv(key, std::string_view(value)); }
  Log& Kv(std::string_view key, const std::string& value) {
    return Kv(key, std::string_view(value));
  }
  Log& Kv(std::string_view key, int64_t value);
  Log& Kv(std::string_view key, uint64_t value);
  Log& Kv(std::string_view key, int value) { return Kv(key, static_cast<int64_t>(value)); }
  Log& Kv(std::string_view key, unsigned value) { return Kv(key, static_cast<uint64_t>(value)); }
  Log& Kv(std::string_view key, double value);
  Log& Kv(std::string_view key, bool value);

 private:
  bool enabled_;
  std::string line_;
};

}  // namespace strata::server
