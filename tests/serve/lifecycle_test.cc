// The server's life: SIGTERM with requests in flight, a crash (SIGKILL) after acknowledged
// writes, a second server on the same data directory, --print-config, `strata admin
// --server`, and `strata demo` feeding a running server.
#include <signal.h>

#include <atomic>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/temp_dir.h"
#include "gtest/gtest.h"
#include "ingest/generator.h"
#include "tests/serve/serve_process.h"
#include "tests/serve/subprocess.h"
#include "tests/serve/test_data.h"

namespace strata::serve_test {
namespace {

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// Batches of generated events whose event_id is "<prefix>-<n>"; prefixes must differ.
class TaggedBatches {
 public:
  TaggedBatches(std::string prefix, uint64_t seed) : prefix_(std::move(prefix)) {
    ingest::GeneratorOptions g;
    g.events = 10'000'000;
    g.merchants = 30;
    g.days = 1;
    g.seed = seed;
    generator_ = std::make_unique<ingest::Generator>(g);
  }
  // The next `n` events; their ids go to *ids.
  std::string Next(int n, std::vector<std::string>* ids) {
    std::string body;
    for (int i = 0; i < n && generator_->Next(&event_); ++i) {
      event_.event_id = absl::StrCat(prefix_, "-", next_++);
      ids->push_back(event_.event_id);
      ingest::Generator::AppendJson(event_, &body);
    }
    return body;
  }

 private:
  std::string prefix_;
  std::unique_ptr<ingest::Generator> generator_;
  engine::Event event_;
  uint64_t next_ = 0;
};

// The event ids starting with `prefix` (read over PG wire as the admin), and how many rows
// carry them (to spot duplicates).
std::set<std::string> PresentIds(const ServeProcess& server, const std::string& prefix,
                                 int64_t* rows) {
  std::set<std::string> ids;
  PgConnection conn = ConnectPg(server, kAdminUser, kAdminPassword);
  EXPECT_EQ(PQstatus(conn.get()), CONNECTION_OK) << PQerrorMessage(conn.get());
  PgResult r = Exec(
      conn.get(), absl::StrCat("SELECT event_id FROM events WHERE event_id LIKE '", prefix, "%'"));
  EXPECT_EQ(PQresultStatus(r.get()), PGRES_TUPLES_OK) << PQresultErrorMessage(r.get());
  *rows = PQntuples(r.get());
  for (int i = 0; i < PQntuples(r.get()); ++i) ids.insert(PQgetvalue(r.get(), i, 0));
  return ids;
}

TEST(LifecycleTest, SigtermFinishesRequestsInFlightAndRestartSeesEverything) {
  TempDir dir;
  const std::string data = dir.File("data");
  absl::StatusOr<std::unique_ptr<ServeProcess>> server = ServeProcess::Start(data);
  ASSERT_TRUE(server.ok()) << server.status();
  const uint16_t http_port = (*server)->http_port();

  struct Outcome {
    absl::Time start, end;
    int status = 0;  // 0 = transport error
    std::string error;
    std::vector<std::string> ids;
  };
  constexpr int kThreads = 4;
  std::vector<std::vector<Outcome>> outcomes(kThreads);
  std::atomic<bool> stop_sending{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      TaggedBatches batches(absl::StrCat("term", t), 10 + static_cast<uint64_t>(t));
      client::HttpClient http("127.0.0.1", http_port);
      while (!stop_sending) {
        Outcome o;
        std::vector<std::string> ids;
        std::string body = batches.Next(2000, &ids);
        o.start = absl::Now();
        absl::StatusOr<CollectReply> r = Collect(http, body);
        o.end = absl::Now();
        if (r.ok()) {
          o.status = r->status;
          if (r->status == 200 && r->accepted != 2000) o.error = r->body;
        } else {
          o.error = std::string(r.status().message());
        }
        o.ids = std::move(ids);
        const bool failed = o.status != 200;
        outcomes[t].push_back(std::move(o));
        if (failed) absl::SleepFor(absl::Milliseconds(20));
      }
    });
  }
  absl::SleepFor(absl::Seconds(1));
  const absl::Time sigterm_at = absl::Now();
  const int exit_code = (*server)->Stop();
  stop_sending = true;
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(exit_code, 0) << (*server)->Log();

