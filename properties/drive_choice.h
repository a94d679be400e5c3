// properties/drive_choice.h: which pending step `dsim drive` releases next,
// from the run's seed only: `random` (uniform over the pending labels),
// `pct` (each actor, a label without its ordinal, gets a priority hashed from
// the seed and its name, the highest pending one goes, and at depth-1 random
// steps the chosen actor drops to the lowest priority: PCT over steps rather
// than threads), or a replay of a recorded decision list. Labels are sorted, so
// a choice never depends on the order steps arrived in (which the wall clock
// decides).
#ifndef DSIM_PROPERTIES_DRIVE_CHOICE_H_
#define DSIM_PROPERTIES_DRIVE_CHOICE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "sim/prng.h"

namespace properties {

class DriveChoice {
 public:
  // `strategy` is "random" or "pct"; `replay` non-empty: follow it.
  DriveChoice(std::string strategy, uint64_t seed, int pct_depth,
              std::vector<std::string> replay);
  // REQUIRES: `pending` is sorted and not empty. A replay whose recorded
  // label is not pending is an error naming the step (FAILED_PRECONDITION).
  absl::StatusOr<std::string> Pick(const std::vector<std::string>& pending);
  // Replaying, and the recorded next step is not pending (yet): the driver
  // may wait for it before Pick names the divergence.
  bool Awaits(const std::vector<std::string>& pending) const;
  // Following a recording.
  bool replaying() const { return !replay_.empty(); }
  // Decisions made so far.
  int steps() const { return step_; }

 private:
  static std::string ActorOf(const std::string& label);

  std::string strategy_;
  uint64_t seed_;
  sim::Prng prng_;
  std::vector<std::string> replay_;
  int step_ = 0;
  // pct: priority per actor (higher goes first); the steps where the chosen
  // actor is demoted.
  std::map<std::string, int64_t> priority_;
  std::vector<int> change_points_;
  int64_t lowest_ = 0;
};

}  // namespace properties

#endif  // DSIM_PROPERTIES_DRIVE_CHOICE_H_
