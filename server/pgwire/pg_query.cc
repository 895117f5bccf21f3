// Running statements (transaction state, catalog routing, timeouts, metrics), writing
// results, and the simple query protocol.
#include <chrono>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "query/error.h"
#include "query/expr.h"
#include "server/pgwire/pg_connection.h"
#include "server/pgwire/pg_split.h"
#include "server/pgwire/pg_types.h"

namespace strata::server::pgwire {
namespace {

// The parameters PostgreSQL reports with ParameterStatus (at startup and when they change)
// that the query session keeps: (reported name, session setting).
constexpr std::pair<const char*, const char*> kReportedSettings[] = {
    {"application_name", "application_name"},
    {"client_encoding", "client_encoding"},
    {"DateStyle", "datestyle"},
    {"integer_datetimes", "integer_datetimes"},
    {"IntervalStyle", "intervalstyle"},
    {"server_encoding", "server_encoding"},
    {"server_version", "server_version"},
    {"standard_conforming_strings", "standard_conforming_strings"},
    {"TimeZone", "timezone"},
};

// PostgreSQL reports the canonical encoding name whatever alias the client used.
std::string CanonicalEncoding(const std::string& name) {
  std::string lower = absl::AsciiStrToLower(name);
  if (lower == "utf8" || lower == "utf-8" || lower == "unicode") return "UTF8";
  return absl::AsciiStrToUpper(name);
}

}  // namespace

Connection::StatementInfo Connection::Classify(std::string_view text, bool empty) const {
  StatementInfo info;
  info.text = text;
  info.empty = empty;
  if (empty) return info;
  char buf[16];
  const std::string_view keyword = FirstKeyword(text, buf, sizeof(buf));
  if (keyword == "begin" || keyword == "start") {
    info.kind = Kind::kBegin;
  } else if (keyword == "commit" || keyword == "end") {
    info.kind = Kind::kCommit;
  } else if (keyword == "rollback" || keyword == "abort") {
    info.kind = Kind::kRollback;
  } else if (keyword == "set" || keyword == "reset") {
    info.kind = Kind::kSet;
  } else {
    info.catalog = PgCatalog::IsCatalogQuery(text);
  }
  return info;
}

PgCatalog* Connection::catalog() {
  if (catalog_ == nullptr) {
    CatalogSession cs;
    cs.user = user_;
    cs.database = database_;
    cs.backend_pid = id_;
    cs.superuser = principal_.admin;
    cs.settings = &session_->settings();
    catalog_ = std::make_unique<PgCatalog>(std::move(cs));
  }
  return catalog_.get();
}

absl::StatusOr<Connection::PgResult> Connection::RunStatement(
    const StatementInfo& info, const std::vector<query::Value>& params) {
  if (tx_ == TxState::kFailed) {
    if (info.kind == Kind::kCommit || info.kind == Kind::kRollback) {
      tx_ = TxState::kIdle;
      PgResult r;
      r.tag = "ROLLBACK";  // COMMIT of a failed block rolls back, and says so
      return r;
    }
    return query::SqlError("25P02",
                           "current transaction is aborted, commands ignored until end of "
                           "transaction block");
  }
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<PgResult> result = RunInEngine(info, params);
  const PgMetrics& metrics = host_->metrics();
  metrics.query_seconds->Observe(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  if (!result.ok()) {
    metrics.queries_error->Add();
    if (tx_ == TxState::kInBlock) tx_ = TxState::kFailed;
    return result.status();
  }
  metrics.queries_ok->Add();
  switch (info.kind) {
    case Kind::kBegin:
      if (tx_ == TxState::kInBlock) {
        SendNotice("25001", "there is already a transaction in progress");
      }
      tx_ = TxState::kInBlock;
      break;
    case Kind::kCommit:
    case Kind::kRollback:
      if (tx_ == TxState::kIdle) SendNotice("25P01", "there is no transaction in progress");
      tx_ = TxState::kIdle;
      break;
    default:
      break;
  }
  return result;
}

absl::StatusOr<Connection::PgResult> Connection::RunInEngine(
    const StatementInfo& info, const std::vector<query::Value>& params) {
  PgResult out;
  if (info.catalog) {
    ASSIGN_OR_RETURN(CatalogResult r, catalog()->Execute(info.text, params));
    out.columns = std::move(r.columns);
    out.rows = std::move(r.rows);
    out.tag = std::move(r.tag);
    return out;
  }
  std::string old_timeout;
  if (info.kind == Kind::kSet) old_timeout = session_->settings().at("statement_timeout");

  // The session's SET statement_timeout may shorten the server's or merchant's limit,
  // never lengthen it.
  absl::Duration timeout = timeout_limit_;
  if (session_timeout_ > absl::ZeroDuration() &&
      (timeout == absl::ZeroDuration() || session_timeout_ < timeout)) {
    timeout = session_timeout_;
  }
  const uint64_t sequence = ++next_sequence_;
  cancel_reason_.store(static_cast<int>(CancelReason::kNone));
  running_sequence_.store(sequence);
  absl::Time deadline;
  if (timeout > absl::ZeroDuration()) {
    deadline = absl::Now() + timeout;
    host_->ArmTimeout(deadline, id_, sequence);
  }
  absl::StatusOr<query::QueryResult> r = session_->Execute(info.text, params);
  running_sequence_.store(0);
  if (timeout > absl::ZeroDuration()) host_->DisarmTimeout(deadline, id_, sequence);

  if (!r.ok()) {
    if (query::SqlStateOf(r.status()) == query::sqlstate::kQueryCanceled) {
      switch (static_cast<CancelReason>(cancel_reason_.load())) {
        case CancelReason::kTimeout:
          return query::SqlError(query::sqlstate::kQueryCanceled,
                                 "canceling statement due to statement timeout");
        case CancelReason::kShutdown:
          return query::SqlError("57P01", "terminating connection due to administrator command");
        default:
          return query::SqlError(query::sqlstate::kQueryCanceled,
                                 "canceling statement due to user request");
      }
    }
    return r.status();
  }
  if (info.kind == Kind::kSet) {
    RETURN_IF_ERROR(ApplyTimeoutSetting(old_timeout));
    ReportParameterChanges(/*force=*/false);
  }
  out.columns.reserve(r->columns.size());
  for (const query::ResultColumn& c : r->columns) out.columns.push_back({c.name, OidOf(c.type)});
  out.rows = std::move(r->rows);
  out.tag = std::move(r->tag);
  return out;
}

absl::Status Connection::ApplyTimeoutSetting(const std::string& old_timeout) {
  const std::string value = session_->settings().at("statement_timeout");
  if (value != old_timeout) {
    absl::Duration parsed;
    if (!ParseTimeoutSetting(value, &parsed)) {
      if (auto restore = SetStatementFor("statement_timeout", old_timeout)) {
        session_->Execute(*restore).IgnoreError();
      }
      return query::SqlError(
          query::sqlstate::kInvalidParameterValue,
          absl::StrCat("invalid value for parameter \"statement_timeout\": \"", value, "\""));
    }
    session_timeout_ = parsed;
  }
  return absl::OkStatus();
}

void Connection::ReportParameterChanges(bool force) {
  const std::map<std::string, std::string>& settings = session_->settings();
  for (const auto& [name, key] : kReportedSettings) {
    auto it = settings.find(key);
    if (it == settings.end()) continue;
    std::string value = it->second;
    if (std::string_view(name) == "client_encoding") value = CanonicalEncoding(value);
    std::string& last = reported_[name];
    if (!force && last == value) continue;
    if (std::string_view(name) == "TimeZone") {
      absl::StatusOr<absl::TimeZone> zone = query::LoadZone(value);
      if (zone.ok()) zone_ = *zone;
    }
    WriteParameterStatus(socket_.out(), name, value);
    last = std::move(value);
  }
}

// ---- results ------------------------------------------------------------------------------

void Connection::WriteRowDescription(const PgResult& result, const std::vector<int16_t>& formats) {
  MessageWriter w(socket_.out());
  w.Begin('T');
  w.Int16(static_cast<int16_t>(result.columns.size()));
  for (size_t i = 0; i < result.columns.size(); ++i) {
    const CatalogColumn& c = result.columns[i];
    w.CString(c.name);
    w.Int32(0);  // table OID
    w.Int16(0);  // column number
    w.Int32(static_cast<int32_t>(c.type_oid));
    w.Int16(TypeLength(c.type_oid));
    w.Int32(-1);  // type modifier
    w.Int16(FormatAt(formats, i));
  }
  w.End();
}

absl::Status Connection::CheckResultFormats(const PgResult& result,
                                            const std::vector<int16_t>& formats) {
  RETURN_IF_ERROR(CheckFormats(formats, result.columns.size()));
  for (size_t i = 0; i < result.columns.size(); ++i) {
    const CatalogColumn& c = result.columns[i];
    if (FormatAt(formats, i) == 1 && !SupportsBinaryResult(c.type_oid)) {
      return query::SqlError(
          query::sqlstate::kFeatureNotSupported,
          absl::StrCat("binary format is not supported for column \"", c.name, "\" of type ",
                       PgTypeName(c.type_oid), " (OID ", c.type_oid, "); request text format"));
    }
  }
  return absl::OkStatus();
}

absl::Status Connection::WriteRows(const PgResult& result, size_t begin, size_t end,
                                   const std::vector<int16_t>& formats) {
  for (size_t r = begin; r < end; ++r) {
    RETURN_IF_ERROR(WriteDataRow(result.rows[r], result.columns, formats, zone_, socket_.out()));
    if (!socket_.FlushIfLarge()) return absl::UnavailableError("the client went away");
  }
  return absl::OkStatus();
}

void Connection::SendError(const absl::Status& status, int position_offset) {
  PgError e = ErrorFromStatus(status, position_offset);
  if (e.code == "57P01") {  // the server is shutting down: the connection ends
    e.severity = "FATAL";
    close_after_error_ = true;
  }
  WriteError(socket_.out(), e);
}

void Connection::SendNotice(std::string_view code, std::string_view message) {
  PgError e;
  e.severity = "WARNING";
  e.code = std::string(code);
  e.message = std::string(message);
  WriteNotice(socket_.out(), e);
}

void Connection::SendReadyForQuery() { WriteReadyForQuery(socket_.out(), static_cast<char>(tx_)); }

// ---- simple query -------------------------------------------------------------------------

bool Connection::HandleQuery(std::string_view payload) {
  absl::StatusOr<QueryMessage> message = DecodeQuery(payload);
  if (!message.ok()) {
    SendFatal(message.status());
    return false;
  }
  // A simple query ends the unnamed statement and portal, as in PostgreSQL.
  statements_.erase("");
  portals_.erase("");
  if (absl::Status utf8 = CheckUtf8(message->sql); !utf8.ok()) {
    SendError(utf8);
    SendReadyForQuery();
    return true;
  }
  bool any = false;
  for (const StatementText& st : SplitStatements(message->sql)) {
    if (st.empty) continue;
    any = true;
    absl::StatusOr<PgResult> result = RunStatement(Classify(st.text, false), {});
    if (!result.ok()) {
      SendError(result.status(), st.char_offset);
      break;
    }
    if (!result->columns.empty()) {
      WriteRowDescription(*result, {});
      absl::Status written = WriteRows(*result, 0, result->rows.size(), {});
      if (absl::IsUnavailable(written)) return false;
      if (!written.ok()) {
        SendError(written);
        break;
      }
    }
    WriteCommandComplete(socket_.out(), result->tag);
  }
  if (!any) WriteEmptyMessage(socket_.out(), 'I');
  if (close_after_error_) return false;
  SendReadyForQuery();
  return true;
}

}  // namespace strata::server::pgwire
