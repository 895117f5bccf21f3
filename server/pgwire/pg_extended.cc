// The extended query protocol: Parse, Bind, Describe, Execute, Close, Sync.
//
// A portal runs its statement once, when it is first described or executed, and keeps the
// rows; Execute with a row limit sends the next rows and PortalSuspended, and the next
// Execute continues. Statements read snapshots and change nothing, so running at Describe
// instead of at the first Execute is not observable.
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "query/error.h"
#include "query/parser.h"
#include "server/pgwire/pg_connection.h"
#include "server/pgwire/pg_split.h"
#include "server/pgwire/pg_types.h"

namespace strata::server::pgwire {
namespace {

std::string Quoted(std::string_view name) {
  return name.empty() ? "unnamed" : absl::StrCat("\"", std::string(name), "\"");
}

}  // namespace

bool Connection::ExtendedError(const absl::Status& status) {
  SendError(status);
  skip_until_sync_ = true;
  return !close_after_error_;
}

absl::StatusOr<std::shared_ptr<const Connection::Prepared>> Connection::FindStatement(
    std::string_view name) const {
  auto it = statements_.find(std::string(name));
  if (it == statements_.end()) {
    return query::SqlError("26000", name.empty() ? "unnamed prepared statement does not exist"
                                                 : absl::StrCat("prepared statement ", Quoted(name),
                                                                " does not exist"));
  }
  return it->second;
}

bool Connection::HandleParse(std::string_view payload) {
  absl::StatusOr<ParseMessage> m = DecodeParse(payload);
  if (!m.ok()) {
    SendFatal(m.status());
    return false;
  }
  if (!m->statement.empty() && statements_.contains(std::string(m->statement))) {
    return ExtendedError(query::SqlError(
        "42P05", absl::StrCat("prepared statement ", Quoted(m->statement), " already exists")));
  }
  if (absl::Status utf8 = CheckUtf8(m->sql); !utf8.ok()) return ExtendedError(utf8);
  auto prepared = std::make_shared<Prepared>();
  prepared->param_types = std::move(m->param_types);
  // One statement at most; its text without the trailing ';'.
  const StatementText* only = nullptr;
  std::vector<StatementText> parts = SplitStatements(m->sql);
  for (const StatementText& st : parts) {
    if (st.empty) continue;
    if (only != nullptr) {
      return ExtendedError(
          query::SqlError(query::sqlstate::kSyntaxError,
                          "cannot insert multiple commands into a prepared statement"));
    }
    only = &st;
  }
  prepared->sql = only != nullptr ? std::string(only->text) : std::string(m->sql);
  prepared->info = Classify(prepared->sql, only == nullptr);
  if (!prepared->info.empty && !prepared->info.catalog) {
    // PostgreSQL reports syntax errors at Parse, not at the first Bind/Execute.
    if (absl::StatusOr<query::ast::Statement> parsed = query::ParseStatement(prepared->sql);
        !parsed.ok()) {
      return ExtendedError(parsed.status());
    }
  }
  statements_[std::string(m->statement)] = std::move(prepared);
  WriteEmptyMessage(socket_.out(), '1');  // ParseComplete
  return true;
}

bool Connection::HandleBind(std::string_view payload) {
  absl::StatusOr<BindMessage> m = DecodeBind(payload);
  if (!m.ok()) {
    SendFatal(m.status());
    return false;
  }
  absl::StatusOr<std::shared_ptr<const Prepared>> statement = FindStatement(m->statement);
  if (!statement.ok()) return ExtendedError(statement.status());
  if (!m->portal.empty() && portals_.contains(std::string(m->portal))) {
    return ExtendedError(
        query::SqlError("42P03", absl::StrCat("portal ", Quoted(m->portal), " already exists")));
  }
  if (absl::Status s = CheckFormats(m->param_formats, m->params.size()); !s.ok()) {
    return ExtendedError(s);
  }
  const std::vector<uint32_t>& types = (*statement)->param_types;
  if (types.size() > m->params.size()) {
    return ExtendedError(query::SqlError(
        kProtocolViolation, absl::StrCat("bind message supplies ", m->params.size(),
                                         " parameters, but prepared "
                                         "statement ",
                                         Quoted(m->statement), " requires ", types.size())));
  }
  Portal portal;
  portal.statement = *statement;
  portal.params.reserve(m->params.size());
  for (size_t i = 0; i < m->params.size(); ++i) {
    const uint32_t type_oid = i < types.size() ? types[i] : 0;
    absl::StatusOr<query::Value> v =
        DecodeParam(m->params[i], type_oid, FormatAt(m->param_formats, i), zone_);
    if (!v.ok()) {
      return ExtendedError(
          query::SqlError(query::SqlStateOf(v.status()),
                          absl::StrCat(v.status().message(), " (parameter $", i + 1, ")")));
    }
    portal.params.push_back(std::move(*v));
  }
  portal.result_formats = std::move(m->result_formats);
  portals_[std::string(m->portal)] = std::move(portal);
  WriteEmptyMessage(socket_.out(), '2');  // BindComplete
  return true;
}

absl::Status Connection::ExecutePortal(Portal* portal) {
  if (portal->executed) return absl::OkStatus();
  const StatementInfo& info = portal->statement->info;
  if (info.empty) {
    portal->executed = true;
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(portal->result, RunStatement(info, portal->params));
  portal->executed = true;
  absl::Status formats = CheckResultFormats(portal->result, portal->result_formats);
  if (!formats.ok() && tx_ == TxState::kInBlock) tx_ = TxState::kFailed;
  return formats;
}

bool Connection::HandleDescribe(std::string_view payload) {
  absl::StatusOr<DescribeMessage> m = DecodeDescribe(payload);
  if (!m.ok()) {
    SendFatal(m.status());
    return false;
  }
  std::string* out = socket_.out();
  if (m->kind == 'P') {
    auto it = portals_.find(std::string(m->name));
    if (it == portals_.end()) {
      return ExtendedError(
          query::SqlError("34000", absl::StrCat("portal ", Quoted(m->name), " does not exist")));
    }
    Portal& portal = it->second;
    if (absl::Status s = ExecutePortal(&portal); !s.ok()) return ExtendedError(s);
    if (portal.result.columns.empty()) {
      WriteEmptyMessage(out, 'n');  // NoData
    } else {
      WriteRowDescription(portal.result, portal.result_formats);
    }
    return true;
  }

  absl::StatusOr<std::shared_ptr<const Prepared>> found = FindStatement(m->name);
  if (!found.ok()) return ExtendedError(found.status());
  const Prepared& statement = **found;
  const StatementInfo& info = statement.info;
  if (tx_ == TxState::kFailed && info.kind != Kind::kCommit && info.kind != Kind::kRollback) {
    return ExtendedError(query::SqlError(
        "25P02",
        "current transaction is aborted, commands ignored until end of transaction block"));
  }
  PgResult shape;  // columns only
  int param_count = 0;
  if (info.catalog) {
    absl::StatusOr<PgCatalog::Description> d = catalog()->Describe(info.text);
    if (!d.ok()) return ExtendedError(d.status());
    shape.columns = std::move(d->columns);
    param_count = d->param_count;
  } else if (!info.empty) {
    // Declared parameter types reach the binder as typed NULLs.
    std::vector<query::Value> params;
    for (uint32_t type_oid : statement.param_types) {
      absl::StatusOr<query::Value> v = DecodeParam(std::nullopt, type_oid, 0, zone_);
      params.push_back(v.ok() ? *v : query::Value::Null());
    }
    absl::StatusOr<query::QuerySession::Description> d = session_->Describe(info.text, params);
    if (!d.ok()) return ExtendedError(d.status());
    for (const query::ResultColumn& c : d->columns) {
      shape.columns.push_back({c.name, OidOf(c.type)});
    }
    param_count = d->param_count;
  }
  std::vector<uint32_t> param_oids(
      std::max(static_cast<size_t>(param_count), statement.param_types.size()), oid::kText);
  for (size_t i = 0; i < statement.param_types.size(); ++i) {
    if (statement.param_types[i] != 0) param_oids[i] = statement.param_types[i];
  }
  WriteParameterDescription(out, param_oids);
  if (shape.columns.empty()) {
    WriteEmptyMessage(out, 'n');
  } else {
    WriteRowDescription(shape, {});  // formats are not known before Bind: text
  }
  return true;
}

bool Connection::HandleExecute(std::string_view payload) {
  absl::StatusOr<ExecuteMessage> m = DecodeExecute(payload);
  if (!m.ok()) {
    SendFatal(m.status());
    return false;
  }
  auto it = portals_.find(std::string(m->portal));
  if (it == portals_.end()) {
    return ExtendedError(
        query::SqlError("34000", absl::StrCat("portal ", Quoted(m->portal), " does not exist")));
  }
  Portal& portal = it->second;
  if (absl::Status s = ExecutePortal(&portal); !s.ok()) return ExtendedError(s);
  std::string* out = socket_.out();
  if (portal.statement->info.empty) {
    WriteEmptyMessage(out, 'I');  // EmptyQueryResponse
    return true;
  }
  PgResult& result = portal.result;
  if (result.columns.empty()) {
    WriteCommandComplete(out, result.tag);
    return true;
  }
  const size_t total = result.rows.size();
  size_t end = total;
  if (m->max_rows > 0 && portal.next_row + static_cast<size_t>(m->max_rows) < total) {
    end = portal.next_row + static_cast<size_t>(m->max_rows);
  }
  absl::Status written = WriteRows(result, portal.next_row, end, portal.result_formats);
  if (absl::IsUnavailable(written)) return false;
  if (!written.ok()) {
    if (tx_ == TxState::kInBlock) tx_ = TxState::kFailed;
    return ExtendedError(written);
  }
  const size_t sent = end - portal.next_row;
  portal.next_row = end;
  if (end < total) {
    WriteEmptyMessage(out, 's');  // PortalSuspended
    return true;
  }
  // "SELECT n" counts the rows this Execute sent, as PostgreSQL's does.
  if (result.tag.rfind("SELECT", 0) == 0) {
    WriteCommandComplete(out, absl::StrCat("SELECT ", sent));
  } else {
    WriteCommandComplete(out, result.tag);
  }
  // The rows are sent: free them now rather than at Sync.
  std::vector<std::vector<query::Value>>().swap(result.rows);
  portal.next_row = 0;
  return true;
}

bool Connection::HandleClose(std::string_view payload) {
  absl::StatusOr<DescribeMessage> m = DecodeClose(payload);
  if (!m.ok()) {
    SendFatal(m.status());
    return false;
  }
  // Closing something that does not exist is not an error.
  if (m->kind == 'S') {
    auto it = statements_.find(std::string(m->name));
    if (it != statements_.end()) statements_.erase(it);
  } else {
    auto it = portals_.find(std::string(m->name));
    if (it != portals_.end()) portals_.erase(it);
  }
  WriteEmptyMessage(socket_.out(), '3');  // CloseComplete
  return true;
}

bool Connection::HandleSync() {
  skip_until_sync_ = false;
  // Portals live until the end of their transaction; outside a block that is now.
  if (tx_ == TxState::kIdle) portals_.clear();
  SendReadyForQuery();
  return true;  // the main loop flushes unless more requests are already buffered
}

}  // namespace strata::server::pgwire
