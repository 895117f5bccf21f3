// PostgreSQL protocol v3 messages: framing, backend message encoders and frontend message
// decoders, over byte buffers (no I/O here; pg_socket.h moves the bytes).
//
// Every frontend message is `type byte, int32 length (counting itself), payload`; the
// startup packet has no type byte. Integers are big-endian. Decoders check every length
// and return 08P01 (protocol_violation) for anything malformed, so a bad client costs
// only its own connection.
//
// Thread safety: everything here is a pure function or a value type.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace strata::server::pgwire {

inline constexpr int32_t kProtocolVersion3 = 3 << 16;  // 196608: protocol 3.0
inline constexpr int32_t kCancelRequestCode = 80877102;
inline constexpr int32_t kSslRequestCode = 80877103;
inline constexpr int32_t kGssEncRequestCode = 80877104;
// PostgreSQL's limits: a startup packet of at most 10000 bytes, a message under 1 GiB.
inline constexpr uint32_t kMaxStartupPacketBytes = 10000;
inline constexpr uint32_t kMaxMessageBytes = (1u << 30) - 1;

// The SQLSTATE of every framing and decoding error.
inline constexpr std::string_view kProtocolViolation = "08P01";

// ---- framing ------------------------------------------------------------------------

// One complete message found at the front of a buffer.
struct Frame {
  char type = 0;             // 0 for a startup packet
  std::string_view payload;  // after the length word
  size_t size = 0;           // bytes the message takes in the buffer, header included
};

// The message at the front of `buffer`, or nullopt if it is not complete yet. A startup
// packet (`startup`) has no type byte. 08P01 for a length under 4 or over the limit.
absl::StatusOr<std::optional<Frame>> NextFrame(std::string_view buffer, bool startup);

// ---- writing --------------------------------------------------------------------------

// Appends one message to a buffer: Begin(type), fields, End() (which fills in the length).
// The buffer is the connection's output buffer; nothing is allocated once it has grown.
class MessageWriter {
 public:
  explicit MessageWriter(std::string* out) : out_(out) {}

  void Begin(char type);  // type 0 = no type byte (only for tests' startup packets)
  void End();

  void Byte(uint8_t v) { out_->push_back(static_cast<char>(v)); }
  void Int16(int16_t v);
  void Int32(int32_t v);
  void Int64(int64_t v);
  void CString(std::string_view s);  // s, then a 0 byte
  void Bytes(std::string_view s) { out_->append(s.data(), s.size()); }
  // A length-prefixed field (DataRow / Bind values): -1 for NULL.
  void NullField() { Int32(-1); }
  void Field(std::string_view s);

  std::string* buffer() { return out_; }

 private:
  std::string* out_;
  size_t start_ = 0;  // offset of the length word of the open message
};

// Big-endian stores and loads.
void PutInt16(char* p, int16_t v);
void PutInt32(char* p, int32_t v);
void PutInt64(char* p, int64_t v);
int16_t GetInt16(const char* p);
int32_t GetInt32(const char* p);
int64_t GetInt64(const char* p);

// ---- reading --------------------------------------------------------------------------

// Reads the fields of one payload with bounds checks. After a failed read ok() is false and
// every further read fails; the caller reports 08P01.
class MessageReader {
 public:
  explicit MessageReader(std::string_view payload) : data_(payload) {}

  bool Int16(int16_t* v);
  bool Int32(int32_t* v);
  bool CString(std::string_view* s);
  bool Bytes(size_t n, std::string_view* s);
  bool ok() const { return ok_; }
  bool AtEnd() const { return pos_ == data_.size(); }
  std::string_view Rest() const { return data_.substr(pos_); }

 private:
  bool Fail() { return ok_ = false; }
  std::string_view data_;
  size_t pos_ = 0;
  bool ok_ = true;
};

// ---- backend messages -----------------------------------------------------------------

// One ErrorResponse or NoticeResponse.
struct PgError {
  std::string severity = "ERROR";  // ERROR, FATAL, PANIC / WARNING, NOTICE, ...
  std::string code;                // SQLSTATE
  std::string message;
  int position = 0;  // 1-based character position in the query text; 0 = none
  std::string detail;
  std::string hint;
};

