// What the rewriter knows about PostgreSQL functions: their result types and which of
// them return sets.

#include <string_view>
#include <vector>

#include "server/pgwire/pg_catalog_internal.h"

namespace strata::server::pgwire::catalog {

bool IsSetReturningFunction(std::string_view name) {
  return name == "generate_series" || name == "unnest" || name == "_pg_expandarray";
}

uint32_t FunctionResultType(std::string_view name, const std::vector<uint32_t>& args) {
  auto first_known = [&]() -> uint32_t {
    for (uint32_t t : args) {
      if (t != 0 && t != oid::kUnknown) return t;
    }
    return args.empty() || args[0] == 0 ? 0 : oid::kText;
  };
  auto arg = [&](size_t i) -> uint32_t { return i < args.size() ? args[i] : 0; };
  if (name.substr(0, 4) == "has_" ||
      (name.size() > 11 && name.substr(name.size() - 11) == "_is_visible")) {
    return oid::kBool;
  }
  struct Fixed {
    std::string_view name;
    uint32_t type;
  };
  static constexpr Fixed kFixed[] = {
      {"pg_is_in_recovery", oid::kBool},
      {"pg_relation_is_publishable", oid::kBool},
      {"pg_has_role", oid::kBool},
      {"starts_with", oid::kBool},
      {"bool_and", oid::kBool},
      {"bool_or", oid::kBool},
      {"every", oid::kBool},
      {"pg_backend_pid", oid::kInt4},
      {"array_lower", oid::kInt4},
      {"array_upper", oid::kInt4},
      {"array_length", oid::kInt4},
      {"cardinality", oid::kInt4},
      {"strpos", oid::kInt4},
      {"length", oid::kInt4},
      {"char_length", oid::kInt4},
      {"character_length", oid::kInt4},
      {"pg_char_to_encoding", oid::kInt4},
      {"count", oid::kInt8},
      {"txid_current", oid::kInt8},
      {"row_number", oid::kInt8},
      {"rank", oid::kInt8},
      {"dense_rank", oid::kInt8},
      {"pg_table_size", oid::kInt8},
      {"pg_relation_size", oid::kInt8},
      {"pg_total_relation_size", oid::kInt8},
      {"pg_indexes_size", oid::kInt8},
      {"pg_database_size", oid::kInt8},
      {"current_database", oid::kName},
      {"current_schema", oid::kName},
      {"current_user", oid::kName},
      {"session_user", oid::kName},
      {"user", oid::kName},
      {"pg_get_userbyid", oid::kName},
      {"pg_encoding_to_char", oid::kName},
      {"current_schemas", oid::kNameArray},
      {"string_to_array", oid::kTextArray},
      {"to_regclass", oid::kRegclass},
      {"to_regtype", oid::kRegtype},
      {"to_regnamespace", 4089},
      {"to_regrole", 4096},
      {"now", oid::kTimestamptz},
      {"pg_postmaster_start_time", oid::kTimestamptz},
      {"pg_conf_load_time", oid::kTimestamptz},
      {"statement_timestamp", oid::kTimestamptz},
      {"transaction_timestamp", oid::kTimestamptz},
      {"clock_timestamp", oid::kTimestamptz},
  };
  for (const Fixed& f : kFixed) {
    if (f.name == name) return f.type;
  }
  static constexpr std::string_view kText[] = {"version",
                                               "current_setting",
                                               "format_type",
                                               "obj_description",
                                               "col_description",
                                               "shobj_description",
                                               "quote_ident",
                                               "quote_literal",
                                               "quote_nullable",
                                               "array_to_string",
                                               "pg_size_pretty",
                                               "lower",
                                               "upper",
                                               "trim",
                                               "btrim",
                                               "ltrim",
                                               "rtrim",
                                               "replace",
                                               "substr",
                                               "substring",
                                               "left",
                                               "right",
                                               "concat",
                                               "concat_ws",
                                               "format",
                                               "string_agg",
                                               "regexp_replace",
                                               "lpad",
                                               "rpad",
                                               "split_part",
                                               "pg_tablespace_location",
                                               "repeat",
                                               "reverse",
                                               "initcap",
                                               "md5",
                                               "translate"};
  for (std::string_view t : kText) {
    if (t == name) return oid::kText;
  }
  if (name.substr(0, 7) == "pg_get_") return oid::kText;
  if (name == "coalesce" || name == "nullif" || name == "greatest" || name == "least" ||
      name == "max" || name == "min" || name == "abs" || name == "ceil" || name == "floor") {
    return first_known();
  }
  if (name == "sum") {
    uint32_t t = arg(0);
    if (t == oid::kInt2 || t == oid::kInt4) return oid::kInt8;
    if (t == oid::kInt8) return oid::kNumeric;
    return t == 0 ? 0 : (IsFloatType(t) ? t : oid::kFloat8);
  }
  if (name == "avg")
    return IsFloatType(arg(0)) && arg(0) != oid::kNumeric ? oid::kFloat8 : oid::kNumeric;
  if (name == "round") return oid::kNumeric;
  if (name == "array_agg") {
    uint32_t t = arg(0) == 0 || arg(0) == oid::kUnknown ? oid::kText : arg(0);
    return ArrayTypeOf(t);
  }
  return 0;
}

}  // namespace strata::server::pgwire::catalog
