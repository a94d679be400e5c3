// tools/live.cc: `dsim live`, a scenario's API calls through the daemon model
// against a real containerd, with the same history and quiescence checks.
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "daemon_core/libcontainerd.h"
#include "dsim/report.pb.h"
#include "properties/live_stack.h"
#include "properties/scenario_run.h"
#include "sim/run.h"
#include "sim/strategy_random.h"
#include "tools/cli.h"
#include "tools/explore.h"
#include "tools/junit.h"
#include "tools/report.h"
#include "wire/completion_loop.h"
#include "wire/grpc_connection.h"

namespace dsim {

namespace {

std::atomic<bool> interrupted{false};
void OnSignal(int) { interrupted.store(true); }

sim::ExecutorOptions LiveExecutorOptions(bool keep_trace) {
  sim::ExecutorOptions o;
  o.max_steps = UINT64_MAX;  // real time bounds a live run, not steps
  o.keep_trace = keep_trace;
  return o;
}

// Runs `body` against containerd at `target` on a fresh executor in real time.
absl::Status Against(
    const std::string& target, sim::Nanos reconnect_window,
    std::function<sim::Task<absl::Status>(sim::Executor&, sim::RpcConnection&)>
        body) {
  wire::CompletionLoop loop(std::make_unique<grpc::CompletionQueue>());
  loop.set_stop(&interrupted);
  auto result =
      std::make_shared<absl::Status>(absl::CancelledError("interrupted"));
  sim::RandomStrategy strategy;
  sim::Setup setup = [&](sim::Executor& ex) -> std::shared_ptr<void> {
    ex.set_outside(&loop);
    auto conn = std::make_shared<wire::GrpcConnection>(ex, loop, target,
                                                       reconnect_window);
    auto run = [](std::shared_ptr<wire::GrpcConnection> c,
                  std::shared_ptr<absl::Status> out, decltype(body) b,
                  sim::Executor* e) -> sim::Task<void> {
      *out = co_await b(*e, *c);
    };
    ex.Spawn("live", run(conn, result, body, &ex));
    return conn;
  };
  sim::RunRecord rec =
      sim::RunOnce(LiveExecutorOptions(false), strategy, setup);
  if (rec.result.outcome != sim::RunOutcome::kCompleted &&
      rec.result.violation.has_value()) {
    return absl::InternalError(rec.result.violation->message);
  }
  return *result;
}

}  // namespace

absl::Status ClearLiveNamespace(const properties::LiveOptions& live,
                                sim::Nanos window) {
  const std::string ns = live.ns;
  return Against(live.containerd, window,
                 [ns](sim::Executor& ex,
                      sim::RpcConnection& c) -> sim::Task<absl::Status> {
                   co_return co_await properties::RemoveEverything(ex, c, ns);
                 });
}

bool ProbeLiveContainerd(const properties::LiveOptions& live) {
  absl::Status s = ClearLiveNamespace(live, 0);
  if (s.ok()) return true;
  std::fprintf(stderr, "dsim: containerd at %s does not answer: %s\n",
               live.containerd.c_str(), std::string(s.message()).c_str());
  return false;
}

namespace {

struct LiveResult {
  std::string scenario, scenario_file, client, outcome;
  std::optional<sim::Violation> violation;
  double seconds = 0;
  std::string trace_tail;
};

}  // namespace

int Live() {
  OutputFile junit;  // checked first: its path is exit 2 before anything
  if (absl::Status opened = OpenJunitXml(junit); !opened.ok())
    return BadInput(opened);
  absl::StatusOr<properties::LiveOptions> options = LiveOptionsFromFlags();
  if (!options.ok()) return Usage(std::string(options.status().message()));
  const std::string target = options->containerd;
  const std::string ns = options->ns;
  // Named scenarios must all run live; by default, every built-in that can.
  const bool named = !absl::GetFlag(FLAGS_scenario).empty();
  absl::StatusOr<std::vector<std::unique_ptr<SelectedScenario>>> scenarios =
      SelectScenarios();
  if (!scenarios.ok()) return BadInput(scenarios.status());
  for (auto it = scenarios->begin(); it != scenarios->end();) {
    absl::Status capable = properties::LiveCapable((*it)->scenario);
    if (capable.ok()) {
      ++it;
    } else if (named) {
      return BadInput(capable);
    } else {
      it = scenarios->erase(it);
    }
  }
  const std::string client = absl::GetFlag(FLAGS_client);
  if (client == "both") absl::SetFlag(&FLAGS_client, "objects");
  absl::StatusOr<RunSelection> sel = SelectRun();
  if (!sel.ok()) return Usage(std::string(sel.status().message()));
  const std::vector<std::string> clients =
      client == "both" ? std::vector<std::string>{"objects", "legacy"}
                       : std::vector<std::string>{sel->client};
  const bool json = absl::GetFlag(FLAGS_json);
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);

