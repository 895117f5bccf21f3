// Test helpers for the pg_catalog tests: a session like a real connection's, result
// rows as text, and the captured client statements of testdata/catalog_queries.sql.
#pragma once

#include <fstream>
#include <map>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "server/pgwire/pg_catalog.h"

namespace strata::server::pgwire::catalog_testing {

// The settings a QuerySession starts with (query/session.cc).
inline const std::map<std::string, std::string>& DefaultSettings() {
  static const auto* settings = new std::map<std::string, std::string>{
      {"timezone", "UTC"},
      {"datestyle", "ISO, MDY"},
      {"intervalstyle", "postgres"},
      {"client_encoding", "UTF8"},
      {"server_encoding", "UTF8"},
      {"application_name", ""},
      {"extra_float_digits", "1"},
      {"search_path", "\"$user\", public"},
      {"statement_timeout", "0"},
      {"standard_conforming_strings", "on"},
      {"integer_datetimes", "on"},
      {"default_transaction_isolation", "read committed"},
      {"transaction_isolation", "read committed"},
      {"max_identifier_length", "63"},
      {"server_version", "15.0 (Strata)"},
      {"server_version_num", "150000"},
      {"strata.threads", "0"},
  };
  return *settings;
}

inline CatalogSession AliceSession(const std::map<std::string, std::string>* settings) {
  CatalogSession session;
  session.user = "alice";
  session.database = "strata";
  session.backend_pid = 4242;
  session.settings = settings;
  return session;
}

// A value as the corpus writes it: ToString(), NULL, (empty).
inline std::string CellText(const query::Value& v) {
  if (v.null) return "NULL";
  std::string s = v.ToString();
  return s.empty() ? "(empty)" : s;
}

inline std::string RowText(const std::vector<query::Value>& row) {
  std::vector<std::string> cells;
  for (const query::Value& v : row) cells.push_back(CellText(v));
  return absl::StrJoin(cells, "|");
}

struct CorpusEntry {
  std::string name;
  std::string sql;
  std::vector<std::string> params;
  std::vector<std::pair<std::string, std::string>> pg_columns;  // name, type name
  int rows = -1;
  std::string first;
  std::vector<std::string> contains;
};

inline void PrintTo(const CorpusEntry& e, std::ostream* os) { *os << e.name; }

inline std::vector<CorpusEntry> LoadCorpus() {
  std::ifstream in(std::string(STRATA_SOURCE_DIR) + "/server/pgwire/testdata/catalog_queries.sql");
  std::vector<CorpusEntry> entries;
  std::string line;
  auto meta = [&](std::string_view prefix, std::string* value) {
    if (line.rfind(prefix, 0) != 0) return false;
    *value = line.substr(prefix.size());
    return true;
  };
  while (std::getline(in, line)) {
    std::string value;
    if (meta("-- ==== ", &value)) {
      entries.push_back({});
      entries.back().name = value;
      continue;
    }
    if (entries.empty()) continue;
    CorpusEntry& e = entries.back();
    if (meta("-- params: ", &value)) {
      e.params = absl::StrSplit(value, '|');
    } else if (meta("-- columns: ", &value)) {
      for (absl::string_view c : absl::StrSplit(value, '|')) {
        size_t colon = c.rfind(':');
        e.pg_columns.emplace_back(std::string(c.substr(0, colon)),
                                  std::string(c.substr(colon + 1)));
      }
    } else if (meta("-- rows: ", &value)) {
      e.rows = std::stoi(value);
    } else if (meta("-- first: ", &value)) {
      e.first = value;
    } else if (meta("-- row: ", &value)) {
      e.contains.push_back(value);
    } else if (line.rfind("-- ", 0) == 0) {
      continue;  // pg-rows and comments
    } else if (!line.empty() || !e.sql.empty()) {
      if (!e.sql.empty()) e.sql += "\n";
      e.sql += line;
    }
  }
  for (CorpusEntry& e : entries) {
    while (!e.sql.empty() && (e.sql.back() == '\n' || e.sql.back() == ' ')) e.sql.pop_back();
  }
  return entries;
}

}  // namespace strata::server::pgwire::catalog_testing
