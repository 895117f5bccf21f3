// Connection lifecycle: startup packet, SCRAM-SHA-256, session setup, the message loop.
#include "server/pgwire/pg_connection.h"

#include <openssl/rand.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "query/error.h"
#include "query/expr.h"
#include "server/auth/scram.h"
#include "server/base/log.h"

namespace strata::server::pgwire {
namespace {

constexpr std::string_view kScramMechanism = "SCRAM-SHA-256";

// "-c name=value" / "--name=value" items of the startup `options` parameter, with
// PostgreSQL's backslash escaping of spaces.
std::vector<std::pair<std::string, std::string>> ParseOptionsParameter(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\\' && i + 1 < text.size()) {
      word.push_back(text[++i]);
      in_word = true;
    } else if (absl::ascii_isspace(static_cast<unsigned char>(c))) {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
    } else {
      word.push_back(c);
      in_word = true;
    }
  }
  if (in_word) words.push_back(std::move(word));
  std::vector<std::pair<std::string, std::string>> out;
  for (size_t i = 0; i < words.size(); ++i) {
    std::string item;
    if (words[i] == "-c" && i + 1 < words.size()) {
      item = words[++i];
    } else if (absl::StartsWith(words[i], "-c")) {
      item = words[i].substr(2);
    } else if (absl::StartsWith(words[i], "--")) {
      item = words[i].substr(2);
    } else {
      continue;
    }
    const size_t eq = item.find('=');
    if (eq == std::string::npos) continue;
    std::string name = item.substr(0, eq);
    absl::StrReplaceAll({{"-", "_"}}, &name);
    out.emplace_back(std::move(name), item.substr(eq + 1));
  }
  return out;
}

}  // namespace

Connection::Connection(int fd, int32_t id, std::string peer, ConnectionHost* host)
    : id_(id),
      peer_(std::move(peer)),
      host_(host),
      options_(host->options()),
      socket_(fd),
      zone_(absl::UTCTimeZone()) {
  if (RAND_bytes(reinterpret_cast<unsigned char*>(&secret_key_), sizeof(secret_key_)) != 1) {
    // Without OpenSSL's generator the key would be guessable; refuse cancels instead.
    secret_key_ = 0;
  }
}

Connection::~Connection() = default;

void Connection::Run() {
  const absl::Time start = absl::Now();
  Log(LogLevel::kDebug, "connection opened").Kv("proto", "pg").Kv("peer", peer_).Kv("pid", id_);
  if (Startup()) MainLoop();
  socket_.Flush();
  if (session_ != nullptr) host_->Detach(id_);  // attached with the session
  if (admitted_) host_->Release(principal_);
  Log(LogLevel::kDebug, "connection closed")
      .Kv("proto", "pg")
      .Kv("peer", peer_)
      .Kv("pid", id_)
      .Kv("user", user_)
      .Kv("seconds", absl::ToDoubleSeconds(absl::Now() - start));
}

void Connection::SendFatal(const absl::Status& status) {
  SendFatal(query::SqlStateOf(status), std::string(status.message()));
}

void Connection::SendFatal(std::string_view code, std::string_view message) {
  PgError e;
  e.severity = "FATAL";
  e.code = std::string(code);
  e.message = std::string(message);
  WriteError(socket_.out(), e);
  socket_.Flush();
  close_after_error_ = true;
}

// ---- startup ------------------------------------------------------------------------------

