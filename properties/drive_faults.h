// properties/drive_faults.h: the scenario's containerd faults as `dsim
// drive` injects them at the gate, one draw per released request from the
// run's fault stream (its own PRNG, split from the run's seed), forced ones
// first, as fake_containerd::Faults draws them in the simulation. The fault
// a request got is part of its decision ("rpc Tasks/Start c1 #1
// !reply-lost"), so a token replays it without drawing.
#ifndef DSIM_PROPERTIES_DRIVE_FAULTS_H_
#define DSIM_PROPERTIES_DRIVE_FAULTS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "dsim/scenario.pb.h"
#include "sim/prng.h"

namespace properties {

class DriveFaults {
 public:
  // The points a gate can inject (fake_containerd/faults.h's names).
  static constexpr char kRpcUnavailable[] = "rpc-unavailable";
  static constexpr char kReplyLost[] = "reply-lost";
  static constexpr char kReplyDelayed[] = "reply-delayed";
  // Only on an exec's Tasks/Start ("rpc Tasks/Start c1/e1 #1"): the exec's
  // process dies at once (127, its exit published) and Start fails, as the
  // fake's own fault of that name does (DriveGate applies it).
  static constexpr char kExecStartFails[] = "exec-start-fails";

  DriveFaults(const dsim::scenario::Faults& f, uint64_t seed);
  // Any fault can fire at all.
  bool enabled() const { return enabled_; }
  // The fault of the request step `label` ("rpc METHOD ..."), or "" (none,
  // or not a request).
  std::string Draw(const std::string& label);

  // "LABEL !FAULT" -> ("LABEL", "FAULT"); a label without one -> (label, "").
  static std::pair<std::string, std::string> Split(const std::string& decision);
  // A decision whose fault failed its call (rpc-unavailable, reply-lost) as
  // RunRecord::faulted_rpcs holds it: "rpc Tasks/Delete c1 #2
  // !rpc-unavailable" -> {"c1", "rpc-unavailable Tasks/Delete"} (an exec's
  // "c1/e1" -> "c1"; no container named -> ""); nullopt for any other.
  static std::optional<std::pair<std::string, std::string>> FailedCall(
      const std::string& decision);

 private:
  struct Forced {
    std::string point, method;
    int remaining;
  };
  sim::Prng prng_;
  sim::Ratio unavailable_, lost_, delayed_, exec_start_fails_;
  std::vector<Forced> forced_;
  bool enabled_ = false;
};

}  // namespace properties

#endif  // DSIM_PROPERTIES_DRIVE_FAULTS_H_
