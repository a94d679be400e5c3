// tools/replay.cc: `dsim replay TOKEN`: rebuilds a run from its token alone,
// checks that it follows the recording, and shows its trace.
#include <cstdio>
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "properties/builtin_scenarios.h"
#include "properties/scenario.h"
#include "sim/strategy_replay.h"
#include "tools/cli.h"
#include "tools/explore.h"

namespace dsim {

int Replay(const std::string& text) {
  absl::StatusOr<sim::ReplayToken> token = sim::ReplayToken::Decode(text);
  if (!token.ok()) return Usage(std::string(token.status().message()));
  const auto& f = token->fields;
  auto field = [&](const char* k) {
    auto it = f.find(k);
    return it == f.end() ? std::string() : it->second;
  };
  const std::string format = absl::GetFlag(FLAGS_format);
  if (format != "chrome" && format != "text")
    return Usage("--format must be chrome or text");
  // The scenario: the built-in of that name, or the file the token names; its
  // content must be what was run.
  SelectedScenario sc;
  sc.name = field("scenario");
  sc.path = field("scenario_path");
  if (sc.name.empty()) return Usage("replay token names no scenario");
  absl::StatusOr<dsim::scenario::Scenario> s =
      properties::FindScenario(sc.path.empty() ? sc.name : sc.path);
  if (!s.ok()) {
    return Usage("replay token's scenario: " +
                 std::string(s.status().message()));
  }
  sc.hash = properties::ScenarioContentHash(*s);
  if (sc.hash != field("scenario_hash")) {
    return Usage("replay token is for scenario '" + sc.name +
                 "' with content hash " + field("scenario_hash") +
                 ", but this one hashes to " + sc.hash +
                 " (the scenario changed)");
  }
  sc.scenario = std::move(*s);
  RunSelection r;
  r.client = field("client");
  r.mutation = field("mutation");
  r.strategy = field("strategy");
  if (!daemon_core::libcontainerd::ParseDesign(r.client, &r.config.design))
    return Usage("replay token has an unknown client '" + r.client + "'");
  if (!daemon_core::ParseMutation(r.mutation, &r.config.mutation))
    return Usage("replay token has an unknown mutation '" + r.mutation + "'");

  sim::ExecutorOptions o;
  o.seed = token->seed;
  for (const char* key : {"early_timer_window_ns", "jitter_window_ns"}) {
    const std::string w = field(key);
    if (w.empty()) continue;
    (key[0] == 'e' ? o.fire_timers_early : o.jitter) = true;
    if (!absl::SimpleAtoi(w, &o.early_timer_window))
      return Usage("replay token has a bad " + std::string(key) + " '" + w +
                   "'");
  }
  o.keep_trace = true;
  sim::ReplayStrategy replay(token->decisions,
                             sim::ReplayToken::kFingerprintMask);
  sim::RunRecord rec = sim::RunOnce(
      o, replay, properties::ScenarioProgram(sc.scenario, r.config));
  const bool json = absl::GetFlag(FLAGS_json);
  FILE* out = json ? stderr : stdout;
  std::fprintf(out,
               "dsim replay: scenario=%s client=%s mutation=%s strategy=%s "
               "seed=%llu\n",
               sc.name.c_str(), r.client.c_str(), r.mutation.c_str(),
               r.strategy.c_str(),
               static_cast<unsigned long long>(token->seed));
  std::fprintf(out, "%s", TraceTail(rec.trace_text, 30).c_str());
  const auto& v = rec.result.violation;
  const bool diverged = rec.result.outcome == sim::RunOutcome::kDiverged;
  const bool violated = !diverged && v.has_value();
  if (v)
    std::fprintf(out, "%s %s: %s\n", diverged ? "DIVERGED" : "VIOLATION",
                 v->invariant.c_str(), v->message.c_str());
  std::fprintf(out, "outcome %s, %llu steps, trace hash %016llx\n",
               std::string(sim::RunOutcomeName(rec.result.outcome)).c_str(),
               static_cast<unsigned long long>(rec.result.steps),
               static_cast<unsigned long long>(rec.result.trace_hash));
  if (int rc = WriteTraceOut(rec.trace_text, rec.chrome_json, out); rc != 0)
    return rc;
  if (json) {
    std::printf("{\"outcome\":%s,\"steps\":%llu,\"trace_hash\":\"%016llx\"",
                JsonString(std::string(sim::RunOutcomeName(rec.result.outcome)))
                    .c_str(),
                static_cast<unsigned long long>(rec.result.steps),
                static_cast<unsigned long long>(rec.result.trace_hash));
    if (v) {
      std::printf(",\"violation\":{\"invariant\":%s,\"message\":%s}",
                  JsonString(v->invariant).c_str(),
                  JsonString(v->message).c_str());
    }
    std::printf("}\n");
  }
  if (diverged) return 2;
  return violated ? 1 : 0;
}

}  // namespace dsim
