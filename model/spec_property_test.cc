// RapidCheck property of model::Spec: any sequence of operations (each with a
// reply the model allows) and environment events leaves the model consistent,
// and the model accepts its own inspect views.
#include <algorithm>
#include <array>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "model/spec.h"
#include "rapidcheck.h"
#include "rapidcheck/gtest.h"

namespace model {
namespace {

// kind, container index, exec index, exit code, reply choice.
using Step = std::tuple<int, int, int, int, int>;
constexpr int kKinds = 18;

// A reply allowed for `op`, picked by `choice`.
Reply Pick(const Spec& spec, Op op, absl::string_view id, int choice) {
  std::vector<AllowedReply> allowed = spec.Allowed(op, id);
  const AllowedReply& a = allowed[choice % allowed.size()];
  return Reply::Error(a.kind, a.phrase);
}

void Apply(Spec& spec, const Step& step, std::vector<int>& waiters) {
  const auto [kind, ci, ei, code, choice] = step;
  const std::string c = absl::StrCat("c", ci);
  const std::string e = absl::StrCat("e", ei);
  absl::Status s;  // environment events may not apply: ignored
  switch (kind) {
    case 0: {
      static constexpr std::array<const char*, 3> kPolicies = {"no", "always",
                                                               "on-failure:2"};
      const bool taken = spec.Inspect(c).ok();
      s = spec.ContainerCreate(
          c, taken ? Reply::Error(ErrorKind::kConflict) : Reply::Ok(),
          *RestartPolicy::Parse(kPolicies[choice % 3]),
          choice % 3 == 0 && choice % 2 == 0);  // AutoRemove only without
                                                // a policy
      break;
    }
    case 1:
      s = spec.ContainerStart(c, Pick(spec, Op::kContainerStart, c, choice));
      break;
    case 2:
      s = spec.ContainerKill(c, Pick(spec, Op::kContainerKill, c, choice));
      break;
    case 3:
      s = spec.ContainerStop(c, Pick(spec, Op::kContainerStop, c, choice),
                             code);
      break;
    case 4:
      s = spec.ContainerRestart(c, Pick(spec, Op::kContainerRestart, c, choice),
                                code);
      break;
    case 5:
      s = spec.ContainerPause(c, Pick(spec, Op::kContainerPause, c, choice));
      break;
    case 6:
      s = spec.ContainerUnpause(c,
                                Pick(spec, Op::kContainerUnpause, c, choice));
      break;
    case 7: {
      const bool force = choice % 2 == 0;
      s = spec.ContainerRm(
          c, force,
          Pick(spec, force ? Op::kContainerRmForce : Op::kContainerRm, c,
               choice / 2),
          code);
      break;
    }
    case 8: {
      const std::vector<std::string> used = spec.ExecIds();
      if (std::find(used.begin(), used.end(), e) != used.end()) return;
      s = spec.ContainerExecCreate(
          c, e, Pick(spec, Op::kContainerExecCreate, c, choice));
      break;
    }
    case 9:
      s = spec.ContainerExecStart(
          e, Pick(spec, Op::kContainerExecStart, e, choice));
      break;
    case 10: {
      absl::StatusOr<int> w = spec.ContainerWaitBegin(
          c, static_cast<WaitCondition>(choice % 3),
          spec.Inspect(c).ok() ? Reply::Ok()
                               : Reply::Error(ErrorKind::kNotFound));
      RC_ASSERT(w.ok());
      if (*w >= 0) waiters.push_back(*w);
      return;
    }
    case 11:
      static_cast<void>(spec.InitExit(c, code));
      return;
    case 12:
      static_cast<void>(spec.Oom(c));
      return;
    case 13:
      static_cast<void>(spec.ExecExit(e, code));
      return;
    case 14:
      static_cast<void>(spec.AutoRestart(c));
      return;
    case 16:
      static_cast<void>(spec.AutoRemoveStep(c));
      return;
    case 15: {
      absl::StatusOr<InspectView> v = spec.Inspect(c);
      s = spec.ContainerInspect(
          c, v.ok() ? Reply::Ok() : Reply::Error(ErrorKind::kNotFound),
          v.value_or(InspectView{}));
      break;
    }
    default: {
      absl::StatusOr<ExecView> v = spec.ExecInspect(e);
      s = spec.ContainerExecInspect(
          e, v.ok() ? Reply::Ok() : Reply::Error(ErrorKind::kNotFound),
          v.value_or(ExecView{}));
      break;
    }
  }
  if (!s.ok()) RC_FAIL(std::string(s.message()));
}

RC_GTEST_PROP(SpecProperty, RandomHistoriesKeepTheModelConsistent, ()) {
  const std::vector<Step> steps = *rc::gen::container<std::vector<Step>>(
      rc::gen::tuple(rc::gen::inRange(0, kKinds), rc::gen::inRange(0, 3),
                     rc::gen::inRange(0, 4), rc::gen::inRange(0, 4),
                     rc::gen::inRange(0, 12)));
  // Sometimes AutoRemove as concurrent histories see it: in steps.
  Spec spec(SpecOptions{.remove_later = *rc::gen::arbitrary<bool>()});
  std::vector<int> waiters;
  for (const Step& step : steps) {
    Apply(spec, step, waiters);
    const absl::Status consistent = spec.CheckConsistent();
    if (!consistent.ok()) RC_FAIL(std::string(consistent.message()));
    for (const std::string& id : spec.ContainerIds()) {
      absl::StatusOr<InspectView> v = spec.Inspect(id);
      if (!v.ok()) continue;
      RC_ASSERT(!v->paused || v->running);
      RC_ASSERT(v->exec_ids.empty() || (v->running && !v->restarting));
      RC_ASSERT(v->has_pid == (v->running && !v->restarting));
    }
  }
  // Every woken waiter accepts its captured result and nothing else.
  for (int w : waiters) {
    if (!spec.IsWaiterWoken(w)) continue;
    bool some_code_allowed = false;
    for (int code = 0; code < 256 && !some_code_allowed; ++code) {
      some_code_allowed = spec.ContainerWaitEnd(w, Reply::Ok(), code).ok();
    }
    RC_ASSERT(some_code_allowed);
  }
}

}  // namespace
}  // namespace model
