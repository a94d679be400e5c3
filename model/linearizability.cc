// The linearizability search of model/linearizability.h.
#include "model/linearizability.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace model {

const char* ToString(CallKind k) {
  switch (k) {
    case CallKind::kCreate:
      return "CREATE";
    case CallKind::kStart:
      return "START";
    case CallKind::kKill:
      return "KILL";
    case CallKind::kStop:
      return "STOP";
    case CallKind::kRestart:
      return "RESTART";
    case CallKind::kPause:
      return "PAUSE";
    case CallKind::kUnpause:
      return "UNPAUSE";
    case CallKind::kWait:
      return "WAIT";
    case CallKind::kInspect:
      return "INSPECT";
    case CallKind::kRm:
      return "RM";
    case CallKind::kExecCreate:
      return "EXEC_CREATE";
    case CallKind::kExecStart:
      return "EXEC_START";
    case CallKind::kExecInspect:
      return "EXEC_INSPECT";
  }
  return "?";
}

const char* ToString(EventKind k) {
  switch (k) {
    case EventKind::kInitExit:
      return "init exit";
    case EventKind::kExecExit:
      return "exec exit";
    case EventKind::kOom:
      return "oom";
    case EventKind::kPaused:
      return "paused";
    case EventKind::kResumed:
      return "resumed";
  }
  return "?";
}

