// Rollup routing: which aggregates the cubes can answer, and the plan that says how.
#include "query/rollup_planner.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "engine/schema.h"
#include "engine/sessions/session_rows.h"

namespace strata::query {
namespace {

using K = BoundExpr::Kind;

// The columns of the scanned table the routing cares about.
struct TableColumns {
  bool sessions = false;
  int merchant = 0;
  int client = 0;
  int time = 0;
  int event = -1;  // events only
};

TableColumns ColumnsOf(bool sessions) {
  TableColumns t;
  t.sessions = sessions;
  if (sessions) {
    t.merchant = engine::kSesMerchant;
    t.client = engine::kSesClient;
    t.time = engine::kSesStart;
  } else {
    t.merchant = engine::kColMerchant;
    t.client = engine::kColClient;
    t.time = engine::kColTs;
    t.event = engine::kColEvent;
  }
  return t;
}

// The cube whose dimension is `source`, or nullopt.
std::optional<engine::RollupCube> CubeOfDim(bool sessions, int source) {
  for (int c = 0; c < engine::kNumRollupCubes; ++c) {
    const engine::CubeDef& def = engine::GetCubeDef(static_cast<engine::RollupCube>(c));
    if (def.sessions == sessions && def.dim_column >= 0 && def.dim_column == source) {
      return static_cast<engine::RollupCube>(c);
    }
  }
  return std::nullopt;
}

// What a numeric column or bool::int cast of the table measures, or nullopt.
std::optional<RollupMeasure> MeasureOfColumn(const TableColumns& t, int source) {
  if (!t.sessions) {
    if (source == engine::kColValue) return RollupMeasure::kValue;
    return std::nullopt;
  }
  switch (source) {
    case engine::kSesRevenue:
      return RollupMeasure::kValue;
    case engine::kSesDuration:
      return RollupMeasure::kDuration;
    case engine::kSesPageviews:
      return RollupMeasure::kPageviews;
    case engine::kSesEvents:
      return RollupMeasure::kEvents;
    default:
      return std::nullopt;
  }
}

std::optional<RollupMeasure> FlagOfColumn(const TableColumns& t, int source) {
  if (!t.sessions) return std::nullopt;
  switch (source) {
    case engine::kSesBounced:
      return RollupMeasure::kBounced;
    case engine::kSesEngaged:
      return RollupMeasure::kEngaged;
    case engine::kSesConverted:
      return RollupMeasure::kConverted;
    default:
      return std::nullopt;
  }
}

// Collects the plan while checking eligibility; any failure leaves `ok` false.
class Planner {
 public:
  Planner(const PlanNode& aggregate, const PlanNode& scan, const ExprContext& expr)
      : agg_(aggregate), scan_(scan), expr_(expr), t_(ColumnsOf(scan.table == "sessions")) {
    plan_ = std::make_shared<RollupPlan>();
    plan_->sessions = t_.sessions;
  }

  std::shared_ptr<const RollupPlan> Run() {
    if (!Where() || !Keys() || !Aggregates() || !ChooseCube()) return nullptr;
    return plan_;
  }

 private:
  int SourceOf(const BoundExpr& e) const {
    if (e.kind != K::kColumn || e.column < 0 ||
        static_cast<size_t>(e.column) >= scan_.scan_columns.size()) {
      return -1;
    }
    return scan_.scan_columns[e.column].source;
  }

  // Notes that the query uses the string column `source` (event or a dimension); false if
  // it is neither.
  bool UseStringColumn(int source, bool* on_event) {
    if (source < 0) return false;
    if (source == t_.event) {
      *on_event = true;
      return true;
    }
    *on_event = false;
    if (!CubeOfDim(t_.sessions, source).has_value()) return false;
    if (dim_source_ >= 0 && dim_source_ != source) return false;  // one dimension per cube
    dim_source_ = source;
    return true;
  }

