#include "server/result_format.h"
#include "common/json_text.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "absl/strings/str_cat.h"
#include "query/error.h"

namespace strata::server {
namespace {

using query::QueryResult;
using query::Type;
using query::Value;

std::string CellText(const Value& v, const absl::TimeZone& zone) {
  return v.null ? std::string() : v.ToString(zone);
}

// Line `index` of `text` (split at '\n'), or "" past the last line.
std::string_view LineOf(std::string_view text, size_t index) {
  size_t begin = 0;
  for (size_t i = 0; i < index; ++i) {
    size_t nl = text.find('\n', begin);
    if (nl == std::string_view::npos) return {};
    begin = nl + 1;
  }
  size_t end = text.find('\n', begin);
  return text.substr(begin, end == std::string_view::npos ? text.size() - begin : end - begin);
}

size_t LineCount(std::string_view text) { return 1 + std::count(text.begin(), text.end(), '\n'); }

void AppendSpaces(size_t n, std::string* out) { out->append(n, ' '); }

void AppendPadded(std::string_view text, size_t width, bool right, std::string* out) {
  size_t pad = width - std::min(width, DisplayWidth(text));
  if (right) AppendSpaces(pad, out);
  out->append(text);
  if (!right) AppendSpaces(pad, out);
}

void AppendTable(const QueryResult& result, const absl::TimeZone& zone, std::string* out) {
  const size_t ncols = result.columns.size();
  std::vector<size_t> widths(ncols);
  std::vector<bool> right(ncols), plain_lines(ncols);
  for (size_t c = 0; c < ncols; ++c) {
    widths[c] = DisplayWidth(result.columns[c].name);
    right[c] = query::IsNumeric(result.columns[c].type);
    plain_lines[c] = ncols == 1 && result.columns[c].name == "QUERY PLAN";
  }
  std::vector<std::string> cells;  // row-major
  cells.reserve(result.rows.size() * ncols);
  for (const std::vector<Value>& row : result.rows) {
    for (size_t c = 0; c < ncols; ++c) {
      cells.push_back(c < row.size() ? CellText(row[c], zone) : std::string());
      const std::string& text = cells.back();
      for (size_t line = 0, n = LineCount(text); line < n; ++line)
        widths[c] = std::max(widths[c], DisplayWidth(LineOf(text, line)));
    }
  }

  for (size_t c = 0; c < ncols; ++c) {  // header: names centered
    if (c > 0) *out += '|';
    const std::string& name = result.columns[c].name;
    size_t pad = widths[c] - DisplayWidth(name);
    AppendSpaces(1 + pad / 2, out);
    *out += name;
    AppendSpaces(pad - pad / 2 + 1, out);
  }
  *out += '\n';
  for (size_t c = 0; c < ncols; ++c) {
    if (c > 0) *out += '+';
    out->append(widths[c] + 2, '-');
  }
  *out += '\n';

  for (size_t r = 0; r < result.rows.size(); ++r) {
    const std::string* row = &cells[r * ncols];
    size_t height = 1;
    for (size_t c = 0; c < ncols; ++c) height = std::max(height, LineCount(row[c]));
    for (size_t line = 0; line < height; ++line) {
      for (size_t c = 0; c < ncols; ++c) {
        if (c > 0) *out += '|';
        *out += ' ';
        std::string_view text = LineOf(row[c], line);
        const bool continued = !plain_lines[c] && line + 1 < LineCount(row[c]);
        if (c + 1 < ncols || continued) {
          AppendPadded(text, widths[c], right[c], out);
          *out += continued ? '+' : ' ';
        } else if (right[c]) {
          AppendPadded(text, widths[c], true, out);  // psql pads no trailing blanks
        } else {
          out->append(text);
        }
      }
      *out += '\n';
    }
  }
  absl::StrAppend(out, "(", result.rows.size(),
                  result.rows.size() == 1 ? " row)\n\n" : " rows)\n\n");
}

void AppendCsvField(std::string_view text, bool quote_empty, std::string* out) {
  bool quote = (quote_empty && text.empty()) || text.find_first_of(",\"\r\n") != text.npos;
  if (!quote) {
    out->append(text);
    return;
  }
  *out += '"';
  for (char ch : text) {
    if (ch == '"') *out += '"';
    *out += ch;
  }
  *out += '"';
}

void AppendCsv(const QueryResult& result, const absl::TimeZone& zone, std::string* out) {
  for (size_t c = 0; c < result.columns.size(); ++c) {
    if (c > 0) *out += ',';
    AppendCsvField(result.columns[c].name, /*quote_empty=*/true, out);
  }
  *out += '\n';
  for (const std::vector<Value>& row : result.rows) {
    for (size_t c = 0; c < row.size(); ++c) {
      if (c > 0) *out += ',';
      if (!row[c].null) AppendCsvField(row[c].ToString(zone), /*quote_empty=*/true, out);
    }
    *out += '\n';
  }
}

void AppendTsvField(std::string_view text, std::string* out) {
  for (char ch : text) {
    switch (ch) {
      case '\\':
        *out += "\\\\";
        break;
      case '\t':
        *out += "\\t";
        break;
      case '\n':
        *out += "\\n";
        break;
      case '\r':
        *out += "\\r";
        break;
      default:
        *out += ch;
    }
  }
}

void AppendTsv(const QueryResult& result, const absl::TimeZone& zone, std::string* out) {
  for (size_t c = 0; c < result.columns.size(); ++c) {
    if (c > 0) *out += '\t';
    AppendTsvField(result.columns[c].name, out);
  }
  *out += '\n';
  for (const std::vector<Value>& row : result.rows) {
    for (size_t c = 0; c < row.size(); ++c) {
      if (c > 0) *out += '\t';
      if (!row[c].null) AppendTsvField(row[c].ToString(zone), out);
    }
    *out += '\n';
  }
}

void AppendJsonValue(const Value& v, const absl::TimeZone& zone, std::string* out) {
  if (v.null) {
    *out += "null";
    return;
  }
  switch (v.type) {
    case Type::kNull:
      *out += "null";
      return;
    case Type::kBool:
      *out += v.i != 0 ? "true" : "false";
      return;
    case Type::kInt64:
      absl::StrAppend(out, v.i);
      return;
    case Type::kFloat64:
      // JSON has no NaN or Infinity: those become their SQL text, as strings.
      if (std::isfinite(v.f)) {
        *out += v.ToString();
      } else {
        AppendJsonString(v.ToString(), out);
      }
      return;
    case Type::kString:
    case Type::kTimestamp:
    case Type::kInterval:
      AppendJsonString(v.ToString(zone), out);
      return;
  }
}

void AppendJson(const QueryResult& result, const absl::TimeZone& zone, std::string* out) {
  for (const std::vector<Value>& row : result.rows) {
    *out += '{';
    for (size_t c = 0; c < row.size() && c < result.columns.size(); ++c) {
      if (c > 0) *out += ',';
      AppendJsonString(result.columns[c].name, out);
      *out += ':';
      AppendJsonValue(row[c], zone, out);
    }
    *out += "}\n";
  }
}

}  // namespace

bool ParseOutputFormat(std::string_view name, OutputFormat* out) {
  for (OutputFormat f :
       {OutputFormat::kTable, OutputFormat::kCsv, OutputFormat::kTsv, OutputFormat::kJson}) {
    if (name == OutputFormatName(f)) {
      *out = f;
      return true;
    }
  }
  return false;
}

std::string_view OutputFormatName(OutputFormat format) {
  switch (format) {
    case OutputFormat::kTable:
      return "table";
    case OutputFormat::kCsv:
      return "csv";
    case OutputFormat::kTsv:
      return "tsv";
    case OutputFormat::kJson:
      return "json";
  }
  return "table";
}

void AppendResult(const QueryResult& result, OutputFormat format, const absl::TimeZone& zone,
                  std::string* out) {
  if (result.columns.empty()) {
    if (!result.tag.empty()) absl::StrAppend(out, result.tag, "\n");
    return;
  }
  switch (format) {
    case OutputFormat::kTable:
      AppendTable(result, zone, out);
      return;
    case OutputFormat::kCsv:
      AppendCsv(result, zone, out);
      return;
    case OutputFormat::kTsv:
      AppendTsv(result, zone, out);
      return;
    case OutputFormat::kJson:
      AppendJson(result, zone, out);
      return;
  }
}

std::string FormatError(const absl::Status& status, std::string_view statement) {
  std::string out =
      absl::StrCat("ERROR:  ", status.message(), " (SQLSTATE ", query::SqlStateOf(status), ")\n");
  const int position = query::ErrorPosition(status);
  if (position <= 0) return out;
  // The byte offset of code point `position` (1-based), or the end for "end of input".
  size_t target = statement.size();
  int seen = 0;
  for (size_t i = 0; i < statement.size(); ++i) {
    if ((static_cast<unsigned char>(statement[i]) & 0xC0) == 0x80) continue;
    if (++seen == position) {
      target = i;
      break;
    }
  }
  size_t line_start = statement.rfind('\n', target == 0 ? 0 : target - 1);
  line_start = (line_start == std::string_view::npos || line_start >= target) ? 0 : line_start + 1;
  size_t line_end = statement.find('\n', line_start);
  if (line_end == std::string_view::npos) line_end = statement.size();
  const size_t line_number =
      1 + std::count(statement.begin(), statement.begin() + line_start, '\n');

  std::string line(statement.substr(line_start, line_end - line_start));
  std::replace(line.begin(), line.end(), '\t', ' ');  // keeps the caret under its character
  if (!line.empty() && line.back() == '\r') line.pop_back();
  std::string prefix = absl::StrCat("LINE ", line_number, ": ");
  absl::StrAppend(&out, prefix, line, "\n");
  AppendSpaces(prefix.size() + DisplayWidth(statement.substr(line_start, target - line_start)),
               &out);
  out += "^\n";
  return out;
}

size_t DisplayWidth(std::string_view text) {
  size_t width = 0;
  for (char ch : text) width += (static_cast<unsigned char>(ch) & 0xC0) != 0x80;
  return width;
}

}  // namespace strata::server
