// Differential tests: random queries that Strata and SQLite (Debian's libsqlite3) must
// answer identically over the same generated events.
//
// Each query is built twice from one random choice: in Strata's dialect and in SQLite's.
// The two spell time differently (Strata's ts is a timestamptz, SQLite holds integer µs),
// so every time expression is generated as a pair that means the same thing, e.g.
// date_trunc('hour', ts) and (ts / 3600000000) * 3600000000. LIKE is made case sensitive
// in SQLite (PRAGMA case_sensitive_like) and NULL ordering is always written out, because
// the two databases disagree on both defaults. Results are compared as multisets (as
// lists when ORDER BY ... LIMIT makes the order total), doubles within a relative 1e-9.
//
// The seed is fixed; STRATA_DIFF_SEED=n runs another sequence of queries.
#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "common/status.h"
#include "common/temp_dir.h"
#include "engine/engine.h"
#include "engine/schema.h"
#include "gtest/gtest.h"
#include "ingest/event_json.h"
#include "ingest/generator.h"
#include "query/error.h"
#include "query/query.h"

namespace strata {
namespace {

constexpr int kQueries = 600;
constexpr uint64_t kDefaultSeed = 20261101;

// One cell, normalized so both engines' answers compare.
struct Cell {
  enum Kind { kNull, kInt, kDouble, kText } kind = kNull;
  int64_t i = 0;
  double d = 0;
  std::string text;

  double number() const { return kind == kInt ? static_cast<double>(i) : d; }
  bool numeric() const { return kind == kInt || kind == kDouble; }
  // A sort key that equal cells share (doubles to 9 significant digits).
  std::string Key() const {
    switch (kind) {
      case kNull:
        return "\x01NULL";
      case kText:
        return "T" + text;
      case kInt:
        return absl::StrCat("N", i);
      case kDouble:
        if (d == std::floor(d) && std::fabs(d) < 1e15) return absl::StrCat("N", int64_t(d));
        return absl::StrFormat("N%.9g", d);
    }
    return "";
  }
  std::string ToString() const {
    if (kind == kNull) return "NULL";
    if (kind == kText) return "'" + text + "'";
    if (kind == kInt) return absl::StrCat(i);
    return absl::StrFormat("%.17g", d);
  }
};
using Row = std::vector<Cell>;

bool SameCell(const Cell& a, const Cell& b) {
  if (a.kind == Cell::kNull || b.kind == Cell::kNull) return a.kind == b.kind;
  if (a.kind == Cell::kText || b.kind == Cell::kText) {
    return a.kind == b.kind && a.text == b.text;
  }
  if (a.kind == Cell::kInt && b.kind == Cell::kInt) return a.i == b.i;
  const double x = a.number(), y = b.number();
  return x == y || std::fabs(x - y) <= 1e-9 * std::max(std::fabs(x), std::fabs(y));
}

bool SameRow(const Row& a, const Row& b) {
  if (a.size() != b.size()) return false;
  for (size_t c = 0; c < a.size(); ++c) {
    if (!SameCell(a[c], b[c])) return false;
  }
  return true;
}

std::string RowText(const Row& r) {
  std::vector<std::string> cells;
  for (const Cell& c : r) cells.push_back(c.ToString());
  return "(" + absl::StrJoin(cells, ", ") + ")";
}

Cell FromValue(const query::Value& v) {
  Cell c;
  if (v.null) return c;
  switch (v.type) {
    case query::Type::kBool:
    case query::Type::kInt64:
    case query::Type::kTimestamp:  // µs, as SQLite holds ts
      c.kind = Cell::kInt;
      c.i = v.i;
      break;
    case query::Type::kFloat64:
      c.kind = Cell::kDouble;
      c.d = v.f;
      break;
    default:
      c.kind = Cell::kText;
      c.text = v.ToString();
      break;
  }
  return c;
}

// ---- SQLite -------------------------------------------------------------------------------

class Sqlite {
 public:
  Sqlite() {
    sqlite3_open(":memory:", &db_);
    // SQLite's LIKE ignores ASCII case by default; PostgreSQL's does not.
    STRATA_CHECK(Exec("PRAGMA case_sensitive_like = ON").ok(), "sqlite pragma");
  }
  ~Sqlite() { sqlite3_close(db_); }
  Sqlite(const Sqlite&) = delete;
  Sqlite& operator=(const Sqlite&) = delete;

