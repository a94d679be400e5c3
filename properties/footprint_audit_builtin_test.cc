// The footprint audit (sim/footprint_audit.h) on every built-in scenario,
// both libcontainerd designs, with and without early timers: no two steps
// whose footprints say they are independent may lead anywhere different when
// swapped. DPOR (dsim check's default) is sound only on such footprints; a
// finding here names a dependency the daemon model, the fake containerd or a
// sim primitive leaves out of its steps' footprints.
// Release only: a minute there, over 20 under ASan+UBSan, whose run leaves it
// out by name (CMakePresets.json); BuiltinScenarioTest runs every built-in
// under the sanitizers.
#include <gtest/gtest.h>

#include <string>

#include "daemon_core/libcontainerd.h"
#include "properties/builtin_scenarios.h"
#include "properties/scenario_run.h"
#include "sim/footprint_audit.h"
#include "sim/strategy_random.h"

namespace properties {
namespace {

using daemon_core::libcontainerd::Design;

struct AuditCase {
  Design design;
  bool jitter;
  uint64_t seed;
};

TEST(FootprintAuditBuiltinTest, NoBuiltinHasADependencyItsFootprintsMiss) {
  uint64_t swapped = 0;
  for (const BuiltinScenario& b : BuiltinScenarios()) {
    absl::StatusOr<dsim::scenario::Scenario> s = FindScenario(b.name);
    ASSERT_TRUE(s.ok()) << s.status();
    for (const AuditCase& c : {AuditCase{Design::kObjects, true, 1},
                               AuditCase{Design::kObjects, true, 2},
                               AuditCase{Design::kObjects, false, 1},
                               AuditCase{Design::kLegacy, true, 1},
                               AuditCase{Design::kLegacy, false, 2}}) {
      SCOPED_TRACE(std::string(b.name) +
                   (c.design == Design::kLegacy ? " legacy" : " objects") +
                   (c.jitter ? " jitter" : "") + " seed " +
                   std::to_string(c.seed));
      RunConfig config;
      config.design = c.design;
      const sim::Setup program = ScenarioProgram(*s, config);
      sim::ExecutorOptions o;
      o.seed = c.seed;
      o.jitter = c.jitter;
      o.early_timer_window = 100 * sim::kMillisecond;
      sim::RandomStrategy random;
      const sim::AuditReport r = sim::AuditFootprints(o, program, random);
      EXPECT_TRUE(r.base_error.empty()) << r.base_error;
      for (const sim::AuditFinding& f : r.findings) {
        ADD_FAILURE() << "step " << f.step << ": " << f.first << "\n  then "
                      << f.second << "\n  => " << f.difference;
      }
      swapped += r.swapped;
    }
  }
  // The audit did swap steps (thousands over the built-ins).
  EXPECT_GT(swapped, 1000u);
}

}  // namespace
}  // namespace properties
