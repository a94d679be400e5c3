// model/linearizability.h: judges a recorded History against model::Spec.
// The run passes only if its calls and events have an order consistent with
// real time (Wing & Gong; Lowe's memo of (state, linearized set)) whose
// replies the Spec allows. Calls that wait for an exit (stop, restart, rm,
// wait) take two points; events of one container keep their queue's order;
// the restart manager's restarts are spontaneous steps. The search runs per
// container and per daemon epoch, and is bounded: hitting the bound is
// `kInconclusive`, never a pass.
#ifndef DSIM_MODEL_LINEARIZABILITY_H_
#define DSIM_MODEL_LINEARIZABILITY_H_

#include <cstdint>
#include <string>

#include "model/history.h"

namespace model {

struct LinearizabilityResult {
  enum class Outcome { kLinearizable, kViolation, kInconclusive };
  Outcome outcome = Outcome::kLinearizable;
  // For a violation: the container, the longest explainable prefix, and why
  // each possible next step was refused.
  std::string explanation;
  uint64_t nodes = 0;  // search nodes visited, all partitions
};

struct LinearizabilityLimits {
  uint64_t max_nodes = 200'000;  // per partition
};

LinearizabilityResult CheckLinearizable(const History& history,
                                        LinearizabilityLimits limits = {});

}  // namespace model

#endif  // DSIM_MODEL_LINEARIZABILITY_H_