bool Connection::ReadStartupPacket(StartupPacket* packet) {
  while (true) {
    Frame frame;
    absl::Status error;
    switch (socket_.Read(/*startup=*/true, &frame, &error)) {
      case PgSocket::ReadResult::kOk:
        break;
      case PgSocket::ReadResult::kClosed:
      case PgSocket::ReadResult::kTimeout:
        return false;
      case PgSocket::ReadResult::kMalformed:
        SendFatal(error);
        return false;
    }
    absl::StatusOr<StartupPacket> decoded = DecodeStartupPacket(frame.payload);
    if (!decoded.ok()) {
      SendFatal(decoded.status());
      return false;
    }
    if (decoded->code == kSslRequestCode || decoded->code == kGssEncRequestCode) {
      // Bytes after the request would be read as if they had come over the encrypted
      // channel (CVE-2021-23214); PostgreSQL refuses them too.
      if (socket_.HasBufferedInput()) {
        SendFatal(kProtocolViolation, "received unencrypted data after SSL request");
        return false;
      }
      socket_.out()->push_back('N');
      if (!socket_.Flush()) return false;
      continue;
    }
    if (decoded->code == kCancelRequestCode) {
      host_->Cancel(decoded->cancel_pid, decoded->cancel_key);
      return false;
    }
    const int major = decoded->code >> 16;
    const int minor = decoded->code & 0xFFFF;
    if (major != 3) {
      SendFatal(query::sqlstate::kFeatureNotSupported,
                absl::StrCat("unsupported frontend protocol ", major, ".", minor,
                             ": server supports 3.0 to 3.0"));
      return false;
    }
    // Protocol extensions ("_pq_.*") and newer 3.x minors: say what this server speaks.
    std::vector<std::string> unsupported;
    for (auto it = decoded->parameters.begin(); it != decoded->parameters.end();) {
      if (absl::StartsWith(it->first, "_pq_.")) {
        unsupported.push_back(it->first);
        it = decoded->parameters.erase(it);
      } else {
        ++it;
      }
    }
    if (minor > 0 || !unsupported.empty()) {
      WriteNegotiateProtocolVersion(socket_.out(), 0, unsupported);
    }
    *packet = std::move(*decoded);
    return true;
  }
}

bool Connection::Startup() {
  socket_.SetReadDeadline(options_.authentication_timeout > absl::ZeroDuration()
                              ? absl::Now() + options_.authentication_timeout
                              : absl::InfiniteFuture());
  StartupPacket packet;
  if (!ReadStartupPacket(&packet)) return false;
  for (const auto& [name, value] : packet.parameters) {
    if (name == "user") user_ = value;
    if (name == "database") database_ = value;
  }
  if (user_.empty()) {
    SendFatal("28000", "no PostgreSQL user name specified in startup packet");
    return false;
  }
  if (database_.empty()) database_ = user_;
  if (!Authenticate()) return false;
  if (database_ != options_.database && database_ != "postgres" && database_ != user_) {
    SendFatal("3D000", absl::StrCat("database \"", database_, "\" does not exist"));
    return false;
  }
  if (absl::Status admitted = host_->Admit(principal_); !admitted.ok()) {
    SendFatal(admitted);
    return false;
  }
  admitted_ = true;
  if (!SetUpSession(packet.parameters)) return false;
  SendStartupParameters();
  socket_.SetReadDeadline(absl::InfiniteFuture());
  return true;
}

bool Connection::ReadSaslMessage(Frame* frame) {
  if (!socket_.Flush()) return false;
  absl::Status error;
  switch (socket_.Read(/*startup=*/false, frame, &error)) {
    case PgSocket::ReadResult::kOk:
      break;
    case PgSocket::ReadResult::kClosed:
    case PgSocket::ReadResult::kTimeout:
      // libpq closes here when it has no password to send: not an attack, not a failure.
      return false;
    case PgSocket::ReadResult::kMalformed:
      SendFatal(error);
      return false;
  }
  if (frame->type != 'p') {
    SendFatal(kProtocolViolation,
              absl::StrCat("expected SASL response, got message type ",
                           static_cast<int>(static_cast<unsigned char>(frame->type))));
    return false;
  }
  return true;
}

