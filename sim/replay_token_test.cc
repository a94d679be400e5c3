// sim/replay_token_test.cc: the token's text framing (the body's meaning, the
// run configuration, is tested in harness/run_config_test.cc).
#include "sim/replay_token.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

namespace sim {
namespace {

RC_GTEST_PROP(ReplayTokenProperty, RoundTrips, ()) {
  ReplayToken t;
  t.body = *rc::gen::arbitrary<std::string>();
  const std::string text = t.Encode();
  auto back = ReplayToken::Decode(Wrap(text, 76));
  RC_ASSERT(back.ok());
  RC_ASSERT(*back == t);
}

RC_GTEST_PROP(ReplayTokenProperty, AnyChangedCharacterIsRejected, ()) {
  ReplayToken t;
  t.body = *rc::gen::arbitrary<std::string>();
  std::string text = t.Encode();
  const size_t i = *rc::gen::inRange<size_t>(5, text.size());
  const char c = *rc::gen::elementOf(std::string("0123456789abcdefxz"));
  RC_PRE(text[i] != c);
  text[i] = c;
  RC_ASSERT(!ReplayToken::Decode(text).ok());
}

TEST(ReplayTokenTest, ErrorsNameTheProblem) {
  EXPECT_NE(ReplayToken::Decode("hello").status().message().find(
                "does not start with"),
            absl::string_view::npos);
  EXPECT_NE(
      ReplayToken::Decode("dsim3abc").status().message().find("truncated"),
      absl::string_view::npos);
  EXPECT_NE(
      ReplayToken::Decode("dsim3zz000000").status().message().find("not hex"),
      absl::string_view::npos);
  EXPECT_NE(
      ReplayToken::Decode("dsimx00000000").status().message().find("corrupt"),
      absl::string_view::npos);
}

TEST(ReplayTokenTest, AnotherVersionIsAWrongVersionNotACorruptToken) {
  ReplayToken t;
  t.body = "s";
  std::string text = t.Encode();
  ASSERT_EQ(text.substr(0, 5), "dsim3");
  text[4] = '2';  // what dsim printed before the body was a proto message
  const absl::Status s = ReplayToken::Decode(text).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("wrong version"), absl::string_view::npos) << s;
  EXPECT_NE(s.message().find("version 2, this dsim reads version 3"),
            absl::string_view::npos)
      << s;
  EXPECT_EQ(s.message().find("corrupt"), absl::string_view::npos) << s;
}

TEST(ReplayTokenTest, WrapsAt76Columns) {
  std::string s(200, 'a');
  std::string w = Wrap(s, 76);
  EXPECT_EQ(w.find('\n'), 76u);
  EXPECT_EQ(w.size(), 202u);
}

}  // namespace
}  // namespace sim
