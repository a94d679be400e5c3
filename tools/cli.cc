// tools/cli.cc: flags, scenario selection and replay tokens for dsim.
#include "tools/cli.h"

#include <sys/resource.h>
#include <sys/stat.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "daemon_core/mutation.h"
#include "properties/builtin_scenarios.h"
#include "properties/scenario.h"

ABSL_FLAG(std::vector<std::string>, scenario, {},
          "built-in scenario names or scenario files, comma-separated or "
          "repeated (explore: every built-in when empty)");
ABSL_FLAG(std::string, client, "",
          "libcontainerd design: objects or legacy (rpcs: also both)");
ABSL_FLAG(std::string, mutation, "none",
          "the planted bug to run with (see dsim mutations)");
ABSL_FLAG(std::string, strategy, "pct", "pct, random, dfs or dpor");
ABSL_FLAG(uint64_t, runs, 100000, "stop after this many runs");
ABSL_FLAG(double, time, 30, "stop after this many seconds of wall time");
ABSL_FLAG(uint64_t, seed, 1,
          "seed of the exploration; run i uses a seed derived from it and i");
ABSL_FLAG(std::string, shard, "0/1",
          "I/N: run only the runs i with i % N == I");
ABSL_FLAG(bool, json, false, "print one JSON summary object on stdout");
ABSL_FLAG(std::string, progress, "auto",
          "auto, on or off: the live progress line on stderr");
ABSL_FLAG(int, pct_depth, 3,
          "pct: the bug depth d (d-1 priority change points), 1 to 1000");
ABSL_FLAG(uint64_t, pct_steps, 0,
          "pct: k, the scheduling choices per run its change points fall "
          "among; 0: the longest of 8 calibration runs per scenario");
ABSL_FLAG(int, preemption_bound, 2,
          "dfs and check: preemption bound, -1 for none (check: sleep-set "
          "dfs)");
ABSL_FLAG(bool, dpor, true,
          "check: DPOR takes a turn with the dfs orders, over every bound at "
          "once; when it has explored every class of schedules, the check is "
          "exhaustive for every bound");
ABSL_FLAG(bool, jitter, true,
          "let the strategy end a jittered delay (the restart policy's) up to "
          "100 ms early, as a loaded machine runs other work late");
ABSL_FLAG(std::string, trace_out, "",
          "write the (first violating, or replayed) run's trace to this file");
ABSL_FLAG(std::string, format, "chrome", "--trace-out format: chrome or text");
ABSL_FLAG(std::string, junit_xml, "",
          "write a JUnit XML report to this file (one testcase per scenario "
          "and client)");
ABSL_FLAG(std::string, listen, "",
          "serve, proxy: the socket to serve on, unix:PATH");
ABSL_FLAG(std::string, containerd, "",
          "live, rpcs, proxy: the containerd socket, unix:PATH (default "
          "$DSIM_CONTAINERD)");
ABSL_FLAG(std::string, log, "",
          "proxy: append one line per RPC to this file (default: stdout)");
ABSL_FLAG(
    std::string, namespace, "",
    "live: the containerd namespace (default $DSIM_NAMESPACE, else dsim)");
ABSL_FLAG(std::string, rootfs, "",
          "live: the busybox rootfs for containers (default $DSIM_ROOTFS)");