  std::set<std::string> acknowledged;
  int in_flight_completed = 0;
  for (int t = 0; t < kThreads; ++t) {
    for (const Outcome& o : outcomes[t]) {
      if (o.status == 200) {
        acknowledged.insert(o.ids.begin(), o.ids.end());
        if (o.start < sigterm_at && o.end > sigterm_at) ++in_flight_completed;
      }
      // Requests sent before the signal on established connections must complete.
      if (o.start < sigterm_at) {
        EXPECT_EQ(o.status, 200) << "thread " << t << ": a request in flight at SIGTERM got "
                                 << o.status << " " << o.error;
      }
    }
  }
  EXPECT_GT(acknowledged.size(), 0u);
  EXPECT_GT(in_flight_completed, 0) << "no request was in flight at SIGTERM";

  absl::StatusOr<std::unique_ptr<ServeProcess>> restarted = ServeProcess::Start(data);
  ASSERT_TRUE(restarted.ok()) << restarted.status();
  int64_t rows = 0;
  std::set<std::string> present = PresentIds(**restarted, "term", &rows);
  EXPECT_EQ(rows, static_cast<int64_t>(present.size())) << "duplicated events";
  size_t missing = 0;
  for (const std::string& id : acknowledged) missing += present.count(id) == 0;
  EXPECT_EQ(missing, 0u) << "acknowledged events lost across a graceful restart";
  EXPECT_EQ(present.size(), acknowledged.size()) << "events stored but never acknowledged";
  EXPECT_EQ((*restarted)->Stop(), 0) << (*restarted)->Log();
}

// Statements still running when the grace period (10 s per front end) ends are cancelled,
// so SIGTERM never waits for a long query to finish.
TEST(LifecycleTest, SigtermCancelsLongStatementsAfterTheGrace) {
  TempDir dir;
  absl::StatusOr<std::unique_ptr<ServeProcess>> server = StartWithDataset(dir.File("data"));
  ASSERT_TRUE(server.ok()) << server.status();
  std::string pg_outcome, http_outcome;
  std::thread pg([&] {
    PgConnection conn = ConnectPg(**server, kMerchantA, kPasswordA);
    PgResult r = Exec(conn.get(), VeryLongRunningSql());
    pg_outcome = absl::StrCat(PQresStatus(PQresultStatus(r.get())), " ", SqlState(r.get()));
  });
  std::thread http([&] {
    absl::StatusOr<client::HttpResponse> r = QueryApi(
        **server, client::BasicAuthorization(kMerchantA, kPasswordA), VeryLongRunningSql());
    http_outcome = r.ok() ? absl::StrCat(r->status, " ", r->body) : r.status().ToString();
  });
  absl::SleepFor(absl::Seconds(1));
  const absl::Time start = absl::Now();
  const int code = (*server)->Stop(absl::Seconds(60));
  const absl::Duration took = absl::Now() - start;
  pg.join();
  http.join();
  EXPECT_EQ(code, 0) << (*server)->Log();
  EXPECT_LT(took, absl::Seconds(25)) << "SIGTERM waited for running statements; PG: " << pg_outcome
                                     << "; HTTP: " << http_outcome << "\n"
                                     << (*server)->Log();
}