namespace {

using Outcome = LinearizabilityResult::Outcome;

// One operation of a partition: a call (one or two points) or an event.
struct LinOp {
  const Call* call = nullptr;
  const Event* event = nullptr;
  int steps = 1;
  uint64_t inv = 0, resp = kNever;
  // May stay unapplied (or half applied): an indeterminate call, an event the
  // daemon may have lost in a crash.
  bool optional = false;
  int queue_pos = -1;  // events: position in the container's queue
};

// An exec start whose error came from containerd (or from a cancelled
// attach) passed its checks first and ran its error defer later: moby's
// ContainerExecStart makes its RPCs between the two without the container
// lock, so an init exit's Cleanup may fall in between and unregister the exec
// (found by dsim drive against dockerd 20.10).
bool ErrorDeferLater(const Call& c) {
  return c.kind == CallKind::kExecStart &&
         (c.cancelled ||
          (!c.indeterminate && (c.reply.kind == ErrorKind::kSystem ||
                                c.reply.kind == ErrorKind::kInvalidParameter)));
}

int Points(CallKind k) {
  if (k == CallKind::kRm) return 4;
  if (k == CallKind::kRestart || k == CallKind::kExecCreate) return 3;
  return k == CallKind::kStop || k == CallKind::kWait ||
                 k == CallKind::kExecStart
             ? 2
             : 1;
}

std::string ShowView(const InspectView& v) {
  return absl::StrCat(
      ToString(v.status), " exit=", v.exit_code,
      v.restart_count != 0 ? absl::StrCat(" restarts=", v.restart_count) : "",
      v.oom_killed ? " OOMKilled" : "", v.has_pid ? "" : " pid=0",
      v.has_error ? " Error" : "",
      v.started_at.value_or(0) != 0 ? absl::StrCat(" started=", *v.started_at)
                                    : "",
      v.finished_at.value_or(0) != 0
          ? absl::StrCat(" finished=", *v.finished_at)
          : "",
      " execs=[", absl::StrJoin(v.exec_ids, ","), "]");
}

std::string Describe(const LinOp& op, int step) {
  if (op.event != nullptr) {
    const Event& e = *op.event;
    if (e.kind == EventKind::kInitExit && step == 0) {
      return absl::StrCat("containerd: the init of ", e.container, " dies");
    }
    if (e.kind == EventKind::kExecExit && step == 0) {
      return absl::StrCat("exec exit handler finds exec ", e.exec_id);
    }
    std::string s = absl::StrCat("event ", ToString(e.kind), " ", e.container);
    if (!e.exec_id.empty()) absl::StrAppend(&s, " exec ", e.exec_id);
    if (e.kind == EventKind::kInitExit || e.kind == EventKind::kExecExit) {
      absl::StrAppend(&s, " status ", e.exit_code);
    }
    return s;
  }
  const Call& c = *op.call;
  std::string s =
      absl::StrCat(c.client, ": ", ToString(c.kind), " ", c.container);
  if (!c.exec_id.empty()) absl::StrAppend(&s, " exec ", c.exec_id);
  if (op.steps > 1) {
    absl::StrAppend(&s, step == 0 ? " (begins)"
                        : step + 1 == op.steps
                            ? " (ends)"
                            : absl::StrCat(" (point ", step + 1, ")"));
  }
  if (c.indeterminate) return absl::StrCat(s, " -> no reply seen");
  if (c.reply.kind != ErrorKind::kNone) {
    return absl::StrCat(s, " -> ", ToString(c.reply.kind), " \"",
                        c.reply.message, "\"");
  }
  if (c.inspect) return absl::StrCat(s, " -> ", ShowView(*c.inspect));
  if (c.exec) {
    return absl::StrCat(
        s, " -> running=", c.exec->running ? "true" : "false", " exit=",
        c.exec->exit_code ? absl::StrCat(*c.exec->exit_code) : "null");
  }
  if (c.wait_code) return absl::StrCat(s, " -> ", *c.wait_code);
  return absl::StrCat(s, " -> OK");
}

// Start of a running container and stop of a stopped one answer 304, which a
// client sees as success.
Reply Resolve(const Spec& spec, Op op, const std::string& id, Reply r) {
  if (r.kind != ErrorKind::kNone) return r;
  for (const AllowedReply& a : spec.Allowed(op, id)) {
    if (a.kind == ErrorKind::kNotModified) return Reply::Error(a.kind);
  }
  return r;
}

absl::Status ApplyCall(Spec& spec, const LinOp& op, int step, int& handle) {
  const Call& c = *op.call;
  const Reply reply = c.indeterminate ? Reply::Ok() : c.reply;
  const std::string& id = c.container;
  switch (c.kind) {
    case CallKind::kCreate:
      return spec.ContainerCreate(id, reply, c.policy, c.auto_remove);
    case CallKind::kStart:
      return spec.ContainerStart(id,
                                 Resolve(spec, Op::kContainerStart, id, reply));
    case CallKind::kKill:
      return spec.ContainerKill(id, reply);
    case CallKind::kStop:
      if (step == 0) {
        return spec.StopBegin(id, Resolve(spec, Op::kContainerStop, id, reply));
      }
      // A refused stop waits for nothing.
      return reply.kind == ErrorKind::kNone ? spec.StopEnd(id)
                                            : absl::OkStatus();
    case CallKind::kRestart:
      if (step == 0) return spec.RestartBegin(id, reply);
      if (reply.kind != ErrorKind::kNone && reply.kind != ErrorKind::kSystem &&
          reply.kind != ErrorKind::kInvalidParameter) {
        return absl::OkStatus();
      }
      return step == 1 ? spec.StopEnd(id, "ContainerRestart")
                       : spec.RestartEnd(id, reply);
    case CallKind::kPause:
      return spec.ContainerPause(id, reply);
    case CallKind::kUnpause:
      return spec.ContainerUnpause(id, reply);
    case CallKind::kRm:
      switch (step) {
        case 0:
          return spec.RmLookup(id, c.force, reply);
        case 1:
          return spec.RmBegin(id, c.force, reply);
        case 2:
          return spec.RmDead(id, c.force, reply);
        default:
          return spec.RmEnd(id, reply);
      }
    case CallKind::kWait: {
      if (step == 0) {
        const Reply begin =
            reply.kind == ErrorKind::kNotFound ? reply : Reply::Ok();
        absl::StatusOr<int> h = spec.ContainerWaitBegin(id, c.condition, begin);
        if (!h.ok()) return h.status();
        handle = *h;
        return absl::OkStatus();
      }
      if (handle < 0) return absl::OkStatus();
      if (c.indeterminate) {
        return absl::FailedPreconditionError("no reply to check");
      }
      return spec.ContainerWaitEnd(handle, reply, c.wait_code.value_or(0));
    }
    case CallKind::kInspect:
      if (c.settled && spec.AutoRemoveDue(id)) {
        return absl::FailedPreconditionError(
            absl::StrCat("the run settled, but the daemon's autoRemove of ", id,
                         " has not removed it"));
      }
      return spec.ContainerInspect(id, reply,
                                   c.inspect.value_or(InspectView{}));
    case CallKind::kExecCreate:
      if (step == 0) return spec.ExecCreateBegin(id, reply);
      return step == 1 ? spec.ExecCreateInContainer(id, c.exec_id, reply)
                       : spec.ExecCreateInDaemon(c.exec_id, reply);
    case CallKind::kExecStart:
      if (step == 0) return spec.ExecStartLookup(c.exec_id, reply);
      if (!ErrorDeferLater(c)) return spec.ExecStartAct(c.exec_id, reply);
      // Its checks passed, then the error defer (ExitCode = 126,
      // ExecCommands.Delete), which an exit applies alike.
      return step == 1 ? spec.ExecStartAct(c.exec_id, Reply::Ok(),
                                           /*error_later=*/true)
                       : spec.ExecExitApply(c.exec_id, 126);
    case CallKind::kExecInspect:
      return spec.ContainerExecInspect(c.exec_id, reply,
                                       c.exec.value_or(ExecView{}));
  }
  return absl::InternalError("unknown call");
}

absl::Status ApplyEvent(Spec& spec, const Event& e, int step, int& handle) {
  switch (e.kind) {
    case EventKind::kInitExit:
      // The death in containerd, then its handling by the daemon.
      return step == 0 ? spec.TaskDied(e.container)
                       : spec.InitExit(e.container, e.exit_code);
    case EventKind::kExecExit:
      // The lookup, then (if it found the exec) the update.
      if (step == 0) {
        handle = spec.ExecExitLookup(e.exec_id) ? 1 : 0;
        return absl::OkStatus();
      }
      return handle == 1 ? spec.ExecExitApply(e.exec_id, e.exit_code)
                         : absl::OkStatus();
    case EventKind::kOom:
      return spec.Oom(e.container);
    case EventKind::kPaused:
      return spec.TaskPaused(e.container);
    case EventKind::kResumed:
      return spec.TaskResumed(e.container);
  }
  return absl::InternalError("unknown event");
}

struct Partition {
  const History* history = nullptr;  // its order of positions
  std::string container;
  int epoch = 0;
  Spec initial;
  // A restart-policy start may fail (History::faults, restart_may_fail).
  bool restart_may_fail = false;
  std::vector<LinOp> ops;
};

class Search {
 public:
  Search(const Partition& p, uint64_t max_nodes)
      : p_(p), max_nodes_(max_nodes) {
    const size_t n = p_.ops.size();
    for (size_t i = 0; i < n; ++i) {
      if (p_.ops[i].event != nullptr) queue_.push_back(static_cast<int>(i));
    }
    must_wait_.resize(n);
    overtaken_by_.resize(n);
    reached_.resize(n, 0);
    stuck_reasons_.resize(n);
  }