  // `col = 'x'`, `'x' = col` or `col IN ('x', ...)` on the event or a dimension.
  bool MatchStringTest(const BoundExpr& e, RollupStringTest* out) {
    const BoundExpr* column = nullptr;
    std::vector<const BoundExpr*> constants;
    if (e.kind == K::kCall && e.name == "=" && e.args.size() == 2) {
      if (e.args[0]->kind == K::kColumn && e.args[1]->is_constant()) {
        column = e.args[0].get();
        constants.push_back(e.args[1].get());
      } else if (e.args[1]->kind == K::kColumn && e.args[0]->is_constant()) {
        column = e.args[1].get();
        constants.push_back(e.args[0].get());
      }
    } else if (e.kind == K::kIn && !e.negated && e.args[0]->kind == K::kColumn) {
      column = e.args[0].get();
      for (size_t i = 1; i < e.args.size(); ++i) {
        if (!e.args[i]->is_constant()) return false;
        constants.push_back(e.args[i].get());
      }
    }
    if (column == nullptr || column->type != Type::kString) return false;
    out->source = SourceOf(*column);
    if (!UseStringColumn(out->source, &out->on_event)) return false;
    out->values.clear();
    for (const BoundExpr* c : constants) {
      if (c->constant.null) continue;  // = NULL is never true
      if (c->constant.type != Type::kString) return false;
      if (!c->constant.s.empty()) out->values.push_back(c->constant.s);
    }
    return true;
  }

  // `flag`, `NOT flag`, `flag = true|false` on a session flag.
  bool MatchFlagTest(const BoundExpr& e, RollupMeasure* flag, bool* negated) {
    const BoundExpr* column = &e;
    *negated = false;
    if (e.kind == K::kNot) {
      column = e.args[0].get();
      *negated = true;
    } else if (e.kind == K::kCall && e.name == "=" && e.args.size() == 2) {
      const BoundExpr* constant = nullptr;
      if (e.args[0]->kind == K::kColumn && e.args[1]->is_constant()) {
        column = e.args[0].get();
        constant = e.args[1].get();
      } else if (e.args[1]->kind == K::kColumn && e.args[0]->is_constant()) {
        column = e.args[1].get();
        constant = e.args[0].get();
      } else {
        return false;
      }
      if (constant->constant.null || constant->constant.type != Type::kBool) return false;
      *negated = constant->constant.i == 0;
    }
    if (column->kind != K::kColumn || column->type != Type::kBool) return false;
    std::optional<RollupMeasure> f = FlagOfColumn(t_, SourceOf(*column));
    if (!f.has_value()) return false;
    *flag = *f;
    return true;
  }

  bool Where() {
    if (scan_.scope_empty) return false;  // nothing to read: the raw path is instant
    const engine::ScanSpec& spec = scan_.spec;
    for (const engine::ScanPredicate& p : spec.predicates) {
      if (p.op != engine::ScanPredicate::Op::kIn) return false;
      RollupStringTest test;
      test.source = p.column;
      if (!UseStringColumn(p.column, &test.on_event)) return false;
      for (const std::string& v : p.values) {
        if (!v.empty()) test.values.push_back(v);
      }
      plan_->where.push_back(std::move(test));
    }
    if (scan_.residual == nullptr) return true;
    std::vector<const BoundExpr*> conjuncts;
    if (scan_.residual->kind == K::kAnd) {
      for (const ExprPtr& c : scan_.residual->args) conjuncts.push_back(c.get());
    } else {
      conjuncts.push_back(scan_.residual.get());
    }
    for (const BoundExpr* c : conjuncts) {
      RollupStringTest test;
      if (!MatchStringTest(*c, &test)) return false;
      plan_->where.push_back(test);
      plan_->residual.push_back(std::move(test));
    }
    return true;
  }

