#include "properties/drive_faults.h"

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"

namespace properties {

namespace {

sim::Ratio RatioOf(double p) {
  return sim::Ratio{static_cast<uint64_t>(p * 1'000'000), 1'000'000};
}

// The fault stream's seed, apart from the strategy's.
constexpr uint64_t kFaultStream = 0x6661756c74730001ull;

}  // namespace

DriveFaults::DriveFaults(const dsim::scenario::Faults& f, uint64_t seed)
    : prng_(sim::Mix64(seed ^ kFaultStream)),
      unavailable_(RatioOf(f.rpc_unavailable())),
      lost_(RatioOf(f.reply_lost())),
      delayed_(RatioOf(f.reply_delayed())),
      exec_start_fails_(RatioOf(f.exec_start_fails())) {
  for (const dsim::scenario::ForcedFault& ff : f.force()) {
    forced_.push_back(
        {ff.point(), ff.method(), ff.count() > 0 ? ff.count() : 1});
  }
  enabled_ = unavailable_.num > 0 || lost_.num > 0 || delayed_.num > 0 ||
             exec_start_fails_.num > 0 || !forced_.empty();
}

std::string DriveFaults::Draw(const std::string& label) {
  if (!enabled_ || !absl::StartsWith(label, "rpc ")) return "";
  // "rpc Tasks/Start c1 #1": the method's service and name.
  const size_t end = label.find(' ', 4);
  const std::string method = label.substr(4, end - 4);
  // Not on dockerd's kill path (20.10 loads the container and its task,
  // then kills): when a SIGKILL fails, dockerd waits for the exit, then
  // SIGKILLs the pid itself, which reaches a real shim's process but not the
  // fake's, so the kill (stop, rm -f) would never return.
  if (method == "Tasks/Kill" || method == "Tasks/Get" ||
      method == "Containers/Get") {
    return "";
  }
  // An exec's start: its label names "container/exec".
  const bool exec_start =
      method == "Tasks/Start" && label.find('/', end + 1) != std::string::npos;
  for (Forced& f : forced_) {
    if (f.remaining == 0) continue;
    if (f.point == kExecStartFails && !exec_start) continue;
    // A forced method is a full name: "/containerd.services.tasks.v1.Tasks/
    // Start" ends with ".Tasks/Start".
    if (!f.method.empty() && f.method != method &&
        !absl::EndsWith(f.method, "." + method)) {
      continue;
    }
    --f.remaining;
    return f.point;
  }
  // One draw per point, in the simulation's order of checking them.
  if (prng_.Chance(unavailable_)) return kRpcUnavailable;
  if (prng_.Chance(lost_)) return kReplyLost;
  if (prng_.Chance(delayed_)) return kReplyDelayed;
  // Drawn only where it applies (and only when set, so that other
  // scenarios' fault streams are as before).
  if (exec_start && exec_start_fails_.num > 0 &&
      prng_.Chance(exec_start_fails_)) {
    return kExecStartFails;
  }
  return "";
}

std::pair<std::string, std::string> DriveFaults::Split(
    const std::string& decision) {
  const size_t bang = decision.rfind(" !");
  if (bang == std::string::npos) return {decision, ""};
  return {decision.substr(0, bang), decision.substr(bang + 2)};
}

std::optional<std::pair<std::string, std::string>> DriveFaults::FailedCall(
    const std::string& decision) {
  auto [label, fault] = Split(decision);
  if (fault != kRpcUnavailable && fault != kReplyLost) return std::nullopt;
  std::vector<std::string> parts = absl::StrSplit(label, ' ');
  if (parts.size() < 2 || parts[0] != "rpc") return std::nullopt;
  std::string container;
  if (parts.size() > 2 && !absl::StartsWith(parts[2], "#")) {
    container = parts[2].substr(0, parts[2].find('/'));
  }
  return std::make_pair(container, fault + " " + parts[1]);
}

}  // namespace properties