TEST(LifecycleTest, SigkillAfterAcknowledgedCollectLosesNothing) {
  TempDir dir;
  const std::string data = dir.File("data");
  std::set<std::string> acknowledged;
  for (int round = 0; round < 2; ++round) {
    absl::StatusOr<std::unique_ptr<ServeProcess>> server = ServeProcess::Start(data);
    ASSERT_TRUE(server.ok()) << server.status();
    std::mutex mu;
    std::atomic<bool> stop{false};
    std::vector<std::thread> threads;
    for (int t = 0; t < 3; ++t) {
      threads.emplace_back([&, t] {
        TaggedBatches batches(absl::StrCat("kill", round, "t", t), 20 + static_cast<uint64_t>(t));
        client::HttpClient http("127.0.0.1", (*server)->http_port(), absl::Seconds(10));
        while (!stop) {
          std::vector<std::string> ids;
          std::string body = batches.Next(500, &ids);
          absl::StatusOr<CollectReply> r = Collect(http, body);
          if (!r.ok()) break;  // killed
          if (r->status == 200 && r->accepted == 500) {
            std::lock_guard<std::mutex> lock(mu);
            acknowledged.insert(ids.begin(), ids.end());
          }
        }
      });
    }
    absl::SleepFor(absl::Milliseconds(700 + 300 * round));
    (*server)->Kill();
    stop = true;
    for (std::thread& t : threads) t.join();
  }
  ASSERT_GT(acknowledged.size(), 0u);
  absl::StatusOr<std::unique_ptr<ServeProcess>> restarted = ServeProcess::Start(data);
  ASSERT_TRUE(restarted.ok()) << restarted.status();
  int64_t rows = 0;
  std::set<std::string> present = PresentIds(**restarted, "kill", &rows);
  EXPECT_EQ(rows, static_cast<int64_t>(present.size())) << "duplicated events";
  size_t missing = 0;
  for (const std::string& id : acknowledged) missing += present.count(id) == 0;
  EXPECT_EQ(missing, 0u) << "of " << acknowledged.size() << " acknowledged events";
  EXPECT_EQ((*restarted)->Stop(), 0) << (*restarted)->Log();
}

TEST(LifecycleTest, SecondServerOnTheSameDataDirFails) {
  TempDir dir;
  const std::string data = dir.File("data");
  absl::StatusOr<std::unique_ptr<ServeProcess>> first = ServeProcess::Start(data);
  ASSERT_TRUE(first.ok()) << first.status();
  absl::StatusOr<ProgramResult> second =
      RunProgram({StrataBinary(), "serve", "--data-dir", data, "--http-port",
                  absl::StrCat(FreePort()), "--pg-port", absl::StrCat(FreePort())},
                 WithTimeout(absl::Seconds(30)));
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_FALSE(second->timed_out) << "the second server kept running";
  EXPECT_GT(second->exit_code, 0) << second->Describe();
  // The message names the problem: the directory is in use by another process.
  const std::string message = second->err + second->out;
  EXPECT_TRUE(Contains(message, data) || Contains(message, "lock") || Contains(message, "in use"))
      << message;
  EXPECT_TRUE(Contains(message, absl::StrCat((*first)->pid())) || Contains(message, "lock"))
      << message;
  // The first one is unaffected.
  client::HttpClient http("127.0.0.1", (*first)->http_port());
  absl::StatusOr<client::HttpResponse> health = http.Request("GET", "/healthz");
  ASSERT_TRUE(health.ok()) << health.status();
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ((*first)->Stop(), 0) << (*first)->Log();
}

TEST(LifecycleTest, PortInUseFailsClearly) {
  TempDir dir;
  absl::StatusOr<std::unique_ptr<ServeProcess>> first = ServeProcess::Start(dir.File("one"));
  ASSERT_TRUE(first.ok()) << first.status();
  absl::StatusOr<ProgramResult> second =
      RunProgram({StrataBinary(), "serve", "--data-dir", dir.File("two"), "--http-port",
                  absl::StrCat((*first)->http_port()), "--pg-port", absl::StrCat(FreePort())},
                 WithTimeout(absl::Seconds(30)));
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_GT(second->exit_code, 0) << second->Describe();
  EXPECT_TRUE(Contains(second->err, absl::StrCat((*first)->http_port()))) << second->err;
  EXPECT_EQ((*first)->Stop(), 0) << (*first)->Log();
}