  // The grain a time bucket key needs, or nullopt if it is not one the cubes can answer.
  std::optional<engine::RollupGrain> TimeKey(const BoundExpr& e) {
    if (e.kind != K::kCall || e.type != Type::kTimestamp || e.args.size() < 2) return std::nullopt;
    if (e.name != "date_trunc" && e.name != "time_bucket") return std::nullopt;
    const BoundExpr& ts = *e.args[1];
    if (ts.kind != K::kColumn || SourceOf(ts) != t_.time) return std::nullopt;
    for (size_t i = 0; i < e.args.size(); ++i) {
      if (i != 1 && (!e.args[i]->is_constant() || e.args[i]->constant.null)) return std::nullopt;
    }
    std::optional<engine::RollupGrain> grain;
    if (e.name == "date_trunc") {
      std::string unit = absl::AsciiStrToLower(e.args[0]->constant.s);
      static constexpr std::string_view kHourUnits[] = {"hour", "hours", "h", "hr", "hrs"};
      static constexpr std::string_view kDayUnits[] = {
          "day",    "days", "d",      "week",    "weeks",   "w",         "month",
          "months", "mon",  "mons",   "quarter", "qtr",     "year",      "years",
          "y",      "yr",   "decade", "decades", "century", "millennium"};
      for (std::string_view u : kHourUnits) {
        if (unit == u) grain = engine::RollupGrain::kHour;
      }
      for (std::string_view u : kDayUnits) {
        if (unit == u) grain = engine::RollupGrain::kDay;
      }
      plan_->time_key_zoned = true;
      plan_->time_key_zone = expr_.time_zone;
      if (e.args.size() == 3) {
        if (e.args[2]->constant.type != Type::kString) return std::nullopt;
        auto zone = LoadZone(e.args[2]->constant.s);
        if (!zone.ok()) return std::nullopt;
        plan_->time_key_zone = *zone;
      }
    } else {
      if (e.args[0]->constant.type != Type::kInterval) return std::nullopt;
      const Interval& w = e.args[0]->constant.iv;
      constexpr int64_t kDayUs = 24 * engine::kMicrosPerHour;
      if (w.months > 0 && w.days == 0 && w.micros == 0) {
        grain = engine::RollupGrain::kDay;
      } else if (w.months == 0 && w.days >= 0 && w.micros >= 0) {
        const int64_t us = static_cast<int64_t>(w.days) * kDayUs + w.micros;
        if (us > 0 && us % kDayUs == 0) {
          grain = engine::RollupGrain::kDay;
        } else if (us > 0 && us % engine::kMicrosPerHour == 0) {
          grain = engine::RollupGrain::kHour;
        }
      }
      for (size_t i = 2; i < e.args.size(); ++i) {
        if (e.args[i]->constant.type != Type::kString) continue;  // an origin
        auto zone = LoadZone(e.args[i]->constant.s);
        if (!zone.ok()) return std::nullopt;
        plan_->time_key_zoned = true;
        plan_->time_key_zone = *zone;
      }
    }
    return grain;
  }

  bool Keys() {
    for (const ExprPtr& key : agg_.keys) {
      const int source = SourceOf(*key);
      if (source >= 0) {
        bool on_event = false;
        if (source == t_.merchant) {
          plan_->keys.push_back(RollupKeyKind::kMerchant);
          merchant_key_ = true;
        } else if (key->type == Type::kString && UseStringColumn(source, &on_event)) {
          plan_->keys.push_back(on_event ? RollupKeyKind::kEvent : RollupKeyKind::kDim);
        } else {
          return false;
        }
        continue;
      }
      if (plan_->time_key != nullptr) return false;  // one time bucket at most
      std::optional<engine::RollupGrain> grain = TimeKey(*key);
      if (!grain.has_value()) return false;
      plan_->grain = *grain;
      plan_->time_key = key->Clone();
      plan_->time_key->args[1]->column = 0;
      plan_->keys.push_back(RollupKeyKind::kTime);
    }
    return true;
  }

  bool Filter(const BoundAggregate& a, RollupAggregateSpec* out) {
    if (a.filter == nullptr) return true;
    std::vector<const BoundExpr*> conjuncts;
    if (a.filter->kind == K::kAnd) {
      for (const ExprPtr& c : a.filter->args) conjuncts.push_back(c.get());
    } else {
      conjuncts.push_back(a.filter.get());
    }
    for (const BoundExpr* c : conjuncts) {
      RollupStringTest test;
      if (MatchStringTest(*c, &test)) {
        out->filter.push_back(std::move(test));
        continue;
      }
      RollupMeasure flag;
      bool negated = false;
      // A flag splits only a cell's row count: count(*) alone can use it.
      if (out->measure != RollupMeasure::kRows || out->filter_flag != RollupMeasure::kRows ||
          !MatchFlagTest(*c, &flag, &negated)) {
        return false;
      }
      out->filter_flag = flag;
      out->filter_flag_negated = negated;
    }
    return true;
  }

  // True if one merchant at most feeds each group (string client ids are unique only
  // within a merchant).
  bool OneMerchantPerGroup() const {
    const std::vector<uint32_t>& m = scan_.spec.merchants;
    const bool one =
        !m.empty() && std::all_of(m.begin(), m.end(), [&](uint32_t x) { return x == m[0]; });
    return one || merchant_key_;
  }