  absl::Status Exec(const std::string& sql) {
    char* error = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
      std::string message = error ? error : "?";
      sqlite3_free(error);
      return absl::InternalError(message + " in: " + sql);
    }
    return absl::OkStatus();
  }

  // The events table: the same 21 columns, empty strings and NaN as NULL, ts as µs.
  absl::Status Load(const std::vector<engine::Event>& events) {
    const auto& defs = engine::EventColumns();
    std::vector<std::string> columns;
    for (const auto& def : defs) {
      std::string name = def.name == std::string("client") ? "client_id" : def.name;
      const char* type = name == "ts" ? "INTEGER" : name == "value" ? "REAL" : "TEXT";
      columns.push_back(name + " " + type);
    }
    if (auto s = Exec("CREATE TABLE events (" + absl::StrJoin(columns, ", ") + ")"); !s.ok()) {
      return s;
    }
    sqlite3_stmt* insert = nullptr;
    std::string marks = absl::StrJoin(std::vector<std::string>(defs.size(), "?"), ",");
    sqlite3_prepare_v2(db_, ("INSERT INTO events VALUES (" + marks + ")").c_str(), -1, &insert,
                       nullptr);
    if (auto s = Exec("BEGIN"); !s.ok()) return s;
    auto bind_text = [&](int col, const std::string& s) {
      if (s.empty()) {
        sqlite3_bind_null(insert, col);
      } else {
        sqlite3_bind_text(insert, col, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
      }
    };
    for (const engine::Event& e : events) {
      for (int c = 0; c < engine::kNumEventColumns; ++c) {
        const int col = c + 1;
        if (c == engine::kColMerchant) {
          bind_text(col, e.merchant);
        } else if (c == engine::kColTs) {
          sqlite3_bind_int64(insert, col, e.ts_us);
        } else if (c == engine::kColClient) {
          bind_text(col, e.client_id);
        } else if (c == engine::kColValue) {
          if (e.has_value()) {
            sqlite3_bind_double(insert, col, e.value);
          } else {
            sqlite3_bind_null(insert, col);
          }
        } else if (c == engine::kColParams) {
          bind_text(col, engine::EncodeParams(e.params));
        } else {
          bind_text(col, e.*defs[c].field);
        }
      }
      if (sqlite3_step(insert) != SQLITE_DONE) return absl::InternalError(sqlite3_errmsg(db_));
      sqlite3_reset(insert);
    }
    sqlite3_finalize(insert);
    return Exec("COMMIT");
  }

  absl::StatusOr<std::vector<Row>> Query(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      return absl::InternalError(std::string(sqlite3_errmsg(db_)) + " in: " + sql);
    }
    std::vector<Row> rows;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      Row row(sqlite3_column_count(stmt));
      for (int c = 0; c < static_cast<int>(row.size()); ++c) {
        switch (sqlite3_column_type(stmt, c)) {
          case SQLITE_INTEGER:
            row[c].kind = Cell::kInt;
            row[c].i = sqlite3_column_int64(stmt, c);
            break;
          case SQLITE_FLOAT:
            row[c].kind = Cell::kDouble;
            row[c].d = sqlite3_column_double(stmt, c);
            break;
          case SQLITE_TEXT:
            row[c].kind = Cell::kText;
            row[c].text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
            break;
          default:
            break;
        }
      }
      rows.push_back(std::move(row));
    }
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE) return absl::InternalError(std::string(sqlite3_errmsg(db_)));
    return rows;
  }

 private:
  sqlite3* db_ = nullptr;
};

// ---- random queries -----------------------------------------------------------------------

