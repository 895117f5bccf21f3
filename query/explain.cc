#include "query/explain.h"

#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "engine/catalog.h"
#include "engine/schema.h"
#include "query/rollup_aggregate.h"
#include "query/tables.h"

namespace strata::query {
namespace {

std::string Exprs(const std::vector<ExprPtr>& exprs) {
  std::vector<std::string> parts;
  for (const ExprPtr& e : exprs) parts.push_back(e->ToString());
  return absl::StrJoin(parts, ", ");
}

std::string TimeRange(const engine::ScanSpec& spec) {
  if (spec.min_ts == std::numeric_limits<int64_t>::min() &&
      spec.max_ts == std::numeric_limits<int64_t>::max()) {
    return "all";
  }
  auto show = [](int64_t t, bool low) -> std::string {
    if (low && t == std::numeric_limits<int64_t>::min()) return "-infinity";
    if (!low && t == std::numeric_limits<int64_t>::max()) return "infinity";
    return Value::Timestamp(t).ToString();
  };
  return absl::StrCat("[", show(spec.min_ts, true), ", ", show(spec.max_ts, false), "]");
}

class Explainer {
 public:
  Explainer(const engine::Snapshot& snapshot, const ExecContext* analyzed)
      : snapshot_(snapshot), analyzed_(analyzed) {}

  void Node(const PlanNode& node, int depth) {
    std::string indent(depth * 2, ' ');
    std::string prefix = depth == 0 ? "" : indent.substr(2) + "->  ";
    std::string line = prefix + Title(node);
    const NodeStats* stats = Stats(node);
    if (stats != nullptr) {
      absl::StrAppendFormat(&line, "  (actual rows=%d time=%.3f ms", stats->rows,
                            stats->micros / 1000.0);
      if (stats->workers > 1) absl::StrAppend(&line, " workers=", stats->workers);
      absl::StrAppend(&line, ")");
    }
    lines_.push_back(line);
    std::string detail = indent + (depth == 0 ? "  " : "    ");
    Details(node, detail, stats);
    for (const auto& child : node.children) Node(*child, depth + 1);
  }

  std::vector<std::string> lines_;

 private:
  const NodeStats* Stats(const PlanNode& node) const {
    if (analyzed_ == nullptr) return nullptr;
    auto it = analyzed_->stats.find(&node);
    return it == analyzed_->stats.end() ? nullptr : &it->second;
  }

  // "RollupAggregate cube=page grain=day cells=N covered_segments=A raw_segments=B
  // raw_rows=C memtable_rows=D live_sessions=E" after ANALYZE; before it, the segments
  // from metadata.
  std::string RollupTitle(const PlanNode& node) const {
    std::string title = absl::StrCat("RollupAggregate cube=", node.rollup->CubeName(),
                                     " grain=", node.rollup->GrainName());
    if (const NodeStats* stats = Stats(node)) {
      const RollupStats& r = stats->rollup;
      absl::StrAppend(&title, " cells=", r.cells, " covered_segments=", r.covered_segments,
                      " raw_segments=", r.raw_segments, " raw_rows=", r.raw_rows,
                      " memtable_rows=", r.memtable_rows, " live_sessions=", r.live_sessions);
    } else {
      RollupCoverage c = CountRollupCoverage(snapshot_, node);
      absl::StrAppend(&title, " covered_segments=", c.covered, " raw_segments=", c.raw);
    }
    return title;
  }

  std::string Title(const PlanNode& node) const {
    switch (node.kind) {
      case PlanNode::Kind::kScan:
        return absl::StrCat("Scan ", node.table);
      case PlanNode::Kind::kValues:
        return "Result";
      case PlanNode::Kind::kConstRows:
        return absl::StrCat("Values (", node.rows.size(), " rows)");
      case PlanNode::Kind::kFilter:
        return "Filter";
      case PlanNode::Kind::kProject:
        return "Project";
      case PlanNode::Kind::kAggregate:
        return node.keys.empty() ? "Aggregate" : "HashAggregate";
      case PlanNode::Kind::kSort:
        return node.limit >= 0 ? absl::StrCat("Top-N Sort (", node.limit, " rows)") : "Sort";
      case PlanNode::Kind::kLimit:
        return "Limit";
      case PlanNode::Kind::kUnionAll:
        return "Union All";
      case PlanNode::Kind::kRollupAggregate:
        return RollupTitle(node);
    }
    return "?";
  }

