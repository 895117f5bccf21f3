// One client connection of the PostgreSQL server: the protocol state machine from the
// startup packet to Terminate, on the connection's own thread with blocking I/O.
//
//   pg_connection.cc  lifecycle, startup, SCRAM authentication, session setup, main loop
//   pg_query.cc       statement execution (transactions, catalog routing, timeouts,
//                     metrics), result messages, the simple query protocol
//   pg_extended.cc    the extended query protocol (Parse/Bind/Describe/Execute/Close/Sync)
//
// Thread safety: Run() and everything it calls run on the connection's thread. Other
// threads call only secret_key(), running_sequence() and CancelStatement(), and only while
// the connection is attached to its host (the host serializes them with Detach).
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "engine/engine.h"
#include "query/query.h"
#include "server/auth/tenants.h"
#include "server/base/metrics.h"
#include "server/pgwire/pg_catalog.h"
#include "server/pgwire/pg_message.h"
#include "server/pgwire/pg_server.h"
#include "server/pgwire/pg_socket.h"

namespace strata::server::pgwire {

class Connection;

// Why a running statement is canceled; decides the error the client gets.
enum class CancelReason : int { kNone, kUser, kTimeout, kShutdown };

struct PgMetrics {
  Counter* queries_ok = nullptr;
  Counter* queries_error = nullptr;
  Histogram* query_seconds = nullptr;
  Counter* auth_failures = nullptr;
};

// What a connection needs from its server (PgServer::Impl implements it).
class ConnectionHost {
 public:
  virtual ~ConnectionHost() = default;
  virtual const PgServerOptions& options() const = 0;
  virtual engine::Engine* engine() const = 0;
  virtual auth::TenantStore* tenants() const = 0;
  virtual const PgMetrics& metrics() const = 0;
  virtual bool stopping() const = 0;
  // Takes a connection slot for an authenticated principal: 53300 when the server or the
  // principal's merchant is at its limit. Release gives an admitted slot back.
  virtual absl::Status Admit(const auth::Principal& principal) = 0;
  virtual void Release(const auth::Principal& principal) = 0;
  // Makes `connection` reachable by CancelRequest, the timeout timer and Stop.
  virtual void Attach(int32_t id, Connection* connection) = 0;
  virtual void Detach(int32_t id) = 0;
  // A CancelRequest received on this connection.
  virtual void Cancel(int32_t pid, int32_t key) = 0;
  // Statement timeouts: at `deadline`, cancel statement `sequence` of connection `id`.
  virtual void ArmTimeout(absl::Time deadline, int32_t id, uint64_t sequence) = 0;
  virtual void DisarmTimeout(absl::Time deadline, int32_t id, uint64_t sequence) = 0;
};

class Connection {
 public:
  Connection(int fd, int32_t id, std::string peer, ConnectionHost* host);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Serves the client until it leaves, breaks the protocol or the server stops.
  void Run();

  // For the host, while attached (other threads).
  int32_t secret_key() const { return secret_key_; }
  // The sequence number of the statement running now; 0 when idle.
  uint64_t running_sequence() const { return running_sequence_.load(); }
  // Cancels statement `sequence` if it is still the one running.
  void CancelStatement(uint64_t sequence, CancelReason reason);

 private:
  enum class TxState : char { kIdle = 'I', kInBlock = 'T', kFailed = 'E' };
  enum class Kind { kOther, kBegin, kCommit, kRollback, kSet };

  // One statement's text and how it is routed.
  struct StatementInfo {
    std::string_view text;
    bool empty = true;
    bool catalog = false;
    Kind kind = Kind::kOther;
  };
  // A statement's result, whichever engine ran it.
  struct PgResult {
    std::vector<CatalogColumn> columns;  // name and type OID
    std::vector<std::vector<query::Value>> rows;
    std::string tag;
  };
  struct Prepared {
    std::string sql;
    StatementInfo info;  // info.text views `sql`
    std::vector<uint32_t> param_types;
  };
  struct Portal {
    std::shared_ptr<const Prepared> statement;
    std::vector<query::Value> params;
    std::vector<int16_t> result_formats;
    bool executed = false;
    PgResult result;
    size_t next_row = 0;
  };

