// tools/replay.cc: `dsim replay TOKEN`: rebuilds a run from its token alone,
// checks that it follows the recording, and shows its trace.
#include <cstdio>
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "dsim/report.pb.h"
#include "properties/scenario_run.h"
#include "sim/strategy_replay.h"
#include "tools/cli.h"
#include "tools/explore.h"
#include "tools/report.h"
#include "tools/run_token.h"

namespace dsim {

int Replay(const std::string& text) {
  OutputFile trace_out;
  if (absl::Status opened = OpenTraceOut(trace_out); !opened.ok())
    return BadInput(opened);
  absl::StatusOr<TokenRun> t = ReadToken(text);
  if (!t.ok()) return BadInput(t.status());
  const SelectedScenario& sc = t->scenario;
  const RunSelection& r = t->run;
  sim::ExecutorOptions o = t->options;
  o.keep_trace = true;
  sim::ReplayStrategy replay(t->decisions, sim::ReplayToken::kFingerprintMask);
  sim::RunRecord rec = sim::RunOnce(
      o, replay, properties::ScenarioProgram(sc.scenario, r.config));
  const bool json = absl::GetFlag(FLAGS_json);
  FILE* out = json ? stderr : stdout;
  std::fprintf(out,
               "dsim replay: scenario=%s client=%s mutation=%s strategy=%s "
               "seed=%llu\n",
               sc.name.c_str(), r.client.c_str(), r.mutation.c_str(),
               r.strategy.c_str(), static_cast<unsigned long long>(o.seed));
  std::fprintf(out, "%s", TraceTail(rec.trace_text, 30).c_str());
  const auto& v = rec.result.violation;
  // A run that ended before the recording did did not follow it either.
  const size_t unused =
      rec.result.outcome == sim::RunOutcome::kDiverged ? 0 : replay.unused();
  const bool diverged =
      rec.result.outcome == sim::RunOutcome::kDiverged || unused > 0;
  const bool violated = !diverged && v.has_value();
  if (violated) {
    std::fprintf(out, "VIOLATION %s: %s\n", v->invariant.c_str(),
                 v->message.c_str());
  }
  std::fprintf(out, "outcome %s, %llu steps, trace hash %016llx\n",
               std::string(sim::RunOutcomeName(rec.result.outcome)).c_str(),
               static_cast<unsigned long long>(rec.result.steps),
               static_cast<unsigned long long>(rec.result.trace_hash));
  WriteTraceOut(trace_out, rec.trace_text, rec.chrome_json, out);
  if (json) {
    report::ReplayReport j;
    j.set_outcome(unused > 0
                      ? std::string("diverged")
                      : std::string(sim::RunOutcomeName(rec.result.outcome)));
    j.set_steps(rec.result.steps);
    j.set_trace_hash(Hex16(rec.result.trace_hash));
    if (v) {
      j.mutable_violation()->set_invariant(v->invariant);
      j.mutable_violation()->set_message(v->message);
    }
    std::printf("%s\n", ReportJson(j).c_str());
  }
  if (diverged) {
    // The recording no longer fits this build: bad input, said on stderr.
    std::fflush(stdout);
    const std::string why =
        unused > 0
            ? absl::StrCat("replay diverged: the run ended (",
                           std::string(sim::RunOutcomeName(rec.result.outcome)),
                           ") with ", unused, " recorded decision(s) unused")
        : v ? v->message
            : "replay diverged";
    return BadInput(
        why.rfind("replay diverged", 0) == 0 ? why : "replay diverged: " + why);
  }
  return violated ? 1 : 0;
}

}  // namespace dsim
