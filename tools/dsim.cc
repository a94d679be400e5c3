// tools/dsim.cc: the dsim command line: subcommand dispatch and --help.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/reflection.h"
#include "sim/replay_token.h"
#include "tools/cli.h"
#include "tools/drive.h"
#include "tools/explore.h"

namespace {

// The version this build reports; replay tokens carry their own
// (sim::ReplayToken::kVersion).
constexpr char kVersion[] = "0.1.0";

// One subcommand: its usage lines, what it does (null: told with the next
// one), the flags it takes (names with "_"), and what runs it.
struct Command {
  const char* name;
  const char* synopsis;
  const char* about;
  std::vector<std::string> flags;
  int (*run)();
};

// The arguments that are not flags: replay's TOKEN (in pieces when pasted
// wrapped), merge's REPORT.json files.
std::vector<std::string>& Positionals() {
  static auto* positionals = new std::vector<std::string>;
  return *positionals;
}
int RunReplay() {
  std::string token;
  for (const std::string& p : Positionals()) token += p;
  if (token.empty()) return dsim::Usage("replay needs a TOKEN");
  return dsim::Replay(token);
}
int RunDrive() { return dsim::Drive(Positionals()); }
int RunMerge() { return dsim::Merge(Positionals()); }

const std::vector<Command>& Commands() {
  static const auto* commands = new std::vector<Command>{
      {"explore",
       R"(dsim explore   [--scenario NAME|FILE]... [--client objects|legacy]
                      [--mutation NAME] [--strategy pct|random|dfs|dpor] [--runs N]
                      [--time SECONDS] [--seed S] [--shard I/N] [--json]
                      [--junit-xml FILE] [--trace-out FILE] [--format chrome|text]
                      [--progress auto|on|off] [--pct-depth D] [--pct-steps K]
                      [--preemption-bound K] [--nojitter])",
       R"(explore: runs scenarios (by default every built-in one, see `dsim scenarios`)
through the daemon model against the fake containerd, each run under a
different schedule, and checks every property on each run: invariants, the
history of API results, and the state left at quiescence. It stops at the
first violation and prints the property, the end of the trace and a replay
token. Defaults: client objects, strategy pct, 100000 runs or 30 s.
--junit-xml writes one testcase per scenario; with GITHUB_ACTIONS set, a
violation is also an ::error annotation.)",
       {"scenario", "client", "mutation", "strategy", "runs", "time", "seed",
        "shard", "json", "junit_xml", "trace_out", "format", "progress",
        "pct_depth", "pct_steps", "preemption_bound", "jitter"},
       dsim::Explore},
      {"replay",
       R"(dsim replay    TOKEN [--trace-out FILE] [--format chrome|text] [--json])",
       R"(replay: rebuilds the run a token describes, from the token alone (a
scenario file's content travels in it), verifies it follows the recording step
by step, prints the end of its trace, and can write the whole trace (Chrome
JSON opens in Perfetto or chrome://tracing). A run that no longer follows the
recording is exit 2.)",
       {"trace_out", "format", "json"},
       RunReplay},
      {"check",
       R"(dsim check     --scenario NAME|FILE [--client C] [--mutation M]
                      [--preemption-bound K] [--runs N] [--time S] [--seed S]
                      [--trace-out FILE] [--format chrome|text] [--nojitter] [--nodpor]
                      [--json] [--junit-xml FILE])",
       R"(check: explores every schedule of one scenario with at most K preemptions
(dfs with preemption bounding) and reports how many there were. DPOR takes
every other execution (--nodpor: none): once it has explored every schedule
up to reordering independent steps, every bound is covered and the check ends.)",
       {"scenario", "client", "mutation", "preemption_bound", "runs", "time",
        "seed", "trace_out", "format", "jitter", "dpor", "json", "junit_xml"},
       dsim::Check},
      {"merge",
       "dsim merge     REPORT.json...",
       R"(merge: combines the reports of `explore --shard I/N --json` run on N
machines (or a CI matrix, or a Kubernetes Indexed Job) into the report one
machine makes with the same flags: runs, steps and the hash add up, the
earliest violation by run index is the first; elapsed_s is the longest
shard's. Every shard 0..N-1 must be there once. Exit 1 when a shard found a
violation.)",
       {},
       RunMerge},
      {"rpcs",
       R"(dsim rpcs      [--client objects|legacy|both] [--json]
                      [--containerd unix:PATH] [--namespace NS] [--rootfs DIR])",
       R"(rpcs: the containerd RPCs each Docker operation costs, measured through the
