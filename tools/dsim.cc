// tools/dsim.cc: the dsim command line: subcommand dispatch and --help.
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "tools/cli.h"
#include "tools/explore.h"

namespace {

constexpr char kUsage[] =
    R"(usage: dsim explore   [--scenario NAME|FILE]... [--client objects|legacy]
                      [--mutation NAME] [--strategy pct|random|dfs] [--runs N]
                      [--time SECONDS] [--seed S] [--shard I/N] [--json]
                      [--trace-out FILE] [--format chrome|text]
                      [--progress auto|on|off] [--pct-depth D] [--preemption-bound K]
       dsim replay    TOKEN [--trace-out FILE] [--format chrome|text] [--json]
       dsim check     --scenario NAME|FILE [--client C] [--mutation M]
                      [--preemption-bound K] [--runs N] [--time S] [--json]
       dsim rpcs      [--client objects|legacy|both] [--json]
                      [--containerd unix:PATH]
       dsim scenarios [--json]
       dsim mutations [--json]
       dsim serve     --listen unix:PATH
       dsim live      [--containerd unix:PATH] [--scenario NAME|FILE]...
                      [--client objects|legacy|both] [--mutation NAME]
                      [--namespace NS] [--rootfs DIR] [--json]

explore: runs scenarios (by default every built-in one, see `dsim scenarios`)
through the daemon model against the fake containerd, each run under a
different schedule, and checks every property on each run: invariants, the
history of API results, and the state left at quiescence. It stops at the
first violation and prints the property, the end of the trace and a replay
token. Defaults: client objects, strategy pct, 100000 runs or 30 s.

replay: rebuilds the run a token describes, from the token alone, verifies it
follows the recording step by step, prints the end of its trace, and can write
the whole trace (Chrome JSON opens in Perfetto or chrome://tracing).

check: explores every schedule of one scenario with at most K preemptions
(dfs with preemption bounding) and reports how many there were.

rpcs: the containerd RPCs each Docker operation costs, measured through the
daemon model, for each libcontainerd design (legacy: before moby PR #43564;
objects: after). With --containerd it measures them against a real
containerd too and compares each row with the simulation's (exit 1 on a
difference).

serve: the fake containerd over real gRPC on a unix socket, in real time,
for ctr and other containerd clients (until SIGINT or SIGTERM).

live: runs scenarios' API calls through the daemon model against a real
containerd (1.6), in a busybox rootfs, and checks the same history and
quiescence properties (default: every built-in that can run without control
of the interleaving). Everything in the namespace (default $DSIM_NAMESPACE,
else dsim) is deleted before and after each run. scripts/real-containerd
starts a private containerd and sets DSIM_CONTAINERD, DSIM_NAMESPACE and
DSIM_ROOTFS for it.

scenarios, mutations: the built-in scenarios; the planted bugs (--mutation)
with the property that catches each, and the properties.

Exit status: 0 no violation, 1 a violation was found (replay: reproduced),
2 bad usage or bad input.
)";

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) return dsim::Usage("missing subcommand");
  if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  const std::string command = args[0];
  args.erase(args.begin());
  for (const std::string& a : args) {
    if (a == "--help" || a == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    }
  }
  const std::vector<std::string> known = {"explore", "replay",    "check",
                                          "rpcs",    "scenarios", "mutations",
                                          "serve",   "live"};
  if (std::find(known.begin(), known.end(), command) == known.end()) {
    return dsim::Usage(
        "unknown subcommand '" + command +
        "' (explore, replay, check, rpcs, scenarios, mutations, serve, live)");
  }
  std::string token;
  if (command == "replay") {
    // A token pasted wrapped arrives as several arguments: every non-flag
    // argument is part of it.
    std::vector<std::string> flags;
    for (size_t i = 0; i < args.size(); ++i) {
      if (args[i].rfind("--", 0) != 0) {
        token += args[i];
        continue;
      }
      flags.push_back(args[i]);
      const bool needs_value = args[i].find('=') == std::string::npos &&
                               args[i] != "--json" && args[i] != "--nojson";
      if (needs_value && i + 1 < args.size()) flags.push_back(args[++i]);
    }
    if (token.empty()) return dsim::Usage("replay needs a TOKEN");
    args = flags;
  }
  std::string error;
  if (!dsim::ParseFlags(args, &error)) return dsim::Usage(error);
  if (command == "explore") return dsim::Explore();
  if (command == "replay") return dsim::Replay(token);
  if (command == "check") return dsim::Check();
  if (command == "rpcs") return dsim::Rpcs();
  if (command == "scenarios") return dsim::Scenarios();
  if (command == "serve") return dsim::Serve();
  if (command == "live") return dsim::Live();
  return dsim::Mutations();
}