// One expression in both dialects.
struct Pair {
  std::string strata;
  std::string sqlite;
};

Pair Same(const std::string& s) { return {s, s}; }

std::string Quote(const std::string& s) {
  return "'" + absl::StrReplaceAll(s, {{"'", "''"}}) + "'";
}

struct GeneratedQuery {
  Pair sql;
  bool ordered = false;  // ORDER BY covers every output row uniquely: compare as lists
};

class QueryGenerator {
 public:
  QueryGenerator(const std::vector<engine::Event>& events, uint64_t seed)
      : events_(events), rng_(seed) {
    for (const auto& e : events_) {
      min_ts_ = std::min(min_ts_, e.ts_us);
      max_ts_ = std::max(max_ts_, e.ts_us);
    }
  }

  GeneratedQuery Next() {
    const int shape = Uniform(100);
    if (shape < 10) return Distinct();
    if (shape < 18) return Projection();
    return Aggregate();
  }

 private:
  int Uniform(int n) { return static_cast<int>(rng_() % static_cast<uint64_t>(n)); }
  bool Chance(int percent) { return Uniform(100) < percent; }
  const engine::Event& AnyEvent() { return events_[rng_() % events_.size()]; }

  // String columns worth filtering and grouping on (all but params).
  std::string Dimension(bool low_cardinality) {
    static const char* kLow[] = {"event",    "device",     "os",         "browser", "country",
                                 "language", "utm_source", "utm_medium", "merchant"};
    static const char* kAny[] = {"page",      "title",      "referrer",     "item_id", "user_id",
                                 "client_id", "session_id", "utm_campaign", "event_id"};
    if (low_cardinality || Chance(55)) return kLow[Uniform(std::size(kLow))];
    return kAny[Uniform(std::size(kAny))];
  }

  // A value of `column` drawn from the data (so predicates select something), or absent.
  std::string SampleValue(const std::string& column) {
    if (Chance(5)) return "no-such-value";
    for (int attempt = 0; attempt < 20; ++attempt) {
      const engine::Event& e = AnyEvent();
      std::string v;
      if (column == "merchant") {
        v = e.merchant;
      } else if (column == "client_id") {
        v = e.client_id;
      } else {
        int col = engine::FindEventColumn(column);
        v = e.*engine::EventColumns()[col].field;
      }
      if (!v.empty()) return v;
    }
    return "no-such-value";
  }

  std::string TimeLiteral(int64_t us) { return Quote(ingest::FormatRfc3339(us)) + "::timestamptz"; }

  int64_t RandomTime() {
    int64_t t = min_ts_ + static_cast<int64_t>(rng_() % static_cast<uint64_t>(max_ts_ - min_ts_));
    return Chance(50) ? t - t % 3600000000 : t - t % 1000;  // on the hour, or any ms
  }

  Pair Atom() {
    const int kind = Uniform(100);
    if (kind < 12) {
      return Same("merchant = " + Quote(SampleValue("merchant")));
    }
    if (kind < 30) {
      std::string d = Dimension(false);
      std::string op = Chance(75) ? " = " : " <> ";
      return Same(d + op + Quote(SampleValue(d)));
    }
    if (kind < 40) {
      std::string d = Dimension(false);
      std::vector<std::string> list;
      for (int i = 0, n = 1 + Uniform(4); i < n; ++i) list.push_back(Quote(SampleValue(d)));
      return Same(d + (Chance(30) ? " NOT IN (" : " IN (") + absl::StrJoin(list, ", ") + ")");
    }
    if (kind < 47) {
      return Same(Dimension(false) + (Chance(50) ? " IS NULL" : " IS NOT NULL"));
    }
    if (kind < 57) return Like();
    if (kind < 72) return TimeRange();
    if (kind < 85) return ValuePredicate();
    if (kind < 92) {
      std::string d = Dimension(false);
      static const char* kOps[] = {" < ", " <= ", " > ", " >= "};
      return Same(d + kOps[Uniform(4)] + Quote(SampleValue(d)));
    }
    // Expressions over strings.
    std::string d = Dimension(false);
    if (Chance(50)) {
      return Same("length(" + d + ") > " + std::to_string(Uniform(30)));
    }
    return Same("lower(" + d + ") = " + Quote(SampleValue(d)));
  }

