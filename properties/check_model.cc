// Check family "model": the History against model::Spec (linearizability,
// model/linearizability.h). Inconclusive searches are reported by the runner
// as "model-inconclusive", never as a pass.
#include "model/linearizability.h"
#include "properties/checks.h"

namespace properties {

absl::Status CheckModel(const RunRecord& record) {
  const model::LinearizabilityResult r =
      model::CheckLinearizable(record.history);
  switch (r.outcome) {
    case model::LinearizabilityResult::Outcome::kLinearizable:
      return absl::OkStatus();
    case model::LinearizabilityResult::Outcome::kInconclusive:
      return absl::DeadlineExceededError(r.explanation);
    case model::LinearizabilityResult::Outcome::kViolation:
      break;
  }
  return absl::FailedPreconditionError(r.explanation);
}

}  // namespace properties
