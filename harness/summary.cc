// harness/summary.cc: tallying runs, and the first violation made replayable.
#include "harness/summary.h"

#include "sim/prng.h"
#include "sim/replay_token.h"
#include "sim/run.h"
#include "sim/shrink.h"
#include "sim/strategy_replay.h"

namespace harness {

uint64_t RunHashTerm(uint64_t run_index, uint64_t trace_hash) {
  return sim::Mix64(sim::Mix64(run_index) ^ trace_hash);
}

void Record(Summary& s, const sim::RunRecord& rec, uint64_t run, size_t k,
            double seconds) {
  ++s.runs;
  s.steps += rec.result.steps;
  s.hash += RunHashTerm(run, rec.result.trace_hash);
  if (s.per_scenario.size() <= k) s.per_scenario.resize(k + 1);
  ScenarioStats& st = s.per_scenario[k];
  ++st.runs;
  st.steps += rec.result.steps;
  st.seconds += seconds;
}

bool Violated(const sim::RunRecord& rec) {
  return rec.result.outcome != sim::RunOutcome::kCompleted &&
         rec.result.outcome != sim::RunOutcome::kPruned;
}

sim::RunRecord Rerun(const sim::Setup& program, sim::ExecutorOptions o,
                     const std::vector<sim::Decision>& decisions) {
  o.keep_trace = true;
  sim::ReplayStrategy replay(decisions, sim::ReplayToken::kFingerprintMask);
  return sim::RunOnce(o, replay, program);
}

FirstViolation MakeFirstViolation(const SelectedScenario& sc, size_t k,
                                  const RunSelection& r,
                                  const sim::Setup& program,
                                  const sim::RunRecord& rec, uint64_t run,
                                  const sim::ExecutorOptions& options,
                                  double seconds) {
  FirstViolation f;
  f.invariant = rec.result.violation
                    ? rec.result.violation->invariant
                    : std::string(sim::RunOutcomeName(rec.result.outcome));
  f.message = rec.result.violation ? rec.result.violation->message : "";
  f.scenario = sc.name;
  f.scenario_path = sc.path;
  f.scenario_index = k;
  f.run = run;
  f.seed = options.seed;
  f.trace_hash = rec.result.trace_hash;
  f.seconds = seconds;
  // A search may run without decision fingerprints; the token needs them:
  // the shrunk run has them, else they are filled in.
  sim::ExecutorOptions on = options;
  on.fingerprint_decisions = true;
  std::vector<sim::Decision> decisions;
  // Shrink the schedule: the token replays the shrunk run.
  if (rec.result.violation) {
    sim::ShrunkSchedule shrunk = sim::ShrinkSchedule(
        program, on, rec.decisions, rec.result.violation->invariant);
    f.original_preemptions = shrunk.original_preemptions;
    if (shrunk.shrunk) {
      decisions = shrunk.record.decisions;
      f.preemptions = shrunk.preemptions;
      f.message = shrunk.record.result.violation->message;
      f.trace_hash = shrunk.record.result.trace_hash;
      f.shrunk = true;
    }
  }
  if (!f.shrunk)
    decisions = sim::FillFingerprints(options, program, rec.decisions);
  f.token = MakeToken(sc, r, on, decisions);
  sim::RunRecord again = Rerun(program, on, decisions);
  f.trace_text = std::move(again.trace_text);
  f.chrome_json = std::move(again.chrome_json);
  return f;
}

void NoteViolation(Summary& s, const SelectedScenario& sc, size_t k,
                   const RunSelection& r, const sim::Setup& program,
                   const sim::RunRecord& rec, uint64_t run,
                   const sim::ExecutorOptions& options, double seconds) {
  ++s.violations;
  s.first = MakeFirstViolation(sc, k, r, program, rec, run, options, seconds);
}

}  // namespace harness
