// tools/replay.cc: `dsim replay TOKEN`: rebuilds a run from its token alone
// (harness/replay.h), checks that it follows the recording, and shows its
// trace.
#include "harness/replay.h"

#include <cstdio>
#include <string>

#include "absl/flags/flag.h"
#include "dsim/report.pb.h"
#include "harness/run_config.h"
#include "tools/cli.h"
#include "tools/explore.h"
#include "tools/report.h"

namespace dsim {

int Replay(const std::string& text) {
  OutputFile trace_out;
  if (absl::Status opened = OpenTraceOut(trace_out); !opened.ok())
    return BadInput(opened);
  absl::StatusOr<harness::TokenRun> t = harness::ReadToken(text);
  if (!t.ok()) return BadInput(t.status());
  const SelectedScenario& sc = t->scenario;
  const RunSelection& r = t->run;
  const harness::ReplayResult replayed = harness::Replay(*t);
  const sim::RunRecord& rec = replayed.record;
  const bool json = absl::GetFlag(FLAGS_json);
  FILE* out = json ? stderr : stdout;
  std::fprintf(out,
               "dsim replay: scenario=%s client=%s mutation=%s strategy=%s "
               "seed=%llu\n",
               sc.name.c_str(), r.client.c_str(), r.mutation.c_str(),
               r.strategy.c_str(),
               static_cast<unsigned long long>(t->options.seed));
  std::fprintf(out, "%s", TraceTail(rec.trace_text, 30).c_str());
  const auto& v = rec.result.violation;
  if (replayed.violated) {
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
    j.set_outcome(replayed.unused > 0
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
  if (replayed.diverged) {
    // The recording no longer fits this build: bad input, said on stderr.
    std::fflush(stdout);
    return BadInput(replayed.why);
  }
  return replayed.violated ? 1 : 0;
}

}  // namespace dsim
