#include "fake_containerd/program.h"

#include <gtest/gtest.h>

#include "fake_containerd/identifiers.h"

namespace fake_containerd {
namespace {

TEST(ProgramTest, ParsesCommandLines) {
  absl::StatusOr<Program> p = ProgramFromArgs({"/bin/exit", "3", "5ms"});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->kind, Program::Kind::kExit);
  EXPECT_EQ(p->exit_code, 3u);
  EXPECT_EQ(p->delay, 5 * sim::kMillisecond);
  EXPECT_EQ(ProgramFromArgs({"sleep", "inf"})->kind,
            Program::Kind::kIgnoreSigterm);
  EXPECT_EQ(ProgramFromArgs({"run"})->kind, Program::Kind::kRunUntilSignalled);
  EXPECT_EQ(ProgramFromArgs({"cat", "4"})->exit_code, 4u);
  EXPECT_EQ(ProgramFromArgs({"oom", "2s"})->delay, 2 * sim::kSecond);
  absl::StatusOr<Program> echo = ProgramFromArgs({"/bin/echo", "hi", "there"});
  EXPECT_EQ(echo->kind, Program::Kind::kEcho);
  EXPECT_EQ(echo->output, "hi there\n");
  EXPECT_EQ(echo->exit_code, 0u);
  EXPECT_EQ(ProgramFromArgs({"echo"})->output, "\n");
  absl::StatusOr<Program> missing = ProgramFromArgs({"/no/such"});
  EXPECT_EQ(missing->kind, Program::Kind::kMissingBinary);
  EXPECT_EQ(missing->binary, "/no/such");
  EXPECT_FALSE(ProgramFromArgs({"exit", "x"}).ok());
}

TEST(ProgramTest, ReadsArgsFromSpecJson) {
  const std::string spec =
      R"({"ociVersion":"1.0.2","process":{"terminal":false,"args":["exit", "7","1s"],)"
      R"("cwd":"/"},"root":{"path":"rootfs"}})";
  EXPECT_EQ(ArgsFromSpecJson(spec),
            (std::vector<std::string>{"exit", "7", "1s"}));
  absl::StatusOr<Program> p = ProgramFromSpecJson(spec);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->exit_code, 7u);
  EXPECT_EQ(p->delay, sim::kSecond);
  EXPECT_EQ(ArgsFromSpecJson(R"({"args":["a\"b"]})"),
            (std::vector<std::string>{"a\"b"}));
  EXPECT_EQ(ProgramFromSpecJson("{}")->kind, Program::Kind::kMissingBinary);
}

TEST(IdentifiersTest, FollowsContainerdRule) {
  EXPECT_TRUE(IsValidIdentifier("a"));
  EXPECT_TRUE(IsValidIdentifier("c1.exec-2_x"));
  EXPECT_FALSE(IsValidIdentifier(""));
  EXPECT_FALSE(IsValidIdentifier("-a"));
  EXPECT_FALSE(IsValidIdentifier("a-"));
  EXPECT_FALSE(IsValidIdentifier("a..b"));
  EXPECT_FALSE(IsValidIdentifier("bad id!"));
  EXPECT_TRUE(IsValidIdentifier(std::string(76, 'a')));
  EXPECT_FALSE(IsValidIdentifier(std::string(77, 'a')));
  EXPECT_EQ(ValidateIdentifier("bad id!").message(),
            "identifier \"bad id!\" must match "
            "^[A-Za-z0-9]+(?:[._-](?:[A-Za-z0-9]+))*$: "
            "invalid argument");
  EXPECT_EQ(ValidateIdentifier("").message(),
            "identifier must not be empty: invalid argument");
  EXPECT_EQ(ValidateIdentifier(std::string(77, 'a')).code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace fake_containerd