  Pair Like() {
    std::string d = Dimension(false);
    std::string v = SampleValue(d);
    if (v.find('\\') != std::string::npos) v = "x";  // PG's LIKE escapes with \, SQLite not
    std::string pattern;
    const size_t len = v.size();
    if (Chance(50)) {
      pattern = v.substr(0, 1 + rng_() % len) + "%";
    } else {
      size_t start = rng_() % len;
      pattern = "%" + v.substr(start, 1 + rng_() % (len - start)) + "%";
    }
    const std::string negate = Chance(25) ? " NOT" : "";
    if (Chance(25)) {  // ILIKE: SQLite compares lower-cased ASCII
      return {d + negate + " ILIKE " + Quote(pattern),
              "lower(" + d + ")" + negate + " LIKE lower(" + Quote(pattern) + ")"};
    }
    return Same(d + negate + " LIKE " + Quote(pattern));
  }

  Pair TimeRange() {
    int64_t a = RandomTime(), b = RandomTime();
    if (a > b) std::swap(a, b);
    switch (Uniform(4)) {
      case 0:
        return {"ts >= " + TimeLiteral(a) + " AND ts < " + TimeLiteral(b),
                absl::StrCat("ts >= ", a, " AND ts < ", b)};
      case 1:
        return {"ts BETWEEN " + TimeLiteral(a) + " AND " + TimeLiteral(b),
                absl::StrCat("ts BETWEEN ", a, " AND ", b)};
      case 2: {  // whole seconds: extract(epoch) is exact there
        int64_t s = a / 1000000;
        return {absl::StrCat("extract(epoch from ts) >= ", s), absl::StrCat("ts >= ", s * 1000000)};
      }
      default:
        return {"ts < " + TimeLiteral(a), absl::StrCat("ts < ", a)};
    }
  }

  Pair ValuePredicate() {
    static const double kCuts[] = {0, 5, 12.5, 20, 49.99, 75, 100, 150.5, 300, 1000};
    const double x = kCuts[Uniform(std::size(kCuts))];
    const std::string lit = absl::StrFormat("%g", x);
    switch (Uniform(6)) {
      case 0:
        return Same("value > " + lit);
      case 1:
        return Same("value <= " + lit);
      case 2:
        return Same("value BETWEEN " + lit + " AND " + absl::StrFormat("%g", x * 2 + 10));
      case 3:
        return Same(Chance(50) ? "value IS NULL" : "value IS NOT NULL");
      case 4:
        return Same("value * 2 + 1 > " + lit);
      default:
        return Same("value <> " + lit);
    }
  }

  Pair Predicate(int depth) {
    const int r = Uniform(100);
    if (depth < 2 && r < 25) {
      Pair a = Predicate(depth + 1), b = Predicate(depth + 1);
      const char* op = Chance(50) ? " AND " : " OR ";
      return {"(" + a.strata + op + b.strata + ")", "(" + a.sqlite + op + b.sqlite + ")"};
    }
    if (depth < 2 && r < 33) {
      Pair a = Predicate(depth + 1);
      return {"NOT (" + a.strata + ")", "NOT (" + a.sqlite + ")"};
    }
    return Atom();
  }

  // "" or " WHERE ..." in both dialects.
  Pair Where() {
    if (Chance(12)) return {"", ""};
    Pair p = Predicate(0);
    if (Chance(40)) {  // most real queries name one merchant
      Pair m = Same("merchant = " + Quote(SampleValue("merchant")));
      p = {m.strata + " AND " + p.strata, m.sqlite + " AND " + p.sqlite};
    }
    return {" WHERE " + p.strata, " WHERE " + p.sqlite};
  }

