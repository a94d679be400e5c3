// fake_containerd/faults.h: the fault model of the fake containerd.
//
// Every fault is a named point. At each occurrence it fires when a scenario
// forced it (the next `count` occurrences, optionally only for one RPC method),
// or else with its probability, drawn from the run's fault stream
// (sim::Stream::kFault, recorded for replay). Every probability defaults to
// zero: a fault only happens when asked for.
//
// The points:
// - kRpcUnavailable: the request never reaches containerd; the client sees
//   UNAVAILABLE.
// - kReplyLost: containerd executed the request but the reply is lost; the
//   client sees UNAVAILABLE or DEADLINE_EXCEEDED and cannot tell that it ran.
// - kReplyDelayed: the reply arrives after a virtual delay (up to
//   reply_delay_max).
// - kExecStartFails: Tasks/Start of an exec spawns its process, which dies at
//   once (127, exit published), and then fails (Kernel::MakeStartFail).
// - kShimDies: the shim of a task dies; containerd publishes init's exit and
//   the task's deletion, and the task becomes UNKNOWN / NOT_FOUND.
// - kContainerdRestart: containerd restarts; event subscriptions end with an
//   error, tasks and containers survive.
//
// A scenario's setup runs disarmed (set_armed): its containers are created
// and started as written, and the faults meet only what the clients and the
// environment do, as in `dsim drive`.
#ifndef DSIM_FAKE_CONTAINERD_FAULTS_H_
#define DSIM_FAKE_CONTAINERD_FAULTS_H_

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "sim/executor.h"
#include "sim/prng.h"

namespace fake_containerd {

enum class FaultPoint : int {
  kRpcUnavailable,
  kReplyLost,
  kReplyDelayed,
  kExecStartFails,
  kShimDies,
  kContainerdRestart,
};
inline constexpr int kFaultPointCount = 6;
std::string_view FaultPointName(FaultPoint p);
// Parses a name as printed by FaultPointName ("rpc-unavailable"...); false if
// unknown.
bool ParseFaultPoint(std::string_view name, FaultPoint* p);

struct FaultOptions {
  std::array<sim::Ratio, kFaultPointCount>
      probability{};  // per point; all zero
  sim::Nanos reply_delay_max = 2 * sim::kSecond;
};

class Faults {
 public:
  Faults(sim::Executor& ex, FaultOptions options)
      : ex_(ex), options_(options) {}

  // The next `count` occurrences of `p` fire; with `method`, only occurrences
  // for that method.
  void Force(FaultPoint p, int count = 1, std::string method = "");
  // One occurrence of `p` (for `method`, when it is an RPC fault): does it
  // fire?
  bool Draw(FaultPoint p, std::string_view method = "");
  // Disarmed, no point fires and no forced fault is used up.
  void set_armed(bool armed) { armed_ = armed; }
  // How many times each point fired in this run.
  int fired(FaultPoint p) const { return fired_[static_cast<int>(p)]; }

  // An RPC that failed by a fault (rpc-unavailable, reply-lost), and the
  // container its request named (empty when the transport could not tell):
  // the checks read these to tell moby's best-effort cleanups, cut by a
  // fault, from a leak.
  struct Fired {
    FaultPoint point;
    std::string method;
    std::string container;
  };
  const std::vector<Fired>& fired_rpcs() const { return fired_rpcs_; }
  // Names the container of the RPC fault that fired last.
  void SetLastContainer(std::string id) {
    if (!fired_rpcs_.empty()) fired_rpcs_.back().container = std::move(id);
  }
  const FaultOptions& options() const { return options_; }
  sim::Executor& executor() const { return ex_; }

 private:
  struct Forced {
    FaultPoint point;
    int remaining;
    std::string method;
  };
  sim::Executor& ex_;
  FaultOptions options_;
  std::vector<Forced> forced_;
  // Made by the first Force: from then on every Draw writes it (which draw
  // a forced fault goes to depends on their order).
  sim::ObjectId forced_object_ = sim::kNoObject;
  std::array<int, kFaultPointCount> fired_{};
  std::vector<Fired> fired_rpcs_;
  bool armed_ = true;
};

}  // namespace fake_containerd

#endif  // DSIM_FAKE_CONTAINERD_FAULTS_H_