  Outcome Run() {
    Node root{p_.initial, std::string(p_.ops.size(), '\0'),
              std::vector<int>(p_.ops.size(), -1)};
    if (Greedy(root) || Dfs(root)) return Outcome::kLinearizable;
    return nodes_ > max_nodes_ ? Outcome::kInconclusive : Outcome::kViolation;
  }
  uint64_t nodes() const { return nodes_; }

  std::string Explain() const {
    std::string s = absl::StrCat(
        "container ", p_.container,
        p_.epoch > 0 ? absl::StrCat(" (after daemon restart ", p_.epoch, ")")
                     : "",
        ": no order of the calls and events explains what the clients saw.");
    if (best_prefix_.empty()) {
      absl::StrAppend(&s, " Nothing can come first.");
    } else {
      const size_t from = best_prefix_.size() > 6 ? best_prefix_.size() - 6 : 0;
      absl::StrAppend(&s, " The longest explainable order (",
                      best_prefix_.size(), " steps) ends:");
      for (size_t i = from; i < best_prefix_.size(); ++i) {
        absl::StrAppend(&s, "\n    ", best_prefix_[i]);
      }
    }
    absl::StrAppend(&s, "\n  and the model refuses every next step:");
    for (const std::string& r : best_refusals_)
      absl::StrAppend(&s, "\n    ", r);
    if (best_refusals_.empty()) {
      absl::StrAppend(&s, "\n    (no step may come next in real-time order)");
    }
    // The longest order may end at a step that other orders got past, and
    // name one refusal of several: the steps no order got past, with the
    // first refusal of each rule not shown above, say what else the model
    // could not explain.
    std::string stuck;
    for (size_t i = 0; i < p_.ops.size(); ++i) {
      if (p_.ops[i].optional || reached_[i] == p_.ops[i].steps) continue;
      const std::string step = Describe(p_.ops[i], reached_[i]);
      for (const std::string& reason : stuck_reasons_[i]) {
        std::string line = absl::StrCat(step, ": ", reason);
        if (absl::c_linear_search(best_refusals_, line)) continue;
        absl::StrAppend(&stuck, "\n    ", line);
      }
    }
    if (!stuck.empty()) {
      absl::StrAppend(&s,
                      "\n  steps no order got past, also refused as:", stuck);
    }
    absl::StrAppend(&s,
                    "\n  the calls and events involved, [invoked, returned]:");
    for (const LinOp& op : p_.ops) {
      absl::StrAppend(
          &s, "\n    [", op.inv, ", ",
          op.resp == kNever ? std::string("-") : absl::StrCat(op.resp), "] ",
          Describe(op, op.steps - 1));
    }
    return s;
  }