bool Connection::Authenticate() {
  std::optional<auth::TenantStore::UserEntry> entry = host_->tenants()->FindUser(user_);
  auth::ScramExchange exchange(entry.has_value() ? &entry->secret : nullptr);
  auto fail = [&](absl::string_view reason) {
    host_->metrics().auth_failures->Add();
    Log(LogLevel::kWarn, "authentication failed")
        .Kv("proto", "pg")
        .Kv("peer", peer_)
        .Kv("user", user_)
        .Kv("reason", std::string(reason));
    SendFatal("28P01", absl::StrCat("password authentication failed for user \"", user_, "\""));
    return false;
  };

  std::string mechanisms(kScramMechanism);
  mechanisms.append(2, '\0');  // the list and its terminator
  WriteAuthentication(socket_.out(), kAuthSasl, mechanisms);
  Frame frame;
  if (!ReadSaslMessage(&frame)) return false;
  absl::StatusOr<SaslInitialResponse> initial = DecodeSaslInitialResponse(frame.payload);
  if (!initial.ok()) {
    SendFatal(initial.status());
    return false;
  }
  if (initial->mechanism != kScramMechanism) {
    SendFatal(kProtocolViolation, "client selected an invalid SASL authentication mechanism");
    return false;
  }
  absl::StatusOr<std::string> server_first = exchange.HandleClientFirst(initial->data);
  if (!server_first.ok()) return fail(server_first.status().message());
  WriteAuthentication(socket_.out(), kAuthSaslContinue, *server_first);
  if (!ReadSaslMessage(&frame)) return false;
  absl::StatusOr<std::string> server_final = exchange.HandleClientFinal(frame.payload);
  if (!server_final.ok() || !entry.has_value()) {
    return fail(entry.has_value() ? server_final.status().message() : "unknown user");
  }
  WriteAuthentication(socket_.out(), kAuthSaslFinal, *server_final);
  WriteAuthentication(socket_.out(), kAuthOk);
  principal_ = entry->principal;
  return true;
}

bool Connection::SetUpSession(const std::vector<std::pair<std::string, std::string>>& parameters) {
  query::SessionOptions so;
  if (!principal_.admin) so.merchant_scope = std::vector<std::string>{principal_.merchant};
  so.time_zone = options_.default_time_zone;
  so.memory_limit_bytes = options_.memory_limit_bytes;
  if (principal_.limits.memory_limit_mb.has_value() && *principal_.limits.memory_limit_mb > 0) {
    so.memory_limit_bytes = static_cast<size_t>(*principal_.limits.memory_limit_mb) << 20;
  }
  so.max_result_rows = options_.max_result_rows;
  so.threads = options_.query_threads;
  engine::Engine* engine = host_->engine();
  session_ = std::make_unique<query::QuerySession>([engine] { return engine->GetSnapshot(); },
                                                   std::move(so));
  session_for_cancel_.store(session_.get());
  host_->Attach(id_, this);

  timeout_limit_ = options_.statement_timeout;
  if (principal_.limits.statement_timeout_ms.has_value()) {
    timeout_limit_ = absl::Milliseconds(*principal_.limits.statement_timeout_ms);
  }

  // Startup parameters and `-c name=value` options are SETs, as in PostgreSQL; names the
  // server does not know are ignored (drivers send a few of PostgreSQL's own).
  std::vector<std::pair<std::string, std::string>> settings;
  for (const auto& [name, value] : parameters) {
    if (name == "user" || name == "database" || name == "replication") continue;
    if (name == "options") {
      for (auto& item : ParseOptionsParameter(value)) settings.push_back(std::move(item));
    } else {
      settings.emplace_back(name, value);
    }
  }
  for (auto& [name, value] : settings) {
    const std::string key = absl::AsciiStrToLower(name);
    if (session_->settings().count(key) == 0) continue;
    std::optional<std::string> sql = SetStatementFor(key, value);
    if (!sql.has_value()) continue;
    const std::string old_timeout = session_->settings().at("statement_timeout");
    absl::Status status = session_->Execute(*sql).status();
    if (status.ok()) status = ApplyTimeoutSetting(old_timeout);
    if (!status.ok()) {
      SendFatal(status);
      return false;
    }
  }
  absl::StatusOr<absl::TimeZone> zone = query::LoadZone(session_->settings().at("timezone"));
  if (!zone.ok()) {
    SendFatal(zone.status());
    return false;
  }
  zone_ = *zone;
  return true;
}

void Connection::SendStartupParameters() {
  std::string* out = socket_.out();
  ReportParameterChanges(/*force=*/true);
  WriteParameterStatus(out, "is_superuser", principal_.admin ? "on" : "off");
  WriteParameterStatus(out, "session_authorization", user_);
  WriteBackendKeyData(out, id_, secret_key_);
  SendReadyForQuery();
}

// ---- the message loop ----------------------------------------------------------------------