  if (!ProbeLiveContainerd(*options)) return 2;

  const properties::LiveOptions live = *options;
  std::vector<LiveResult> results;
  int violations = 0;
  for (const auto& s : *scenarios) {
    for (const std::string& c : clients) {
      LiveResult r;
      r.scenario = s->name;
      r.scenario_file = ScenarioFileForAnnotation(s->name, s->path);
      r.client = c;
      properties::RunConfig config = sel->config;
      daemon_core::libcontainerd::ParseDesign(c, &config.design);
      if (!json) {
        std::fprintf(stderr, "live: %s with the %s client...\n",
                     s->name.c_str(), c.c_str());
      }
      const int64_t start = NowNs();
      wire::CompletionLoop loop(std::make_unique<grpc::CompletionQueue>());
      loop.set_stop(&interrupted);
      sim::RandomStrategy strategy;
      sim::RunRecord rec = sim::RunOnce(
          LiveExecutorOptions(true), strategy,
          properties::LiveScenarioProgram(s->scenario, config, live, loop));
      r.seconds = SecondsSince(start);
      r.outcome = std::string(sim::RunOutcomeName(rec.result.outcome));
      r.violation = rec.result.violation;
      r.trace_tail = TraceTail(rec.trace_text, 30);
      if (interrupted.load()) {
        (void)ClearLiveNamespace(live, 5 * sim::kSecond);
        std::fprintf(stderr, "dsim: interrupted\n");
        return 130;
      }
      if (r.violation.has_value()) {
        ++violations;
        // A live run has no replay token: its interleaving was containerd's.
        AnnotateViolation(r.scenario_file, r.violation->invariant,
                          r.violation->message, "", json ? stderr : stdout);
      }
      absl::Status cleared = ClearLiveNamespace(live, 5 * sim::kSecond);
      if (!cleared.ok()) {
        std::fprintf(stderr, "live: warning: cleanup in %s: %s\n", ns.c_str(),
                     std::string(cleared.message()).c_str());
      }
      if (!json) {
        if (r.violation.has_value()) {
          std::printf("%s (%s): VIOLATION %s: %s\n%s\n", r.scenario.c_str(),
                      r.client.c_str(), r.violation->invariant.c_str(),
                      r.violation->message.c_str(), r.trace_tail.c_str());
        } else {
          std::printf("%s (%s): all checks passed in %.1f s\n",
                      r.scenario.c_str(), r.client.c_str(), r.seconds);
        }
      }
      results.push_back(std::move(r));
    }
  }
  double total = 0;
  std::vector<JunitCase> cases;
  for (const LiveResult& r : results) {
    JunitCase c;
    c.classname = "dsim.live." + r.client;
    c.name = r.scenario;
    c.seconds = r.seconds;
    total += r.seconds;
    if (r.violation.has_value()) {
      c.failure = JunitCase::Failure{
          .type = r.violation->invariant,
          .message = r.violation->invariant + ": " + r.violation->message,
          .text = r.violation->invariant + ": " + r.violation->message +
                  "\n(a live run against containerd " + target +
                  " has no replay token)\n\n" + r.trace_tail};
    }
    cases.push_back(std::move(c));
  }
  WriteJunitXml(junit,
                JunitXml("dsim live", total,
                         {{"containerd", target}, {"namespace", ns}}, cases));
  if (json) {
    report::LiveReport j;
    j.set_mode("live");
    j.set_containerd(target);
    j.set_namespace_(ns);
    for (const LiveResult& r : results) {
      report::LiveReport::Run* run = j.add_runs();
      run->set_scenario(r.scenario);
      run->set_client(r.client);
      run->set_outcome(r.outcome);
      if (r.violation.has_value()) {
        run->mutable_violation()->set_invariant(r.violation->invariant);
        run->mutable_violation()->set_message(r.violation->message);
      }
      run->set_seconds(Rounded(r.seconds, 3));
    }
    j.set_violations(static_cast<uint32_t>(violations));
    std::printf("%s\n", ReportJson(j).c_str());
  }
  return violations > 0 ? 1 : 0;
}

}  // namespace dsim
