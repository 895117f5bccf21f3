// SQL script tests: every tests/sql/*.test file is one test case, run against the
// hand-written dataset tests/sql/data/events.ndjson. The file format is documented in
// tests/sql/README.md; expectations come from tests/sql/tools/ (SQLite and Python), never
// from Strata.
//
// The dataset is loaded once per process into a temporary engine: the first half of the
// lines is flushed to segments, the second half stays in the memtable, so every query
// reads both paths. Small blocks make block statistics and pruning matter too.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/temp_dir.h"
#include "engine/engine.h"
#include "gtest/gtest.h"
#include "ingest/event_json.h"
#include "query/error.h"
#include "query/query.h"

namespace strata {
namespace {

constexpr char kDefaultNow[] = "2026-11-08T00:00:00Z";

std::string ScriptDir() { return std::string(STRATA_SOURCE_DIR) + "/tests/sql"; }

enum class RecordKind { kStatement, kQuery, kError };
enum class SortMode { kNoSort, kRowSort, kContains };

// One record of a .test file (see tests/sql/README.md).
struct Record {
  RecordKind kind = RecordKind::kStatement;
  int line = 0;  // of the record's header
  std::string header;
  std::string sql;
  std::vector<std::string> expected;  // kQuery
  SortMode sort = SortMode::kNoSort;
  std::optional<std::vector<std::string>> scope;
  std::optional<int64_t> now_us;
  std::optional<size_t> max_rows;
  std::optional<size_t> memory_limit;
  std::string types;     // expected result column type codes; "" = not checked
  std::string sqlstate;  // kError
  int position = -1;     // kError: expected error position; -1 = not checked

