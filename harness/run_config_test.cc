// harness/run_config_test.cc: the run configuration in a replay token, written
// and read back (harness/run_config.h), and its errors.
#include "harness/run_config.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "dsim/run_config.pb.h"
#include "properties/builtin_scenarios.h"
#include "properties/scenario.h"
#include "sim/replay_token.h"

namespace harness {
namespace {

rc::Gen<sim::Decision> GenDecision() {
  return rc::gen::map(
      rc::gen::tuple(rc::gen::arbitrary<bool>(), rc::gen::arbitrary<uint32_t>(),
                     rc::gen::arbitrary<uint64_t>()),
      [](std::tuple<bool, uint32_t, uint64_t> t) {
        auto [choice, value, fp] = t;
        sim::Decision d;
        d.kind =
            choice ? sim::Decision::Kind::kChoice : sim::Decision::Kind::kTask;
        d.value = value;
        d.fingerprint = fp;
        return d;
      });
}

SelectedScenario Builtin() {
  absl::StatusOr<SelectedScenario> sc = SelectBuiltin("exec-attached-cancel");
  EXPECT_TRUE(sc.ok()) << sc.status();
  return *sc;
}

RC_GTEST_PROP(RunConfigProperty, ATokenReadsBackAsWritten, ()) {
  static const SelectedScenario sc = Builtin();
  absl::StatusOr<RunSelection> r =
      SelectRunByName(*rc::gen::element<std::string>("objects", "legacy"),
                      *rc::gen::element<std::string>(
                          "none", "exec-exit-clears-running-before-delete"));
  RC_ASSERT(r.ok());
  r->strategy = *rc::gen::element<std::string>("pct", "random", "dfs", "dpor");
  sim::ExecutorOptions o;
  o.seed = *rc::gen::arbitrary<uint64_t>();
  const int timers = *rc::gen::inRange(0, 3);
  o.jitter = timers == 1;
  o.fire_timers_early = timers == 2;
  if (timers != 0) o.early_timer_window = *rc::gen::inRange<int64_t>(0, 1e12);
  const auto decisions =
      *rc::gen::container<std::vector<sim::Decision>>(GenDecision());
  absl::StatusOr<TokenRun> t =
      ReadToken(sim::Wrap(MakeToken(sc, *r, o, decisions)));
  RC_ASSERT(t.ok());
  RC_ASSERT(t->scenario.name == sc.name);
  RC_ASSERT(t->scenario.hash == sc.hash);
  RC_ASSERT(t->scenario.path.empty());
  RC_ASSERT(t->run.client == r->client);
  RC_ASSERT(t->run.mutation == r->mutation);
  RC_ASSERT(t->run.config.design == r->config.design);
  RC_ASSERT(t->run.config.mutation == r->config.mutation);
  RC_ASSERT(t->run.strategy == r->strategy);
  RC_ASSERT(t->options.seed == o.seed);
  RC_ASSERT(t->options.jitter == o.jitter);
  RC_ASSERT(t->options.fire_timers_early == o.fire_timers_early);
  if (timers != 0)
    RC_ASSERT(t->options.early_timer_window == o.early_timer_window);
  RC_ASSERT(t->decisions.size() == decisions.size());
  for (size_t i = 0; i < decisions.size(); ++i) {
    const sim::Decision& d = decisions[i];
    const bool task = d.kind == sim::Decision::Kind::kTask;
    RC_ASSERT(t->decisions[i].kind == d.kind);
    RC_ASSERT(t->decisions[i].value == d.value);
    // A task choice's fingerprint keeps its low 16 bits.
    RC_ASSERT(t->decisions[i].fingerprint ==
              (task ? d.fingerprint & sim::ReplayToken::kFingerprintMask
                    : d.fingerprint));
  }
}

TEST(RunConfigTest, AScenarioFileTravelsInTheToken) {
  SelectedScenario sc = Builtin();
  sc.path = "/nonexistent/mine.textproto";
  sc.text = "# my copy\n" + std::string(properties::BuiltinScenarios()[0].text);
  sc.scenario = *properties::ParseScenario(sc.text, sc.path);
  sc.name = "mine";
  sc.hash = properties::ScenarioContentHash(sc.scenario);
  absl::StatusOr<RunSelection> r = SelectRunByName("legacy", "none");
  ASSERT_TRUE(r.ok());
  absl::StatusOr<TokenRun> t = ReadToken(MakeToken(sc, *r, {}, {}));
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->scenario.path, sc.path);
  EXPECT_EQ(t->scenario.text, sc.text);
  EXPECT_EQ(t->scenario.hash, sc.hash);
}

std::string TokenOf(const dsim::run::RunConfig& c) {
  sim::ReplayToken t;
  c.SerializeToString(&t.body);
  return t.Encode();
}

dsim::run::RunConfig Valid() {
  const SelectedScenario sc = Builtin();
  dsim::run::RunConfig c;
  c.mutable_scenario()->set_name(sc.name);
  c.mutable_scenario()->set_content_hash(sc.hash);
  c.set_client("objects");
  c.set_mutation("none");
  return c;
}

std::string ErrorOf(const std::string& text) {
  absl::StatusOr<TokenRun> t = ReadToken(text);
  EXPECT_FALSE(t.ok());
  return std::string(t.status().message());
}

TEST(RunConfigTest, ErrorsNameTheProblemOnOneLine) {
  EXPECT_TRUE(ReadToken(TokenOf(Valid())).ok());
  // A version-2 token (string keys), as dsim printed it before.
  const absl::Status old =
      ReadToken("dsim20606636c69656e74076f626a65637473").status();
  EXPECT_EQ(old.code(), absl::StatusCode::kFailedPrecondition) << old;
  EXPECT_EQ(old.message(),
            "wrong version of replay token: version 2, this dsim reads "
            "version 3 (replay it with the dsim that printed it)");
  EXPECT_EQ(ErrorOf(sim::ReplayToken{"\xff\xff"}.Encode()),
            "corrupt replay token: its body is not a run configuration");
  dsim::run::RunConfig c = Valid();
  c.set_client("bad\nclient");
  EXPECT_EQ(ErrorOf(TokenOf(c)),
            "replay token has an unknown client 'bad\\nclient'");
  c = Valid();
  c.set_mutation("no-such-bug");
  EXPECT_EQ(ErrorOf(TokenOf(c)),
            "replay token has an unknown mutation 'no-such-bug'");
  c = Valid();
  c.add_decisions(2);
  EXPECT_EQ(
      ErrorOf(TokenOf(c)),
      "corrupt replay token: decisions and fingerprints differ in number");
  c = Valid();
  c.mutable_scenario()->set_content_hash("0123");
  EXPECT_NE(ErrorOf(TokenOf(c)).find("(the scenario changed)"),
            std::string::npos);
  c = Valid();
  c.mutable_scenario()->clear_name();
  EXPECT_EQ(ErrorOf(TokenOf(c)), "replay token names no scenario");
  c = Valid();
  c.mutable_scenario()->set_path("x.textproto");
  c.mutable_scenario()->set_content_zlib("not zlib");
  c.mutable_scenario()->set_content_size(10);
  EXPECT_EQ(ErrorOf(TokenOf(c)),
            "corrupt replay token: the scenario's content does not inflate");
  c.mutable_scenario()->set_content_size(uint64_t{1} << 40);
  EXPECT_EQ(ErrorOf(TokenOf(c)),
            "corrupt replay token: bad scenario size '1099511627776'");
}

}  // namespace
}  // namespace harness
