#include "server/base/log.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace strata::server {
namespace {

std::atomic<int> g_level{static_cast<int>(LogLevel::kInfo)};

const char* LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

bool NeedsQuotes(std::string_view v) {
  if (v.empty()) return true;
  for (char c : v) {
    if (c == ' ' || c == '"' || c == '=' || c == '\\' || static_cast<unsigned char>(c) < 0x20) {
      return true;
    }
  }
  return false;
}

void AppendValue(std::string* out, std::string_view v) {
  if (!NeedsQuotes(v)) {
    out->append(v);
    return;
  }
  out->push_back('"');
  for (char c : v) {
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          absl::StrAppendFormat(out, "\\x%02x", static_cast<unsigned char>(c));
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
}

// Keys are code literals (never user input), so they are written as is.
void AppendKey(std::string* out, std::string_view key) {
  out->push_back(' ');
  out->append(key);
  out->push_back('=');
}

}  // namespace

void SetLogLevel(LogLevel level) { g_level.store(static_cast<int>(level)); }
LogLevel GetLogLevel() { return static_cast<LogLevel>(g_level.load()); }

bool ParseLogLevel(std::string_view text, LogLevel* out) {
  std::string t = absl::AsciiStrToLower(std::string(text));
  for (LogLevel l : {LogLevel::kDebug, LogLevel::kInfo, LogLevel::kWarn, LogLevel::kError}) {
    if (t == LevelName(l)) {
      *out = l;
      return true;
    }
  }
  return false;
}

Log::Log(LogLevel level, std::string_view message)
    : enabled_(static_cast<int>(level) >= g_level.load(std::memory_order_relaxed)) {
  if (!enabled_) return;
  line_ = absl::StrCat(
      "ts=", absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone()),
      " level=", LevelName(level), " msg=");
  AppendValue(&line_, message);
}

Log::~Log() {
  if (!enabled_) return;
  line_.push_back('\n');
  // One write(2) per line keeps lines of concurrent threads whole.
  size_t done = 0;
  while (done < line_.size()) {
    ssize_t n = ::write(STDERR_FILENO, line_.data() + done, line_.size() - done);
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
}

Log& Log::Kv(std::string_view key, std::string_view value) {
  if (!enabled_) return *this;
  AppendKey(&line_, key);
  AppendValue(&line_, value);
  return *this;
}

Log& Log::Kv(std::string_view key, int64_t value) {
  if (enabled_) {
    AppendKey(&line_, key);
    absl::StrAppend(&line_, value);
  }
  return *this;
}

Log& Log::Kv(std::string_view key, uint64_t value) {
  if (enabled_) {
    AppendKey(&line_, key);
    absl::StrAppend(&line_, value);
  }
  return *this;
}

Log& Log::Kv(std::string_view key, double value) {
  if (enabled_) {
    AppendKey(&line_, key);
    absl::StrAppend(&line_, absl::StrFormat("%.6g", value));
  }
  return *this;
}

Log& Log::Kv(std::string_view key, bool value) {
  if (enabled_) {
    AppendKey(&line_, key);
    line_.append(value ? "true" : "false");
  }
  return *this;
}

}  // namespace strata::server
