// tools/explore.cc: `dsim explore` (many runs, a strategy, stop at the first
// violation) and `dsim check` (exhaustive dfs within a preemption bound).
#include "tools/explore.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "sim/prng.h"
#include "sim/shrink.h"
#include "sim/strategy_dfs.h"
#include "sim/strategy_replay.h"
#include "tools/cli.h"
#include "tools/progress.h"
#include "tools/run_token.h"

namespace dsim {

namespace {

struct FirstViolation {
  std::string invariant, message, scenario, token, trace_text, chrome_json;
  uint64_t run = 0, seed = 0, trace_hash = 0;
  double seconds = 0;
  bool shrunk = false;
  int preemptions = -1, original_preemptions = -1;
};

struct Summary {
  uint64_t runs = 0, steps = 0, violations = 0;
  uint64_t hash = 0x9e3779b97f4a7c15ULL;
  std::optional<FirstViolation> first;
};

// The violating run again, with its trace kept.
sim::RunRecord Rerun(const sim::Setup& program, sim::ExecutorOptions o,
                     const std::vector<sim::Decision>& decisions) {
  o.keep_trace = true;
  sim::ReplayStrategy replay(decisions, sim::ReplayToken::kFingerprintMask);
  return sim::RunOnce(o, replay, program);
}

void Record(Summary& s, const sim::RunRecord& rec) {
  ++s.runs;
  s.steps += rec.result.steps;
  s.hash = sim::Mix64(s.hash ^ rec.result.trace_hash);
}

bool Violated(const sim::RunRecord& rec) {
  return rec.result.outcome != sim::RunOutcome::kCompleted &&
         rec.result.outcome != sim::RunOutcome::kPruned;
}

void NoteViolation(Summary& s, const SelectedScenario& sc,
                   const RunSelection& r, const sim::Setup& program,
                   const sim::RunRecord& rec, uint64_t run,
                   const sim::ExecutorOptions& options, double seconds) {
  const uint64_t seed = options.seed;
  ++s.violations;
  FirstViolation f;
  f.invariant = rec.result.violation
                    ? rec.result.violation->invariant
                    : std::string(sim::RunOutcomeName(rec.result.outcome));
  f.message = rec.result.violation ? rec.result.violation->message : "";
  f.scenario = sc.name;
  f.run = run;
  f.seed = seed;
  f.trace_hash = rec.result.trace_hash;
  f.seconds = seconds;
  // Shrink the schedule: the token replays the shrunk run.
  std::vector<sim::Decision> decisions = rec.decisions;
  if (rec.result.violation) {
    sim::ShrunkSchedule shrunk = sim::ShrinkSchedule(
        program, options, rec.decisions, rec.result.violation->invariant);
    f.original_preemptions = shrunk.original_preemptions;
    if (shrunk.shrunk) {
      decisions = shrunk.record.decisions;
      f.preemptions = shrunk.preemptions;
      f.message = shrunk.record.result.violation->message;
      f.trace_hash = shrunk.record.result.trace_hash;
      f.shrunk = true;
    }
  }
  f.token = MakeToken(sc, r, options, decisions).Encode();
  sim::RunRecord again = Rerun(program, options, decisions);
  f.trace_text = std::move(again.trace_text);
  f.chrome_json = std::move(again.chrome_json);
  s.first = std::move(f);
}

std::string JsonList(const std::vector<std::string>& items) {
  std::string j = "[";
  for (size_t i = 0; i < items.size(); ++i)
    j += (i > 0 ? "," : "") + JsonString(items[i]);
  return j + "]";
}

std::string ScenarioList(
    const std::vector<std::unique_ptr<SelectedScenario>>& scenarios) {
  std::vector<std::string> names;
  for (const auto& sc : scenarios) names.push_back(sc->name);
  return JsonList(names);
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

std::string FirstViolationJson(const FirstViolation& f) {
  return absl::StrFormat(
      ",\"first_violation\":{\"invariant\":%s,\"message\":%s,\"scenario\":%s,"
      "\"seed\":%d,\"trace_hash\":\"%016x\",\"runs_to_detect\":%d,"
      "\"seconds_to_detect\":%.3f,\"preemptions\":%d,\"token\":%s}",
      JsonString(f.invariant), JsonString(f.message), JsonString(f.scenario),
      f.seed, f.trace_hash, f.run + 1, f.seconds,
      f.shrunk ? f.preemptions : f.original_preemptions, JsonString(f.token));
}

// Why an exploration ended.
enum class Stop { kRuns, kTime, kViolation, kExhausted };

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
  const std::string progress_flag = absl::GetFlag(FLAGS_progress);
  if (progress_flag != "auto" && progress_flag != "on" &&
      progress_flag != "off") {
    return BadInput("--progress must be auto, on or off");
  }
  OutputFile trace_out;
  if (absl::Status opened = OpenTraceOut(trace_out); !opened.ok())
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

  std::vector<sim::Setup> programs;
  std::vector<std::unique_ptr<sim::Strategy>> strategies;
  for (const auto& sc : *scenarios) {
    programs.push_back(properties::ScenarioProgram(sc->scenario, r->config));
    strategies.push_back(MakeStrategy(r->strategy));
  }
  const int64_t start = NowNs();
  Summary s;
  Stop stop = Stop::kRuns;
  uint64_t i = 0;
  for (; i < max_runs; ++i) {
    if ((i & 63) == 0) {
      const double t = SecondsSince(start);
      if (t > max_seconds) {
        stop = Stop::kTime;
        break;
      }
      progress.Update(t, s.runs, s.violations, i);
    }
    const size_t k = i % programs.size();
    auto* dfs = dynamic_cast<sim::DfsStrategy*>(strategies[k].get());
    if (dfs != nullptr && !dfs->HasMore()) {
      bool any = false;
      for (const auto& st : strategies)
        any |= static_cast<sim::DfsStrategy*>(st.get())->HasMore();
      if (!any) {
        stop = Stop::kExhausted;
        break;
      }
      continue;
    }
    if (i % shard_count != shard_index) continue;
    sim::ExecutorOptions o;
    o.seed = dfs != nullptr ? seed : sim::Mix64(seed ^ sim::Mix64(i));
    o.jitter = jitter;
    o.early_timer_window = kEarlyTimerWindow;
    // --time also ends a run in progress (a "budget" violation): one still
    // going a second after it ran out, when normal runs take milliseconds.
    o.wall_deadline_ns = sim::WallDeadlineNs(start, max_seconds + 1);
    sim::RunRecord rec = sim::RunOnce(o, *strategies[k], programs[k]);
    if (rec.result.outcome == sim::RunOutcome::kPruned) continue;
    Record(s, rec);
    if (Violated(rec)) {
      NoteViolation(s, *(*scenarios)[k], *r, programs[k], rec, i, o,
                    SecondsSince(start));
      stop = Stop::kViolation;
      break;
    }
  }
  progress.Clear();
  const double t = SecondsSince(start);
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
  std::fprintf(out, "%s; checked on every run: %s\n",
               StopText(stop, max_runs, max_seconds).c_str(),
               absl::StrJoin(checks, ", ").c_str());
  if (json) {
    std::string j = absl::StrFormat(
        "{\"runs\":%d,\"steps\":%d,\"violations\":%d,\"elapsed_s\":%.3f,"
        "\"runs_per_s\":%.1f,\"peak_rss_mb\":%.1f,\"seed\":%d,"
        "\"strategy\":%s,\"client\":%s,\"mutation\":%s,\"scenarios\":%s,"
        "\"hash\":\"%016x\",\"stopped_by\":%s,\"checks\":%s",
        s.runs, s.steps, s.violations, t, t > 0 ? s.runs / t : 0.0, PeakRssMb(),
        seed, JsonString(r->strategy), JsonString(r->client),
        JsonString(r->mutation), ScenarioList(*scenarios), s.hash,
        JsonString(StopName(stop)), JsonList(checks));
    if (s.first) j += FirstViolationJson(*s.first);
    std::printf("%s}\n", j.c_str());
  }
  return s.violations > 0 ? 1 : 0;
}

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
  OutputFile trace_out;
  if (absl::Status opened = OpenTraceOut(trace_out); !opened.ok())
    return BadInput(opened);
  const SelectedScenario& sc = *scenarios->front();
  const int bound = absl::GetFlag(FLAGS_preemption_bound);
  const uint64_t max_runs = absl::GetFlag(FLAGS_runs);
  const double max_seconds = absl::GetFlag(FLAGS_time);
  const bool json = absl::GetFlag(FLAGS_json);
  FILE* out = json ? stderr : stdout;
  std::fprintf(out,
               "dsim check: scenario %s, client=%s mutation=%s, dfs with "
               "preemption bound %d\n",
               sc.name.c_str(), r->client.c_str(), r->mutation.c_str(), bound);
  sim::Setup program = properties::ScenarioProgram(sc.scenario, r->config);
  sim::DfsStrategy dfs(sim::DfsOptions{.preemption_bound = bound});
  const uint64_t seed = absl::GetFlag(FLAGS_seed);
  const int64_t start = NowNs();
  Summary s;
  Stop stop = Stop::kExhausted;
  uint64_t i = 0;
  for (; dfs.HasMore(); ++i) {
    if (i == max_runs) {
      stop = Stop::kRuns;
      break;
    }
    if ((i & 63) == 0 && SecondsSince(start) > max_seconds) {
      stop = Stop::kTime;
      break;
    }
    sim::ExecutorOptions o;
    o.seed = seed;
    o.jitter = absl::GetFlag(FLAGS_jitter);
    o.early_timer_window = kEarlyTimerWindow;
    o.wall_deadline_ns = sim::WallDeadlineNs(start, max_seconds + 1);
    sim::RunRecord rec = sim::RunOnce(o, dfs, program);
    if (rec.result.outcome == sim::RunOutcome::kPruned) continue;
    Record(s, rec);
    if (Violated(rec)) {
      NoteViolation(s, sc, *r, program, rec, i, o, SecondsSince(start));
      stop = Stop::kViolation;
      break;
    }
  }
  const double t = SecondsSince(start);
  const bool exhaustive = stop == Stop::kExhausted;
  if (s.first) {
    PrintViolation(*s.first, out);
    WriteTraceOut(trace_out, s.first->trace_text, s.first->chrome_json, out);
  }
  std::fprintf(out,
               "%llu schedules explored (%llu pruned), %llu violations, "
               "%.2fs: %s\n",
               static_cast<unsigned long long>(dfs.complete_executions()),
               static_cast<unsigned long long>(dfs.pruned_executions()),
               static_cast<unsigned long long>(s.violations), t,
               exhaustive ? "exhaustive within the bound"
               : s.first  ? "stopped at the first violation"
                          : ("budget spent before the end: " +
                            StopText(stop, max_runs, max_seconds))
                               .c_str());
  std::fprintf(out, "checked on every schedule: %s\n",
               absl::StrJoin(CheckNames(), ", ").c_str());
  if (json) {
    std::string j = absl::StrFormat(
        "{\"schedules\":%d,\"pruned\":%d,\"bound\":%d,\"exhaustive\":%s,"
        "\"runs\":%d,\"steps\":%d,\"violations\":%d,\"elapsed_s\":%.3f,"
        "\"runs_per_s\":%.1f,\"peak_rss_mb\":%.1f,\"seed\":%d,"
        "\"strategy\":\"dfs\",\"client\":%s,\"mutation\":%s,\"scenarios\":[%s],"
        "\"hash\":\"%016x\",\"stopped_by\":%s,\"checks\":%s",
        dfs.complete_executions(), dfs.pruned_executions(), bound,
        exhaustive ? "true" : "false", s.runs, s.steps, s.violations, t,
        t > 0 ? s.runs / t : 0.0, PeakRssMb(), seed, JsonString(r->client),
        JsonString(r->mutation), JsonString(sc.name), s.hash,
        JsonString(StopName(stop)), JsonList(CheckNames()));
    if (s.first) j += FirstViolationJson(*s.first);
    std::printf("%s}\n", j.c_str());
  }
  return s.violations > 0 ? 1 : 0;
}

}  // namespace dsim