  // ---- pg_connection.cc
  bool Startup();  // false: close (the reason was sent or logged)
  bool ReadStartupPacket(StartupPacket* packet);
  bool Authenticate();
  bool ReadSaslMessage(Frame* frame);
  bool SetUpSession(const std::vector<std::pair<std::string, std::string>>& parameters);
  void SendStartupParameters();
  void MainLoop();
  bool Dispatch(const Frame& frame);  // false: close
  void SendFatal(std::string_view code, std::string_view message);
  void SendFatal(const absl::Status& status);  // its SQLSTATE and message

  // ---- pg_query.cc
  StatementInfo Classify(std::string_view text, bool empty) const;
  absl::StatusOr<PgResult> RunStatement(const StatementInfo& info,
                                        const std::vector<query::Value>& params);
  absl::StatusOr<PgResult> RunInEngine(const StatementInfo& info,
                                       const std::vector<query::Value>& params);
  PgCatalog* catalog();
  // After a SET: takes a changed statement_timeout, or restores `old_timeout` and fails
  // with 22023 if the new value is not a duration.
  absl::Status ApplyTimeoutSetting(const std::string& old_timeout);
  void ReportParameterChanges(bool force);
  void WriteRowDescription(const PgResult& result, const std::vector<int16_t>& formats);
  // DataRows for rows [begin, end); false if the client is gone.
  absl::Status WriteRows(const PgResult& result, size_t begin, size_t end,
                         const std::vector<int16_t>& formats);
  absl::Status CheckResultFormats(const PgResult& result, const std::vector<int16_t>& formats);
  void SendError(const absl::Status& status, int position_offset = 0);
  void SendNotice(std::string_view code, std::string_view message);
  void SendReadyForQuery();
  bool HandleQuery(std::string_view payload);  // false: close

  // ---- pg_extended.cc
  bool HandleParse(std::string_view payload);
  bool HandleBind(std::string_view payload);
  bool HandleDescribe(std::string_view payload);
  bool HandleExecute(std::string_view payload);
  bool HandleClose(std::string_view payload);
  bool HandleSync();
  absl::Status ExecutePortal(Portal* portal);
  absl::StatusOr<std::shared_ptr<const Prepared>> FindStatement(std::string_view name) const;
  // An error in the extended protocol: sent, then messages are skipped until Sync.
  bool ExtendedError(const absl::Status& status);

  const int32_t id_;
  const std::string peer_;
  ConnectionHost* const host_;
  const PgServerOptions& options_;
  PgSocket socket_;
  int32_t secret_key_ = 0;

  std::string user_;
  std::string database_;
  auth::Principal principal_;
  bool admitted_ = false;
  std::unique_ptr<query::QuerySession> session_;
  std::atomic<query::QuerySession*> session_for_cancel_{nullptr};
  std::unique_ptr<PgCatalog> catalog_;
  absl::TimeZone zone_;
  std::map<std::string, std::string> reported_;  // ParameterStatus name -> value sent

  TxState tx_ = TxState::kIdle;
  bool skip_until_sync_ = false;
  bool close_after_error_ = false;  // a FATAL was sent
  absl::flat_hash_map<std::string, std::shared_ptr<const Prepared>> statements_;
  absl::flat_hash_map<std::string, Portal> portals_;

  absl::Duration timeout_limit_ = absl::ZeroDuration();    // server / merchant limit
  absl::Duration session_timeout_ = absl::ZeroDuration();  // SET statement_timeout
  uint64_t next_sequence_ = 0;
  std::atomic<uint64_t> running_sequence_{0};
  std::atomic<int> cancel_reason_{static_cast<int>(CancelReason::kNone)};
};

// `SET "a"."b" = 'value'` for a setting name made of [A-Za-z0-9_] parts; nullopt for any
// other name.
std::optional<std::string> SetStatementFor(const std::string& name, const std::string& value);

// Parses a statement_timeout value as PostgreSQL does: a number of milliseconds, or a
// number with a unit (us, ms, s, min, h, d), e.g. "5000", "5s", "1.5 min". False if invalid.
bool ParseTimeoutSetting(std::string_view text, absl::Duration* out);

}  // namespace strata::server::pgwire
