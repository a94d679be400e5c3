// properties/workload.cc: the workload generator.
#include "properties/workload.h"

#include <google/protobuf/text_format.h>

#include <set>
#include <string>
#include <vector>

#include "daemon_core/libcontainerd.h"

namespace properties {

namespace {

namespace sc = ::dsim::scenario;

// Init programs: every kind the fake runs. Delays are short, so the runs stay
// cheap in steps.
std::vector<std::string> GenInitArgs() {
  switch (*rc::gen::inRange(0, 8)) {
    case 0:
      return {"run"};
    case 1:
      return {"exit", std::to_string(*rc::gen::inRange(0, 4)),
              std::to_string(*rc::gen::inRange(0, 30))};
    case 2:
      return {"sleep"};
    case 3:
      return {"oom", std::to_string(*rc::gen::inRange(1, 30))};
    case 4:
      return {"no-such-binary"};
    default:
      return {"run"};
  }
}

std::vector<std::string> GenExecArgs() {
  switch (*rc::gen::inRange(0, 5)) {
    case 0:
      return {"exit", "0"};
    case 1:
      return {"exit", std::to_string(*rc::gen::inRange(1, 4)),
              std::to_string(*rc::gen::inRange(0, 20))};
    case 2:
      return {"run"};
    case 3:
      return {"no-such-binary"};
    default:
      return {"oom", std::to_string(*rc::gen::inRange(1, 20))};
  }
}

void SetArgs(const std::vector<std::string>& args,
             google::protobuf::RepeatedPtrField<std::string>* out) {
  for (const std::string& a : args) *out->Add() = a;
}

}  // namespace

rc::Gen<sc::Scenario> GenWorkload() {
  return rc::gen::exec([]() {
    sc::Scenario s;
    const int containers = *rc::gen::inRange(1, 4);
    std::vector<std::string> ids;
    // AutoRemove containers that may run: no client starts or restarts them
    // (docs/SCENARIOS.md, "start vs autoRemove").
    std::set<std::string> no_start;
    for (int i = 0; i < containers; ++i) {
      sc::Container* c = s.add_container();
      c->set_id("c" + std::to_string(i + 1));
      ids.push_back(c->id());
      const std::vector<std::string> args = GenInitArgs();
      SetArgs(args, c->mutable_args());
      const int policy = *rc::gen::inRange(0, 4);
      c->set_restart(policy == 1   ? sc::RESTART_ALWAYS
                     : policy == 2 ? sc::RESTART_ON_FAILURE
                     : policy == 3 ? sc::RESTART_UNLESS_STOPPED
                                   : sc::RESTART_NO);
      if (policy == 2) c->set_maximum_retry_count(*rc::gen::inRange(0, 3));
      c->set_created(true);
      // The setup's start must succeed; a client's may fail.
      const bool startable = args[0] != "no-such-binary";
      // Sometimes docker run --rm (only without a restart policy: moby
      // refuses both). One that can run is started by the setup; one whose
      // start fails is left to the clients, which see it removed.
      c->set_auto_remove(policy == 0 && *rc::gen::inRange(0, 3) == 0);
      c->set_started(startable &&
                     (c->auto_remove() || *rc::gen::inRange(0, 4) != 0));
      if (c->auto_remove() && startable) no_start.insert(c->id());
    }
    auto container = [&] {
      return ids[*rc::gen::inRange<size_t>(0, ids.size())];
    };
    const int clients = *rc::gen::inRange(2, 5);
    for (int k = 0; k < clients; ++k) {
      sc::Client* client = s.add_client();
      client->set_name("client" + std::to_string(k + 1));
      std::vector<std::string> execs;  // this client's, in creation order
      const int calls = *rc::gen::inRange(1, 6);
      for (int j = 0; j < calls; ++j) {
        // Now and then act later: after exits, restarts, OOMs and daemon
        // restarts (the events come within 50 ms).
        if (*rc::gen::inRange(0, 4) == 0) {
          sc::Call* sleep = client->add_call();
          sleep->set_op(sc::SLEEP);
          sleep->set_timeout_ms(*rc::gen::inRange(20, 400));
        }
        sc::Call* call = client->add_call();
        switch (*rc::gen::inRange(0, 14)) {
          case 0:
            call->set_op(sc::START);
            call->set_container(container());
            if (no_start.contains(call->container())) call->set_op(sc::INSPECT);
            break;
          case 1:
            call->set_op(sc::KILL);
            call->set_container(container());
            call->set_signal(*rc::gen::element(9u, 15u));
            break;
          case 2:
            call->set_op(sc::STOP);
            call->set_container(container());
            call->set_timeout_ms(*rc::gen::inRange(0, 200));
            break;
          case 3:
            call->set_op(sc::RESTART);
            call->set_container(container());
            call->set_timeout_ms(*rc::gen::inRange(0, 200));
            if (no_start.contains(call->container())) {
              call->set_op(sc::INSPECT);
              call->clear_timeout_ms();
            }
            break;
          case 4:
            call->set_op(sc::PAUSE);
            call->set_container(container());
            break;
          case 5:
            call->set_op(sc::UNPAUSE);
            call->set_container(container());
            break;
          case 6:
            // Not next-exit: a next-exit wait made after rm took the
            // container hangs in moby (a known race).
            call->set_op(sc::WAIT);
            call->set_container(container());
            call->set_condition(
                *rc::gen::element(sc::NOT_RUNNING, sc::REMOVED));
            break;
          case 7:
          case 8:
            call->set_op(sc::INSPECT);
            call->set_container(container());
            break;
          case 9:
            call->set_op(sc::RM);
            call->set_container(container());
            call->set_force(*rc::gen::arbitrary<bool>());
            break;
          case 10:
          case 11: {
            call->set_op(sc::EXEC_CREATE);
            call->set_container(container());
            const std::string name =
                "e" + std::to_string(k + 1) + "_" + std::to_string(j + 1);
            call->set_exec(name);
            SetArgs(GenExecArgs(), call->mutable_args());
            execs.push_back(name);
            if (*rc::gen::inRange(0, 4) != 0) {  // usually started at once
              sc::Call* start = client->add_call();
              start->set_op(sc::EXEC_START);
              start->set_exec(name);
              // Sometimes attached, with a client that gives up on it.
              const bool attach = *rc::gen::inRange(0, 4) == 0;
              start->set_detach(!attach);
              if (attach) start->set_cancel_after_ms(*rc::gen::inRange(1, 100));
            }
            break;
          }
          case 12:
            if (execs.empty()) {
              call->set_op(sc::SLEEP);
              call->set_timeout_ms(*rc::gen::inRange(1, 50));
              break;
            }
            call->set_op(sc::EXEC_START);
            call->set_exec(execs.back());
            call->set_detach(true);
            break;
          default:
            if (execs.empty()) {
              call->set_op(sc::SLEEP);
              call->set_timeout_ms(*rc::gen::inRange(1, 50));
              break;
            }
            call->set_op(sc::EXEC_INSPECT);
            call->set_exec(execs[*rc::gen::inRange<size_t>(0, execs.size())]);
            break;
        }
      }
    }
    const int events = *rc::gen::inRange(0, 3);
    for (int e = 0; e < events; ++e) {
      sc::EnvEvent* ev = s.add_event();
      ev->set_after_ms(*rc::gen::inRange(0, 50));
      switch (*rc::gen::inRange(0, 4)) {
        case 0:
          ev->set_kind(sc::EnvEvent::KILL_PROCESS);
          ev->set_container(container());
          ev->set_signal(*rc::gen::element(9u, 15u));
          break;
        case 1:
          ev->set_kind(sc::EnvEvent::DAEMON_RESTART);
          ev->set_down_ms(*rc::gen::inRange(0, 30));
          break;
        case 2:
          // dockerd stopped by SIGTERM (daemon.Shutdown), then started again.
          ev->set_kind(sc::EnvEvent::DAEMON_SHUTDOWN);
          ev->set_down_ms(*rc::gen::inRange(0, 30));
          break;
        default:
          ev->set_kind(sc::EnvEvent::OOM);
          ev->set_container(container());
          break;
      }
    }
    s.set_live_restore(*rc::gen::arbitrary<bool>());
    if (*rc::gen::arbitrary<bool>())
      s.mutable_faults()->set_exec_start_fails(0.2);
    return s;
  });
}

}  // namespace properties

namespace dsim::scenario {
void showValue(const Scenario& s, std::ostream& os) {
  std::string text;
  google::protobuf::TextFormat::PrintToString(s, &text);
  os << "\n" << text;
}
}  // namespace dsim::scenario

namespace daemon_core::libcontainerd {
void showValue(Design d, std::ostream& os) { os << DesignName(d); }
}  // namespace daemon_core::libcontainerd
