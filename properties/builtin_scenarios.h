// properties/builtin_scenarios.h: the scenarios in properties/scenarios/,
// compiled into the binary (by embed_scenarios.cmake) so that dsim finds them
// from any directory, and the lookup of a scenario by name or file path.
#ifndef DSIM_PROPERTIES_BUILTIN_SCENARIOS_H_
#define DSIM_PROPERTIES_BUILTIN_SCENARIOS_H_

#include <span>
#include <string_view>

#include "absl/status/statusor.h"
#include "dsim/scenario.pb.h"

namespace properties {

// properties::BuiltinScenario
//
// One file of properties/scenarios/: `name` is its name without the
// .textproto extension, `text` its content as written.
struct BuiltinScenario {
  std::string_view name;
  std::string_view text;
};

// properties::BuiltinScenarios
//
// Every built-in scenario, sorted by name. The storage is static.
std::span<const BuiltinScenario> BuiltinScenarios();

// properties::FindScenario
//
// The built-in scenario called `name_or_path`, parsed and validated; else the
// scenario file at that path. A bare word that is neither is INVALID_ARGUMENT
// "unknown scenario 'x' (see dsim scenarios)".
absl::StatusOr<dsim::scenario::Scenario> FindScenario(
    std::string_view name_or_path);

}  // namespace properties

#endif  // DSIM_PROPERTIES_BUILTIN_SCENARIOS_H_