 private:
  struct Node {
    Spec spec;
    std::string progress;  // per op: steps applied
    std::vector<int> handles;
  };

  // Keeps, per op, the furthest step any order applied and the refusals of
  // the step after it, the first of each rule (Explain's "steps no order got
  // past": the longest order may end elsewhere).
  void Note(size_t i, int step, const absl::Status& s) {
    std::vector<std::string>& reasons = stuck_reasons_[i];
    if (s.ok()) {
      if (step + 1 > reached_[i]) {
        reached_[i] = step + 1;
        reasons.clear();
      }
      return;
    }
    if (step != reached_[i] || reasons.size() == kMaxReasons) return;
    const absl::string_view m = s.message();
    const absl::string_view rule = m.substr(0, m.find(':'));
    for (const std::string& r : reasons) {
      if (absl::StartsWith(r, rule) && r.size() > rule.size() &&
          r[rule.size()] == ':') {
        return;
      }
    }
    reasons.emplace_back(m);
  }

  bool Done(const Node& n, size_t i) const {
    return n.progress[i] == p_.ops[i].steps;
  }

  // The ops j for which `pred(j)` holds, listed in `slot` when first asked.
  // Which op returned before which was invoked is fixed by the history, so
  // the lists below are computed once per op, not at every node.
  template <typename Pred>
  const std::vector<size_t>& OpsWhere(std::optional<std::vector<size_t>>& slot,
                                      Pred pred) const {
    if (!slot.has_value()) {
      slot.emplace();
      for (size_t j = 0; j < p_.ops.size(); ++j) {
        if (pred(j)) slot->push_back(j);
      }
    }
    return *slot;
  }
  // The mandatory ops that returned before op i was invoked.
  const std::vector<size_t>& MustWaitFor(size_t i) const {
    return OpsWhere(must_wait_[i], [&](size_t j) {
      return j != i && !p_.ops[j].optional &&
             p_.history->Precedes(p_.ops[j].resp, p_.ops[i].inv);
    });
  }
  // The ops invoked after op i returned.
  const std::vector<size_t>& OvertakenBy(size_t i) const {
    return OpsWhere(overtaken_by_[i], [&](size_t j) {
      return p_.history->Precedes(p_.ops[i].resp, p_.ops[j].inv);
    });
  }
  bool MustWait(const Node& n, size_t i) const {
    for (size_t j : MustWaitFor(i)) {
      if (!Done(n, j)) return true;
    }
    return false;
  }
  // An op already (partly) applied was invoked after (optional) op i
  // returned.
  bool Overtaken(const Node& n, size_t i) const {
    for (size_t j : OvertakenBy(i)) {
      if (n.progress[j] > 0) return true;
    }
    return false;
  }

