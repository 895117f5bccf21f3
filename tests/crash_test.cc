// Crash recovery: `strata load` runs in a child process and is SIGKILLed at random
// points (during appends, syncs and flushes). After each kill the data directory is
// reopened and every event the child acknowledged must be present exactly once, and no
// event may be present twice.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <random>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "common/temp_dir.h"
#include "engine/engine.h"
#include "engine/scan.h"
#include "gtest/gtest.h"
#include "ingest/generator.h"

namespace strata {
namespace {

std::string StrataBinary() {
  const char* bin = std::getenv("STRATA_BIN");
  return bin != nullptr ? bin : "build/bin/strata";
}

// Writes `n` generated events as NDJSON; event_id "crash-<line>" identifies each line.
void WriteInput(const std::string& path, uint64_t n) {
  ingest::GeneratorOptions g;
  g.events = n;
  g.merchants = 50;
  g.days = 3;
  g.seed = 42;
  ingest::Generator gen(g);
  engine::Event e;
  std::string out;
  uint64_t line = 0;
  while (gen.Next(&e)) {
    e.event_id = "crash-" + std::to_string(++line);
    ingest::Generator::AppendJson(e, &out);
  }
  std::ofstream(path) << out;
}

struct ChildResult {
  uint64_t acked_lines = 0;  // every line up to here was acknowledged durable
  bool killed = false;
  int exit_status = 0;
};

// Runs `strata load` and SIGKILLs it after `kill_after` (or lets it finish).
ChildResult RunLoadAndKill(const std::string& data_dir, const std::string& input,
                           std::chrono::milliseconds kill_after, const std::string& extra_flag) {
  int out_pipe[2];
  EXPECT_EQ(::pipe(out_pipe), 0);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(out_pipe[1], 1);
    int devnull = ::open("/dev/null", O_WRONLY);
    ::dup2(devnull, 2);
    ::close(out_pipe[0]);
    std::string bin = StrataBinary();
    ::execl(bin.c_str(), bin.c_str(), "load", "--data-dir", data_dir.c_str(), "--progress",
            "--batch", "1500", "--shards", "4", extra_flag.c_str(), input.c_str(), nullptr);
    ::_exit(127);
  }
  ::close(out_pipe[1]);
  ChildResult result;
  std::string buffer;
  auto deadline = std::chrono::steady_clock::now() + kill_after;
  bool eof = false;
  while (!eof) {
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline) {
      ::kill(pid, SIGKILL);
      result.killed = true;
      break;
    }
    pollfd p{out_pipe[0], POLLIN, 0};
    int ms = static_cast<int>(
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count());
    if (::poll(&p, 1, std::max(1, ms)) > 0) {
      char buf[4096];
      ssize_t n = ::read(out_pipe[0], buf, sizeof(buf));
      if (n <= 0) {
        eof = true;
      } else {
        buffer.append(buf, static_cast<size_t>(n));
      }
    }
  }
  // Acknowledgements already written to the pipe count: the child said them.
  char buf[4096];
  ssize_t n;
  ::fcntl(out_pipe[0], F_SETFL, O_NONBLOCK);
  while ((n = ::read(out_pipe[0], buf, sizeof(buf))) > 0)
    buffer.append(buf, static_cast<size_t>(n));
  ::close(out_pipe[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  result.exit_status = status;
  for (absl::string_view line : absl::StrSplit(buffer, '\n')) {
    std::vector<absl::string_view> words = absl::StrSplit(line, ' ');
    uint64_t acked;
    if (words.size() == 3 && words[0] == "acked" && absl::SimpleAtoi(words[1], &acked))
      result.acked_lines = std::max(result.acked_lines, acked);
  }
  return result;
}

// Reopens the directory and counts each event_id.
std::map<uint64_t, int> RecoveredLines(const std::string& data_dir) {
  engine::EngineOptions o;
  o.data_dir = data_dir;
  o.flush_on_close = false;
  auto db = engine::Engine::Open(o);
  EXPECT_TRUE(db.ok()) << db.status();
  std::map<uint64_t, int> lines;
  if (!db.ok()) return lines;
  engine::ScanSpec spec;
  spec.columns = {engine::kColEventId};
  engine::Scanner scanner((*db)->GetSnapshot(), spec);
  engine::ColumnBatch batch;
  while (scanner.Next(&batch)) {
    for (size_t r = 0; r < batch.rows; ++r) {
      std::string_view id = batch.columns[0].dict.value(batch.columns[0].codes[r]);
      uint64_t line = 0;
      EXPECT_TRUE(id.rfind("crash-", 0) == 0 &&
                  absl::SimpleAtoi(absl::string_view(id.data() + 6, id.size() - 6), &line))
          << id;
      lines[line]++;
    }
  }
  EXPECT_TRUE(scanner.status().ok()) << scanner.status();
  return lines;
}

TEST(CrashTest, KilledLoadKeepsEveryAcknowledgedEventExactlyOnce) {
  TempDir tmp;
  const uint64_t kEvents = 150000;
  std::string input = tmp.File("events.ndjson");
  WriteInput(input, kEvents);

  std::mt19937 rng(20261126);
  int killed = 0;
  for (int round = 0; round < 8; ++round) {
    std::string dir = tmp.File("data-" + std::to_string(round));
    // Small memtables in half of the rounds so kills land inside flushes too.
    std::string flag = round % 2 ? "--memtable-rows=20000" : "--sync=fsync";
    auto kill_after = std::chrono::milliseconds(std::uniform_int_distribution<int>(30, 1500)(rng));
    ChildResult child = RunLoadAndKill(dir, input, kill_after, flag);
    killed += child.killed;
    std::map<uint64_t, int> lines = RecoveredLines(dir);
    std::printf("round %d: %s after %lld ms, acknowledged %llu lines, recovered %zu events\n",
                round, child.killed ? "killed" : "finished",
                static_cast<long long>(kill_after.count()),
                static_cast<unsigned long long>(child.acked_lines), lines.size());
    for (const auto& [line, count] : lines) {
      ASSERT_EQ(count, 1) << "round " << round << ": line " << line << " present " << count
                          << " times";
      ASSERT_LE(line, kEvents);
    }
    for (uint64_t line = 1; line <= child.acked_lines; ++line) {
      ASSERT_EQ(lines.count(line), 1u)
          << "round " << round << ": acknowledged line " << line << " lost (acked up to "
          << child.acked_lines << ", recovered " << lines.size() << ")";
    }
    if (!child.killed) {
      EXPECT_EQ(lines.size(), kEvents) << "a load that finished must hold every event";
    }
  }
  EXPECT_GT(killed, 0) << "no round was killed mid-load; the test proved nothing";
}

}  // namespace
}  // namespace strata