void Connection::MainLoop() {
  while (!close_after_error_) {
    if (host_->stopping()) {
      SendFatal("57P01", "terminating connection due to administrator command");
      return;
    }
    // Replies wait in the buffer while more requests are already here (pipelining).
    if (!socket_.HasCompleteMessage() && !socket_.Flush()) return;
    Frame frame;
    absl::Status error;
    switch (socket_.Read(/*startup=*/false, &frame, &error)) {
      case PgSocket::ReadResult::kOk:
        break;
      case PgSocket::ReadResult::kClosed:
      case PgSocket::ReadResult::kTimeout:
        if (host_->stopping()) {
          SendFatal("57P01", "terminating connection due to administrator command");
        }
        return;
      case PgSocket::ReadResult::kMalformed:
        SendFatal(error);
        return;
    }
    if (!Dispatch(frame)) return;
  }
}

bool Connection::Dispatch(const Frame& frame) {
  if (skip_until_sync_ && frame.type != 'S' && frame.type != 'X') return true;
  switch (frame.type) {
    case 'Q':
      return HandleQuery(frame.payload);
    case 'P':
      return HandleParse(frame.payload);
    case 'B':
      return HandleBind(frame.payload);
    case 'D':
      return HandleDescribe(frame.payload);
    case 'E':
      return HandleExecute(frame.payload);
    case 'C':
      return HandleClose(frame.payload);
    case 'S':
      return HandleSync();
    case 'H':
      return socket_.Flush();
    case 'X':
      return false;
    case 'c':
    case 'd':
    case 'f':
      return true;  // COPY messages outside COPY are ignored, as PostgreSQL does
    case 'F':
      SendError(query::SqlError(query::sqlstate::kFeatureNotSupported,
                                "function calls over the fastpath interface are not supported"));
      SendReadyForQuery();
      return true;
    default:
      SendFatal(kProtocolViolation,
                absl::StrCat("invalid frontend message type ",
                             static_cast<int>(static_cast<unsigned char>(frame.type))));
      return false;
  }
}

void Connection::CancelStatement(uint64_t sequence, CancelReason reason) {
  query::QuerySession* session = session_for_cancel_.load();
  if (session == nullptr || sequence == 0 || running_sequence_.load() != sequence) return;
  cancel_reason_.store(static_cast<int>(reason));
  session->Cancel();
}

std::optional<std::string> SetStatementFor(const std::string& name, const std::string& value) {
  std::string sql = "SET ";
  for (absl::string_view part : absl::StrSplit(name, '.')) {
    if (part.empty()) return std::nullopt;
    for (char c : part) {
      if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_') return std::nullopt;
    }
    if (sql.size() > 4) sql += '.';
    absl::StrAppend(&sql, "\"", std::string(part), "\"");
  }
  absl::StrAppend(&sql, " = '", absl::StrReplaceAll(value, {{"'", "''"}}), "'");
  return sql;
}

bool ParseTimeoutSetting(std::string_view text, absl::Duration* out) {
  absl::string_view t = absl::StripAsciiWhitespace(absl::string_view(text.data(), text.size()));
  size_t i = 0;
  while (i < t.size() && (absl::ascii_isdigit(t[i]) || t[i] == '.' || (i == 0 && t[i] == '-'))) {
    ++i;
  }
  double number = 0;
  if (i == 0 || !absl::SimpleAtod(t.substr(0, i), &number) || number < 0) return false;
  std::string unit = absl::AsciiStrToLower(absl::StripAsciiWhitespace(t.substr(i)));
  double micros_per_unit = 0;
  if (unit.empty() || unit == "ms") {
    micros_per_unit = 1e3;
  } else if (unit == "us") {
    micros_per_unit = 1;
  } else if (unit == "s") {
    micros_per_unit = 1e6;
  } else if (unit == "min") {
    micros_per_unit = 60e6;
  } else if (unit == "h") {
    micros_per_unit = 3600e6;
  } else if (unit == "d") {
    micros_per_unit = 86400e6;
  } else {
    return false;
  }
  const double micros = number * micros_per_unit;
  if (micros > 1e15) return false;  // PostgreSQL's limit is INT_MAX ms; keep far from overflow
  *out = absl::Microseconds(static_cast<int64_t>(micros));
  return true;
}

}  // namespace strata::server::pgwire
