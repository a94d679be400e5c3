// harness/expect_token_replays.h: the check harness_test's files share on a
// token a search reported (test-only).
#ifndef DSIM_HARNESS_EXPECT_TOKEN_REPLAYS_H_
#define DSIM_HARNESS_EXPECT_TOKEN_REPLAYS_H_

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "harness/replay.h"
#include "harness/run_config.h"
#include "harness/summary.h"
#include "sim/replay_token.h"

namespace harness {

// The token alone rebuilds the run: it names `strategy` and `mutation`,
// follows the recording with every decision used, and ends in the same
// violation with the same trace hash. Returns what the replay gave, for
// further checks (empty when the token does not even read).
inline std::optional<ReplayResult> ExpectTokenReplays(
    const FirstViolation& f, const std::string& strategy,
    const std::string& mutation) {
  absl::StatusOr<TokenRun> t = ReadToken(sim::Wrap(f.token));
  EXPECT_TRUE(t.ok()) << t.status();
  if (!t.ok()) return std::nullopt;
  EXPECT_EQ(t->run.strategy, strategy);
  EXPECT_EQ(t->run.mutation, mutation);
  ReplayResult replayed = Replay(*t);
  EXPECT_FALSE(replayed.diverged) << replayed.why;
  EXPECT_EQ(replayed.unused, 0u);
  EXPECT_TRUE(replayed.violated);
  EXPECT_TRUE(replayed.record.result.violation.has_value());
  if (replayed.record.result.violation.has_value()) {
    EXPECT_EQ(replayed.record.result.violation->invariant, f.invariant);
    EXPECT_EQ(replayed.record.result.violation->message, f.message);
  }
  EXPECT_EQ(replayed.record.result.trace_hash, f.trace_hash);
  return replayed;
}

}  // namespace harness

#endif  // DSIM_HARNESS_EXPECT_TOKEN_REPLAYS_H_
