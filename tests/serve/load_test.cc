// `strata load --server`: a dataset file posted to a running server through POST /collect,
// the way a user backfills history over HTTP. The real binaries on both sides.
#include <fstream>
#include <string>
#include <vector>

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

constexpr int kGoodEvents = 3000;

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// kGoodEvents generated events with event_id "load-<n>", and after line 1000 a truncated
// object (line 1001), a blank line (1002) and, after line 2002, an event with a bad ts (line
// 2003): 3003 lines.
std::string WriteDataset(const TempDir& dir) {
  ingest::GeneratorOptions options;
  options.events = kGoodEvents;
  options.merchants = 20;
  options.days = 1;
  options.seed = 7;
  ingest::Generator generator(options);
  engine::Event event;
  std::string text;
  for (int n = 0; generator.Next(&event); ++n) {
    if (n == 1000) text += "{\"merchant\":\"shop-000001\",\"ts\":\n\n";
    if (n == 2000) {
      text += R"({"merchant":"shop-000001","ts":"yesterday","event":"page_view","client_id":"c1"})"
              "\n";
    }
    event.event_id = absl::StrCat("load-", n);
    ingest::Generator::AppendJson(event, &text);
  }
  const std::string path = dir.File("history.ndjson");
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

TEST(LoadServerTest, EveryGoodLineLandsOnceAndBadLinesAreNamed) {
  TempDir dir;
  const std::string file = WriteDataset(dir);
  absl::StatusOr<std::unique_ptr<ServeProcess>> server = ServeProcess::Start(dir.File("data"));
  ASSERT_TRUE(server.ok()) << server.status();
  const std::string url = (*server)->http_url();

  absl::StatusOr<ProgramResult> r = RunProgram({StrataBinary(), "load", "--server", url, "--batch",
                                                "400", "--connections", "3", "--progress", file},
                                               WithTimeout(absl::Seconds(60)));
  ASSERT_TRUE(r.ok()) << r.status();
  // As with --data-dir: rejected lines are reported and skipped; the load itself succeeded.
  EXPECT_EQ(r->exit_code, 0) << r->Describe();
  EXPECT_TRUE(Contains(
      r->err, absl::StrCat("loaded 3000 events (3003 lines, 2 rejected) into ", url, " in ")))
      << r->err;
  EXPECT_TRUE(Contains(r->err, "history.ndjson:1001: rejected: invalid JSON")) << r->err;
  EXPECT_TRUE(Contains(r->err, "history.ndjson:2003: rejected: ts: must be an RFC 3339")) << r->err;
  // 8 requests of 400 events; --progress ends once every line was answered.
  std::vector<std::string> progress = absl::StrSplit(r->out, '\n', absl::SkipEmpty());
  ASSERT_FALSE(progress.empty()) << r->out;
  EXPECT_EQ(progress.back(), "acked 3003 3000") << r->out;

  PgConnection conn = ConnectPg(**server, kAdminUser, kAdminPassword);
  ASSERT_EQ(PQstatus(conn.get()), CONNECTION_OK) << PQerrorMessage(conn.get());
  PgResult rows = Exec(conn.get(),
                       "SELECT count(*), count(DISTINCT event_id) FROM events WHERE event_id "
                       "LIKE 'load-%'");
  ASSERT_EQ(PQresultStatus(rows.get()), PGRES_TUPLES_OK) << PQresultErrorMessage(rows.get());
  EXPECT_EQ(std::string(PQgetvalue(rows.get(), 0, 0)), "3000");  // nothing twice
  EXPECT_EQ(std::string(PQgetvalue(rows.get(), 0, 1)), "3000");  // nothing missing
  absl::StatusOr<int64_t> all = CountEvents(**server);
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(*all, kGoodEvents);
  EXPECT_EQ((*server)->Stop(), 0) << (*server)->Log();
}

TEST(LoadServerTest, RefusedCredentialsAndNoServerAreFatal) {
  TempDir dir;
  const std::string file = WriteDataset(dir);
  absl::StatusOr<std::unique_ptr<ServeProcess>> server = ServeProcess::Start(dir.File("data"));
  ASSERT_TRUE(server.ok()) << server.status();
  const std::string url = (*server)->http_url();

  const absl::Time start = absl::Now();
  absl::StatusOr<ProgramResult> r =
      RunProgram({StrataBinary(), "load", "--server", url, "--password", "wrong", file},
                 WithTimeout(absl::Seconds(30)));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->exit_code, 1) << r->Describe();
  EXPECT_TRUE(Contains(r->err, "refused user 'strata' (HTTP 401)")) << r->err;
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));  // no retrying
  // The password's default comes from the environment, as for `strata admin`.
  ProgramOptions wrong_env;
  wrong_env.env = {{"STRATA_AUTH_ADMIN_PASSWORD", "wrong"}};
  r = RunProgram({StrataBinary(), "load", "--server", url, file}, wrong_env);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->exit_code, 1) << r->Describe();
  absl::StatusOr<int64_t> count = CountEvents(**server);
  ASSERT_TRUE(count.ok()) << count.status();
  EXPECT_EQ(*count, 0);

  r = RunProgram({StrataBinary(), "load", "--server", url, "--data-dir", dir.File("d"), file});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->exit_code, 2) << r->Describe();
  EXPECT_TRUE(Contains(r->err, "mutually exclusive")) << r->err;

  EXPECT_EQ((*server)->Stop(), 0) << (*server)->Log();
  r = RunProgram({StrataBinary(), "load", "--server", url, file}, WithTimeout(absl::Seconds(30)));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->exit_code, 1) << r->Describe();
  EXPECT_TRUE(Contains(r->err, "cannot reach the server")) << r->err;
}

}  // namespace
}  // namespace strata::serve_test