  Pair GroupKey() {
    switch (Uniform(12)) {
      case 0:
        return {"date_trunc('hour', ts)", "(ts / 3600000000) * 3600000000"};
      case 1:
        return {"date_trunc('day', ts)", "(ts / 86400000000) * 86400000000"};
      case 2:
        return {"time_bucket('15 minutes', ts)", "(ts / 900000000) * 900000000"};
      case 3:
        return {"extract(hour from ts)", "(ts / 3600000000) % 24"};
      case 4:
        return {"floor(value / 50)", "CAST(value / 50 AS INTEGER)"};  // value >= 0
      case 5:
        return Same("substr(page, 1, 8)");
      case 6:
        return Same("coalesce(utm_source, '(none)')");
      case 7:
        return Same(
            "CASE WHEN value >= 100 THEN 'big' WHEN value IS NULL THEN 'none' "
            "ELSE 'small' END");
      default:
        return Same(Dimension(true));
    }
  }

  Pair AggregateCall() {
    switch (Uniform(14)) {
      case 0:
      case 1:
        return Same("count(*)");
      case 2:
        return Same("count(" + Dimension(false) + ")");
      case 3:
        return Same("count(DISTINCT " + Dimension(false) + ")");
      case 4:
        return Same("count(DISTINCT client_id)");
      case 5:
        return Same("sum(value)");
      case 6:
        return Same("avg(value)");
      case 7:
        return Same(Chance(50) ? "min(value)" : "max(value)");
      case 8: {
        std::string d = Dimension(false);
        return Same(Chance(50) ? "min(" + d + ")" : "max(" + d + ")");
      }
      case 9:
        return Same(Chance(50) ? "min(ts)" : "max(ts)");
      case 10: {
        Pair p = Atom();
        return {"count(*) FILTER (WHERE " + p.strata + ")",
                "count(*) FILTER (WHERE " + p.sqlite + ")"};
      }
      case 11: {
        Pair p = Atom();
        return {"sum(value) FILTER (WHERE " + p.strata + ")",
                "sum(value) FILTER (WHERE " + p.sqlite + ")"};
      }
      case 12:
        return Same("sum(value * 2 + 1)");
      default:
        return Same("count(DISTINCT session_id)");
    }
  }

  GeneratedQuery Aggregate() {
    std::vector<Pair> keys;
    for (int i = 0, n = Uniform(3); i < n; ++i) {
      Pair k = GroupKey();
      if (keys.empty() || keys[0].strata != k.strata) keys.push_back(k);
    }
    std::vector<Pair> aggs;
    for (int i = 0, n = 1 + Uniform(3); i < n; ++i) aggs.push_back(AggregateCall());
    Pair where = Where();

    std::vector<std::string> s_items, q_items, s_keys, q_keys;
    for (const Pair& k : keys) {
      s_items.push_back(k.strata);
      q_items.push_back(k.sqlite);
    }
    for (const Pair& a : aggs) {
      s_items.push_back(a.strata);
      q_items.push_back(a.sqlite);
    }
    GeneratedQuery q;
    q.sql.strata = "SELECT " + absl::StrJoin(s_items, ", ") + " FROM events" + where.strata;
    q.sql.sqlite = "SELECT " + absl::StrJoin(q_items, ", ") + " FROM events" + where.sqlite;
    if (keys.empty()) return q;

    std::vector<std::string> positions;
    for (size_t i = 0; i < keys.size(); ++i) positions.push_back(std::to_string(i + 1));
    // GROUP BY by position in both dialects, or by the expressions themselves.
    if (Chance(50)) {
      q.sql.strata += " GROUP BY " + absl::StrJoin(positions, ", ");
      q.sql.sqlite += " GROUP BY " + absl::StrJoin(positions, ", ");
    } else {
      std::vector<std::string> sk, qk;
      for (const Pair& k : keys) {
        sk.push_back(k.strata);
        qk.push_back(k.sqlite);
      }
      q.sql.strata += " GROUP BY " + absl::StrJoin(sk, ", ");
      q.sql.sqlite += " GROUP BY " + absl::StrJoin(qk, ", ");
    }
    if (Chance(25)) {
      std::string having = Chance(70) ? absl::StrCat(" HAVING count(*) > ", Uniform(20))
                                      : absl::StrCat(" HAVING sum(value) > ", Uniform(300));
      q.sql.strata += having;
      q.sql.sqlite += having;
    }
    if (Chance(35)) AddTotalOrder(keys.size(), ExactlyComparable(aggs[0].strata), &q);
    return q;
  }