namespace dsim {

namespace {

std::string FlagOrEnv(const std::string& flag, const char* env,
                      const std::string& fallback = "") {
  if (!flag.empty()) return flag;
  const char* v = std::getenv(env);
  return v != nullptr && *v != '\0' ? std::string(v) : fallback;
}

}  // namespace

absl::StatusOr<std::string> ContainerdFromFlags() {
  const std::string containerd =
      FlagOrEnv(absl::GetFlag(FLAGS_containerd), "DSIM_CONTAINERD");
  if (containerd.empty()) {
    return absl::InvalidArgumentError(
        "needs --containerd unix:PATH (or DSIM_CONTAINERD)");
  }
  if (containerd.rfind("unix:", 0) != 0 || containerd.size() == 5) {
    return absl::InvalidArgumentError("--containerd must be unix:PATH, not '" +
                                      containerd + "'");
  }
  std::string path = containerd.substr(5);
  if (path.rfind("//", 0) == 0) path = path.substr(2);  // unix:///abs
  struct stat st;
  if (stat(path.c_str(), &st) != 0 || !S_ISSOCK(st.st_mode)) {
    return absl::InvalidArgumentError(
        "no containerd socket at " + path +
        ": is containerd running? (scripts/real-containerd starts a private "
        "one)");
  }
  return containerd;
}

absl::StatusOr<properties::LiveOptions> LiveOptionsFromFlags() {
  properties::LiveOptions o;
  absl::StatusOr<std::string> containerd = ContainerdFromFlags();
  if (!containerd.ok()) return containerd.status();
  o.containerd = *containerd;
  struct stat st;
  o.rootfs = FlagOrEnv(absl::GetFlag(FLAGS_rootfs), "DSIM_ROOTFS");
  if (o.rootfs.empty() || o.rootfs[0] != '/' ||
      stat((o.rootfs + "/bin/sh").c_str(), &st) != 0) {
    return absl::InvalidArgumentError(
        "needs --rootfs DIR (or DSIM_ROOTFS): an absolute path to a busybox "
        "rootfs with bin/sh; got '" +
        o.rootfs + "'");
  }
  o.ns = FlagOrEnv(absl::GetFlag(FLAGS_namespace), "DSIM_NAMESPACE", "dsim");
  return o;
}

namespace {

// A scenario file's error "FILE:LINE:COL: what" is marked as located.
absl::Status ScenarioError(absl::Status status, const std::string& file) {
  const absl::string_view m = status.message();
  if (m.size() > file.size() + 1 && absl::StartsWith(m, file + ":") &&
      absl::ascii_isdigit(m[file.size() + 1])) {
    return MarkLocated(std::move(status));
  }
  return status;
}

absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "rb"),
                                             &std::fclose);
  if (file == nullptr)
    return absl::ErrnoToStatus(errno, path + ": cannot read");
  std::string text;
  char buffer[1 << 14];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), file.get())) > 0)
    text.append(buffer, n);
  if (std::ferror(file.get()))
    return absl::ErrnoToStatus(errno, path + ": cannot read");
  return text;
}

}  // namespace

absl::StatusOr<std::vector<std::unique_ptr<SelectedScenario>>>
SelectScenarios() {
  std::vector<std::string> names = absl::GetFlag(FLAGS_scenario);
  if (names.empty()) {
    for (const properties::BuiltinScenario& b : properties::BuiltinScenarios())
      names.emplace_back(b.name);
  }
  std::vector<std::unique_ptr<SelectedScenario>> out;
  for (const std::string& n : names) {
    bool builtin = false;
    for (const properties::BuiltinScenario& b : properties::BuiltinScenarios())
      builtin |= b.name == n;
    auto sel = std::make_unique<SelectedScenario>();
    absl::StatusOr<dsim::scenario::Scenario> s = properties::FindScenario(n);
    if (!s.ok()) {
      return ScenarioError(
          s.status(), builtin ? "properties/scenarios/" + n + ".textproto" : n);
    }
    if (!builtin) {
      // The token carries the file's content: parse what was read, once.
      absl::StatusOr<std::string> text = ReadWholeFile(n);
      if (!text.ok()) return text.status();
      s = properties::ParseScenario(*text, n);
      if (!s.ok()) return ScenarioError(s.status(), n);
      sel->path = n;
      sel->text = std::move(*text);
    }
    sel->name = builtin ? n : s->name();
    sel->hash = properties::ScenarioContentHash(*s);
    sel->scenario = std::move(*s);
    out.push_back(std::move(sel));
  }
  return out;
}