  bool needs_own_session() const { return scope || max_rows || memory_limit; }
};

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

// Applies one header option (a word or key=value) to `r`; false if it is not one.
bool ApplyOption(const std::string& option, Record* r) {
  if (option == "rowsort") return r->sort = SortMode::kRowSort, true;
  if (option == "nosort") return r->sort = SortMode::kNoSort, true;
  if (option == "contains") return r->sort = SortMode::kContains, true;
  size_t eq = option.find('=');
  if (eq == std::string::npos) return false;
  const std::string key = option.substr(0, eq), value = option.substr(eq + 1);
  if (key == "scope") {
    r->scope = value.empty() ? std::vector<std::string>{}
                             : std::vector<std::string>(absl::StrSplit(value, ','));
    return true;
  }
  if (key == "now") {
    r->now_us = ingest::ParseRfc3339(value);
    return r->now_us.has_value();
  }
  if (key == "types") {
    r->types = value;
    return value.find_first_not_of("BIRTZVN") == std::string::npos;
  }
  size_t n = 0;
  if (!absl::SimpleAtoi(value, &n)) return false;
  if (key == "max_rows") return r->max_rows = n, true;
  if (key == "memory_limit") return r->memory_limit = n, true;
  if (key == "position") return r->position = static_cast<int>(n), true;
  return false;
}

// Parses a .test file. Errors name the line.
absl::StatusOr<std::vector<Record>> ParseScript(const std::string& text) {
  std::vector<std::string> lines = absl::StrSplit(text, '\n');
  std::vector<Record> records;
  size_t i = 0;
  auto blank = [&](size_t k) { return k >= lines.size() || Trim(lines[k]).empty(); };
  while (i < lines.size()) {
    const std::string line = Trim(lines[i]);
    if (line.empty() || line[0] == '#') {
      ++i;
      continue;
    }
    Record r;
    r.line = static_cast<int>(i) + 1;
    r.header = line;
    std::vector<std::string> words = absl::StrSplit(line, ' ', absl::SkipEmpty());
    size_t first_option = 1;
    if (words[0] == "statement" && words.size() == 2 && words[1] == "ok") {
      r.kind = RecordKind::kStatement;
      first_option = 2;
    } else if (words[0] == "query") {
      r.kind = RecordKind::kQuery;
    } else if (words[0] == "error" && words.size() >= 2) {
      r.kind = RecordKind::kError;
      r.sqlstate = words[1];
      first_option = 2;
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", r.line, ": expected statement ok, query or error"));
    }
    for (size_t w = first_option; w < words.size(); ++w) {
      if (!ApplyOption(words[w], &r)) {
        return absl::InvalidArgumentError(
            absl::StrCat("line ", r.line, ": bad option '", words[w], "'"));
      }
    }
    ++i;
    std::vector<std::string> sql;
    while (!blank(i) && Trim(lines[i]) != "----") sql.push_back(lines[i++]);
    r.sql = absl::StrJoin(sql, "\n");
    if (r.sql.empty()) {
      return absl::InvalidArgumentError(absl::StrCat("line ", r.line, ": no SQL"));
    }
    if (r.kind == RecordKind::kQuery) {
      if (i >= lines.size() || Trim(lines[i]) != "----") {
        return absl::InvalidArgumentError(absl::StrCat("line ", r.line, ": query without ----"));
      }
      ++i;
      while (!blank(i)) r.expected.push_back(Trim(lines[i++]));
    } else if (i < lines.size() && Trim(lines[i]) == "----") {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", r.line, ": only a query has expected rows"));
    }
    records.push_back(std::move(r));
  }
  return records;
}

char TypeCode(query::Type t) {
  switch (t) {
    case query::Type::kBool:
      return 'B';
    case query::Type::kInt64:
      return 'I';
    case query::Type::kFloat64:
      return 'R';
    case query::Type::kString:
      return 'T';
    case query::Type::kTimestamp:
      return 'Z';
    case query::Type::kInterval:
      return 'V';
    case query::Type::kNull:
      return 'N';
  }
  return '?';
}

// A row as the scripts spell it: cells joined by '|', NULL and (empty) made visible.
std::string RenderRow(const std::vector<query::Value>& row) {
  std::string out;
  for (size_t c = 0; c < row.size(); ++c) {
    if (c > 0) out += '|';
    if (row[c].null) {
      out += "NULL";
    } else {
      std::string text = row[c].ToString();
      out += text.empty() ? "(empty)" : text;
    }
  }
  return out;
}

std::string Lower(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

std::string Indent(const std::vector<std::string>& lines) {
  if (lines.empty()) return "    (no rows)\n";
  std::string out;
  for (const auto& l : lines) absl::StrAppend(&out, "    ", l, "\n");
  return out;
}

// Loads tests/sql/data/events.ndjson: the first half flushed, the rest in the memtable.
class Dataset {
 public:
  static absl::StatusOr<std::unique_ptr<Dataset>> Load() {
    auto d = std::make_unique<Dataset>();
    std::ifstream in(ScriptDir() + "/data/events.ndjson");
    if (!in) return absl::NotFoundError("cannot read tests/sql/data/events.ndjson");
    std::vector<engine::Event> events;
    ingest::EventDecoder decoder;
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
      ++number;
      if (Trim(line).empty()) continue;
      engine::Event e;
      if (auto error = decoder.Decode(line, &e)) {
        return absl::InvalidArgumentError(
            absl::StrCat("events.ndjson:", number, ": ", error->ToString()));
      }
      events.push_back(std::move(e));
    }
    engine::EngineOptions o;
    o.data_dir = d->dir_.path();
    o.shards = 2;
    o.rows_per_block = 16;
    o.wal_sync = engine::WalSyncMode::kRelaxed;
    auto opened = engine::Engine::Open(o);
    if (!opened.ok()) return opened.status();
    d->engine_ = std::move(*opened);
    const size_t half = events.size() / 2;
    auto all = absl::MakeConstSpan(events);
    if (auto s = d->engine_->Append(all.subspan(0, half)); !s.ok()) return s;
    if (auto s = d->engine_->Flush(); !s.ok()) return s;
    if (auto s = d->engine_->Append(all.subspan(half)); !s.ok()) return s;
    auto snapshot = d->engine_->GetSnapshot();
    if (snapshot->segments.empty() || snapshot->memtables.empty()) {
      return absl::InternalError("the dataset should be in both segments and a memtable");
    }
    return d;
  }

  query::SnapshotSource snapshots() const {
    engine::Engine* db = engine_.get();
    return [db] { return db->GetSnapshot(); };
  }

 private:
  TempDir dir_;
  std::unique_ptr<engine::Engine> engine_;
};

// Runs the records of one file in order on one session (SETs carry over).
class ScriptRunner {
 public:
  ScriptRunner(const Dataset& data, std::string path)
      : data_(data), path_(std::move(path)), default_now_(*ingest::ParseRfc3339(kDefaultNow)) {
    main_ = std::make_unique<query::QuerySession>(data_.snapshots(), query::SessionOptions{});
    main_->SetNowForTesting(default_now_);
  }