  bool Eligible(const Node& n, size_t i, uint64_t min_resp,
                uint64_t max_inv) const {
    const LinOp& op = p_.ops[i];
    // An init's death may come any time before its exit is received.
    const bool death = op.event != nullptr &&
                       op.event->kind == EventKind::kInitExit &&
                       n.progress[i] == 0;
    // Not before an op that returned before it was invoked. Happens-before,
    // not the interleaving: positions of independent steps may come in
    // either order (min_resp and max_inv: the quick test by seq).
    if (Done(n, i) || (!death && op.inv >= min_resp && MustWait(n, i)))
      return false;
    // An indeterminate call took effect before its (lost) reply or never.
    if (op.optional && n.progress[i] == 0 && max_inv > op.resp &&
        Overtaken(n, i)) {
      return false;
    }
    if (op.event == nullptr) return true;
    if (death) {
      // Deaths happen in containerd, outside the daemon's queue: only in the
      // order of the runs they end.
      for (int q = 0; q < op.queue_pos; ++q) {
        const size_t j = queue_[q];
        if (p_.ops[j].event->kind == EventKind::kInitExit &&
            n.progress[j] == 0 && !p_.ops[j].optional) {
          return false;
        }
      }
      return true;
    }
    // The container's queue is serial: no earlier event still due, no later
    // event already handled.
    for (int q = 0; q < op.queue_pos; ++q) {
      const size_t j = queue_[q];
      if (!Done(n, j) && !p_.ops[j].optional) return false;
    }
    for (size_t q = op.queue_pos + 1; q < queue_.size(); ++q) {
      const size_t j = queue_[q];
      // (An init's death is not its handling.)
      const int before_handling =
          p_.ops[j].event->kind == EventKind::kInitExit ? 1 : 0;
      if (n.progress[j] > before_handling) return false;
    }
    return true;
  }

  // What Eligible's quick tests read: the earliest reply of a mandatory op
  // still to finish, the latest invocation of an op begun.
  struct Bounds {
    uint64_t min_resp = kNever;
    uint64_t max_inv = 0;
  };
  // True when every mandatory op is done; else `b` for node n.
  bool AllDone(const Node& n, Bounds* b) const {
    bool all_done = true;
    for (size_t i = 0; i < p_.ops.size(); ++i) {
      if (n.progress[i] > 0) b->max_inv = std::max(b->max_inv, p_.ops[i].inv);
      if (Done(n, i) || p_.ops[i].optional) continue;
      all_done = false;
      b->min_resp = std::min(b->min_resp, p_.ops[i].resp);
    }
    return all_done;
  }
  // Where op i's next step sits in the greedy order: a call's last point
  // near its reply, its first near its invocation, an event where the daemon
  // received it.
  uint64_t GreedyKey(const Node& n, size_t i) const {
    const LinOp& op = p_.ops[i];
    const bool last = n.progress[i] + 1 == op.steps;
    return op.event != nullptr || !last || op.resp == kNever ? op.inv : op.resp;
  }

  // True when every mandatory op is done; else the steps that may come next,
  // in the greedy order.
  bool Candidates(const Node& n,
                  std::vector<std::pair<uint64_t, size_t>>* order) const {
    Bounds b;
    if (AllDone(n, &b)) return true;
    for (size_t i = 0; i < p_.ops.size(); ++i) {
      if (Eligible(n, i, b.min_resp, b.max_inv)) {
        order->emplace_back(GreedyKey(n, i), i);
      }
    }
    std::sort(order->begin(), order->end());
    return false;
  }

