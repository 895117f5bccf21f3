// QuerySession: statements in, results out. Settings, scope, binding, execution, EXPLAIN.
#include <chrono>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "common/status.h"
#include "engine/catalog.h"
#include "query/binder.h"
#include "query/error.h"
#include "query/executor.h"
#include "query/explain.h"
#include "query/expr.h"
#include "query/lexer.h"
#include "query/memory.h"
#include "query/parser.h"
#include "query/query.h"
#include "query/rollup_planner.h"

namespace strata::query {
namespace {

struct SettingDef {
  const char* name;
  const char* default_value;
};

// Parameters drivers and tools set or show on connect, and Strata's own.
constexpr SettingDef kSettings[] = {
    {"timezone", "UTC"},
    {"datestyle", "ISO, MDY"},
    {"intervalstyle", "postgres"},
    {"client_encoding", "UTF8"},
    {"server_encoding", "UTF8"},
    {"application_name", ""},
    {"extra_float_digits", "1"},
    {"search_path", "\"$user\", public"},
    {"statement_timeout", "0"},
    {"lock_timeout", "0"},
    {"idle_in_transaction_session_timeout", "0"},
    {"standard_conforming_strings", "on"},
    {"client_min_messages", "notice"},
    {"bytea_output", "hex"},
    {"integer_datetimes", "on"},
    {"default_transaction_isolation", "read committed"},
    {"transaction_isolation", "read committed"},
    {"default_transaction_read_only", "on"},
    {"transaction_read_only", "on"},
    {"lc_messages", "C"},
    {"lc_monetary", "C"},
    {"lc_numeric", "C"},
    {"lc_time", "C"},
    {"max_identifier_length", "63"},
    {"server_version", "15.0 (Strata)"},
    {"server_version_num", "150000"},
    {"strata.threads", "0"},
    {"strata.memory_limit_mb", "0"},
    {"strata.rollups", "on"},  // off: aggregates never read rollup cells
    {"strata.now", ""},        // a timestamp pins now() (replays, benchmarks); "" = the clock
};

const SettingDef* FindSetting(const std::string& name) {
  for (const SettingDef& s : kSettings) {
    if (name == s.name) return &s;
  }
  return nullptr;
}

QueryResult TextResult(const std::string& column, const std::vector<std::string>& lines,
                       const std::string& tag) {
  QueryResult r;
  r.columns.push_back({column, Type::kString});
  for (const std::string& l : lines) r.rows.push_back({Value::String(l)});
  r.tag = tag;
  return r;
}

}  // namespace

struct QuerySession::Impl {
  SnapshotSource snapshots;
  SessionOptions options;
  std::atomic<bool> cancel{false};
};

QuerySession::QuerySession(SnapshotSource snapshots, SessionOptions options)
    : impl_(std::make_unique<Impl>()) {
  impl_->snapshots = std::move(snapshots);
  impl_->options = std::move(options);
  for (const SettingDef& s : kSettings) settings_[s.name] = s.default_value;
  settings_["timezone"] = impl_->options.time_zone;
}

QuerySession::~QuerySession() = default;

void QuerySession::Cancel() { impl_->cancel.store(true); }

absl::StatusOr<std::vector<QueryResult>> QuerySession::ExecuteScript(std::string_view sql) {
  ASSIGN_OR_RETURN(std::vector<ast::Statement> statements, ParseStatements(sql));
  std::vector<QueryResult> results;
  for (const ast::Statement& s : statements) {
    if (s.kind == ast::StatementKind::kEmpty) continue;
    auto r = Execute(s.text);
    if (!r.ok()) {
      int pos = ErrorPosition(r.status());
      if (pos > 0) {
        // Positions of a statement are relative to its own text; report them in the script.
        return WithPosition(SqlError(SqlStateOf(r.status()), std::string(r.status().message())),
                            pos + s.pos - 1);
      }
      return r.status();
    }
    results.push_back(std::move(*r));
  }
  return results;
}

absl::Status QuerySession::PrepareBind(const engine::Catalog* catalog,
                                       const std::vector<Value>& params, BindOptions* bind) {
  bind->catalog = catalog;
  bind->params = params;
  ASSIGN_OR_RETURN(bind->expr.time_zone, LoadZone(settings_["timezone"]));
  bind->expr.now_us = fixed_now_us_ != 0 ? fixed_now_us_ : absl::ToUnixMicros(absl::Now());
  if (const std::string& pinned = settings_["strata.now"]; !pinned.empty() && fixed_now_us_ == 0) {
    ASSIGN_OR_RETURN(bind->expr.now_us, ParseTimestamp(pinned, bind->expr.time_zone));
  }
  if (impl_->options.merchant_scope.has_value()) {
    std::vector<uint32_t> ids;
    for (const std::string& m : *impl_->options.merchant_scope) {
      if (auto id = catalog->FindMerchant(m)) ids.push_back(*id);
    }
    bind->scope = std::move(ids);
  }
  return absl::OkStatus();
}

absl::StatusOr<QuerySession::Description> QuerySession::Describe(std::string_view sql,
                                                                 const std::vector<Value>& params) {
  ASSIGN_OR_RETURN(ast::Statement stmt, ParseStatement(sql));
  ASSIGN_OR_RETURN(std::vector<Token> tokens, Lex(sql));
  Description d;
  for (const Token& t : tokens) {
    int n = 0;
    if (t.kind == TokenKind::kParam && absl::SimpleAtoi(t.text, &n)) {
      d.param_count = std::max(d.param_count, n);
    }
  }
  switch (stmt.kind) {
    case ast::StatementKind::kShow:
      if (stmt.name == "all") {
        d.columns = {{"name", Type::kString}, {"setting", Type::kString}};
      } else {
        d.columns = {{stmt.name == "timezone" ? "TimeZone" : stmt.name, Type::kString}};
      }
      return d;
    case ast::StatementKind::kExplain:
      d.columns = {{"QUERY PLAN", Type::kString}};
      return d;
    case ast::StatementKind::kSelect:
      break;
    default:
      return d;
  }
  std::vector<Value> padded = params;
  while (static_cast<int>(padded.size()) < d.param_count) padded.push_back(Value::Null());
  std::shared_ptr<const engine::Snapshot> snapshot = impl_->snapshots();
  BindOptions bind;
  RETURN_IF_ERROR(PrepareBind(snapshot->catalog, padded, &bind));
  bind.run_subquery = [](const PlanNode&) -> absl::StatusOr<std::vector<std::vector<Value>>> {
    return std::vector<std::vector<Value>>{};
  };
  ASSIGN_OR_RETURN(PlanPtr plan, BindQuery(*stmt.query, bind));
  for (const ResultColumn& c : plan->output) d.columns.push_back(c);
  return d;
}

absl::StatusOr<QueryResult> QuerySession::Execute(std::string_view sql,
                                                  const std::vector<Value>& params) {
  impl_->cancel.store(false);
  ASSIGN_OR_RETURN(ast::Statement stmt, ParseStatement(sql));
  QueryResult result;
  switch (stmt.kind) {
    case ast::StatementKind::kEmpty:
      return result;
    case ast::StatementKind::kBegin:
      result.tag = "BEGIN";
      return result;
    case ast::StatementKind::kCommit:
      result.tag = "COMMIT";
      return result;
    case ast::StatementKind::kRollback:
      result.tag = "ROLLBACK";
      return result;
    case ast::StatementKind::kSet: {
      const SettingDef* def = FindSetting(stmt.name);
      if (def == nullptr) {
        return SqlError("42704",
                        absl::StrCat("unrecognized configuration parameter \"", stmt.name, "\""),
                        stmt.pos);
      }
      std::string value = absl::StrJoin(stmt.values, ", ");
      const bool reset = value == "default" || value == "local";
      if (reset) value = def->default_value;
      if (stmt.name == "timezone") {
        if (reset) value = impl_->options.time_zone;
        auto zone = LoadZone(value);
        if (!zone.ok()) {
          return SqlError(
              sqlstate::kInvalidParameterValue,
              absl::StrCat("invalid value for parameter \"TimeZone\": \"", value, "\""));
        }
      } else if (stmt.name == "strata.now") {
        if (!value.empty()) {
          auto zone = LoadZone(settings_["timezone"]);
          if (!zone.ok() || !ParseTimestamp(value, *zone).ok()) {
            return SqlError(sqlstate::kInvalidParameterValue,
                            absl::StrCat("invalid value for parameter \"strata.now\": \"", value,
                                         "\" (a timestamp, or '' for the clock)"));
          }
        }
      } else if (stmt.name == "strata.rollups") {
        const std::string v = absl::AsciiStrToLower(value);
        if (v == "on" || v == "true" || v == "yes" || v == "1") {
          value = "on";
        } else if (v == "off" || v == "false" || v == "no" || v == "0") {
          value = "off";
        } else {
          return SqlError(sqlstate::kInvalidParameterValue,
                          absl::StrCat("parameter \"strata.rollups\" requires a Boolean value"));
        }
      } else if (stmt.name == "strata.threads" || stmt.name == "strata.memory_limit_mb") {
        int64_t n = 0;
        if (!absl::SimpleAtoi(value, &n) || n < 0) {
          return SqlError(
              sqlstate::kInvalidParameterValue,
              absl::StrCat("invalid value for parameter \"", stmt.name, "\": \"", value, "\""));
        }
      }
      settings_[stmt.name] = value;
      result.tag = "SET";
      return result;
    }
    case ast::StatementKind::kReset: {
      if (stmt.name == "all") {
        for (const SettingDef& s : kSettings) settings_[s.name] = s.default_value;
        settings_["timezone"] = impl_->options.time_zone;
      } else if (const SettingDef* def = FindSetting(stmt.name)) {
        settings_[stmt.name] =
            stmt.name == "timezone" ? impl_->options.time_zone : def->default_value;
      } else {
        return SqlError("42704",
                        absl::StrCat("unrecognized configuration parameter \"", stmt.name, "\""),
                        stmt.pos);
      }
      result.tag = "RESET";
      return result;
    }
    case ast::StatementKind::kShow: {
      if (stmt.name == "all") {
        result.columns = {{"name", Type::kString}, {"setting", Type::kString}};
        for (const auto& [name, value] : settings_) {
          result.rows.push_back({Value::String(name), Value::String(value)});
        }
        result.tag = "SHOW";
        return result;
      }
      auto it = settings_.find(stmt.name);
      if (it == settings_.end()) {
        return SqlError("42704",
                        absl::StrCat("unrecognized configuration parameter \"", stmt.name, "\""),
                        stmt.pos);
      }
      std::string column = stmt.name == "timezone" ? "TimeZone" : stmt.name;
      return TextResult(column, {it->second}, "SHOW");
    }
    case ast::StatementKind::kSelect:
    case ast::StatementKind::kExplain:
      break;
  }

  std::shared_ptr<const engine::Snapshot> snapshot = impl_->snapshots();
  const engine::Catalog* catalog = snapshot->catalog;
  BindOptions bind;
  RETURN_IF_ERROR(PrepareBind(catalog, params, &bind));

  size_t memory_limit = impl_->options.memory_limit_bytes;
  int64_t limit_mb = 0;
  if (absl::SimpleAtoi(settings_["strata.memory_limit_mb"], &limit_mb) && limit_mb > 0) {
    memory_limit = static_cast<size_t>(limit_mb) << 20;
  }
  MemoryBudget budget(memory_limit);
  int64_t threads = impl_->options.threads;
  int64_t set_threads = 0;
  if (absl::SimpleAtoi(settings_["strata.threads"], &set_threads) && set_threads > 0) {
    threads = set_threads;
  }
  if (threads <= 0) threads = std::max(1u, std::thread::hardware_concurrency());

  auto make_context = [&](ExecContext* ctx) {
    ctx->snapshot = snapshot;
    ctx->catalog = catalog;
    ctx->expr = bind.expr;
    ctx->budget = &budget;
    ctx->cancel = &impl_->cancel;
    ctx->threads = static_cast<int>(threads);
  };
  const size_t max_rows = impl_->options.max_result_rows;
  RollupPlannerOptions rollups;
  rollups.enabled = settings_["strata.rollups"] == "on";
  rollups.expr = bind.expr;
  bind.run_subquery = [&](const PlanNode& plan) -> absl::StatusOr<std::vector<std::vector<Value>>> {
    ExecContext ctx;
    make_context(&ctx);
    // The plan is the binder's temporary, run once and dropped: route it in place.
    PlanRollups(const_cast<PlanNode*>(&plan), rollups);
    return RunPlan(plan, ctx, max_rows);
  };

  ASSIGN_OR_RETURN(PlanPtr plan, BindQuery(*stmt.query, bind));
  PlanRollups(plan.get(), rollups);
  ExecContext ctx;
  make_context(&ctx);
  if (stmt.kind == ast::StatementKind::kExplain) {
    if (!stmt.analyze)
      return TextResult("QUERY PLAN", ExplainPlan(*plan, *snapshot, nullptr), "EXPLAIN");
    ctx.collect_stats = true;
    auto start = std::chrono::steady_clock::now();
    ASSIGN_OR_RETURN(auto rows, RunPlan(*plan, ctx, max_rows));
    double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    std::vector<std::string> lines = ExplainPlan(*plan, *snapshot, &ctx);
    lines.push_back(absl::StrCat("Peak memory: ", (budget.peak() + 1023) / 1024, " kB"));
    lines.push_back(absl::StrFormat("Execution Time: %.3f ms", ms));
    return TextResult("QUERY PLAN", lines, "EXPLAIN");
  }
  ASSIGN_OR_RETURN(result.rows, RunPlan(*plan, ctx, max_rows));
  for (const ResultColumn& c : plan->output) result.columns.push_back(c);
  result.tag = absl::StrCat("SELECT ", result.rows.size());
  return result;
}

}  // namespace strata::query
