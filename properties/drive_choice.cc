#include "properties/drive_choice.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "properties/drive_faults.h"

namespace properties {

namespace {

// pct draws its change points among the first steps of a run; a driven run
// of a small scenario takes some tens to a few hundred steps.
constexpr uint64_t kPctHorizon = 200;

}  // namespace

DriveChoice::DriveChoice(std::string strategy, uint64_t seed, int pct_depth,
                         std::vector<std::string> replay)
    : strategy_(std::move(strategy)),
      seed_(seed),
      prng_(seed),
      replay_(std::move(replay)) {
  for (int i = 1; i < pct_depth; ++i) {
    change_points_.push_back(static_cast<int>(prng_.Uniform(kPctHorizon)));
  }
}

std::string DriveChoice::ActorOf(const std::string& label) {
  const size_t hash = label.rfind(" #");
  return hash == std::string::npos ? label : label.substr(0, hash);
}

bool DriveChoice::Awaits(const std::vector<std::string>& pending) const {
  return !replay_.empty() && step_ < static_cast<int>(replay_.size()) &&
         !std::binary_search(pending.begin(), pending.end(),
                             DriveFaults::Split(replay_[step_]).first);
}

absl::StatusOr<std::string> DriveChoice::Pick(
    const std::vector<std::string>& pending) {
  const int step = step_++;
  if (!replay_.empty()) {
    if (step >= static_cast<int>(replay_.size())) {
      return absl::FailedPreconditionError(absl::StrCat(
          "step ", step,
          ": the recording ended; pending: ", absl::StrJoin(pending, ", ")));
    }
    // A request's decision may carry its fault: "LABEL !FAULT".
    if (!std::binary_search(pending.begin(), pending.end(),
                            DriveFaults::Split(replay_[step]).first)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "step ", step, ": the recording released '", replay_[step],
          "', which is not pending; pending: ", absl::StrJoin(pending, ", ")));
    }
    return replay_[step];
  }
  if (strategy_ != "pct") return pending[prng_.Uniform(pending.size())];
  const std::string* best = nullptr;
  int64_t best_priority = 0;
  for (const std::string& label : pending) {
    const std::string actor = ActorOf(label);
    auto it = priority_.find(actor);
    if (it == priority_.end()) {
      // A new actor: a priority above every demoted one, from the seed and
      // its name only, so that when it first became pending (dockerd's
      // timing) does not shift any other actor's priority.
      uint64_t h = seed_;
      for (unsigned char ch : actor) h = sim::Mix64(h ^ ch);
      it = priority_.emplace(actor, static_cast<int64_t>(h >> 34)).first;
    }
    if (best == nullptr || it->second > best_priority) {
      best = &label;
      best_priority = it->second;
    }
  }
  if (std::count(change_points_.begin(), change_points_.end(), step) > 0) {
    priority_[ActorOf(*best)] = --lowest_;
  }
  return *best;
}

}  // namespace properties