absl::StatusOr<RunSelection> SelectRun() {
  RunSelection r;
  r.client = absl::GetFlag(FLAGS_client);
  if (r.client.empty()) r.client = "objects";
  if (!daemon_core::libcontainerd::ParseDesign(r.client, &r.config.design)) {
    return absl::InvalidArgumentError(
        "--client must be objects or legacy, not '" + r.client + "'");
  }
  r.mutation = absl::GetFlag(FLAGS_mutation);
  if (!daemon_core::ParseMutation(r.mutation, &r.config.mutation)) {
    return absl::InvalidArgumentError("unknown mutation '" + r.mutation +
                                      "' (see dsim mutations)");
  }
  r.strategy = absl::GetFlag(FLAGS_strategy);
  if (MakeStrategy(r.strategy) == nullptr) {
    return absl::InvalidArgumentError("unknown strategy '" + r.strategy +
                                      "' (pct, random, dfs or dpor)");
  }
  return r;
}

absl::Status CheckSearchFlags() {
  if (absl::GetFlag(FLAGS_runs) == 0)
    return absl::InvalidArgumentError("--runs must be at least 1");
  const double time = absl::GetFlag(FLAGS_time);
  if (!std::isfinite(time) || time <= 0) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "--time must be a number of seconds above 0, not %g", time));
  }
  const int depth = absl::GetFlag(FLAGS_pct_depth);
  if (depth < 1 || depth > kPctDepthMax) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "--pct-depth must be from 1 to %d, not %d", kPctDepthMax, depth));
  }
  const int bound = absl::GetFlag(FLAGS_preemption_bound);
  if (bound < -1) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "--preemption-bound must be -1 (unbounded) or more, not %d", bound));
  }
  return absl::OkStatus();
}

std::unique_ptr<sim::Strategy> MakeStrategy(const std::string& name) {
  return harness::MakeStrategy(
      name, {.pct_depth = absl::GetFlag(FLAGS_pct_depth),
             .pct_steps = absl::GetFlag(FLAGS_pct_steps),
             .preemption_bound = absl::GetFlag(FLAGS_preemption_bound)});
}

absl::Status OpenTraceOut(OutputFile& file) {
  const std::string format = absl::GetFlag(FLAGS_format);
  if (format != "chrome" && format != "text") {
    return absl::InvalidArgumentError("--format must be chrome or text, not '" +
                                      format + "'");
  }
  return file.Open("--trace-out", absl::GetFlag(FLAGS_trace_out));
}

absl::Status OpenJunitXml(OutputFile& file) {
  return file.Open("--junit-xml", absl::GetFlag(FLAGS_junit_xml));
}

void WriteJunitXml(OutputFile& file, const std::string& xml) {
  if (!file.is_open()) return;
  absl::Status written = file.Write(xml);
  if (!written.ok()) BadInput(written);  // one line; the exit status stays
}

void WriteTraceOut(OutputFile& file, const std::string& trace_text,
                   const std::string& chrome_json, FILE* out) {
  if (!file.is_open()) return;
  const bool chrome = absl::GetFlag(FLAGS_format) == "chrome";
  absl::Status written = file.Write(chrome ? chrome_json : trace_text);
  if (!written.ok()) {
    BadInput(written);
    return;
  }
  std::fprintf(out, "trace written to %s (%s)\n", file.path().c_str(),
               chrome ? "chrome" : "text");
}

std::string TraceTail(const std::string& trace, int lines) {
  size_t from = trace.size();
  for (int n = 0; n < lines && from > 0; ++n) {
    const size_t nl = trace.rfind('\n', from >= 2 ? from - 2 : 0);
    from = nl == std::string::npos ? 0 : nl + 1;
    if (nl == std::string::npos) break;
  }
  return (from > 0 ? "...\n" : "") + trace.substr(from);
}

double PeakRssMb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024.0;  // Linux reports KiB
}

}  // namespace dsim
