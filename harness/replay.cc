// harness/replay.cc: a token's run, made again.
#include "harness/replay.h"

#include "absl/strings/str_cat.h"
#include "sim/replay_token.h"
#include "sim/strategy_replay.h"

namespace harness {

ReplayResult Replay(const TokenRun& t) {
  sim::ExecutorOptions o = t.options;
  o.keep_trace = true;
  sim::ReplayStrategy replay(t.decisions, sim::ReplayToken::kFingerprintMask);
  ReplayResult r;
  r.record = sim::RunOnce(
      o, replay,
      properties::ScenarioProgram(t.scenario.scenario, t.run.config));
  const sim::RunResult& result = r.record.result;
  const auto& v = result.violation;
  // A run that ended before the recording did did not follow it either.
  r.unused = result.outcome == sim::RunOutcome::kDiverged ? 0 : replay.unused();
  r.diverged = result.outcome == sim::RunOutcome::kDiverged || r.unused > 0;
  r.violated = !r.diverged && v.has_value();
  if (r.diverged) {
    const std::string why =
        r.unused > 0
            ? absl::StrCat("replay diverged: the run ended (",
                           std::string(sim::RunOutcomeName(result.outcome)),
                           ") with ", r.unused, " recorded decision(s) unused")
        : v ? v->message
            : "replay diverged";
    r.why =
        why.rfind("replay diverged", 0) == 0 ? why : "replay diverged: " + why;
  }
  return r;
}

}  // namespace harness