  // Counts, min and max come out bit-identical from both engines; sums and averages may
  // differ in the last bits, so ordering by them could break ties differently.
  static bool ExactlyComparable(const std::string& aggregate) {
    return aggregate.rfind("count(", 0) == 0 || aggregate.rfind("min(", 0) == 0 ||
           aggregate.rfind("max(", 0) == 0;
  }

  // ORDER BY every output key (unique per group) with explicit NULL placement, then LIMIT;
  // optionally first by the first aggregate.
  void AddTotalOrder(size_t key_count, bool by_aggregate, GeneratedQuery* q) {
    std::vector<std::string> order;
    if (by_aggregate && Chance(50))
      order.push_back(absl::StrCat(key_count + 1, " DESC NULLS LAST"));
    for (size_t i = 0; i < key_count; ++i) {
      order.push_back(absl::StrCat(i + 1, Chance(50) ? " ASC" : " DESC",
                                   Chance(50) ? " NULLS FIRST" : " NULLS LAST"));
    }
    std::string tail =
        " ORDER BY " + absl::StrJoin(order, ", ") + absl::StrCat(" LIMIT ", 1 + Uniform(20));
    if (Chance(30)) tail += absl::StrCat(" OFFSET ", Uniform(5));
    q->sql.strata += tail;
    q->sql.sqlite += tail;
    q->ordered = true;
  }

  GeneratedQuery Distinct() {
    std::vector<std::string> dims = {Dimension(true)};
    if (Chance(50)) dims.push_back(Dimension(false));
    Pair where = Where();
    GeneratedQuery q;
    q.sql.strata = "SELECT DISTINCT " + absl::StrJoin(dims, ", ") + " FROM events" + where.strata;
    q.sql.sqlite = "SELECT DISTINCT " + absl::StrJoin(dims, ", ") + " FROM events" + where.sqlite;
    return q;
  }

  // Raw rows of one merchant (and more filters), ts compared as µs.
  GeneratedQuery Projection() {
    Pair p = Predicate(1);
    std::string m = "merchant = " + Quote(SampleValue("merchant"));
    std::string cols = "ts, " + Dimension(false) + ", value, client_id";
    GeneratedQuery q;
    q.sql.strata = "SELECT " + cols + " FROM events WHERE " + m + " AND " + p.strata;
    q.sql.sqlite = "SELECT " + cols + " FROM events WHERE " + m + " AND " + p.sqlite;
    return q;
  }

  const std::vector<engine::Event>& events_;
  std::mt19937_64 rng_;
  int64_t min_ts_ = INT64_MAX;
  int64_t max_ts_ = INT64_MIN;
};

// ---- the test -----------------------------------------------------------------------------

uint64_t Seed() {
  const char* env = std::getenv("STRATA_DIFF_SEED");
  return env != nullptr ? std::strtoull(env, nullptr, 10) : kDefaultSeed;
}

std::string SortKey(const Row& r) {
  std::string key;
  for (const Cell& c : r) absl::StrAppend(&key, c.Key(), "\x02");
  return key;
}

void SortRows(std::vector<Row>* rows) {
  std::sort(rows->begin(), rows->end(),
            [](const Row& a, const Row& b) { return SortKey(a) < SortKey(b); });
}