  void Details(const PlanNode& node, const std::string& pad, const NodeStats* stats) {
    switch (node.kind) {
      case PlanNode::Kind::kScan: {
        const engine::ScanSpec& spec = node.spec;
        std::string merchants = "all";
        if (node.scope_empty) {
          merchants = "none (nothing to read)";
        } else if (!spec.merchants.empty()) {
          std::vector<std::string> names;
          for (size_t i = 0; i < spec.merchants.size() && i < 5; ++i) {
            names.push_back(snapshot_.catalog->MerchantName(spec.merchants[i]));
          }
          merchants = absl::StrCat(spec.merchants.size(), " [", absl::StrJoin(names, ", "),
                                   spec.merchants.size() > 5 ? ", ..." : "", "]");
        }
        lines_.push_back(pad + "Merchants: " + merchants);
        const bool stored = IsStoredTable(node.table_id);
        if (stored) lines_.push_back(pad + "Time: " + TimeRange(spec));
        if (!node.pushed.empty()) {
          lines_.push_back(pad + "Pushed into scan: " + absl::StrJoin(node.pushed, " AND "));
        }
        if (node.residual) lines_.push_back(pad + "Filter: " + node.residual->ToString());
        std::vector<std::string> cols;
        for (const ScanColumn& c : node.scan_columns) cols.push_back(c.name);
        lines_.push_back(pad + "Columns: " + (cols.empty() ? "(none)" : absl::StrJoin(cols, ", ")));
        if (!stored) {
          if (!node.scope_empty) {
            lines_.push_back(pad + (snapshot_.realtime == nullptr
                                        ? "Source: none (no realtime tracker)"
                                        : "Source: realtime tracker, summarized at now()"));
          }
          break;
        }
        const bool live = spec.table != engine::ScanTable::kEvents;
        if (stats != nullptr) {
          const engine::ScanStats& s = stats->scan;
          lines_.push_back(absl::StrCat(pad, "Segments: ", s.segments_total, " read, ",
                                        s.segments_pruned, " pruned; blocks: ", s.blocks_total,
                                        " total, ", s.blocks_pruned, " pruned"));
          if (live) {
            lines_.push_back(absl::StrCat(pad, "Rows: ", s.rows_scanned, " scanned in segments, ",
                                          s.rows_matched, " matched; live: ", stats->live_rows,
                                          " rows of ", stats->live_merchants, " merchants"));
          } else {
            lines_.push_back(absl::StrCat(pad, "Rows: ", s.rows_scanned, " scanned in segments, ",
                                          s.memtable_rows_scanned, " in memtables, ",
                                          s.rows_matched, " matched"));
          }
        } else if (!node.scope_empty) {
          const size_t segments = TableSegments(snapshot_, spec.table).size();
          const std::string parts =
              live ? absl::StrCat("live rows of ",
                                  MerchantsInScope(snapshot_, spec.merchants).size(), " merchants")
                   : absl::StrCat(snapshot_.memtables.size(), " memtables");
          lines_.push_back(absl::StrCat(pad, "Segments: ", segments, " in snapshot, ",
                                        CountPrunableSegments(snapshot_, spec),
                                        " pruned by time range and merchant directory; ", parts));
        }
        break;
      }
      case PlanNode::Kind::kFilter:
        lines_.push_back(pad + "Filter: " + node.predicate->ToString());
        break;
      case PlanNode::Kind::kProject:
        lines_.push_back(pad + "Output: " + Exprs(node.exprs));
        break;
      case PlanNode::Kind::kAggregate:
      case PlanNode::Kind::kRollupAggregate: {
        if (!node.keys.empty()) lines_.push_back(pad + "Group Key: " + Exprs(node.keys));
        std::vector<std::string> aggs;
        for (const BoundAggregate& a : node.aggregates) {
          std::string text = a.spec.name + "(";
          if (a.spec.distinct) text += "DISTINCT ";
          text += a.spec.star ? "*" : Exprs(a.args);
          text += ")";
          if (a.filter) text += " FILTER (WHERE " + a.filter->ToString() + ")";
          aggs.push_back(text);
        }
        if (!aggs.empty()) lines_.push_back(pad + "Aggregates: " + absl::StrJoin(aggs, ", "));
        break;
      }
      case PlanNode::Kind::kSort: {
        std::vector<std::string> keys;
        for (const SortKey& k : node.sort_keys) {
          keys.push_back(absl::StrCat(
              node.output[k.column].name, k.desc ? " DESC" : "",
              k.nulls_first != k.desc ? (k.nulls_first ? " NULLS FIRST" : " NULLS LAST") : ""));
        }
        lines_.push_back(pad + "Sort Key: " + absl::StrJoin(keys, ", "));
        break;
      }
      case PlanNode::Kind::kLimit:
        lines_.push_back(
            absl::StrCat(pad, "Limit: ", node.limit < 0 ? "ALL" : absl::StrCat(node.limit),
                         node.offset > 0 ? absl::StrCat(" Offset: ", node.offset) : ""));
        break;
      default:
        break;
    }
  }

  const engine::Snapshot& snapshot_;
  const ExecContext* analyzed_;
};

}  // namespace

std::vector<std::string> ExplainPlan(const PlanNode& plan, const engine::Snapshot& snapshot,
                                     const ExecContext* analyzed) {
  Explainer explainer(snapshot, analyzed);
  explainer.Node(plan, 0);
  return std::move(explainer.lines_);
}

}  // namespace strata::query