  // The greedy order alone, as a loop: it explains almost every correct
  // history, without the recursive search's stack (a restart loop through a
  // long wait makes thousands of steps).
  bool Greedy(Node root) {
    // Two nodes, the current one and its trial child, trade roles when a
    // step applies (nothing after a move in a pass reads `n`): each keeps
    // its storage (the spec's map nodes among it) from step to step, and
    // nothing is moved or swapped.
    Node nodes[2];
    nodes[0] = std::move(root);
    int current = 0;
    std::vector<std::pair<uint64_t, size_t>> order;
    for (uint64_t steps = 0; steps <= max_nodes_; ++steps) {
      const Node& n = nodes[current];
      Node& child = nodes[1 - current];
      // Candidates' order, with eligibility asked only of the ops tried (the
      // first eligible one almost always applies): the same steps in the
      // same order as filtering first.
      Bounds b;
      if (AllDone(n, &b)) return true;
      order.clear();
      for (size_t i = 0; i < p_.ops.size(); ++i) {
        if (!Done(n, i)) order.emplace_back(GreedyKey(n, i), i);
      }
      std::sort(order.begin(), order.end());
      bool moved = false;
      for (const auto& [unused, i] : order) {
        if (!Eligible(n, i, b.min_resp, b.max_inv)) continue;
        child = n;
        const LinOp& op = p_.ops[i];
        const int step = n.progress[i];
        absl::Status s =
            op.event != nullptr
                ? ApplyEvent(child.spec, *op.event, step, child.handles[i])
                : ApplyCall(child.spec, op, step, child.handles[i]);
        Note(i, step, s);
        if (!s.ok()) continue;
        ++child.progress[i];
        current = 1 - current;
        moved = true;
        break;
      }
      if (!moved && n.spec.IsRestarting(p_.container)) {
        for (int kind = 0; kind <= (p_.restart_may_fail ? 2 : 1) && !moved;
             ++kind) {
          child = n;
          absl::Status s = kind == 0 ? child.spec.AutoRestart(p_.container)
                           : kind == 1
                               ? child.spec.RestartCancelled(p_.container)
                               : child.spec.RestartFailed(p_.container);
          if (!s.ok()) continue;
          current = 1 - current;
          moved = true;
        }
      }
      if (!moved && n.spec.AutoRemoveDue(p_.container)) {
        child = n;
        if (child.spec.AutoRemoveStep(p_.container).ok()) {
          current = 1 - current;
          moved = true;
        }
      }
      if (!moved) return false;
    }
    return false;
  }

  // A search frame: a node and the steps from it not yet tried.
  struct Frame {
    Node node;
    std::vector<std::pair<uint64_t, size_t>> order;
    size_t next = 0;  // into order, then the restart manager's moves
    int next_move = 0;
    bool auto_remove_tried = false;
    bool deepest = false;
    std::vector<std::string> refusals;
  };
  enum class Entered { kFound, kPushed, kSeen, kGaveUp };

  Entered Enter(Node n, std::vector<Frame>& stack) {
    if (++nodes_ > max_nodes_) return Entered::kGaveUp;
    Frame f;
    if (Candidates(n, &f.order)) return Entered::kFound;
    // Until the search first backtracks it has never been anywhere twice:
    // the memo (and the state's fingerprint) is needed only after that.
    if (backtracked_) {
      std::string key = n.progress;
      for (int h : n.handles) absl::StrAppend(&key, h, ",");
      absl::StrAppend(&key, "|", n.spec.Fingerprint());
      if (!memo_.insert(std::move(key)).second) return Entered::kSeen;
    }
    f.deepest = path_.size() >= best_depth_;
    f.node = std::move(n);
    stack.push_back(std::move(f));
    return Entered::kPushed;
  }