  bool Aggregate(const BoundAggregate& a, RollupAggregateSpec* out) {
    const AggregateSpec& spec = a.spec;
    out->result_type = spec.result_type;
    if (spec.star) {
      if (spec.name != "count") return false;
      out->function = RollupFunction::kCount;
      out->measure = RollupMeasure::kRows;
      return Filter(a, out);
    }
    if (a.args.size() != 1 || !spec.constant_args.empty()) return false;
    const BoundExpr& arg = *a.args[0];
    if (spec.distinct) {
      if (spec.name != "count") return false;
      const int source = SourceOf(arg);
      if (source == kVirtualClientKey) {
        plan_->users_by_merchant = true;
      } else if (source != t_.client || !OneMerchantPerGroup()) {
        return false;
      }
      out->function = RollupFunction::kCount;
      out->measure = RollupMeasure::kUsers;
      return Filter(a, out);
    }
    if (spec.name == "count") {
      out->function = RollupFunction::kCount;
    } else if (spec.name == "sum") {
      out->function = RollupFunction::kSum;
    } else if (spec.name == "avg") {
      out->function = RollupFunction::kAvg;
    } else if (spec.name == "min") {
      out->function = RollupFunction::kMin;
    } else if (spec.name == "max") {
      out->function = RollupFunction::kMax;
    } else {
      return false;
    }
    std::optional<RollupMeasure> measure;
    if (arg.is_constant() && !arg.constant.null && out->function == RollupFunction::kCount) {
      measure = RollupMeasure::kRows;  // count(1)
    } else if (arg.kind == K::kColumn) {
      measure = MeasureOfColumn(t_, SourceOf(arg));
    } else if (arg.kind == K::kCast && arg.type == Type::kInt64 &&
               arg.args[0]->kind == K::kColumn && arg.args[0]->type == Type::kBool) {
      measure = FlagOfColumn(t_, SourceOf(*arg.args[0]));  // bounced::int
    }
    if (!measure.has_value()) return false;
    // Cells keep min and max only of value / revenue and duration.
    const bool extreme =
        out->function == RollupFunction::kMin || out->function == RollupFunction::kMax;
    if (extreme && *measure != RollupMeasure::kValue && *measure != RollupMeasure::kDuration) {
      return false;
    }
    out->measure = *measure;
    return Filter(a, out);
  }

  bool Aggregates() {
    for (const BoundAggregate& a : agg_.aggregates) {
      RollupAggregateSpec spec;
      if (!Aggregate(a, &spec)) return false;
      plan_->aggregates.push_back(std::move(spec));
    }
    return true;
  }

  bool ChooseCube() {
    plan_->dim_source = dim_source_;
    if (dim_source_ >= 0) {
      plan_->cube = *CubeOfDim(t_.sessions, dim_source_);
    } else {
      plan_->cube = t_.sessions ? engine::kCubeSessions : engine::kCubeEvents;
    }
    if (plan_->grain == engine::RollupGrain::kHour && !engine::GetCubeDef(plan_->cube).hourly) {
      return false;
    }
    // Residual tests the ScanSpec does not apply: raw rows need them evaluated here.
    return true;
  }

  const PlanNode& agg_;
  const PlanNode& scan_;
  const ExprContext& expr_;
  const TableColumns t_;
  std::shared_ptr<RollupPlan> plan_;
  int dim_source_ = -1;
  bool merchant_key_ = false;
};

}  // namespace

bool RollupStringTest::Matches(std::string_view v) const {
  if (v.empty()) return false;
  for (const std::string& x : values) {
    if (x == v) return true;
  }
  return false;
}

std::string RollupPlan::CubeName() const { return engine::GetCubeDef(cube).name; }

std::string RollupPlan::GrainName() const {
  return grain == engine::RollupGrain::kHour ? "hour" : "day";
}

std::shared_ptr<const RollupPlan> PlanRollupAggregate(const PlanNode& aggregate,
                                                      const ExprContext& expr) {
  if (aggregate.kind != PlanNode::Kind::kAggregate || aggregate.children.size() != 1) {
    return nullptr;
  }
  const PlanNode& scan = *aggregate.children[0];
  if (scan.kind != PlanNode::Kind::kScan) return nullptr;
  if (scan.table != "events" && scan.table != "sessions") return nullptr;
  return Planner(aggregate, scan, expr).Run();
}

void PlanRollups(PlanNode* root, const RollupPlannerOptions& options) {
  if (!options.enabled) return;
  for (auto& child : root->children) PlanRollups(child.get(), options);
  std::shared_ptr<const RollupPlan> plan = PlanRollupAggregate(*root, options.expr);
  if (plan == nullptr) return;
  root->kind = PlanNode::Kind::kRollupAggregate;
  root->rollup = std::move(plan);
}

}  // namespace strata::query