// "" if equal, else a description of the first difference.
std::string Compare(std::vector<Row> strata, std::vector<Row> sqlite, bool ordered) {
  if (!ordered) {
    SortRows(&strata);
    SortRows(&sqlite);
  }
  const size_t n = std::max(strata.size(), sqlite.size());
  for (size_t i = 0; i < n; ++i) {
    if (i < strata.size() && i < sqlite.size() && SameRow(strata[i], sqlite[i])) continue;
    return absl::StrCat("rows: strata ", strata.size(), ", sqlite ", sqlite.size(),
                        "; first difference at ", ordered ? "row " : "sorted row ", i,
                        ":\n  strata: ", i < strata.size() ? RowText(strata[i]) : "(none)",
                        "\n  sqlite: ", i < sqlite.size() ? RowText(sqlite[i]) : "(none)");
  }
  return "";
}

TEST(SqlDifferentialTest, RandomQueriesMatchSqlite) {
  const uint64_t seed = Seed();
  SCOPED_TRACE(absl::StrCat("STRATA_DIFF_SEED=", seed));
  ingest::GeneratorOptions g;
  g.events = 30000;
  g.merchants = 40;
  g.days = 3;
  g.seed = 5;
  std::vector<engine::Event> events = ingest::Generator::All(g);
  // Let some client ids recur across merchants (the generator's never do): the catalog's
  // dense ids are per merchant, but count(DISTINCT client_id) counts strings.
  for (engine::Event& e : events) {
    uint64_t h = 1469598103934665603ull;  // FNV-1a
    for (unsigned char ch : e.client_id) h = (h ^ ch) * 1099511628211ull;
    if (h % 8 == 0) e.client_id = absl::StrCat("shared-", h / 8 % 40);
  }

  TempDir dir;
  engine::EngineOptions o;
  o.data_dir = dir.path();
  o.shards = 4;
  o.rows_per_block = 1024;
  o.memtable_max_rows = 6000;
  o.wal_sync = engine::WalSyncMode::kRelaxed;
  auto opened = engine::Engine::Open(o);
  ASSERT_TRUE(opened.ok()) << opened.status();
  engine::Engine& db = **opened;
  const size_t flushed = events.size() * 6 / 10;
  for (size_t i = 0; i < events.size(); i += 2000) {
    if (i == flushed - flushed % 2000) {
      ASSERT_TRUE(db.Flush().ok());
    }
    const size_t n = std::min<size_t>(2000, events.size() - i);
    ASSERT_TRUE(db.Append(absl::MakeConstSpan(events).subspan(i, n)).ok());
  }
  ASSERT_FALSE(db.GetSnapshot()->segments.empty());
  ASSERT_FALSE(db.GetSnapshot()->memtables.empty());

  Sqlite lite;
  ASSERT_TRUE(lite.Load(events).ok());
  query::QuerySession session([&db] { return db.GetSnapshot(); }, {});

  QueryGenerator gen(events, seed);
  int failures = 0, non_empty = 0;
  for (int n = 0; n < kQueries && failures < 15; ++n) {
    const GeneratedQuery q = gen.Next();
    auto expected = lite.Query(q.sql.sqlite);
    ASSERT_TRUE(expected.ok()) << "the test built a bad SQLite query: " << expected.status();
    auto actual = session.Execute(q.sql.strata);
    std::string problem;
    if (!actual.ok()) {
      problem = absl::StrCat("Strata failed: SQLSTATE ", query::SqlStateOf(actual.status()), " ",
                             actual.status().message());
    } else {
      std::vector<Row> rows;
      for (const auto& r : actual->rows) {
        Row row;
        for (const auto& v : r) row.push_back(FromValue(v));
        rows.push_back(std::move(row));
      }
      problem = Compare(std::move(rows), *expected, q.ordered);
    }
    if (!expected->empty()) ++non_empty;
    if (!problem.empty()) {
      ++failures;
      ADD_FAILURE() << "query #" << n << "\n  strata: " << q.sql.strata
                    << "\n  sqlite: " << q.sql.sqlite << "\n"
                    << problem;
    }
  }
  // The generator must keep producing queries that select something.
  EXPECT_GT(non_empty, kQueries / 2);
}

}  // namespace
}  // namespace strata
