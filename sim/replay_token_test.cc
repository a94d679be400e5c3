#include "sim/replay_token.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "sim/run.h"
#include "sim/strategy_pct.h"
#include "sim/strategy_replay.h"

namespace sim {
namespace {

rc::Gen<Decision> GenDecision() {
  return rc::gen::map(
      rc::gen::tuple(rc::gen::arbitrary<bool>(), rc::gen::arbitrary<uint32_t>(),
                     rc::gen::arbitrary<uint64_t>()),
      [](std::tuple<bool, uint32_t, uint64_t> t) {
        auto [choice, value, fp] = t;
        Decision d;
        d.kind = choice ? Decision::Kind::kChoice : Decision::Kind::kTask;
        d.value = value;
        d.fingerprint = choice ? fp : fp & ReplayToken::kFingerprintMask;
        return d;
      });
}

RC_GTEST_PROP(ReplayTokenProperty, RoundTrips, ()) {
  ReplayToken t;
  t.fields = *rc::gen::container<std::map<std::string, std::string>>(
      rc::gen::arbitrary<std::string>(), rc::gen::arbitrary<std::string>());
  t.seed = *rc::gen::arbitrary<uint64_t>();
  t.decisions = *rc::gen::container<std::vector<Decision>>(GenDecision());
  const std::string text = t.Encode();
  auto back = ReplayToken::Decode(Wrap(text, 76));
  RC_ASSERT(back.ok());
  RC_ASSERT(*back == t);
}

RC_GTEST_PROP(ReplayTokenProperty, AnyChangedCharacterIsRejected, ()) {
  ReplayToken t;
  t.fields["strategy"] = "pct";
  t.seed = *rc::gen::arbitrary<uint64_t>();
  t.decisions = *rc::gen::container<std::vector<Decision>>(GenDecision());
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
      ReplayToken::Decode("dsim2abc").status().message().find("truncated"),
      absl::string_view::npos);
  EXPECT_NE(
      ReplayToken::Decode("dsim2zz000000").status().message().find("not hex"),
      absl::string_view::npos);
  EXPECT_NE(
      ReplayToken::Decode("dsimx00000000").status().message().find("corrupt"),
      absl::string_view::npos);
}

TEST(ReplayTokenTest, AnotherVersionIsAWrongVersionNotACorruptToken) {
  ReplayToken t;
  t.fields["scenario"] = "s";
  std::string text = t.Encode();
  ASSERT_EQ(text.substr(0, 5), "dsim2");
  text[4] = '1';  // what dsim printed before scenario files travelled in it
  const absl::Status s = ReplayToken::Decode(text).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("wrong version"), absl::string_view::npos) << s;
  EXPECT_EQ(s.message().find("corrupt"), absl::string_view::npos) << s;
}

TEST(ReplayTokenTest, WrapsAt76Columns) {
  std::string s(200, 'a');
  std::string w = Wrap(s, 76);
  EXPECT_EQ(w.find('\n'), 76u);
  EXPECT_EQ(w.size(), 202u);
}

TEST(ReplayTokenTest, ATokenRebuildsARun) {
  // A pct run over two racing tasks, through a token, replayed with a masked
  // fingerprint.
  sim::Setup program = [](Executor& ex) -> std::shared_ptr<void> {
    for (const char* n : {"a", "b", "c"}) {
      ex.Spawn(n, [](Executor& e) -> Task<void> {
        for (int i = 0; i < 4; ++i) {
          e.Choose(3, Stream::kFault);
          co_await e.Yield();
        }
      }(ex));
    }
    return nullptr;
  };
  ExecutorOptions o;
  o.seed = 77;
  PctStrategy pct;
  RunRecord original = RunOnce(o, pct, program);
  ReplayToken t;
  t.seed = o.seed;
  t.decisions = original.decisions;
  auto back = ReplayToken::Decode(t.Encode());
  ASSERT_TRUE(back.ok()) << back.status();
  ReplayStrategy replay(back->decisions, ReplayToken::kFingerprintMask);
  ExecutorOptions ro;
  ro.seed = back->seed;
  EXPECT_EQ(RunOnce(ro, replay, program).result.trace_hash,
            original.result.trace_hash);
}

}  // namespace
}  // namespace sim
