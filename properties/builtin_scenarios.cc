// properties/builtin_scenarios.cc: scenario lookup. BuiltinScenarios() itself
// is generated at build time (builtin_scenarios_data.cc in the build tree).
#include "properties/builtin_scenarios.h"

#include <filesystem>
#include <string>
#include <system_error>

#include "absl/status/status.h"
#include "properties/scenario.h"

namespace properties {

absl::StatusOr<dsim::scenario::Scenario> FindScenario(
    std::string_view name_or_path) {
  for (const BuiltinScenario& builtin : BuiltinScenarios()) {
    if (builtin.name != name_or_path) continue;
    // Named as in the source tree, so an error points at the file to fix.
    return ParseScenario(
        builtin.text,
        "properties/scenarios/" + std::string(builtin.name) + ".textproto");
  }
  const std::string path(name_or_path);
  std::error_code ignored;
  const bool looks_like_path = path.find_first_of("/.") != std::string::npos ||
                               std::filesystem::exists(path, ignored);
  if (!looks_like_path) {
    return absl::InvalidArgumentError("unknown scenario '" + path +
                                      "' (see dsim scenarios)");
  }
  return LoadScenarioFile(path);
}

}  // namespace properties
