#include "server/args.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace strata::server {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(ArgParserTest, RepeatableFlagsAndShortNames) {
  std::string command, dir;
  std::vector<std::string> merchants;
  bool timing = false;
  ArgParser parser("strata x", "summary");
  parser.AddString("command", &command, "statements");
  parser.AddShortName('c', "command");
  parser.AddString("data-dir", &dir, "dir");
  parser.AddStringList("merchant", &merchants, "scope");
  parser.AddBool("timing", &timing, "time");
  ASSERT_TRUE(parser
                  .Parse({"-c", "SELECT 1; SELECT 2", "--merchant", "m1", "--merchant=m2",
                          "--timing", "--data-dir", "d", "-5"})
                  .ok());
  EXPECT_EQ(command, "SELECT 1; SELECT 2");
  EXPECT_THAT(merchants, ElementsAre("m1", "m2"));
  EXPECT_TRUE(timing);
  EXPECT_EQ(dir, "d");
  EXPECT_THAT(parser.positional(), ElementsAre("-5"));  // not a letter: positional

  std::string usage = parser.Usage();
  EXPECT_THAT(usage, HasSubstr("  -c, --command VALUE"));
  EXPECT_THAT(usage, HasSubstr("--merchant VALUE"));
  EXPECT_THAT(usage, HasSubstr("scope (repeatable)"));

  ArgParser strict("strata x", "summary");
  strict.AddString("command", &command, "statements");
  absl::Status unknown = strict.Parse({"-x", "1"});
  EXPECT_EQ(unknown.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(unknown.message(), HasSubstr("unknown flag -x"));
  EXPECT_FALSE(strict.Parse({"-c", "1"}).ok());  // no short name declared
}

}  // namespace
}  // namespace strata::server