  void Run(const std::vector<Record>& records) {
    for (const Record& r : records) RunRecord(r);
  }

 private:
  void Fail(const Record& r, const std::string& what) {
    ADD_FAILURE_AT(path_.c_str(), r.line) << r.header << "\n" << r.sql << "\n" << what;
  }

  // A session with the record's options that has seen the file's statements so far.
  std::unique_ptr<query::QuerySession> OwnSession(const Record& r) {
    query::SessionOptions o;
    o.merchant_scope = r.scope;
    if (r.max_rows) o.max_result_rows = *r.max_rows;
    if (r.memory_limit) o.memory_limit_bytes = *r.memory_limit;
    auto session = std::make_unique<query::QuerySession>(data_.snapshots(), o);
    for (const std::string& sql : statements_) {
      auto replayed = session->Execute(sql);
      if (!replayed.ok())
        Fail(r, "replaying '" + sql + "' failed: " + replayed.status().ToString());
    }
    return session;
  }

  void RunRecord(const Record& r) {
    std::unique_ptr<query::QuerySession> own;
    query::QuerySession* session = main_.get();
    if (r.needs_own_session()) {
      own = OwnSession(r);
      session = own.get();
    }
    session->SetNowForTesting(r.now_us.value_or(default_now_));
    absl::StatusOr<query::QueryResult> result = session->Execute(r.sql);
    main_->SetNowForTesting(default_now_);

    switch (r.kind) {
      case RecordKind::kStatement:
        if (!result.ok()) return Fail(r, "failed: " + result.status().ToString());
        statements_.push_back(r.sql);
        return;
      case RecordKind::kError:
        return CheckError(r, result);
      case RecordKind::kQuery:
        if (!result.ok()) {
          return Fail(
              r, absl::StrCat("failed with SQLSTATE ", query::SqlStateOf(result.status()), ": ",
                              result.status().message(), "\nexpected:\n", Indent(r.expected)));
        }
        return CheckRows(r, *result);
    }
  }

  void CheckError(const Record& r, const absl::StatusOr<query::QueryResult>& result) {
    if (result.ok()) {
      std::vector<std::string> rows;
      for (const auto& row : result->rows) rows.push_back(RenderRow(row));
      return Fail(r, absl::StrCat("expected error ", r.sqlstate, " but it succeeded with:\n",
                                  Indent(rows)));
    }
    const std::string state = query::SqlStateOf(result.status());
    const int position = query::ErrorPosition(result.status());
    if (state != r.sqlstate || (r.position >= 0 && position != r.position)) {
      Fail(r, absl::StrCat("expected error ", r.sqlstate,
                           r.position >= 0 ? absl::StrCat(" at position ", r.position) : "",
                           "\nactual:   ", state, " at position ", position, ": ",
                           result.status().message()));
    }
  }

  void CheckRows(const Record& r, const query::QueryResult& result) {
    std::vector<std::string> actual;
    for (const auto& row : result.rows) actual.push_back(RenderRow(row));
    std::vector<std::string> expected = r.expected;
    bool ok = true;
    if (r.sort == SortMode::kContains) {
      for (const std::string& want : expected) {
        ok = ok && std::any_of(actual.begin(), actual.end(), [&](const std::string& line) {
               return Lower(line).find(Lower(want)) != std::string::npos;
             });
      }
    } else {
      if (r.sort == SortMode::kRowSort) {
        std::sort(actual.begin(), actual.end());
        std::sort(expected.begin(), expected.end());
      }
      ok = actual == expected;
    }
    std::string types;
    for (const auto& c : result.columns) types += TypeCode(c.type);
    const bool types_ok = r.types.empty() || r.types == types;
    if (ok && types_ok) return;
    std::string message = absl::StrCat(
        "expected", r.sort == SortMode::kContains ? " (each a substring of some row)" : "", ":\n",
        Indent(expected), "actual:\n", Indent(actual));
    if (!types_ok)
      absl::StrAppend(&message, "column types: expected ", r.types, ", actual ", types);
    Fail(r, message);
  }

