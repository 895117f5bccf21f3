#include "query/tables.h"

#include "engine/schema.h"

namespace strata::query {

const std::vector<ScanColumn>& EventsTableColumns() {
  static const std::vector<ScanColumn>* columns = [] {
    auto* out = new std::vector<ScanColumn>;
    const auto& defs = engine::EventColumns();
    for (int c = 0; c < engine::kNumEventColumns; ++c) {
      ScanColumn col;
      col.source = c;
      col.name = defs[c].name;
      switch (c) {
        case engine::kColClient:
          col.name = "client_id";
          col.type = Type::kString;
          break;
        case engine::kColTs:
          col.type = Type::kTimestamp;
          break;
        case engine::kColValue:
          col.type = Type::kFloat64;
          break;
        default:
          col.type = Type::kString;  // merchant comes back as the catalog's string id
          break;
      }
      out->push_back(col);
    }
    out->push_back({kVirtualClientKey, "__client_key", Type::kInt64});
    return out;
  }();
  return *columns;
}

bool IsHiddenColumn(std::string_view name) { return name.substr(0, 2) == "__"; }

const std::vector<TableInfo>& AllTables() {
  static const std::vector<TableInfo>* tables = new std::vector<TableInfo>{
      {"events", "raw tracker events, one row per event", &EventsTableColumns()},
  };
  return *tables;
}

}  // namespace strata::query
