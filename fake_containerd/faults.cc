#include "fake_containerd/faults.h"

namespace fake_containerd {

namespace {

constexpr std::string_view kNames[kFaultPointCount] = {
    "rpc-unavailable",  "reply-lost", "reply-delayed",
    "exec-start-fails", "shim-dies",  "containerd-restart",
};

}  // namespace

std::string_view FaultPointName(FaultPoint p) {
  return kNames[static_cast<int>(p)];
}

bool ParseFaultPoint(std::string_view name, FaultPoint* p) {
  for (int i = 0; i < kFaultPointCount; ++i) {
    if (kNames[i] == name) {
      *p = static_cast<FaultPoint>(i);
      return true;
    }
  }
  return false;
}

void Faults::Force(FaultPoint p, int count, std::string method) {
  if (forced_object_ == sim::kNoObject)
    forced_object_ = ex_.NewObject("forced faults");
  forced_.push_back(Forced{p, count, std::move(method)});
}

bool Faults::Draw(FaultPoint p, std::string_view method) {
  bool fire = false;
  ex_.Touch(forced_object_, sim::Access::kWrite);  // none unless forced
  if (!armed_) return false;
  for (auto it = forced_.begin(); it != forced_.end(); ++it) {
    if (it->point != p || (!it->method.empty() && it->method != method))
      continue;
    fire = true;
    if (--it->remaining == 0) forced_.erase(it);
    break;
  }
  if (!fire)
    fire = ex_.ChooseWith(options_.probability[static_cast<int>(p)],
                          sim::Stream::kFault);
  if (fire) {
    ++fired_[static_cast<int>(p)];
    if (p == FaultPoint::kRpcUnavailable || p == FaultPoint::kReplyLost)
      fired_rpcs_.push_back({p, std::string(method), {}});
    ex_.Note("fault " + std::string(FaultPointName(p)) +
             (method.empty() ? "" : " " + std::string(method)));
  }
  return fire;
}

}  // namespace fake_containerd
