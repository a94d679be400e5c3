// properties/scenario.h: scenario files (docs/SCENARIOS.md). Parses the text
// format of dsim.scenario.Scenario, validates it, and hashes its content.
//
// Every error is one line, "FILE:LINE:COL: what" (1-based), naming the first
// problem found, so that `dsim` can print it as is and exit 2.
#ifndef DSIM_PROPERTIES_SCENARIO_H_
#define DSIM_PROPERTIES_SCENARIO_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "dsim/scenario.pb.h"

namespace properties {

// Limits of a scenario, checked when it is loaded (docs/SCENARIOS.md,
// "Limits"), so that one run stays small and virtual time (uint64
// nanoseconds) cannot overflow.
inline constexpr size_t kScenarioFileBytesMax = 1 << 20;  // 1 MiB
inline constexpr int kContainersMax = 64;  // declared or created by CREATE
inline constexpr int kClientsMax = 64;
inline constexpr int kCallsPerClientMax = 1000;
inline constexpr int kCallsMax = 4000;  // over all clients
inline constexpr int kEventsMax = 256;
inline constexpr int kForcedFaultsMax = 256;
// Every duration: timeout_ms, cancel_after_ms, after_ms, down_ms and a
// program's DELAY. One hour of virtual time.
inline constexpr int64_t kDurationMsMax = 3'600'000;

// properties::ParseScenario
//
// Parses `text` (the content of `file_name`, which only names it in errors and
// gives the default name) and validates it. Syntax and semantic errors are
// INVALID_ARGUMENT "FILE:LINE:COL: what".
//
// The returned scenario is normalized, so runners read one form:
//   - an empty `name` becomes the file name without directory and extension;
//   - `started: true` implies `created: true` (set explicitly);
//   - a CREATE call without args takes args and restart from the container's
//     declaration.
absl::StatusOr<dsim::scenario::Scenario> ParseScenario(
    std::string_view text, std::string_view file_name);

// properties::LoadScenarioFile
//
// Reads and parses the file at `path`. An unreadable file is an error
// "PATH: cannot read: REASON" with the errno's code (NOT_FOUND, ...). Reads at
// most one byte past kScenarioFileBytesMax.
absl::StatusOr<dsim::scenario::Scenario> LoadScenarioFile(
    const std::string& path);

// properties::ScenarioContentHash
//
// 16 lowercase hex digits: FNV-1a 64 of the deterministic serialization of
// what a run depends on. `name` and `description` are left out, so renaming a
// file or rewording its description does not invalidate replay tokens.
std::string ScenarioContentHash(const dsim::scenario::Scenario& scenario);

}  // namespace properties

#endif  // DSIM_PROPERTIES_SCENARIO_H_