TEST(LifecycleTest, PrintConfigIsTomlThatLoadsBack) {
  TempDir dir;
  absl::StatusOr<ProgramResult> r =
      RunProgram({StrataBinary(), "serve", "--print-config", "--data-dir", dir.File("data"),
                  "--set", "pg.port=6543", "--set", "auth.admin_password=hunter2"});
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->exit_code, 0) << r->Describe();
  EXPECT_TRUE(Contains(r->out, "[pg]")) << r->out;
  EXPECT_TRUE(Contains(r->out, "port = 6543")) << r->out;
  EXPECT_TRUE(Contains(r->out, "[http]")) << r->out;
  EXPECT_TRUE(Contains(r->out, "\"********\"")) << r->out;
  EXPECT_FALSE(Contains(r->out, "hunter2")) << "the password is printed";
  EXPECT_FALSE(dir.File("data").empty());
  // The output is a config file that gives the same configuration.
  const std::string config = dir.File("strata.toml");
  {
    FILE* f = std::fopen(config.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs(r->out.c_str(), f);
    std::fclose(f);
  }
  absl::StatusOr<ProgramResult> again =
      RunProgram({StrataBinary(), "serve", "--config", config, "--print-config"});
  ASSERT_TRUE(again.ok()) << again.status();
  ASSERT_EQ(again->exit_code, 0) << again->Describe();
  EXPECT_EQ(again->out, r->out);
  // A bad key is a usage error naming it.
  absl::StatusOr<ProgramResult> bad =
      RunProgram({StrataBinary(), "serve", "--print-config", "--set", "pg.nope=1"});
  ASSERT_TRUE(bad.ok()) << bad.status();
  EXPECT_EQ(bad->exit_code, 2) << bad->Describe();
  EXPECT_TRUE(Contains(bad->err, "pg.nope")) << bad->err;
}

TEST(LifecycleTest, AdminCommandAgainstTheServer) {
  TempDir dir;
  absl::StatusOr<std::unique_ptr<ServeProcess>> server = ServeProcess::Start(dir.File("data"));
  ASSERT_TRUE(server.ok()) << server.status();
  const std::vector<std::string> target = {"--server", (*server)->http_url(), "--user",
                                           kAdminUser, "--admin-password",    kAdminPassword};
  std::vector<std::string> add = {StrataBinary(), "admin",      "merchant", "add",
                                  "shop-z",       "--password", "pz-secret"};
  add.insert(add.end(), target.begin(), target.end());
  absl::StatusOr<ProgramResult> r = RunProgram(add);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->exit_code, 0) << r->Describe();
  EXPECT_TRUE(Contains(r->out, "wk_")) << r->out;  // the write key is shown once

  std::vector<std::string> list = {StrataBinary(), "admin", "merchant", "list", "--format", "json"};
  list.insert(list.end(), target.begin(), target.end());
  r = RunProgram(list);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->exit_code, 0) << r->Describe();
  EXPECT_TRUE(Contains(r->out, "shop-z")) << r->out;
  // The new merchant logs in over PG wire at once.
  ProgramResult psql =
      RunPsql(**server, "shop-z", "pz-secret", "", {"-At", "-c", "SELECT count(*) FROM events"});
  EXPECT_EQ(psql.exit_code, 0) << psql.Describe();
  EXPECT_EQ(psql.out, "0\n");
  // Opening the data directory directly while the server holds it points to --server.
  r = RunProgram({StrataBinary(), "admin", "merchant", "list", "--data-dir", dir.File("data")});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_NE(r->exit_code, 0) << r->Describe();
  EXPECT_TRUE(Contains(r->err, "--server")) << r->err;
  EXPECT_EQ((*server)->Stop(), 0) << (*server)->Log();
}

