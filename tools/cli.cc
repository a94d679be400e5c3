// tools/cli.cc: flags, scenario selection and replay tokens for dsim.
#include "tools/cli.h"

#include <sys/resource.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "daemon_core/mutation.h"
#include "properties/builtin_scenarios.h"
#include "properties/counterexample.h"
#include "properties/scenario.h"
#include "sim/strategy_dfs.h"
#include "sim/strategy_pct.h"
#include "sim/strategy_random.h"

ABSL_FLAG(std::vector<std::string>, scenario, {},
          "built-in scenario names or scenario files, comma-separated or "
          "repeated (explore: every built-in when empty)");
ABSL_FLAG(std::string, client, "",
          "libcontainerd design: objects or legacy (rpcs: also both)");
ABSL_FLAG(std::string, mutation, "none",
          "the planted bug to run with (see dsim mutations)");
ABSL_FLAG(std::string, strategy, "pct", "pct, random or dfs");
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
          "pct: the bug depth d (d-1 priority change points)");
ABSL_FLAG(int, preemption_bound, 2,
          "dfs and check: preemption bound, -1 for none");
ABSL_FLAG(bool, jitter, true,
          "let the strategy end a jittered delay (the restart policy's) up to "
          "100 ms early, as a loaded machine runs other work late");
ABSL_FLAG(std::string, trace_out, "",
          "write the (first violating, or replayed) run's trace to this file");
ABSL_FLAG(std::string, format, "chrome", "--trace-out format: chrome or text");
ABSL_FLAG(std::string, listen, "", "serve: the socket to serve on, unix:PATH");
ABSL_FLAG(std::string, containerd, "",
          "live: the containerd socket, unix:PATH (default $DSIM_CONTAINERD)");
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

absl::StatusOr<properties::LiveOptions> LiveOptionsFromFlags() {
  properties::LiveOptions o;
  o.containerd = FlagOrEnv(absl::GetFlag(FLAGS_containerd), "DSIM_CONTAINERD");
  if (o.containerd.empty()) {
    return absl::InvalidArgumentError(
        "needs --containerd unix:PATH (or DSIM_CONTAINERD)");
  }
  if (o.containerd.rfind("unix:", 0) != 0 || o.containerd.size() == 5) {
    return absl::InvalidArgumentError("--containerd must be unix:PATH, not '" +
                                      o.containerd + "'");
  }
  std::string path = o.containerd.substr(5);
  if (path.rfind("//", 0) == 0) path = path.substr(2);  // unix:///abs
  struct stat st;
  if (stat(path.c_str(), &st) != 0 || !S_ISSOCK(st.st_mode)) {
    return absl::InvalidArgumentError(
        "no containerd socket at " + path +
        ": is containerd running? (scripts/real-containerd starts a private "
        "one)");
  }
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

int Usage(const std::string& problem) {
  std::fprintf(stderr, "dsim: %s (see dsim --help)\n", problem.c_str());
  return 2;
}

bool ParseFlags(const std::vector<std::string>& args, std::string* error) {
  for (size_t i = 0; i < args.size(); ++i) {
    std::string arg = args[i];
    if (arg.rfind("--", 0) != 0) {
      *error = "unexpected argument '" + arg + "'";
      return false;
    }
    arg = arg.substr(2);
    std::string name = arg, value;
    const size_t eq = arg.find('=');
    const bool has_value = eq != std::string::npos;
    if (has_value) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
    }
    std::replace(name.begin(), name.end(), '-', '_');
    absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
    if (flag == nullptr && !has_value && name.rfind("no", 0) == 0) {
      flag = absl::FindCommandLineFlag(name.substr(2));
      if (flag != nullptr && flag->IsOfType<bool>()) {
        value = "false";
      } else {
        flag = nullptr;
      }
    } else if (flag != nullptr && !has_value) {
      if (flag->IsOfType<bool>()) {
        value = "true";
      } else if (i + 1 < args.size()) {
        value = args[++i];
      } else {
        *error = "flag --" + name + " needs a value";
        return false;
      }
    }
    if (flag == nullptr) {
      *error = "unknown flag --" + name;
      return false;
    }
    if (name == "scenario") {
      // Repeated --scenario flags add up.
      static std::vector<std::string> all;
      for (absl::string_view v : absl::StrSplit(value, ',')) {
        if (!v.empty()) all.emplace_back(v);
      }
      absl::SetFlag(&FLAGS_scenario, all);
      continue;
    }
    std::string why;
    if (!flag->ParseFrom(value, &why)) {
      *error = "bad value '" + value + "' for --" + name + ": " + why;
      return false;
    }
  }
  return true;
}

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) {
      out += absl::StrFormat("\\u%04x", c);
      continue;
    }
    out += c;
  }
  return out + "\"";
}

absl::StatusOr<std::vector<std::unique_ptr<SelectedScenario>>>
SelectScenarios() {
  std::vector<std::string> names = absl::GetFlag(FLAGS_scenario);
  if (names.empty()) {
    for (const properties::BuiltinScenario& b : properties::BuiltinScenarios())
      names.emplace_back(b.name);
  }
  std::vector<std::unique_ptr<SelectedScenario>> out;
  for (const std::string& n : names) {
    absl::StatusOr<dsim::scenario::Scenario> s = properties::FindScenario(n);
    if (!s.ok()) return s.status();
    auto sel = std::make_unique<SelectedScenario>();
    bool builtin = false;
    for (const properties::BuiltinScenario& b : properties::BuiltinScenarios())
      builtin |= b.name == n;
    sel->name = builtin ? n : s->name();
    if (!builtin) sel->path = n;
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
                                      "' (pct, random or dfs)");
  }
  return r;
}

std::unique_ptr<sim::Strategy> MakeStrategy(const std::string& name) {
  if (name == "random") return std::make_unique<sim::RandomStrategy>();
  if (name == "pct") {
    // About this many scheduling choices per scenario run.
    return std::make_unique<sim::PctStrategy>(sim::PctOptions{
        .depth = absl::GetFlag(FLAGS_pct_depth), .steps_hint = 200});
  }
  if (name == "dfs") {
    return std::make_unique<sim::DfsStrategy>(sim::DfsOptions{
        .preemption_bound = absl::GetFlag(FLAGS_preemption_bound)});
  }
  return nullptr;
}

sim::ReplayToken MakeToken(const SelectedScenario& s, const RunSelection& r,
                           const sim::ExecutorOptions& options,
                           const std::vector<sim::Decision>& decisions) {
  return properties::ScenarioReplayToken(s.name, s.hash, s.path, r.config,
                                         r.strategy, options, decisions);
}

int WriteTraceOut(const std::string& trace_text, const std::string& chrome_json,
                  FILE* out) {
  const std::string path = absl::GetFlag(FLAGS_trace_out);
  if (path.empty()) return 0;
  FILE* file = std::fopen(path.c_str(), "w");
  if (file == nullptr)
    return Usage("cannot write --trace-out file '" + path + "'");
  const bool chrome = absl::GetFlag(FLAGS_format) == "chrome";
  const std::string& body = chrome ? chrome_json : trace_text;
  std::fwrite(body.data(), 1, body.size(), file);
  std::fclose(file);
  std::fprintf(out, "trace written to %s (%s)\n", path.c_str(),
               chrome ? "chrome" : "text");
  return 0;
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

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

double SecondsSince(int64_t start_ns) { return (NowNs() - start_ns) / 1e9; }

double PeakRssMb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024.0;  // Linux reports KiB
}

}  // namespace dsim
