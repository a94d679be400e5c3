// tools/explore.cc: `dsim explore` and `dsim check`: their flags and their
// reports (text, JSON, JUnit, annotations) around the library's loops,
// harness/explore.h and harness/check.h.
#include "tools/explore.h"

#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "dsim/report.pb.h"
#include "harness/check.h"
#include "harness/explore.h"
#include "harness/summary.h"
#include "tools/cli.h"
#include "tools/junit.h"
#include "tools/progress.h"
#include "tools/report.h"

namespace dsim {

namespace {

using harness::FirstViolation;
using harness::ScenarioStats;
using harness::Stop;
using harness::Summary;

// The summary fields explore's and check's JSON reports share.
template <typename Report>
void SetSummaryFields(const Summary& s, double t, uint64_t seed,
                      const std::string& strategy, const std::string& client,
                      Report& j) {
  j.set_runs(s.runs);
  j.set_steps(s.steps);
  j.set_violations(static_cast<uint32_t>(s.violations));
  j.set_elapsed_s(Rounded(t, 3));
  j.set_runs_per_s(Rounded(t > 0 ? s.runs / t : 0.0, 1));
  j.set_peak_rss_mb(Rounded(PeakRssMb(), 1));
  j.set_seed(seed);
  j.set_strategy(strategy);
  j.set_client(client);
}

std::vector<std::string> ScenarioNames(
    const std::vector<std::unique_ptr<SelectedScenario>>& scenarios) {
  std::vector<std::string> names;
  for (const auto& sc : scenarios) names.push_back(sc->name);
  return names;
}

void PrintViolation(const FirstViolation& f, FILE* out) {
  std::fprintf(out, "%s", TraceTail(f.trace_text, 30).c_str());
  std::fprintf(out,
               "VIOLATION %s: %s\n  scenario %s, run %llu (seed %llu), after "
               "%.3fs\n",
               f.invariant.c_str(), f.message.c_str(), f.scenario.c_str(),
               static_cast<unsigned long long>(f.run),
               static_cast<unsigned long long>(f.seed), f.seconds);
  if (f.shrunk) {
    std::fprintf(out, "  schedule shrunk to %d preemption(s) (from %d)\n",
                 f.preemptions, f.original_preemptions);
  }
  std::fprintf(out, "replay token:\n%s\nreproduce with: dsim replay %s\n",
               sim::Wrap(f.token).c_str(), f.token.c_str());
}

report::FirstViolation FirstViolationReport(const FirstViolation& f) {
  report::FirstViolation v;
  v.set_invariant(f.invariant);
  v.set_message(f.message);
  v.set_scenario(f.scenario);
  v.set_seed(f.seed);
  v.set_trace_hash(Hex16(f.trace_hash));
  v.set_runs_to_detect(f.run + 1);
  v.set_seconds_to_detect(Rounded(f.seconds, 3));
  v.set_preemptions(f.shrunk ? f.preemptions : f.original_preemptions);
  v.set_token(f.token);
  return v;
}

// The violation as CI systems read it: a GitHub annotation (when
// GITHUB_ACTIONS is set) and the JUnit failure.
void AnnotateFirst(const FirstViolation& f, FILE* out) {
  AnnotateViolation(ScenarioFileForAnnotation(f.scenario, f.scenario_path),
                    f.invariant, f.message, f.token, out);
}

JunitCase::Failure JunitFailure(const FirstViolation& f) {
  JunitCase::Failure failure;
  failure.type = f.invariant;
  failure.message = f.invariant + ": " + f.message;
  failure.text = absl::StrFormat(
      "%s: %s\nscenario %s, run %d (seed %d)\nreplay token: %s\nreproduce "
      "with: dsim replay %s\n\n%s",
      f.invariant, f.message, f.scenario, f.run, f.seed, f.token, f.token,
      TraceTail(f.trace_text, 30));
  return failure;
}

// One testcase per scenario run with `client`: its runs, steps and time; the
// violation's scenario fails; one that got no run (the exploration stopped
// first, or none of its runs was this shard's) is skipped.
std::vector<JunitCase> ScenarioCases(const std::string& command,
                                     const std::string& client,
                                     const std::vector<std::string>& names,
                                     const Summary& s) {
  std::vector<JunitCase> cases;
  for (size_t k = 0; k < names.size(); ++k) {
    JunitCase c;
    c.classname = "dsim." + command + "." + client;
    c.name = names[k];
    const ScenarioStats st =
        k < s.per_scenario.size() ? s.per_scenario[k] : ScenarioStats{};
    c.seconds = st.seconds;
    c.system_out = absl::StrFormat("%d runs, %d steps", st.runs, st.steps);
    if (s.first && s.first->scenario_index == k) {
      c.failure = JunitFailure(*s.first);
    } else if (st.runs == 0) {
      c.skipped = "no run of this scenario was made";
    }
    cases.push_back(std::move(c));
  }
  return cases;
}

const char* StopName(Stop s) {
  switch (s) {
    case Stop::kRuns:
      return "runs";
    case Stop::kTime:
      return "time";
    case Stop::kViolation:
      return "violation";
    case Stop::kExhausted:
      return "exhausted";
  }
  return "";
}

std::string StopText(Stop s, uint64_t max_runs, double max_seconds) {
  switch (s) {
    case Stop::kRuns:
      return absl::StrFormat("all %d runs done (--runs)", max_runs);
    case Stop::kTime:
      return absl::StrFormat("the time limit stopped it (--time %g)",
                             max_seconds);
    case Stop::kViolation:
      return "stopped at the first violation";
    case Stop::kExhausted:
      return "every schedule within the preemption bound explored";
  }
  return "";
}

std::vector<std::string> CheckNames() {
  std::vector<std::string> names;
  for (const properties::Property& p : properties::Properties())
    names.emplace_back(p.name);
  return names;
}

}  // namespace

int Explore() {
  if (absl::Status budget = CheckSearchFlags(); !budget.ok())
    return BadInput(budget);
  absl::StatusOr<RunSelection> r = SelectRun();
  if (!r.ok()) return BadInput(r.status());
  absl::StatusOr<std::vector<std::unique_ptr<SelectedScenario>>> scenarios =
      SelectScenarios();
  if (!scenarios.ok()) return BadInput(scenarios.status());
  const std::vector<std::string> shard =
      absl::StrSplit(absl::GetFlag(FLAGS_shard), '/');
  uint64_t shard_index = 0, shard_count = 1;
  if (shard.size() != 2 || !absl::SimpleAtoi(shard[0], &shard_index) ||
      !absl::SimpleAtoi(shard[1], &shard_count) || shard_count == 0 ||
      shard_index >= shard_count) {
    return BadInput("--shard must be I/N with 0 <= I < N");
  }
  if (shard_count > 1 && (r->strategy == "dfs" || r->strategy == "dpor")) {
    // dfs walks each scenario's schedules in order, one after another: the
    // runs of a shard would not be the one machine's runs with its indices.
    return BadInput("--shard I/N with N > 1 needs --strategy pct or random");
  }
  const std::string progress_flag = absl::GetFlag(FLAGS_progress);
  if (progress_flag != "auto" && progress_flag != "on" &&
      progress_flag != "off") {
    return BadInput("--progress must be auto, on or off");
  }
  OutputFile trace_out, junit;
  if (absl::Status opened = OpenTraceOut(trace_out); !opened.ok())
    return BadInput(opened);
  if (absl::Status opened = OpenJunitXml(junit); !opened.ok())
    return BadInput(opened);
  const bool json = absl::GetFlag(FLAGS_json);
  const uint64_t max_runs = absl::GetFlag(FLAGS_runs);
  const double max_seconds = absl::GetFlag(FLAGS_time);
  const uint64_t seed = absl::GetFlag(FLAGS_seed);
  const bool jitter = absl::GetFlag(FLAGS_jitter);
  Progress progress(progress_flag, max_runs, max_seconds);
  FILE* out = json ? stderr : stdout;
  std::fprintf(out,
               "dsim explore: %zu scenario(s), client=%s mutation=%s "
               "strategy=%s seed=%llu shard=%llu/%llu\n",
               scenarios->size(), r->client.c_str(), r->mutation.c_str(),
               r->strategy.c_str(), static_cast<unsigned long long>(seed),
               static_cast<unsigned long long>(shard_index),
               static_cast<unsigned long long>(shard_count));

  harness::ExploreOptions options{
      .strategy = r->strategy,
      .strategy_options = {.pct_depth = absl::GetFlag(FLAGS_pct_depth),
                           .pct_steps = absl::GetFlag(FLAGS_pct_steps),
                           .preemption_bound =
                               absl::GetFlag(FLAGS_preemption_bound)},
      .max_runs = max_runs,
      .max_seconds = max_seconds,
      .seed = seed,
      .jitter = jitter,
      .shard_index = shard_index,
      .shard_count = shard_count,
      .progress = [&progress](double t, const Summary& s, uint64_t i) {
        progress.Update(t, s.runs, s.violations, i);
      }};
  std::vector<const SelectedScenario*> selected;
  for (const auto& sc : *scenarios) selected.push_back(sc.get());
  const harness::ExploreResult result = harness::Explore(selected, *r, options);
  progress.Clear();
  const Summary& s = result.summary;
  const Stop stop = result.stop;
  const double t = result.seconds;
  if (s.first) {
    PrintViolation(*s.first, out);
    WriteTraceOut(trace_out, s.first->trace_text, s.first->chrome_json, out);
  }
  const std::vector<std::string> checks = CheckNames();
  std::fprintf(out,
               "%llu runs, %llu steps, %llu violations, %.2fs (%.0f runs/s), "
               "hash %016llx (equal on a rerun with the same flags)\n",
               static_cast<unsigned long long>(s.runs),
               static_cast<unsigned long long>(s.steps),
               static_cast<unsigned long long>(s.violations), t,
               t > 0 ? s.runs / t : 0.0,
               static_cast<unsigned long long>(s.hash));
  if (s.pruned > 0) {
    std::fprintf(out,
                 "%llu more executions ended early by %s's sleep sets (an "
                 "equivalent schedule was explored)\n",
                 static_cast<unsigned long long>(s.pruned),
                 r->strategy.c_str());
  }
  std::fprintf(out, "%s; checked on every run: %s\n",
               StopText(stop, max_runs, max_seconds).c_str(),
               absl::StrJoin(checks, ", ").c_str());
  const std::vector<std::string> names = ScenarioNames(*scenarios);
  const std::string shard_text =
      absl::StrFormat("%d/%d", shard_index, shard_count);
  if (s.first) AnnotateFirst(*s.first, out);
  WriteJunitXml(junit, JunitXml("dsim explore", t,
                                {{"seed", std::to_string(seed)},
                                 {"strategy", r->strategy},
                                 {"client", r->client},
                                 {"mutation", r->mutation},
                                 {"shard", shard_text},
                                 {"runs", std::to_string(s.runs)},
                                 {"hash", Hex16(s.hash)},
                                 {"stopped_by", StopName(stop)}},
                                ScenarioCases("explore", r->client, names, s)));
  if (json) {
    report::ExploreReport j;
    SetSummaryFields(s, t, seed, r->strategy, r->client, j);
    j.set_mutation(r->mutation);
    for (const std::string& n : names) j.add_scenarios(n);
    j.set_hash(Hex16(s.hash));
    j.set_stopped_by(StopName(stop));
    j.set_pruned(s.pruned);
    for (const std::string& c : checks) j.add_checks(c);
    if (s.first) *j.mutable_first_violation() = FirstViolationReport(*s.first);
    j.set_shard(shard_text);
    std::printf("%s\n", ReportJson(j).c_str());
  }
  return s.violations > 0 ? 1 : 0;
}

namespace {

using harness::BoundResult;

std::string BoundName(int bound) {
  return bound < 0 ? "unbounded" : "bound " + std::to_string(bound);
}

void PrintBound(const BoundResult& b, FILE* out) {
  if (b.by_dpor) {
    std::fprintf(out,
                 "%s: DPOR explored every class of schedules (%llu; every "
                 "bound covered), %llu pruned, %llu executions, %.2fs\n",
                 BoundName(b.bound).c_str(),
                 static_cast<unsigned long long>(b.schedules),
                 static_cast<unsigned long long>(b.pruned),
                 static_cast<unsigned long long>(b.executions), b.seconds);
    return;
  }
  std::fprintf(out, "%s: %llu schedules", BoundName(b.bound).c_str(),
               static_cast<unsigned long long>(b.schedules));
  if (b.bound >= 0) {
    std::fprintf(out, " (%llu with exactly %d preemption(s))",
                 static_cast<unsigned long long>(b.new_schedules), b.bound);
  }
  std::fprintf(out, ", %llu pruned, %llu executions, %.2fs, %s\n",
               static_cast<unsigned long long>(b.pruned),
               static_cast<unsigned long long>(b.executions), b.seconds,
               b.exhausted ? "exhausted" : "not exhausted");
}

void WriteCheckJson(const harness::CheckResult& c, const SelectedScenario& sc,
                    const RunSelection& r, const harness::CheckOptions& o) {
  report::CheckReport j;
  uint64_t schedules = 0, pruned = 0;
  for (const BoundResult& b : c.bounds) {
    schedules += b.schedules;
    pruned += b.pruned;
    report::CheckBound* jb = j.add_bounds();
    jb->set_bound(b.bound);
    jb->set_schedules(b.schedules);
    jb->set_new_schedules(b.new_schedules);
    jb->set_pruned(b.pruned);
    jb->set_exhausted(b.exhausted);
    jb->set_elapsed_s(Rounded(b.seconds, 3));
    jb->set_executions(b.executions);
    jb->set_by_dpor(b.by_dpor);
  }
  j.set_schedules(schedules);
  j.set_pruned(pruned);
  j.set_bound(o.preemption_bound);
  j.set_exhaustive(c.exhaustive());
  const Summary& s = c.summary;
  SetSummaryFields(s, c.seconds, o.seed, o.dpor ? "dfs+dpor" : "dfs", r.client,
                   j);
  j.set_mutation(r.mutation);
  j.add_scenarios(sc.name);
  j.set_hash(Hex16(s.hash));
  j.set_stopped_by(StopName(c.stop));
  for (const std::string& n : CheckNames()) j.add_checks(n);
  if (s.first) *j.mutable_first_violation() = FirstViolationReport(*s.first);
  std::printf("%s\n", ReportJson(j).c_str());
}

}  // namespace

int Check() {
  if (absl::Status budget = CheckSearchFlags(); !budget.ok())
    return BadInput(budget);
  absl::StatusOr<RunSelection> r = SelectRun();
  if (!r.ok()) return BadInput(r.status());
  r->strategy = "dfs";
  if (absl::GetFlag(FLAGS_scenario).size() != 1)
    return Usage("check needs exactly one --scenario");
  absl::StatusOr<std::vector<std::unique_ptr<SelectedScenario>>> scenarios =
      SelectScenarios();
  if (!scenarios.ok()) return BadInput(scenarios.status());
  OutputFile trace_out, junit;
  if (absl::Status opened = OpenTraceOut(trace_out); !opened.ok())
    return BadInput(opened);
  if (absl::Status opened = OpenJunitXml(junit); !opened.ok())
    return BadInput(opened);
  const SelectedScenario& sc = *scenarios->front();
  const int bound = absl::GetFlag(FLAGS_preemption_bound);
  const bool json = absl::GetFlag(FLAGS_json);
  FILE* out = json ? stderr : stdout;
  const std::string search =
      (bound < 0 ? std::string("sleep-set dfs without a preemption bound")
                 : absl::StrFormat("dfs with preemption bounds 0 to %d "
                                   "(iterative deepening)",
                                   bound)) +
      (absl::GetFlag(FLAGS_dpor) ? ", DPOR in turn" : "");
  std::fprintf(out, "dsim check: scenario %s, client=%s mutation=%s, %s\n",
               sc.name.c_str(), r->client.c_str(), r->mutation.c_str(),
               search.c_str());
  const harness::CheckOptions options{.preemption_bound = bound,
                                      .max_runs = absl::GetFlag(FLAGS_runs),
                                      .max_seconds = absl::GetFlag(FLAGS_time),
                                      .seed = absl::GetFlag(FLAGS_seed),
                                      .jitter = absl::GetFlag(FLAGS_jitter),
                                      .dpor = absl::GetFlag(FLAGS_dpor)};
  const harness::CheckResult c = harness::Check(sc, *r, options);
  const double t = c.seconds;
  const Stop stop = c.stop;
  const bool exhaustive = c.exhaustive();
  const Summary& s = c.summary;
  if (s.first) {
    PrintViolation(*s.first, out);
    WriteTraceOut(trace_out, s.first->trace_text, s.first->chrome_json, out);
  }
  uint64_t schedules = 0, pruned = 0, executions = 0;
  for (const BoundResult& b : c.bounds) {
    PrintBound(b, out);
    schedules += b.schedules;
    pruned += b.pruned;
    executions += b.executions;
  }
  std::fprintf(out,
               "%llu schedules explored in %llu executions (%llu pruned), "
               "%llu violations, %.2fs: %s\n",
               static_cast<unsigned long long>(schedules),
               static_cast<unsigned long long>(executions),
               static_cast<unsigned long long>(pruned),
               static_cast<unsigned long long>(s.violations), t,
               exhaustive ? (!c.bounds.empty() && c.bounds.back().by_dpor
                                 ? "exhaustive (DPOR covered every bound)"
                             : bound < 0 ? "exhaustive"
                                         : "exhaustive within the bound")
               : s.first
                   ? "stopped at the first violation"
                   : ("budget spent before the end: " +
                      StopText(stop, options.max_runs, options.max_seconds))
                         .c_str());
  std::fprintf(out, "checked on every schedule: %s\n",
               absl::StrJoin(CheckNames(), ", ").c_str());
  if (s.first) AnnotateFirst(*s.first, out);
  WriteJunitXml(junit,
                JunitXml("dsim check", t,
                         {{"seed", std::to_string(options.seed)},
                          {"client", r->client},
                          {"mutation", r->mutation},
                          {"bound", std::to_string(bound)},
                          {"schedules", std::to_string(schedules)},
                          {"exhaustive", exhaustive ? "true" : "false"}},
                         ScenarioCases("check", r->client, {sc.name}, s)));
  if (json) WriteCheckJson(c, sc, *r, options);
  return s.violations > 0 ? 1 : 0;
}

}  // namespace dsim
