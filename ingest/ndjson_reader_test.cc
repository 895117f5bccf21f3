// NdjsonReader over plain and .zst files: line splitting (CRLF, empty lines, missing final
// newline, chunk boundaries), over-long lines skipped in bounded memory (a 100 MB line),
// and corrupt or truncated zstd input reported as DataLoss with an offset.
#include "ingest/ndjson_reader.h"

#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>
#include <zstd.h>

#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "common/temp_dir.h"
#include "gtest/gtest.h"

namespace strata::ingest {
namespace {

class NdjsonReaderTest : public testing::Test {
 protected:
  std::string Write(const std::string& name, const std::string& data) {
    std::string path = dir_.File(name);
    FILE* f = std::fopen(path.c_str(), "wb");
    EXPECT_NE(f, nullptr);
    EXPECT_EQ(std::fwrite(data.data(), 1, data.size(), f), data.size());
    std::fclose(f);
    return path;
  }

  // One zstd frame with a content checksum (as the zstd CLI writes by default).
  static std::string Compress(const std::string& data, int level = 3) {
    ZSTD_CCtx* cctx = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, level);
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
    std::string out(ZSTD_compressBound(data.size()), '\0');
    size_t n = ZSTD_compress2(cctx, out.data(), out.size(), data.data(), data.size());
    EXPECT_FALSE(ZSTD_isError(n));
    ZSTD_freeCCtx(cctx);
    out.resize(n);
    return out;
  }

  struct Line {
    uint64_t number;
    std::string text;
    bool too_long;
    bool operator==(const Line&) const = default;
  };

  static std::vector<Line> ReadAll(NdjsonReader& reader) {
    std::vector<Line> lines;
    NdjsonLine line;
    while (reader.Next(&line)) {
      lines.push_back({line.number, std::string(line.text), line.too_long});
    }
    return lines;
  }

  std::vector<Line> ReadFile(const std::string& path, size_t max_line_bytes = 1 << 20) {
    auto reader = NdjsonReader::Open(path, max_line_bytes);
    EXPECT_TRUE(reader.ok()) << reader.status();
    if (!reader.ok()) return {};
    std::vector<Line> lines = ReadAll(**reader);
    EXPECT_TRUE((*reader)->status().ok()) << (*reader)->status();
    return lines;
  }

