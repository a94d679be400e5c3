// tools/run_token.h: the one place where dsim writes a run into a replay token
// and reads it back: the scenario (a built-in by name; a file by its content,
// zlib-compressed, so the token replays anywhere), client, mutation,
// strategy, seed, timer options and decisions.
#ifndef DSIM_TOOLS_RUN_TOKEN_H_
#define DSIM_TOOLS_RUN_TOKEN_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "sim/executor.h"
#include "sim/replay_token.h"
#include "tools/cli.h"

namespace dsim {

// The token of a run of `s` under `r` with `options.seed` and `decisions`.
sim::ReplayToken MakeToken(const SelectedScenario& s, const RunSelection& r,
                           const sim::ExecutorOptions& options,
                           const std::vector<sim::Decision>& decisions);

// What a token says to run.
struct TokenRun {
  SelectedScenario scenario;
  RunSelection run;
  sim::ExecutorOptions options;  // seed and timer options
  std::vector<sim::Decision> decisions;
};

// Decodes a token's text. Errors are one line for BadInput: a corrupt token,
// a wrong version, a scenario that no longer matches its content hash.
absl::StatusOr<TokenRun> ReadToken(const std::string& text);

}  // namespace dsim

#endif  // DSIM_TOOLS_RUN_TOKEN_H_