daemon model, for each libcontainerd design (legacy: before moby PR #43564;
objects: after). With --containerd it measures them against a real
containerd too and compares each row with the simulation's (exit 1 on a
difference).)",
       {"client", "json", "containerd", "namespace", "rootfs"},
       dsim::Rpcs},
      {"scenarios",
       "dsim scenarios [--json]",
       nullptr,
       {"json"},
       dsim::Scenarios},
      {"mutations",
       "dsim mutations [--json]",
       R"(scenarios, mutations: the built-in scenarios; the planted bugs (--mutation)
with the property that catches each, and the properties.)",
       {"json"},
       dsim::Mutations},
      {"serve",
       "dsim serve     --listen unix:PATH",
       R"(serve: the fake containerd over real gRPC on a unix socket, in real time,
for ctr and other containerd clients (until SIGINT or SIGTERM).)",
       {"listen"},
       dsim::Serve},
      {"proxy",
       R"(dsim proxy     --listen unix:PATH --containerd unix:PATH [--log FILE])",
       R"(proxy: a transparent gRPC pass-through for any containerd client (ctr,
dockerd --containerd): every method, unary or streaming, goes to the
containerd at --containerd (default $DSIM_CONTAINERD) with its metadata
(containerd-namespace) and deadline, and its replies, status code, message
and error details come back (other response headers and trailers do not).
Each RPC is one line, written when it ends, appended to --log FILE (default
stdout):
  OFFSET METHOD ns=NS [id=CONTAINER] [exec=EXEC] code=CODE replies=N
OFFSET is when the call began, in seconds since the proxy started; ns is the
containerd-namespace header (- when absent); id and exec are read from the
Containers and Tasks requests that name them. It runs until SIGINT or
SIGTERM, which cancel the calls in flight (a stream such as Events/Subscribe
is logged CANCELLED; its client sees UNAVAILABLE) and remove the socket.)",
       {"listen", "containerd", "log"},
       dsim::Proxy},
      {"live",
       R"(dsim live      [--containerd unix:PATH] [--scenario NAME|FILE]...
                      [--client objects|legacy|both] [--mutation NAME]
                      [--namespace NS] [--rootfs DIR] [--json] [--junit-xml FILE])",
       R"(live: runs scenarios' API calls through the daemon model against a real
containerd (1.6), in a busybox rootfs, and checks the same history and
quiescence properties (default: every built-in that can run without control
of the interleaving). Everything in the namespace (default $DSIM_NAMESPACE,
else dsim) is deleted before and after each run. scripts/real-containerd
starts a private containerd and sets DSIM_CONTAINERD, DSIM_NAMESPACE and
DSIM_ROOTFS for it.)",
       {"containerd", "scenario", "client", "mutation", "namespace", "rootfs",
        "json", "junit_xml"},
       dsim::Live},
      {"drive",
       R"(dsim drive     --scenario NAME|FILE [--seed S] [--runs N] [--time SECONDS]
                      [--strategy pct|random] [--pct-depth D]
                      [--quiescence idle|window] [--quiet-ms MS]
                      [--dockerd-binary PATH] [--json] [--containerd-bug NAME]
       dsim drive     TOKEN [--dockerd-binary PATH] [--json])",
       R"(drive: runs one scenario's clients as concurrent Docker Engine API calls