  const Dataset& data_;
  const std::string path_;
  const int64_t default_now_;
  std::unique_ptr<query::QuerySession> main_;
  std::vector<std::string> statements_;  // replayed on sessions opened for one record
};

std::vector<std::string> ScriptFiles() {
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(ScriptDir(), ec)) {
    if (entry.path().extension() == ".test") files.push_back(entry.path().filename().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

class SqlScriptTest : public ::testing::TestWithParam<std::string> {
 protected:
  static void SetUpTestSuite() {
    auto loaded = Dataset::Load();
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    data_ = loaded->release();
  }
  static void TearDownTestSuite() {
    delete data_;
    data_ = nullptr;
  }
  static Dataset* data_;
};

Dataset* SqlScriptTest::data_ = nullptr;

TEST_P(SqlScriptTest, Run) {
  ASSERT_NE(data_, nullptr);
  const std::string path = ScriptDir() + "/" + GetParam();
  std::ifstream in(path);
  ASSERT_TRUE(in) << "cannot read " << path;
  std::stringstream text;
  text << in.rdbuf();
  auto records = ParseScript(text.str());
  ASSERT_TRUE(records.ok()) << path << ": " << records.status();
  ScriptRunner(*data_, "tests/sql/" + GetParam()).Run(*records);
}

INSTANTIATE_TEST_SUITE_P(Scripts, SqlScriptTest, ::testing::ValuesIn(ScriptFiles()),
                         [](const ::testing::TestParamInfo<std::string>& file) {
                           std::string name = file.param.substr(0, file.param.rfind('.'));
                           for (char& ch : name) {
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return name;
                         });

// The runner's own parsing: a broken script must fail loudly, not pass quietly.
TEST(SqlScriptFormat, ParsesEveryRecordKind) {
  auto records = ParseScript(
      "# comment\n"
      "statement ok\nSET timezone = 'UTC'\n\n"
      "query rowsort scope=m1,m2 now=2026-11-01T00:00:00Z types=IT\n"
      "SELECT 1,\n  'a'\n----\n1|a\n\n"
      "query contains max_rows=5 memory_limit=1000\nEXPLAIN SELECT 1\n----\nscan\n\n"
      "query\nSELECT 1 WHERE false\n----\n\n"
      "error 42601 position=8\nSELECT FROM\n");
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 5u);
  const Record& q = (*records)[1];
  EXPECT_EQ(q.kind, RecordKind::kQuery);
  EXPECT_EQ(q.line, 5);
  EXPECT_EQ(q.sql, "SELECT 1,\n  'a'");
  EXPECT_EQ(q.expected, std::vector<std::string>{"1|a"});
  EXPECT_EQ(q.sort, SortMode::kRowSort);
  EXPECT_EQ(*q.scope, (std::vector<std::string>{"m1", "m2"}));
  EXPECT_EQ(*q.now_us, 1793491200000000);
  EXPECT_EQ(q.types, "IT");
  EXPECT_EQ((*records)[2].sort, SortMode::kContains);
  EXPECT_EQ(*(*records)[2].max_rows, 5u);
  EXPECT_EQ(*(*records)[2].memory_limit, 1000u);
  EXPECT_TRUE((*records)[3].expected.empty());
  EXPECT_EQ((*records)[4].sqlstate, "42601");
  EXPECT_EQ((*records)[4].position, 8);

  EXPECT_FALSE(ParseScript("query\nSELECT 1\n").ok());              // no ----
  EXPECT_FALSE(ParseScript("query bogus\nSELECT 1\n----\n").ok());  // unknown option
  EXPECT_FALSE(ParseScript("statement maybe\nSELECT 1\n").ok());
  EXPECT_FALSE(ParseScript("error 42601\nSELECT 1\n----\n1\n").ok());
  EXPECT_FALSE(ParseScript("query now=yesterday\nSELECT 1\n----\n").ok());
}

TEST(SqlScriptFormat, RendersNullAndEmptyVisibly) {
  std::vector<query::Value> row = {query::Value::Null(query::Type::kString),
                                   query::Value::String(""), query::Value::String("x")};
  EXPECT_EQ(RenderRow(row), "NULL|(empty)|x");
}

}  // namespace
}  // namespace strata
