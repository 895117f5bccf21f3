#include "server/pgwire/pg_message.h"

#include <cstring>

#include "absl/strings/str_cat.h"
#include "query/error.h"

namespace strata::server::pgwire {

// ---- big-endian helpers -----------------------------------------------------------------

void PutInt16(char* p, int16_t v) {
  const uint16_t u = static_cast<uint16_t>(v);
  p[0] = static_cast<char>(u >> 8);
  p[1] = static_cast<char>(u);
}

void PutInt32(char* p, int32_t v) {
  const uint32_t u = static_cast<uint32_t>(v);
  p[0] = static_cast<char>(u >> 24);
  p[1] = static_cast<char>(u >> 16);
  p[2] = static_cast<char>(u >> 8);
  p[3] = static_cast<char>(u);
}

void PutInt64(char* p, int64_t v) {
  PutInt32(p, static_cast<int32_t>(static_cast<uint64_t>(v) >> 32));
  PutInt32(p + 4, static_cast<int32_t>(static_cast<uint64_t>(v)));
}

int16_t GetInt16(const char* p) {
  const auto* b = reinterpret_cast<const unsigned char*>(p);
  return static_cast<int16_t>((b[0] << 8) | b[1]);
}

int32_t GetInt32(const char* p) {
  const auto* b = reinterpret_cast<const unsigned char*>(p);
  return static_cast<int32_t>((uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) |
                              (uint32_t{b[2]} << 8) | uint32_t{b[3]});
}

int64_t GetInt64(const char* p) {
  const uint64_t hi = static_cast<uint32_t>(GetInt32(p));
  const uint64_t lo = static_cast<uint32_t>(GetInt32(p + 4));
  return static_cast<int64_t>((hi << 32) | lo);
}

// ---- framing ----------------------------------------------------------------------------

absl::StatusOr<std::optional<Frame>> NextFrame(std::string_view buffer, bool startup) {
  const size_t header = startup ? 4 : 5;
  if (buffer.size() < header) return std::nullopt;
  Frame frame;
  frame.type = startup ? 0 : buffer[0];
  const int32_t length = GetInt32(buffer.data() + header - 4);
  const uint32_t limit = startup ? kMaxStartupPacketBytes : kMaxMessageBytes;
  if (length < 4 || static_cast<uint32_t>(length) > limit) {
    if (startup) return ProtocolError(absl::StrCat("invalid length of startup packet: ", length));
    return ProtocolError(absl::StrCat("invalid message length ", length, " for message type \"",
                                      std::string(1, buffer[0]), "\""));
  }
  frame.size = header - 4 + static_cast<size_t>(length);
  if (buffer.size() < frame.size) return std::nullopt;
  frame.payload = buffer.substr(header, frame.size - header);
  return frame;
}

// ---- writing ----------------------------------------------------------------------------

void MessageWriter::Begin(char type) {
  if (type != 0) out_->push_back(type);
  start_ = out_->size();
  out_->append(4, '\0');
}

void MessageWriter::End() {
  PutInt32(out_->data() + start_, static_cast<int32_t>(out_->size() - start_));
}

void MessageWriter::Int16(int16_t v) {
  char b[2];
  PutInt16(b, v);
  out_->append(b, 2);
}

void MessageWriter::Int32(int32_t v) {
  char b[4];
  PutInt32(b, v);
  out_->append(b, 4);
}

void MessageWriter::Int64(int64_t v) {
  char b[8];
  PutInt64(b, v);
  out_->append(b, 8);
}

void MessageWriter::CString(std::string_view s) {
  out_->append(s.data(), s.size());
  out_->push_back('\0');
}

void MessageWriter::Field(std::string_view s) {
  Int32(static_cast<int32_t>(s.size()));
  out_->append(s.data(), s.size());
}

// ---- reading ----------------------------------------------------------------------------

bool MessageReader::Int16(int16_t* v) {
  if (!ok_ || data_.size() - pos_ < 2) return Fail();
  *v = GetInt16(data_.data() + pos_);
  pos_ += 2;
  return true;
}

bool MessageReader::Int32(int32_t* v) {
  if (!ok_ || data_.size() - pos_ < 4) return Fail();
  *v = GetInt32(data_.data() + pos_);
  pos_ += 4;
  return true;
}

bool MessageReader::CString(std::string_view* s) {
  if (!ok_) return false;
  const size_t end = data_.find('\0', pos_);
  if (end == std::string_view::npos) return Fail();
  *s = data_.substr(pos_, end - pos_);
  pos_ = end + 1;
  return true;
}

bool MessageReader::Bytes(size_t n, std::string_view* s) {
  if (!ok_ || data_.size() - pos_ < n) return Fail();
  *s = data_.substr(pos_, n);
  pos_ += n;
  return true;
}

// ---- backend messages -------------------------------------------------------------------

absl::Status ProtocolError(std::string_view message) {
  return query::SqlError(kProtocolViolation, message);
}

PgError ErrorFromStatus(const absl::Status& status, int position_offset) {
  PgError e;
  e.code = query::SqlStateOf(status);
  e.message = std::string(status.message());
  const int position = query::ErrorPosition(status);
  if (position > 0) e.position = position + position_offset;
  return e;
}

namespace {

void WriteErrorFields(std::string* out, char type, const PgError& e) {
  MessageWriter w(out);
  w.Begin(type);
  w.Byte('S');
  w.CString(e.severity);
  w.Byte('V');
  w.CString(e.severity);
  w.Byte('C');
  w.CString(e.code);
  w.Byte('M');
  w.CString(e.message);
  if (!e.detail.empty()) {
    w.Byte('D');
    w.CString(e.detail);
  }
  if (!e.hint.empty()) {
    w.Byte('H');
    w.CString(e.hint);
  }
  if (e.position > 0) {
    w.Byte('P');
    w.CString(std::to_string(e.position));
  }
  w.Byte(0);
  w.End();
}

}  // namespace

void WriteError(std::string* out, const PgError& error) { WriteErrorFields(out, 'E', error); }

void WriteNotice(std::string* out, const PgError& notice) { WriteErrorFields(out, 'N', notice); }

void WriteAuthentication(std::string* out, int32_t code, std::string_view data) {
  MessageWriter w(out);
  w.Begin('R');
  w.Int32(code);
  w.Bytes(data);
  w.End();
}

void WriteParameterStatus(std::string* out, std::string_view name, std::string_view value) {
  MessageWriter w(out);
  w.Begin('S');
  w.CString(name);
  w.CString(value);
  w.End();
}

void WriteBackendKeyData(std::string* out, int32_t pid, int32_t key) {
  MessageWriter w(out);
  w.Begin('K');
  w.Int32(pid);
  w.Int32(key);
  w.End();
}

void WriteReadyForQuery(std::string* out, char status) {
  MessageWriter w(out);
  w.Begin('Z');
  w.Byte(static_cast<uint8_t>(status));
  w.End();
}

void WriteCommandComplete(std::string* out, std::string_view tag) {
  MessageWriter w(out);
  w.Begin('C');
  w.CString(tag);
  w.End();
}

void WriteParameterDescription(std::string* out, const std::vector<uint32_t>& oids) {
  MessageWriter w(out);
  w.Begin('t');
  w.Int16(static_cast<int16_t>(oids.size()));
  for (uint32_t oid : oids) w.Int32(static_cast<int32_t>(oid));
  w.End();
}

void WriteNegotiateProtocolVersion(std::string* out, int32_t newest_minor,
                                   const std::vector<std::string>& unsupported_options) {
  MessageWriter w(out);
  w.Begin('v');
  w.Int32(newest_minor);
  w.Int32(static_cast<int32_t>(unsupported_options.size()));
  for (const std::string& o : unsupported_options) w.CString(o);
  w.End();
}

void WriteEmptyMessage(std::string* out, char type) {
  MessageWriter w(out);
  w.Begin(type);
  w.End();
}

// ---- frontend messages ------------------------------------------------------------------

namespace {

absl::Status Malformed(std::string_view what) {
  return ProtocolError(absl::StrCat("invalid ", std::string(what), " message format"));
}

}  // namespace

absl::StatusOr<StartupPacket> DecodeStartupPacket(std::string_view payload) {
  MessageReader r(payload);
  StartupPacket p;
  if (!r.Int32(&p.code)) return ProtocolError("invalid startup packet layout");
  if (p.code == kCancelRequestCode) {
    if (!r.Int32(&p.cancel_pid) || !r.Int32(&p.cancel_key) || !r.AtEnd()) {
      return ProtocolError("invalid cancel request packet");
    }
    return p;
  }
  if (p.code == kSslRequestCode || p.code == kGssEncRequestCode) {
    if (!r.AtEnd()) return ProtocolError("invalid startup packet layout");
    return p;
  }
  if ((p.code >> 16) != 3) return p;  // the caller reports the unsupported version
  // name\0value\0 ... \0
  while (true) {
    std::string_view name;
    if (!r.CString(&name)) {
      return ProtocolError("invalid startup packet layout: expected terminator as last byte");
    }
    if (name.empty()) break;
    std::string_view value;
    if (!r.CString(&value)) {
      return ProtocolError("invalid startup packet layout: expected terminator as last byte");
    }
    p.parameters.emplace_back(std::string(name), std::string(value));
  }
  if (!r.AtEnd()) return ProtocolError("invalid startup packet layout: data after terminator");
  return p;
}

absl::StatusOr<SaslInitialResponse> DecodeSaslInitialResponse(std::string_view payload) {
  MessageReader r(payload);
  SaslInitialResponse m;
  int32_t length = 0;
  if (!r.CString(&m.mechanism) || !r.Int32(&length)) return Malformed("SASLInitialResponse");
  if (length >= 0) {
    if (!r.Bytes(static_cast<size_t>(length), &m.data)) return Malformed("SASLInitialResponse");
  } else if (length != -1) {
    return Malformed("SASLInitialResponse");
  }
  if (!r.AtEnd()) return Malformed("SASLInitialResponse");
  return m;
}

absl::StatusOr<QueryMessage> DecodeQuery(std::string_view payload) {
  MessageReader r(payload);
  QueryMessage m;
  if (!r.CString(&m.sql) || !r.AtEnd()) return Malformed("Query");
  return m;
}

absl::StatusOr<ParseMessage> DecodeParse(std::string_view payload) {
  MessageReader r(payload);
  ParseMessage m;
  int16_t n = 0;
  if (!r.CString(&m.statement) || !r.CString(&m.sql) || !r.Int16(&n) || n < 0) {
    return Malformed("Parse");
  }
  m.param_types.reserve(n);
  for (int16_t i = 0; i < n; ++i) {
    int32_t oid = 0;
    if (!r.Int32(&oid)) return Malformed("Parse");
    m.param_types.push_back(static_cast<uint32_t>(oid));
  }
  if (!r.AtEnd()) return Malformed("Parse");
  return m;
}

absl::StatusOr<BindMessage> DecodeBind(std::string_view payload) {
  MessageReader r(payload);
  BindMessage m;
  int16_t n = 0;
  if (!r.CString(&m.portal) || !r.CString(&m.statement) || !r.Int16(&n) || n < 0) {
    return Malformed("Bind");
  }
  m.param_formats.resize(n);
  for (int16_t i = 0; i < n; ++i) {
    if (!r.Int16(&m.param_formats[i])) return Malformed("Bind");
  }
  if (!r.Int16(&n) || n < 0) return Malformed("Bind");
  m.params.reserve(n);
  for (int16_t i = 0; i < n; ++i) {
    int32_t length = 0;
    if (!r.Int32(&length) || length < -1) return Malformed("Bind");
    if (length == -1) {
      m.params.emplace_back(std::nullopt);
      continue;
    }
    std::string_view value;
    if (!r.Bytes(static_cast<size_t>(length), &value)) return Malformed("Bind");
    m.params.emplace_back(value);
  }
  if (!r.Int16(&n) || n < 0) return Malformed("Bind");
  m.result_formats.resize(n);
  for (int16_t i = 0; i < n; ++i) {
    if (!r.Int16(&m.result_formats[i])) return Malformed("Bind");
  }
  if (!r.AtEnd()) return Malformed("Bind");
  return m;
}

namespace {

absl::StatusOr<DescribeMessage> DecodeTarget(std::string_view payload, std::string_view what) {
  MessageReader r(payload);
  std::string_view kind;
  DescribeMessage m;
  if (!r.Bytes(1, &kind) || !r.CString(&m.name) || !r.AtEnd()) return Malformed(what);
  m.kind = kind[0];
  if (m.kind != 'S' && m.kind != 'P') {
    return ProtocolError(absl::StrCat("invalid ", std::string(what), " message subtype ",
                                      static_cast<int>(static_cast<unsigned char>(m.kind))));
  }
  return m;
}

}  // namespace

absl::StatusOr<DescribeMessage> DecodeDescribe(std::string_view payload) {
  return DecodeTarget(payload, "DESCRIBE");
}

absl::StatusOr<DescribeMessage> DecodeClose(std::string_view payload) {
  return DecodeTarget(payload, "CLOSE");
}

absl::StatusOr<ExecuteMessage> DecodeExecute(std::string_view payload) {
  MessageReader r(payload);
  ExecuteMessage m;
  if (!r.CString(&m.portal) || !r.Int32(&m.max_rows) || !r.AtEnd()) return Malformed("Execute");
  if (m.max_rows < 0) m.max_rows = 0;  // PostgreSQL treats a negative count as "all"
  return m;
}

absl::Status CheckFormats(const std::vector<int16_t>& formats, size_t count) {
  if (formats.size() > 1 && formats.size() != count) {
    return ProtocolError(
        absl::StrCat("bind message has ", formats.size(), " format codes but ", count, " items"));
  }
  for (int16_t f : formats) {
    if (f != 0 && f != 1) return ProtocolError(absl::StrCat("unsupported format code: ", f));
  }
  return absl::OkStatus();
}

}  // namespace strata::server::pgwire