  // Depth first with an explicit stack: a restart loop through a long wait
  // makes histories thousands of steps deep.
  bool Dfs(const Node& root) {
    std::vector<Frame> stack;
    switch (Enter(root, stack)) {
      case Entered::kFound:
        return true;
      case Entered::kPushed:
        break;
      case Entered::kSeen:
      case Entered::kGaveUp:
        return false;
    }
    while (!stack.empty()) {
      Frame& f = stack.back();
      Node child = f.node;
      std::string step_name;
      if (f.next < f.order.size()) {
        const size_t i = f.order[f.next++].second;
        const LinOp& op = p_.ops[i];
        const int step = f.node.progress[i];
        absl::Status s =
            op.event != nullptr
                ? ApplyEvent(child.spec, *op.event, step, child.handles[i])
                : ApplyCall(child.spec, op, step, child.handles[i]);
        Note(i, step, s);
        if (!s.ok()) {
          if (f.deepest) {
            f.refusals.push_back(
                absl::StrCat(Describe(op, step), ": ", s.message()));
          }
          continue;
        }
        ++child.progress[i];
        step_name = Describe(op, step);
      } else if (f.node.spec.IsRestarting(p_.container) &&
                 f.next_move <= (p_.restart_may_fail ? 2 : 1)) {
        // The restart manager acts on its own: a restarting container starts
        // again (or, when starts can fail, stops).
        const int move = f.next_move++;
        absl::Status s = move == 0   ? child.spec.AutoRestart(p_.container)
                         : move == 1 ? child.spec.RestartCancelled(p_.container)
                                     : child.spec.RestartFailed(p_.container);
        if (!s.ok()) continue;
        step_name = move == 0   ? "restart manager: started again"
                    : move == 1 ? "restart manager: cancelled, stopped"
                                : "restart manager: start failed";
      } else if (!f.auto_remove_tried &&
                 f.node.spec.AutoRemoveDue(p_.container)) {
        // The daemon's autoRemove (rm -f) takes its next step.
        f.auto_remove_tried = true;
        if (!child.spec.AutoRemoveStep(p_.container).ok()) continue;
        step_name = "daemon: autoRemove step";
      } else {
        backtracked_ = true;
        if (f.deepest &&
            (path_.size() > best_depth_ || best_refusals_.empty())) {
          best_depth_ = path_.size();
          best_prefix_ = path_;
          best_refusals_ = std::move(f.refusals);
        }
        stack.pop_back();
        if (!stack.empty()) path_.pop_back();  // the step into that frame
        continue;
      }
      path_.push_back(std::move(step_name));
      switch (Enter(std::move(child), stack)) {  // may move `f`
        case Entered::kFound:
          return true;
        case Entered::kGaveUp:
          return false;
        case Entered::kSeen:
          path_.pop_back();
          break;
        case Entered::kPushed:
          break;
      }
    }
    return false;
  }

