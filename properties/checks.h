// properties/checks.h: the check families that judge a finished run, each a
// pure function of its RunRecord in a file of its own (check_*.cc), with a
// registered name and a one-line description; and the list of every property
// a run can violate, these and the ones judged while the run goes on.
#ifndef DSIM_PROPERTIES_CHECKS_H_
#define DSIM_PROPERTIES_CHECKS_H_

#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "properties/run_record.h"

namespace properties {

struct Check {
  std::string_view name;
  std::string_view description;
  // OK, or the violation's message.
  absl::Status (*judge)(const RunRecord& record);
};

// In the order they run.
const std::vector<Check>& RecordChecks();

// Every property a run can violate, as reports name them.
struct Property {
  std::string_view name;
  std::string_view description;
};
std::vector<Property> Properties();

// The families (one file each).
absl::Status CheckModel(const RunRecord& record);
absl::Status CheckNoLeak(const RunRecord& record);
absl::Status CheckRunningHasTask(const RunRecord& record);
absl::Status CheckExecProcessDeleted(const RunRecord& record);
absl::Status CheckExecProcessKnown(const RunRecord& record);
absl::Status CheckSettles(const RunRecord& record);

}  // namespace properties

#endif  // DSIM_PROPERTIES_CHECKS_H_
