// Framing and message codecs: every frontend message a test writes with MessageWriter
// decodes back to the same fields; malformed bytes are 08P01, never a crash.
#include "server/pgwire/pg_message.h"

#include <string>

#include "gtest/gtest.h"
#include "query/error.h"

namespace strata::server::pgwire {
namespace {

using namespace std::string_view_literals;

std::string Message(char type, void (*fill)(MessageWriter&)) {
  std::string out;
  MessageWriter w(&out);
  w.Begin(type);
  fill(w);
  w.End();
  return out;
}

TEST(PgMessage, BigEndianRoundTrip) {
  char b[8];
  PutInt16(b, -2);
  EXPECT_EQ(GetInt16(b), -2);
  PutInt32(b, 0x12345678);
  EXPECT_EQ(static_cast<unsigned char>(b[0]), 0x12);
  EXPECT_EQ(GetInt32(b), 0x12345678);
  PutInt64(b, -1234567890123456789);
  EXPECT_EQ(GetInt64(b), -1234567890123456789);
}

TEST(PgMessage, FrameSplitsMessagesAndWaitsForMore) {
  std::string buf = Message('Q', [](MessageWriter& w) { w.CString("SELECT 1"); });
  const size_t first = buf.size();
  buf += Message('S', [](MessageWriter&) {});
  auto f = NextFrame(buf, false);
  ASSERT_TRUE(f.ok());
  ASSERT_TRUE(f->has_value());
  EXPECT_EQ((*f)->type, 'Q');
  EXPECT_EQ((*f)->size, first);
  EXPECT_EQ((*f)->payload, std::string_view("SELECT 1\0", 9));
  auto g = NextFrame(std::string_view(buf).substr(first), false);
  ASSERT_TRUE(g.ok() && g->has_value());
  EXPECT_EQ((*g)->type, 'S');
  EXPECT_TRUE((*g)->payload.empty());
  // Every proper prefix is incomplete, not an error.
  for (size_t n = 0; n < first; ++n) {
    auto p = NextFrame(std::string_view(buf).substr(0, n), false);
    ASSERT_TRUE(p.ok()) << n;
    EXPECT_FALSE(p->has_value()) << n;
  }
}

TEST(PgMessage, BadLengthsAreProtocolViolations) {
  std::string bad = "Q";
  bad.append("\0\0\0\3", 4);  // below 4
  auto f = NextFrame(bad, false);
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(query::SqlStateOf(f.status()), "08P01");
  std::string huge = "Q";
  huge.append("\x40\0\0\0", 4);  // 1 GiB
  EXPECT_EQ(query::SqlStateOf(NextFrame(huge, false).status()), "08P01");
  std::string negative = "Q\xff\xff\xff\xff";
  EXPECT_EQ(query::SqlStateOf(NextFrame(negative, false).status()), "08P01");
  std::string startup("\0\0\x27\x11", 4);  // 10001 bytes > the startup limit
  EXPECT_EQ(query::SqlStateOf(NextFrame(startup, true).status()), "08P01");
}

TEST(PgMessage, StartupPacketRoundTrip) {
  std::string out;
  MessageWriter w(&out);
  w.Begin(0);
  w.Int32(kProtocolVersion3);
  w.CString("user");
  w.CString("m1");
  w.CString("database");
  w.CString("strata");
  w.Byte(0);
  w.End();
  auto f = NextFrame(out, true);
  ASSERT_TRUE(f.ok() && f->has_value());
  auto p = DecodeStartupPacket((*f)->payload);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->code, kProtocolVersion3);
  ASSERT_EQ(p->parameters.size(), 2u);
  EXPECT_EQ(p->parameters[0], (std::pair<std::string, std::string>{"user", "m1"}));
  EXPECT_EQ(p->parameters[1], (std::pair<std::string, std::string>{"database", "strata"}));

  // Missing terminator, and trailing junk.
  std::string payload = std::string((*f)->payload);
  EXPECT_FALSE(DecodeStartupPacket(payload.substr(0, payload.size() - 1)).ok());
  EXPECT_FALSE(DecodeStartupPacket(payload + "x").ok());
}

TEST(PgMessage, CancelAndSslRequests) {
  std::string payload(12, '\0');
  PutInt32(payload.data(), kCancelRequestCode);
  PutInt32(payload.data() + 4, 10001);
  PutInt32(payload.data() + 8, -5);
  auto p = DecodeStartupPacket(payload);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->cancel_pid, 10001);
  EXPECT_EQ(p->cancel_key, -5);
  EXPECT_FALSE(DecodeStartupPacket(payload.substr(0, 8)).ok());
  std::string ssl(4, '\0');
  PutInt32(ssl.data(), kSslRequestCode);
  ASSERT_TRUE(DecodeStartupPacket(ssl).ok());
  EXPECT_EQ(DecodeStartupPacket(ssl)->code, kSslRequestCode);
}