  const Partition& p_;
  const uint64_t max_nodes_;
  std::vector<int> queue_;  // the event ops, in queue order
  // must_wait_[i]: the mandatory ops that returned before op i was invoked;
  // overtaken_by_[i]: the ops invoked after op i returned. Filled when first
  // read.
  mutable std::vector<std::optional<std::vector<size_t>>> must_wait_;
  mutable std::vector<std::optional<std::vector<size_t>>> overtaken_by_;
  uint64_t nodes_ = 0;
  absl::flat_hash_set<std::string> memo_;  // membership only, never iterated
  bool backtracked_ = false;
  std::vector<std::string> path_;
  size_t best_depth_ = 0;
  std::vector<std::string> best_prefix_;
  std::vector<std::string> best_refusals_;
  static constexpr size_t kMaxReasons = 4;
  std::vector<int> reached_;  // per op: the most steps any order applied
  std::vector<std::vector<std::string>> stuck_reasons_;  // of the next step
};

// Splits the history by daemon epoch and container.
std::vector<Partition> Partitions(const History& h) {
  const size_t epochs = h.restarts.size() + 1;
  auto epoch_of = [&](uint64_t seq) {
    size_t e = 0;
    while (e < h.restarts.size() && seq >= h.restarts[e].crashed) ++e;
    return e;
  };
  std::map<std::pair<size_t, std::string>, Partition> parts;
  auto part = [&](size_t epoch, const std::string& id) -> Partition& {
    auto [it, added] = parts.try_emplace({epoch, id});
    Partition& p = it->second;
    if (added) {
      p.history = &h;
      p.container = id;
      p.epoch = static_cast<int>(epoch);
      p.restart_may_fail = h.faults || h.restart_may_fail;
      SpecOptions options = h.spec;
      options.cancel_later = true;
      options.remove_later = true;
      p.initial = Spec(options);
      if (epoch > 0) {
        for (const ContainerSnapshot& s : h.restarts[epoch - 1].containers) {
          if (s.id == id) p.initial.Adopt(s);
        }
      }
    }
    return p;
  };
  for (const Call& c : h.calls) {
    // A wait changes nothing but its own waiter, so one with no reply (the
    // client gave up) constrains nothing; kept, its pending waiter would
    // multiply the states of a long run (a restart loop's many exits).
    const bool read = c.kind == CallKind::kInspect ||
                      c.kind == CallKind::kExecInspect ||
                      c.kind == CallKind::kWait;
    if (c.indeterminate && read) continue;  // nothing seen, nothing done
    LinOp op;
    op.call = &c;
    op.steps = Points(c.kind) + (ErrorDeferLater(c) ? 1 : 0);
    op.inv = c.invoked;
    op.resp = c.returned;
    op.optional = c.indeterminate;
    part(epoch_of(c.invoked), c.container).ops.push_back(op);
  }
  for (const Event& e : h.events) {
    size_t epoch = epoch_of(e.seq);
    LinOp op;
    op.event = &e;
    op.steps = e.kind == EventKind::kInitExit || e.kind == EventKind::kExecExit
                   ? 2
                   : 1;
    op.inv = e.seq;
    if (epoch + 1 < epochs) {
      // The daemon that received it was killed: handled before, or never.
      op.optional = true;
      op.resp = h.restarts[epoch].crashed;
    } else {
      op.resp = h.quiescent;
    }
    if (epoch > 0 && e.seq < h.restarts[epoch - 1].restored) {
      op.optional = true;  // during restore: the snapshot may include it
    }
    // Handled by then (if at all): a call invoked after it sees the effect.
    if (e.handled != 0) op.resp = std::min(op.resp, e.handled);
    part(epoch, e.container).ops.push_back(op);
  }
  std::vector<Partition> out;
  for (auto& [key, p] : parts) {
    int pos = 0;
    for (LinOp& op : p.ops) {
      if (op.event != nullptr) op.queue_pos = pos++;
    }
    out.push_back(std::move(p));
  }
  return out;
}

// A graceful stop without live-restore (daemon.Shutdown) stops every running
// container, and a container is restarted at the next startup only by its
// restart policy: one without a policy cannot be running after it. Those
// stops are not manual stops, and restore's restart manager is a fresh one:
// a restart=always container that ever ran is running (or restarting) again
// (unless-stopped too, if no kill or stop came before the shutdown),
// unless it is being removed (Dead) or a start the forced exit cut left its
// task behind (stale). (With faults, a stop or that start may fail, as in
// moby.) Returns the explanation of a violation, or "".
std::string CheckGracefulRestart(const History& h) {
  if (h.faults) return "";
  for (size_t i = 0; i < h.restarts.size(); ++i) {
    const DaemonRestart& r = h.restarts[i];
    if (!r.graceful || r.live_restore) continue;
    for (const ContainerSnapshot& s : r.containers) {
      if (s.view.running && s.policy.kind == RestartPolicy::Kind::kNo) {
        return absl::StrCat(
            "container ", s.id, " (after daemon restart ", i + 1,
            "): running after a graceful daemon shutdown without "
            "live-restore, but it has no restart policy (daemon.Shutdown "
            "stops every running container)");
      }
      const bool comes_back =
          s.policy.kind == RestartPolicy::Kind::kAlways ||
          (s.policy.kind == RestartPolicy::Kind::kUnlessStopped &&
           !s.has_been_manually_stopped);
      if (!s.view.running && comes_back &&
          s.view.status != ContainerStatus::kCreated && !s.view.dead &&
          !s.stale_task && !s.stale_container) {
        return absl::StrCat(
            "container ", s.id, " (after daemon restart ", i + 1,
            "): restart=", s.policy.ToString(),
            ", but not started again after a graceful daemon shutdown (its "
            "stop by the shutdown is not a manual stop)");
      }
    }
  }
  return "";
}

}  // namespace

LinearizabilityResult CheckLinearizable(const History& history,
                                        LinearizabilityLimits limits) {
  LinearizabilityResult result;
  if (std::string why = CheckGracefulRestart(history); !why.empty()) {
    result.outcome = Outcome::kViolation;
    result.explanation = std::move(why);
    return result;
  }
  for (const Partition& p : Partitions(history)) {
    Search search(p, limits.max_nodes);
    const Outcome o = search.Run();
    result.nodes += search.nodes();
    if (o == Outcome::kLinearizable) continue;
    result.outcome = o;
    result.explanation =
        o == Outcome::kInconclusive
            ? absl::StrCat("container ", p.container,
                           ": the linearizability search gave up after ",
                           limits.max_nodes, " states (inconclusive)")
            : search.Explain();
    return result;
  }
  return result;
}

}  // namespace model
