// tools/cli.h: what the dsim subcommands share: the flags, one-line usage
// errors, JSON strings, output files, and the scenario and run configuration a
// command line selects (harness/run_config.h reads them back from a token).
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
#include "harness/explore.h"
#include "harness/run_config.h"
#include "harness/wall_clock.h"
#include "properties/scenario_run.h"
#include "sim/replay_token.h"
#include "sim/run.h"
#include "sim/strategy.h"
#include "tools/output_file.h"
#include "tools/usage.h"

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
ABSL_DECLARE_FLAG(uint64_t, pct_steps);
ABSL_DECLARE_FLAG(int, preemption_bound);
ABSL_DECLARE_FLAG(std::string, trace_out);
ABSL_DECLARE_FLAG(bool, jitter);
ABSL_DECLARE_FLAG(bool, dpor);
ABSL_DECLARE_FLAG(std::string, format);
ABSL_DECLARE_FLAG(std::string, junit_xml);
ABSL_DECLARE_FLAG(std::string, listen);
ABSL_DECLARE_FLAG(std::string, containerd);
ABSL_DECLARE_FLAG(std::string, log);
ABSL_DECLARE_FLAG(std::string, namespace);
ABSL_DECLARE_FLAG(std::string, rootfs);

namespace dsim {

// The largest --pct-depth: pct keeps state per change point, so the bound
// keeps memory small (a real bug's depth is a handful).
inline constexpr int kPctDepthMax = 1000;

// --containerd (or DSIM_CONTAINERD), checked: unix:PATH, and a socket is
// there. Returns it as given.
absl::StatusOr<std::string> ContainerdFromFlags();
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

// A scenario chosen on the command line, and what a run needs besides its
// seed: the library's (harness/run_config.h), which writes them into tokens.
using harness::RunSelection;
using harness::SelectedScenario;

// --scenario (every built-in when empty). Errors are for BadInput.
absl::StatusOr<std::vector<std::unique_ptr<SelectedScenario>>>
SelectScenarios();

// Reads --client (default objects), --mutation and --strategy.
absl::StatusOr<RunSelection> SelectRun();
// Checks the search's budget and bounds: --runs >= 1, --time a finite number
// of seconds > 0, 1 <= --pct-depth <= kPctDepthMax, --preemption-bound >= -1.
absl::Status CheckSearchFlags();

// harness::MakeStrategy with --pct-depth and --preemption-bound.
std::unique_ptr<sim::Strategy> MakeStrategy(const std::string& name);

// Checks --format and opens --trace-out.
absl::Status OpenTraceOut(OutputFile& file);
// Opens --junit-xml (before the first run, as --trace-out).
absl::Status OpenJunitXml(OutputFile& file);
// Writes `xml` to `file` (when open); a write error is one line on stderr.
void WriteJunitXml(OutputFile& file, const std::string& xml);

// Writes the trace in --format to `file` (when open) and says so on `out`; a
// write error is one line on stderr and leaves the exit status alone.
void WriteTraceOut(OutputFile& file, const std::string& trace_text,
                   const std::string& chrome_json, FILE* out);

// The last `lines` lines of a trace text ("..." first when cut).
std::string TraceTail(const std::string& trace, int lines);

// Wall-clock seconds since `start` and the process's peak RSS: tool-side
// measurements, never read inside a simulated run.
using harness::NowNs;
using harness::SecondsSince;
double PeakRssMb();

// How far ahead a jittered delay may end early in explore's runs.
using harness::kEarlyTimerWindow;

}  // namespace dsim

#endif  // DSIM_TOOLS_CLI_H_
