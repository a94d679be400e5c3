// harness/run_config.h: what one run is (its scenario, client, mutation,
// strategy, seed, timer options and decisions) and the one place where dsim
// writes it into a replay token and reads it back: the proto message
// dsim.run.RunConfig (proto/dsim/run_config.proto) in sim::ReplayToken's text.
// A scenario file travels by its content (zlib-compressed), so the token
// replays anywhere; a built-in by its name. Both carry the content hash.
#ifndef DSIM_HARNESS_RUN_CONFIG_H_
#define DSIM_HARNESS_RUN_CONFIG_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "dsim/scenario.pb.h"
#include "properties/scenario_run.h"
#include "sim/executor.h"

namespace harness {

// A scenario chosen to run, kept with how to find it again.
struct SelectedScenario {
  std::string name;  // the built-in's name, or the file's scenario name
  std::string path;  // empty for a built-in
  std::string hash;  // properties::ScenarioContentHash
  std::string text;  // a file's content as read (empty for a built-in)
  dsim::scenario::Scenario scenario;
};

// What a run needs besides its scenario and seed.
struct RunSelection {
  properties::RunConfig config;
  std::string client;    // legacy | objects
  std::string mutation;  // a catalogue name or "none"
  std::string strategy;  // pct | random | dfs | dpor (a label in a token)
};

// `client` and `mutation` by name (strategy unset). Errors name the bad value.
absl::StatusOr<RunSelection> SelectRunByName(const std::string& client,
                                             const std::string& mutation);

// The built-in `name` as a SelectedScenario.
absl::StatusOr<SelectedScenario> SelectBuiltin(const std::string& name);

// The token text of a run of `s` under `r` with `options` (seed and timer
// options) and `decisions`.
std::string MakeToken(const SelectedScenario& s, const RunSelection& r,
                      const sim::ExecutorOptions& options,
                      const std::vector<sim::Decision>& decisions);

// What a token says to run.
struct TokenRun {
  SelectedScenario scenario;
  RunSelection run;
  sim::ExecutorOptions options;  // seed and timer options
  std::vector<sim::Decision> decisions;
};

// Decodes a token's text. Errors are one line, for `dsim: ...` (exit 2): a
// corrupt token, a wrong version, a scenario that no longer matches its
// content hash, an unknown client or mutation.
absl::StatusOr<TokenRun> ReadToken(const std::string& text);

}  // namespace harness

#endif  // DSIM_HARNESS_RUN_CONFIG_H_