TEST(PgMessage, ParseBindDescribeExecuteRoundTrip) {
  std::string parse = Message('P', [](MessageWriter& w) {
    w.CString("s1");
    w.CString("SELECT $1, $2");
    w.Int16(2);
    w.Int32(20);
    w.Int32(0);
  });
  auto pf = NextFrame(parse, false);
  auto pm = DecodeParse((*pf)->payload);
  ASSERT_TRUE(pm.ok()) << pm.status();
  EXPECT_EQ(pm->statement, "s1");
  EXPECT_EQ(pm->sql, "SELECT $1, $2");
  EXPECT_EQ(pm->param_types, (std::vector<uint32_t>{20, 0}));

  std::string bind = Message('B', [](MessageWriter& w) {
    w.CString("p1");
    w.CString("s1");
    w.Int16(1);
    w.Int16(1);
    w.Int16(3);
    w.Field(std::string("\0\0\0\0\0\0\0\x2a", 8));
    w.NullField();
    w.Field("");
    w.Int16(1);
    w.Int16(1);
  });
  auto bm = DecodeBind((*NextFrame(bind, false))->payload);
  ASSERT_TRUE(bm.ok()) << bm.status();
  EXPECT_EQ(bm->portal, "p1");
  EXPECT_EQ(bm->statement, "s1");
  EXPECT_EQ(bm->param_formats, (std::vector<int16_t>{1}));
  ASSERT_EQ(bm->params.size(), 3u);
  EXPECT_EQ(GetInt64(bm->params[0]->data()), 42);
  EXPECT_FALSE(bm->params[1].has_value());
  EXPECT_EQ(*bm->params[2], "");
  EXPECT_EQ(bm->result_formats, (std::vector<int16_t>{1}));

  // Every truncation of the Bind payload is malformed, never a crash.
  std::string_view payload = (*NextFrame(bind, false))->payload;
  for (size_t n = 0; n < payload.size(); ++n) {
    auto t = DecodeBind(payload.substr(0, n));
    ASSERT_FALSE(t.ok()) << n;
    EXPECT_EQ(query::SqlStateOf(t.status()), "08P01");
  }

  std::string describe = Message('D', [](MessageWriter& w) {
    w.Byte('P');
    w.CString("p1");
  });
  auto dm = DecodeDescribe((*NextFrame(describe, false))->payload);
  ASSERT_TRUE(dm.ok());
  EXPECT_EQ(dm->kind, 'P');
  EXPECT_EQ(dm->name, "p1");
  std::string bad_kind = Message('D', [](MessageWriter& w) {
    w.Byte('X');
    w.CString("");
  });
  EXPECT_FALSE(DecodeDescribe((*NextFrame(bad_kind, false))->payload).ok());

  std::string execute = Message('E', [](MessageWriter& w) {
    w.CString("");
    w.Int32(10);
  });
  auto em = DecodeExecute((*NextFrame(execute, false))->payload);
  ASSERT_TRUE(em.ok());
  EXPECT_EQ(em->portal, "");
  EXPECT_EQ(em->max_rows, 10);
}

TEST(PgMessage, BindWithNegativeLengthIsMalformed) {
  std::string bind = Message('B', [](MessageWriter& w) {
    w.CString("");
    w.CString("");
    w.Int16(0);
    w.Int16(1);
    w.Int32(-7);
    w.Int16(0);
  });
  EXPECT_FALSE(DecodeBind((*NextFrame(bind, false))->payload).ok());
}

TEST(PgMessage, SaslInitialResponse) {
  std::string m = Message('p', [](MessageWriter& w) {
    w.CString("SCRAM-SHA-256");
    w.Int32(5);
    w.Bytes("n,,n=");
  });
  auto r = DecodeSaslInitialResponse((*NextFrame(m, false))->payload);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->mechanism, "SCRAM-SHA-256");
  EXPECT_EQ(r->data, "n,,n=");
  std::string longer = Message('p', [](MessageWriter& w) {
    w.CString("SCRAM-SHA-256");
    w.Int32(50);
    w.Bytes("n,,n=");
  });
  EXPECT_FALSE(DecodeSaslInitialResponse((*NextFrame(longer, false))->payload).ok());
}

TEST(PgMessage, BackendMessagesHaveTheirLayout) {
  std::string out;
  WriteReadyForQuery(&out, 'T');
  EXPECT_EQ(out, "Z\0\0\0\5T"sv);
  out.clear();
  WriteCommandComplete(&out, "SELECT 3");
  EXPECT_EQ(out, "C\0\0\0\15SELECT 3\0"sv);
  out.clear();
  PgError e;
  e.code = "42601";
  e.message = "syntax error";
  e.position = 8;
  WriteError(&out, e);
  auto f = NextFrame(out, false);
  ASSERT_TRUE(f.ok() && f->has_value());
  EXPECT_EQ((*f)->type, 'E');
  EXPECT_EQ((*f)->payload, "SERROR\0VERROR\0C42601\0Msyntax error\0P8\0\0"sv);
}

TEST(PgMessage, ErrorFromStatusShiftsThePosition) {
  PgError e = ErrorFromStatus(query::SqlError("42703", "column \"x\" does not exist", 8), 10);
  EXPECT_EQ(e.code, "42703");
  EXPECT_EQ(e.position, 18);
  EXPECT_EQ(ErrorFromStatus(absl::DataLossError("bad block")).code, "XX001");
}

TEST(PgMessage, FormatLists) {
  EXPECT_TRUE(CheckFormats({}, 3).ok());
  EXPECT_TRUE(CheckFormats({1}, 3).ok());
  EXPECT_TRUE(CheckFormats({0, 1, 0}, 3).ok());
  EXPECT_FALSE(CheckFormats({0, 1}, 3).ok());
  EXPECT_FALSE(CheckFormats({2}, 1).ok());
  EXPECT_EQ(FormatAt({}, 2), 0);
  EXPECT_EQ(FormatAt({1}, 2), 1);
  EXPECT_EQ(FormatAt({0, 0, 1}, 2), 1);
}

}  // namespace
}  // namespace strata::server::pgwire