TEST(LifecycleTest, DemoFeedsARunningServer) {
  TempDir dir;
  absl::StatusOr<std::unique_ptr<ServeProcess>> server = ServeProcess::Start(dir.File("data"));
  ASSERT_TRUE(server.ok()) << server.status();
  absl::StatusOr<ProgramResult> r =
      RunProgram({StrataBinary(), "demo", "--server", (*server)->http_url(), "--duration-s", "3",
                  "--rate", "500", "--merchants", "50", "--backfill-minutes", "0.5"},
                 WithTimeout(absl::Seconds(60)));
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->exit_code, 0) << r->Describe();
  // "... done after 3.0s: sent N events (accepted A, rejected R, dropped D) ..."
  const size_t at = r->out.find("(accepted ");
  ASSERT_NE(at, std::string::npos) << r->out;
  int64_t accepted = -1;
  std::string_view rest = std::string_view(r->out).substr(at + 10);
  ASSERT_TRUE(absl::SimpleAtoi(std::string(rest.substr(0, rest.find(','))), &accepted)) << r->out;
  EXPECT_TRUE(Contains(r->out, "rejected 0,")) << r->out;
  // 30 s of backfill and 3 s live at 500/s: ~16,500 events.
  EXPECT_GT(accepted, 15'000) << r->out;
  EXPECT_LT(accepted, 17'500) << r->out;
  absl::StatusOr<int64_t> count = CountEvents(**server);
  ASSERT_TRUE(count.ok()) << count.status();
  EXPECT_EQ(*count, accepted);
  // Timestamped now: nothing in the future, most within the last minute.
  absl::StatusOr<int64_t> recent = CountEvents(**server, "ts > now() - interval '1 minute'");
  ASSERT_TRUE(recent.ok()) << recent.status();
  EXPECT_GT(*recent, accepted * 7 / 10);
  absl::StatusOr<int64_t> future = CountEvents(**server, "ts > now()");
  ASSERT_TRUE(future.ok()) << future.status();
  EXPECT_EQ(*future, 0);
  absl::StatusOr<int64_t> merchants = CountEvents(**server, "merchant = 'shop-000001'");
  ASSERT_TRUE(merchants.ok()) << merchants.status();
  EXPECT_GT(*merchants, 0);

  // Wrong credentials: a clear message and exit 1.
  r = RunProgram({StrataBinary(), "demo", "--server", (*server)->http_url(), "--password", "wrong",
                  "--duration-s", "2", "--backfill-minutes", "0"},
                 WithTimeout(absl::Seconds(30)));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->exit_code, 1) << r->Describe();
  EXPECT_TRUE(Contains(r->err, "refused user 'strata'")) << r->err;
  EXPECT_EQ((*server)->Stop(), 0) << (*server)->Log();

  // No server: a clear message and exit 1.
  r = RunProgram({StrataBinary(), "demo", "--server", (*server)->http_url(), "--duration-s", "1"},
                 WithTimeout(absl::Seconds(30)));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->exit_code, 1) << r->Describe();
  EXPECT_TRUE(Contains(r->err, "cannot reach the server")) << r->err;
}

// Live traffic (no backfill) holds the requested rate.
TEST(LifecycleTest, DemoHoldsTheRate) {
  TempDir dir;
  absl::StatusOr<std::unique_ptr<ServeProcess>> server = ServeProcess::Start(dir.File("data"));
  ASSERT_TRUE(server.ok()) << server.status();
  absl::StatusOr<ProgramResult> r =
      RunProgram({StrataBinary(), "demo", "--server", (*server)->http_url(), "--duration-s", "4",
                  "--rate", "1000", "--backfill-minutes", "0", "--batch-ms", "100"},
                 WithTimeout(absl::Seconds(60)));
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->exit_code, 0) << r->Describe();
  absl::StatusOr<int64_t> count = CountEvents(**server);
  ASSERT_TRUE(count.ok()) << count.status();
  // 4000 events were due; the last batch period may not have gone out.
  EXPECT_GE(*count, 3700) << r->out;
  EXPECT_LE(*count, 4000) << r->out;
  EXPECT_EQ((*server)->Stop(), 0) << (*server)->Log();
}

TEST(LifecycleTest, DemoStopsOnSigint) {
  TempDir dir;
  absl::StatusOr<std::unique_ptr<ServeProcess>> server = ServeProcess::Start(dir.File("data"));
  ASSERT_TRUE(server.ok()) << server.status();
  absl::StatusOr<ChildProcess> demo =
      ChildProcess::Spawn({StrataBinary(), "demo", "--server", (*server)->http_url(), "--rate",
                           "200", "--backfill-minutes", "0", "--merchants", "10"},
                          {}, dir.File("demo.log"));
  ASSERT_TRUE(demo.ok()) << demo.status();
  absl::SleepFor(absl::Milliseconds(1500));
  demo->Signal(SIGINT);
  std::optional<int> code = demo->Wait(absl::Seconds(15));
  ASSERT_TRUE(code.has_value()) << "strata demo ignored SIGINT";
  EXPECT_EQ(*code, 0);
  absl::StatusOr<int64_t> count = CountEvents(**server);
  ASSERT_TRUE(count.ok()) << count.status();
  EXPECT_GT(*count, 100);
  EXPECT_EQ((*server)->Stop(), 0) << (*server)->Log();
}

}  // namespace
}  // namespace strata::serve_test