  TempDir dir_;
};

TEST_F(NdjsonReaderTest, SplitsLinesAndCountsEmptyOnes) {
  std::string path = Write("a.ndjson", "{\"a\":1}\nbb\n\nccc\n");
  std::vector<Line> want = {
      {1, "{\"a\":1}", false}, {2, "bb", false}, {3, "", false}, {4, "ccc", false}};
  EXPECT_EQ(ReadFile(path), want);
}

TEST_F(NdjsonReaderTest, CrLfAndMissingFinalNewline) {
  std::string path = Write("crlf.ndjson", "one\r\ntwo\r\n\r\nthree\rx\nlast");
  std::vector<Line> want = {{1, "one", false},
                            {2, "two", false},
                            {3, "", false},
                            {4, "three\rx", false},
                            {5, "last", false}};
  EXPECT_EQ(ReadFile(path), want);
}

TEST_F(NdjsonReaderTest, FinalCrWithoutNewlineIsStripped) {
  EXPECT_EQ(ReadFile(Write("cr.ndjson", "a\nb\r")),
            (std::vector<Line>{{1, "a", false}, {2, "b", false}}));
}

TEST_F(NdjsonReaderTest, EmptyFile) {
  auto reader = NdjsonReader::Open(Write("empty.ndjson", ""));
  ASSERT_TRUE(reader.ok());
  NdjsonLine line;
  EXPECT_FALSE((*reader)->Next(&line));
  EXPECT_TRUE((*reader)->status().ok());
  EXPECT_EQ((*reader)->bytes_read(), 0u);
}

TEST_F(NdjsonReaderTest, OnlyNewlines) {
  EXPECT_EQ(ReadFile(Write("nl.ndjson", "\n\n")),
            (std::vector<Line>{{1, "", false}, {2, "", false}}));
}

TEST_F(NdjsonReaderTest, MissingFileIsNotFound) {
  auto reader = NdjsonReader::Open(dir_.File("nope.ndjson"));
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(reader.status().message().find("nope.ndjson"), absl::string_view::npos);
}

// Lines of random length across many 1 MiB chunk boundaries, plain and compressed.
std::string RandomLines(size_t count, std::vector<std::string>* lines) {
  std::mt19937_64 rng(1);
  std::string data;
  for (size_t i = 0; i < count; ++i) {
    std::string line(rng() % 700, 'a' + static_cast<char>(i % 26));
    lines->push_back(line);
    data += line;
    data += i % 3 == 0 ? "\r\n" : "\n";
  }
  return data;
}

TEST_F(NdjsonReaderTest, ManyLinesAcrossChunks) {
  std::vector<std::string> lines;
  std::string data = RandomLines(20000, &lines);  // ~7 MB
  for (const std::string& path :
       {Write("big.ndjson", data), Write("big.ndjson.zst", Compress(data))}) {
    auto reader = NdjsonReader::Open(path, 1000);
    ASSERT_TRUE(reader.ok());
    NdjsonLine line;
    for (size_t i = 0; i < lines.size(); ++i) {
      ASSERT_TRUE((*reader)->Next(&line)) << path << " line " << i + 1;
      ASSERT_EQ(line.number, i + 1);
      ASSERT_FALSE(line.too_long);
      ASSERT_EQ(line.text, lines[i]) << path << " line " << i + 1;
    }
    EXPECT_FALSE((*reader)->Next(&line));
    EXPECT_TRUE((*reader)->status().ok());
    EXPECT_EQ((*reader)->bytes_read(), data.size());
  }
}

TEST_F(NdjsonReaderTest, ZstdConcatenatedFrames) {
  std::string path =
      Write("multi.ndjson.zst", Compress("a\nb") + Compress("c\nd\n") + Compress(""));
  std::vector<Line> want = {{1, "a", false}, {2, "bc", false}, {3, "d", false}};
  EXPECT_EQ(ReadFile(path), want);
}

TEST_F(NdjsonReaderTest, TooLongLineInTheMiddle) {
  std::string data = "short\n" + std::string(100, 'x') + "\n" + "0123456789\n" + "0123456789\r\n" +
                     "0123456789a\n" + "ok";
  for (const std::string& path :
       {Write("long.ndjson", data), Write("long.ndjson.zst", Compress(data))}) {
    std::vector<Line> want = {{1, "short", false},      {2, "", true}, {3, "0123456789", false},
                              {4, "0123456789", false}, {5, "", true}, {6, "ok", false}};
    EXPECT_EQ(ReadFile(path, 10), want) << path;
  }
}

TEST_F(NdjsonReaderTest, TooLongFinalLineWithoutNewline) {
  std::string path = Write("tail.ndjson", "a\n" + std::string(5000, 'y'));
  EXPECT_EQ(ReadFile(path, 100), (std::vector<Line>{{1, "a", false}, {2, "", true}}));
}

long MaxRssKb() {
  rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

// Streams "first\n", a 100 MB line, "\nlast\n" through zstd without holding it in memory.
std::string CompressHugeLine(size_t line_bytes) {
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  std::string out;
  std::string block(1 << 20, 'x');
  std::string buf(ZSTD_CStreamOutSize(), '\0');
  auto feed = [&](std::string_view in, ZSTD_EndDirective mode) {
    ZSTD_inBuffer input{in.data(), in.size(), 0};
    size_t remaining;
    do {
      ZSTD_outBuffer output{buf.data(), buf.size(), 0};
      remaining = ZSTD_compressStream2(cctx, &output, &input, mode);
      EXPECT_FALSE(ZSTD_isError(remaining));
      out.append(buf.data(), output.pos);
    } while (mode == ZSTD_e_end ? remaining != 0 : input.pos < input.size);
  };
  feed("first\n", ZSTD_e_continue);
  for (size_t done = 0; done < line_bytes; done += block.size()) {
    feed(std::string_view(block).substr(0, std::min(block.size(), line_bytes - done)),
         ZSTD_e_continue);
  }
  feed("\nlast\n", ZSTD_e_end);
  ZSTD_freeCCtx(cctx);
  return out;
}

TEST_F(NdjsonReaderTest, HundredMegabyteLineStaysInBoundedMemory) {
  constexpr size_t kLine = 100 << 20;
  std::string plain = dir_.File("huge.ndjson");
  {
    FILE* f = std::fopen(plain.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    std::string block(1 << 20, 'x');
    std::fputs("first\n", f);
    for (size_t i = 0; i < kLine / block.size(); ++i) std::fwrite(block.data(), 1, block.size(), f);
    std::fputs("\nlast\n", f);
    std::fclose(f);
  }
  std::string zst = Write("huge.ndjson.zst", CompressHugeLine(kLine));
  const std::vector<Line> want = {{1, "first", false}, {2, "", true}, {3, "last", false}};
  for (const std::string& path : {plain, zst}) {
    long before = MaxRssKb();
    auto reader = NdjsonReader::Open(path);  // max_line_bytes = 1 MiB
    ASSERT_TRUE(reader.ok());
    EXPECT_EQ(ReadAll(**reader), want) << path;
    EXPECT_TRUE((*reader)->status().ok());
    EXPECT_EQ((*reader)->bytes_read(), kLine + 12);
    // The reader's buffer is ~2 MiB; anything near 100 MB means the line was buffered.
    EXPECT_LT(MaxRssKb() - before, 24 * 1024) << path;
  }
}

TEST_F(NdjsonReaderTest, CorruptZstdIsDataLossWithOffset) {
  std::string path = Write("bad.ndjson.zst", "this is not zstd at all\n");
  auto reader = NdjsonReader::Open(path);
  ASSERT_TRUE(reader.ok());
  NdjsonLine line;
  EXPECT_FALSE((*reader)->Next(&line));
  absl::Status status = (*reader)->status();
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss) << status;
  EXPECT_NE(status.message().find("bad.ndjson.zst"), absl::string_view::npos) << status;
  EXPECT_NE(status.message().find("at byte offset "), absl::string_view::npos) << status;
}

TEST_F(NdjsonReaderTest, CorruptionInTheMiddleKeepsEarlierLines) {
  std::vector<std::string> lines;
  std::string data = RandomLines(5000, &lines);
  std::string good = Compress(data, 1);
  std::string bad = good;
  for (size_t i = bad.size() / 2; i < bad.size() / 2 + 64; ++i) bad[i] = static_cast<char>(~bad[i]);
  auto reader = NdjsonReader::Open(Write("mid.ndjson.zst", bad));
  ASSERT_TRUE(reader.ok());
  std::vector<Line> got = ReadAll(**reader);
  absl::Status status = (*reader)->status();
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss) << status;
  ASSERT_LT(got.size(), lines.size());
  // Lines before the damage are intact (zstd's checksum catches damage only at frame end,
  // so only lines already returned before the error are compared, all but the last).
  for (size_t i = 0; i + 1 < got.size(); ++i) ASSERT_EQ(got[i].number, i + 1);
}

TEST_F(NdjsonReaderTest, TruncatedZstdIsDataLoss) {
  std::string data = "line one\nline two\nline three\n";
  std::string z = Compress(data);
  auto reader = NdjsonReader::Open(Write("cut.ndjson.zst", z.substr(0, z.size() - 4)));
  ASSERT_TRUE(reader.ok());
  ReadAll(**reader);
  absl::Status status = (*reader)->status();
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss) << status;
  EXPECT_NE(status.message().find("truncated zstd stream"), absl::string_view::npos) << status;
}

}  // namespace
}  // namespace strata::ingest
