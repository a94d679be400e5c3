// properties/footprint_audit_main.cc: `footprint_audit`, a developer tool that
// runs sim::AuditFootprints (sim/footprint_audit.h) on built-in scenarios:
// each independent pair of adjacent steps of a random run is re-run swapped,
// and any difference names a dependency the footprints miss.
//
//   footprint_audit [--seeds N] [--jitter] [--stride K] [--mutation M]
//                   [--legacy] [SCENARIO...]   (default: every built-in)
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "daemon_core/mutation.h"
#include "properties/builtin_scenarios.h"
#include "properties/scenario_run.h"
#include "sim/footprint_audit.h"
#include "sim/strategy_random.h"

int main(int argc, char** argv) {
  int seeds = 1;
  bool jitter = false;
  uint64_t stride = 1;
  properties::RunConfig config;
  std::vector<std::string> names;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--seeds" && i + 1 < argc) {
      seeds = std::atoi(argv[++i]);
    } else if (a == "--jitter") {
      jitter = true;
    } else if (a == "--legacy") {
      config.design = daemon_core::libcontainerd::Design::kLegacy;
    } else if (a == "--stride" && i + 1 < argc) {
      stride = std::strtoull(argv[++i], nullptr, 10);
    } else if (a == "--mutation" && i + 1 < argc) {
      if (!daemon_core::ParseMutation(argv[++i], &config.mutation)) {
        std::fprintf(stderr, "unknown mutation %s\n", argv[i]);
        return 2;
      }
    } else {
      names.push_back(a);
    }
  }
  if (names.empty()) {
    for (const auto& b : properties::BuiltinScenarios())
      names.emplace_back(b.name);
  }
  int bad = 0;
  for (const std::string& name : names) {
    auto scenario = properties::FindScenario(name);
    if (!scenario.ok()) {
      std::fprintf(stderr, "%s\n", scenario.status().ToString().c_str());
      return 2;
    }
    const sim::Setup program = properties::ScenarioProgram(*scenario, config);
    for (int seed = 1; seed <= seeds; ++seed) {
      sim::ExecutorOptions o;
      o.seed = static_cast<uint64_t>(seed);
      o.jitter = jitter;
      o.early_timer_window = 100 * sim::kMillisecond;
      sim::RandomStrategy random;
      const sim::AuditReport r =
          sim::AuditFootprints(o, program, random, {.stride = stride});
      std::printf("%s seed %d: %llu steps, %llu swapped, %llu enabling (",
                  name.c_str(), seed, static_cast<unsigned long long>(r.steps),
                  static_cast<unsigned long long>(r.swapped),
                  static_cast<unsigned long long>(r.enabling));
      for (const std::string& k : r.enabling_kinds)
        std::printf(" %s", k.c_str());
      std::printf(" ), %zu findings %s\n", r.findings.size(),
                  r.base_error.c_str());
      for (const sim::AuditFinding& f : r.findings) {
        std::printf("  step %llu: %s\n    then %s\n    => %s\n",
                    static_cast<unsigned long long>(f.step), f.first.c_str(),
                    f.second.c_str(), f.difference.c_str());
      }
      bad += r.findings.empty() ? 0 : 1;
      std::fflush(stdout);
    }
  }
  return bad > 0 ? 1 : 0;
}