(libcurl, one thread) against a private real dockerd (Debian's 20.10, or
--dockerd-binary PATH, your own build; started through scripts/real-dockerd,
or $DSIM_REAL_DOCKERD; needs root and docker.io) whose containerd is the fake,
served over gRPC. Each containerd request is handled
and answered, each event delivered and each timed process end happens only
when the strategy (pct or random, seeded) releases it, one step at a time,
each once dockerd is quiescent. --quiescence idle (the default): dockerd woke
for the last step released to it (its CPU time moved, read off
/proc/PID/task/*/schedstat; after --quiet-ms without that it is taken as
woken), then for 1 ms none of its threads (nor dsim's other threads) was
runnable and its CPU time stood still, and no request, event or reply
arrived; the end of a run waits 20 ms of that. --quiescence window: a quiet
window of --quiet-ms (default 20) of wall time with no new request, event or
reply, 200 ms at the end of a run. Either is a guess about goroutines dsim
does not schedule (docs/BENCHMARKS.md measures both).
Every run records the History and gets explore's checks; between runs every
container is removed through the API. A daemon restart or shutdown is a
SIGKILL or SIGTERM of dockerd and a start on the same roots; a containerd
restart ends dockerd's event streams at the gate (the events published
before it reach dockerd first; tasks survive) and nothing more is released
until dockerd has subscribed again; faults are drawn at the gate
(exec-start-fails too); an attached exec start's cancel_after_ms is a step
that closes its connection (the call then has no reply). Scenarios with
shared_pids, stale containers or an exec of the cat program are refused
(exit 2); a container's cat gets OpenStdin. A violation
prints the History, the released steps, the dockerd log of the run and a
token; `dsim drive TOKEN` replays it best-effort: dockerd's goroutines are
not under dsim's scheduler, so it follows the recorded releases while the
daemon's requests match and otherwise names the first step that differs
(exit 2); a TOKEN takes no other flag than --json and --dockerd-binary.
--runs and --time end the exploration as explore's do (checked between runs;
the first run always runs); --strategy is pct or random only.
--containerd-bug plants a wrong containerd, for tests.)",
       {"scenario", "seed", "runs", "time", "strategy", "pct_depth",
        "quiescence", "quiet_ms", "dockerd_binary", "json", "containerd_bug"},
       RunDrive},
  };
  return *commands;
}

constexpr char kExitStatus[] =
    R"(Exit status: 0 no violation, 1 a violation was found (replay: reproduced),
2 bad usage or bad input (one line on stderr, before any run).
)";

void PrintHelp() {
  std::string usage = "usage: ";
  for (const Command& c : Commands())
    usage += std::string(&c == &Commands().front() ? "" : "       ") +
             c.synopsis + "\n";
  usage += "       dsim COMMAND --help | dsim --version\n";
  for (const Command& c : Commands()) {
    if (c.about != nullptr) usage += std::string("\n") + c.about + "\n";
  }
  // One write, not stdio's 4 KiB pieces: a reader that stops at its first
  // match (`dsim --help | grep -q`) must not kill dsim with SIGPIPE before
  // the rest is written (the text is longer than 4 KiB, shorter than a pipe).
  usage += std::string("\n") + kExitStatus;
  std::fflush(stdout);
  for (size_t at = 0; at < usage.size();) {
    const ssize_t n =
        write(STDOUT_FILENO, usage.data() + at, usage.size() - at);
    if (n <= 0) break;
    at += static_cast<size_t>(n);
  }
}

// `dsim COMMAND --help`: its usage, what it does, and each flag it takes.
void PrintCommandHelp(const Command& c) {
  std::printf("usage: %s\n\n", c.synopsis);
  if (c.about != nullptr) std::printf("%s\n\n", c.about);
  std::printf(
      "flags (dashes and underscores alike; --noFLAG turns a boolean "
      "off):\n");
  for (const std::string& name : c.flags) {
    const absl::CommandLineFlag* f = absl::FindCommandLineFlag(name);
    std::string shown = name;
    std::replace(shown.begin(), shown.end(), '_', '-');
    const std::string fallback = f->DefaultValue();
    std::printf(
        "  --%-18s %s%s\n", shown.c_str(), f->Help().c_str(),
        fallback.empty() ? "" : (" (default: " + fallback + ")").c_str());
  }
  std::printf("\n%s", kExitStatus);
}

bool IsHelp(const std::string& a) { return a == "--help" || a == "-h"; }

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) return dsim::Usage("missing subcommand");
  if (IsHelp(args[0]) || args[0] == "help") {
    PrintHelp();
    return 0;
  }
  if (args[0] == "--version") {
    std::printf("dsim %s (replay tokens: version %d)\n", kVersion,
                sim::ReplayToken::kVersion);
    return 0;
  }
  const std::string name = args[0];
  args.erase(args.begin());
  const Command* command = nullptr;
  for (const Command& c : Commands()) {
    if (name == c.name) command = &c;
  }
  if (command == nullptr) {
    return dsim::Usage(
        "unknown subcommand '" + name +
        "'; the subcommands are explore, replay, check, merge, "
        "rpcs, scenarios, mutations, serve, proxy, live and drive");
  }
  dsim::SetCommandForHints(name);
  if (std::find_if(args.begin(), args.end(), IsHelp) != args.end()) {
    PrintCommandHelp(*command);
    return 0;
  }
  // A token pasted wrapped arrives as several arguments: every argument that
  // is not a flag is part of it. merge takes its report files.
  const bool positionals = command->run == RunReplay ||
                           command->run == RunMerge || command->run == RunDrive;
  std::string error;
  if (!dsim::ParseFlags(args, command->flags,
                        positionals ? &Positionals() : nullptr, &error)) {
    return dsim::Usage(error);
  }
  return command->run();
}