// An ERROR (or FATAL) from a status: its SQLSTATE (query::SqlStateOf), message and
// position (query::ErrorPosition, shifted by `position_offset` characters).
PgError ErrorFromStatus(const absl::Status& status, int position_offset = 0);
absl::Status ProtocolError(std::string_view message);  // 08P01

void WriteError(std::string* out, const PgError& error);                               // 'E'
void WriteNotice(std::string* out, const PgError& notice);                             // 'N'
void WriteAuthentication(std::string* out, int32_t code, std::string_view data = {});  // 'R'
void WriteParameterStatus(std::string* out, std::string_view name, std::string_view value);
void WriteBackendKeyData(std::string* out, int32_t pid, int32_t key);
void WriteReadyForQuery(std::string* out, char status);  // 'I', 'T' or 'E'
void WriteCommandComplete(std::string* out, std::string_view tag);
void WriteParameterDescription(std::string* out, const std::vector<uint32_t>& oids);
void WriteNegotiateProtocolVersion(std::string* out, int32_t newest_minor,
                                   const std::vector<std::string>& unsupported_options);
// A message without payload: ParseComplete '1', BindComplete '2', CloseComplete '3',
// NoData 'n', PortalSuspended 's', EmptyQueryResponse 'I'.
void WriteEmptyMessage(std::string* out, char type);

// Authentication request codes ('R').
inline constexpr int32_t kAuthOk = 0;
inline constexpr int32_t kAuthSasl = 10;
inline constexpr int32_t kAuthSaslContinue = 11;
inline constexpr int32_t kAuthSaslFinal = 12;

// ---- frontend messages ----------------------------------------------------------------

// The first packet of a connection.
struct StartupPacket {
  int32_t code = 0;  // kProtocolVersion3 (or another version), kSslRequestCode, ...
  // Protocol startup: the parameters in order (user, database, options, ...).
  std::vector<std::pair<std::string, std::string>> parameters;
  // CancelRequest: the target backend.
  int32_t cancel_pid = 0;
  int32_t cancel_key = 0;
};
absl::StatusOr<StartupPacket> DecodeStartupPacket(std::string_view payload);

// SASLInitialResponse ('p' during SASL): the mechanism and the client-first-message.
struct SaslInitialResponse {
  std::string_view mechanism;
  std::string_view data;
};
absl::StatusOr<SaslInitialResponse> DecodeSaslInitialResponse(std::string_view payload);

struct QueryMessage {  // 'Q'
  std::string_view sql;
};
absl::StatusOr<QueryMessage> DecodeQuery(std::string_view payload);

struct ParseMessage {  // 'P'
  std::string_view statement;
  std::string_view sql;
  std::vector<uint32_t> param_types;  // 0 = unspecified
};
absl::StatusOr<ParseMessage> DecodeParse(std::string_view payload);

struct BindMessage {  // 'B'
  std::string_view portal;
  std::string_view statement;
  std::vector<int16_t> param_formats;                   // 0 text, 1 binary (0, 1 or n entries)
  std::vector<std::optional<std::string_view>> params;  // nullopt = NULL
  std::vector<int16_t> result_formats;                  // 0, 1 or one per column
};
absl::StatusOr<BindMessage> DecodeBind(std::string_view payload);

struct DescribeMessage {  // 'D', also Close 'C'
  char kind = 'S';        // 'S' statement, 'P' portal
  std::string_view name;
};
absl::StatusOr<DescribeMessage> DecodeDescribe(std::string_view payload);
absl::StatusOr<DescribeMessage> DecodeClose(std::string_view payload);

struct ExecuteMessage {  // 'E'
  std::string_view portal;
  int32_t max_rows = 0;  // 0 = all
};
absl::StatusOr<ExecuteMessage> DecodeExecute(std::string_view payload);

// Checks a Bind's format-code list for `count` items: empty (all text), one code for all,
// or one per item; codes 0 (text) or 1 (binary). 08P01 otherwise.
absl::Status CheckFormats(const std::vector<int16_t>& formats, size_t count);
// The format of item `index` under a checked list.
inline int16_t FormatAt(const std::vector<int16_t>& formats, size_t index) {
  if (formats.empty()) return 0;
  return formats.size() == 1 ? formats[0] : formats[index];
}

}  // namespace strata::server::pgwire
