// tools/cli.h: what the dsim subcommands share: the flags, one-line usage
// errors, JSON strings, the scenario and run configuration a command line (or
// a replay token) selects, and the replay token's fields.
#ifndef DSIM_TOOLS_CLI_H_
#define DSIM_TOOLS_CLI_H_

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/declare.h"
#include "absl/status/statusor.h"
#include "dsim/scenario.pb.h"
#include "properties/scenario_run.h"
#include "sim/replay_token.h"
#include "sim/run.h"
#include "sim/strategy.h"

ABSL_DECLARE_FLAG(std::vector<std::string>, scenario);
ABSL_DECLARE_FLAG(std::string, client);
ABSL_DECLARE_FLAG(std::string, mutation);
ABSL_DECLARE_FLAG(std::string, strategy);
ABSL_DECLARE_FLAG(uint64_t, runs);
ABSL_DECLARE_FLAG(double, time);
ABSL_DECLARE_FLAG(uint64_t, seed);
ABSL_DECLARE_FLAG(std::string, shard);
ABSL_DECLARE_FLAG(bool, json);
ABSL_DECLARE_FLAG(std::string, progress);
ABSL_DECLARE_FLAG(int, pct_depth);
ABSL_DECLARE_FLAG(int, preemption_bound);
ABSL_DECLARE_FLAG(std::string, trace_out);
ABSL_DECLARE_FLAG(bool, jitter);
ABSL_DECLARE_FLAG(std::string, format);
ABSL_DECLARE_FLAG(std::string, listen);
ABSL_DECLARE_FLAG(std::string, containerd);
ABSL_DECLARE_FLAG(std::string, namespace);
ABSL_DECLARE_FLAG(std::string, rootfs);

namespace dsim {

// Prints "dsim: PROBLEM (see dsim --help)" on stderr; returns exit status 2.
int Usage(const std::string& problem);

// --containerd, --rootfs and --namespace (or DSIM_CONTAINERD, DSIM_ROOTFS,
// DSIM_NAMESPACE), checked: the socket exists, the rootfs has bin/sh.
absl::StatusOr<properties::LiveOptions> LiveOptionsFromFlags();
// Kills and deletes everything in the live namespace; an error when containerd
// does not answer within `window` (0: at once).
absl::Status ClearLiveNamespace(const properties::LiveOptions& live,
                                sim::Nanos window);
// Does containerd answer? Clears the namespace (what a crashed run left), or
// prints the one line saying why not and returns false (exit status 2).
bool ProbeLiveContainerd(const properties::LiveOptions& live);
// Sets the flags from --name=value / --name value / --flag / --noflag ("-" and
// "_" alike); false with a one-line `error` on the first problem.
bool ParseFlags(const std::vector<std::string>& args, std::string* error);
std::string JsonString(const std::string& s);

// A scenario chosen on the command line, kept with how to find it again.
struct SelectedScenario {
  std::string name;  // the built-in's name, or the file's scenario name
  std::string path;  // empty for a built-in
  std::string hash;  // ScenarioContentHash
  dsim::scenario::Scenario scenario;
};

// --scenario (every built-in when empty).
absl::StatusOr<std::vector<std::unique_ptr<SelectedScenario>>>
SelectScenarios();

// What a run needs besides its seed, from the flags.
struct RunSelection {
  properties::RunConfig config;
  std::string client;    // legacy | objects
  std::string mutation;  // a catalogue name or "none"
  std::string strategy;  // pct | random | dfs
};
// Reads --client (default objects), --mutation and --strategy.
absl::StatusOr<RunSelection> SelectRun();

std::unique_ptr<sim::Strategy> MakeStrategy(const std::string& name);

// The token of a run of `s` under `r` with `seed` and its decisions.
sim::ReplayToken MakeToken(const SelectedScenario& s, const RunSelection& r,
                           const sim::ExecutorOptions& options,
                           const std::vector<sim::Decision>& decisions);

// --trace-out: writes the trace in --format and says so on `out`; 0, or the
// usage error's exit status.
int WriteTraceOut(const std::string& trace_text, const std::string& chrome_json,
                  FILE* out);

// The last `lines` lines of a trace text ("..." first when cut).
std::string TraceTail(const std::string& trace, int lines);

// Wall-clock seconds since `start` and the process's peak RSS: tool-side
// measurements, never read inside a simulated run.
double SecondsSince(int64_t start_ns);
int64_t NowNs();
double PeakRssMb();

// How far ahead a jittered delay may end early in explore's runs.
inline constexpr sim::Nanos kEarlyTimerWindow = 100 * sim::kMillisecond;

}  // namespace dsim

#endif  // DSIM_TOOLS_CLI_H_
