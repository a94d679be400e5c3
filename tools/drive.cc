// tools/drive.cc: `dsim drive`, a scenario's clients as Docker API calls to a
// private real dockerd 20.10 whose containerd is the fake, served over gRPC
// behind a DriveGate that releases one step at a time (properties/
// drive_run.h). Over 400 lines: the command's flags, its session (the
// dockerd's lifetime around the runs) and its report are one command; what
// stands alone is in tools/drive_dockerd.h, tools/drive_token.h and
// properties/drive_*.h.
#include "tools/drive.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "dsim/docker_api.pb.h"
#include "dsim/report.pb.h"
#include "fake_containerd/fake_containerd.h"
#include "fake_containerd/grpc_serve.h"
#include "google/protobuf/text_format.h"
#include "properties/checks.h"
#include "properties/drive_gate.h"
#include "properties/drive_run.h"
#include "properties/scenario.h"
#include "sim/prng.h"
#include "sim/replay_token.h"
#include "tools/cli.h"
#include "tools/drive_dockerd.h"
#include "tools/drive_token.h"
#include "tools/report.h"
#include "wire/docker_http.h"

ABSL_FLAG(std::string, quiescence, "idle",
          "drive: when the next step is released: idle (dockerd woke for the "
          "last step, then none of its threads ran for 1 ms, read off /proc, "
          "and nothing new arrived) or window (nothing new arrived for "
          "--quiet-ms)");
ABSL_FLAG(int, quiet_ms, 20,
          "drive: the quiet window of --quiescence window (ms of wall time "
          "with nothing new arriving); under idle, the longest wait for "
          "dockerd to wake for a step, and the window while dockerd's "
          "threads cannot be read (a restart)");
ABSL_FLAG(std::string, dockerd_binary, "",
          "drive: the dockerd to drive, e.g. your own build of moby's "
          "cmd/dockerd (default: Debian's /usr/sbin/dockerd, 20.10)");
ABSL_FLAG(std::string, containerd_bug, "none",
          "drive, for tests: a deliberately wrong containerd: none, "
          "lost-exit-event (an init's /tasks/exit is never published) or "
          "exit-before-start-reply (Tasks/Start's reply waits for the init's "
          "/tasks/exit to be delivered)");

namespace dsim {

namespace {

std::atomic<bool> interrupted{false};
void OnSignal(int) { interrupted.store(true); }

std::string Indent(const std::string& text) {
  std::string out;
  for (absl::string_view l : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    absl::StrAppend(&out, "  ", l, "\n");
  }
  return out;
}

uint64_t Fnv(uint64_t h, const std::string& s) {
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

// What one `dsim drive` invocation runs.
struct Plan {
  dsim::scenario::Scenario scenario;
  std::string scenario_text;
  std::string strategy;
  std::string bug = "none";
  uint64_t seed = 1, runs = 1;
  double time_s = 30;
  int pct_depth = 3;
  int quiet_ms = 20;
  std::string quiescence = "idle";  // idle | window
  bool json = false;
  std::string dockerd_binary;   // empty: real-dockerd's default
  std::string dockerd_version;  // "20.10.24+dfsg1", from `dockerd --version`
  // Before moby 23.0 (the objects design and 57d2d6ef came with it).
  bool dockerd_20_10 = true;
  std::optional<dsim::docker::DriveToken> replay;
};

struct Outcome {
  absl::Status setup;  // dockerd could not be started: exit 2
  dsim::report::DriveReport report;
  bool violation = false, diverged = false;
};

// Where a replay's requests (dockerd's, as they arrived) first differ from
// the recording's; "requests: ..." when they do not.
std::string FirstRequestDifference(const dsim::docker::DriveToken& t,
                                   const std::vector<std::string>& now) {
  const size_t n = std::min<size_t>(t.requests_size(), now.size());
  for (size_t k = 0; k < n; ++k) {
    if (t.requests(k) != now[k]) {
      return absl::StrFormat(
          "replay: dockerd's request %d differs from the recording: '%s' "
          "then, '%s' now",
          k, t.requests(k), now[k]);
    }
  }
  if (static_cast<size_t>(t.requests_size()) != now.size()) {
    return absl::StrFormat(
        "replay: dockerd made %d requests where the recording has %d (the "
        "first %d alike)",
        now.size(), t.requests_size(), n);
  }
  return absl::StrFormat("requests: dockerd's %d requests as recorded",
                         now.size());
}

// Prints run `i`'s violation (the History, the released steps, dockerd's
// log lines of the run, the token) and fills the report's first_violation.
void ReportViolation(const Plan& plan, const properties::DriveRunResult& res,
                     uint64_t i, uint64_t seed, double seconds,
                     const std::string& log, FILE* o,
                     dsim::report::FirstViolation& f) {
  dsim::docker::DriveToken t;
  t.set_scenario_name(plan.scenario.name());
  t.set_scenario_text(plan.scenario_text);
  t.set_seed(seed);
  t.set_strategy(plan.strategy);
  t.set_containerd_bug(plan.bug);
  t.set_quiet_ms(plan.quiet_ms);
  t.set_quiescence(plan.quiescence);
  for (const std::string& d : res.decisions) t.add_decisions(d);
  for (const std::string& q : res.requests) t.add_requests(q);
  const std::string token = EncodeToken(t);
  std::string decisions;
  for (size_t k = 0; k < res.decisions.size(); ++k) {
    absl::StrAppendFormat(&decisions, "  %3d %s\n", k, res.decisions[k]);
  }
  std::fprintf(o,
               "VIOLATION %s: %s\n  scenario %s, run %llu (seed %llu), after "
               "%.2f s\nhistory (ms since the run began):\n%sdecisions "
               "(released in this order):\n%sdockerd log during the run:\n%s"
               "replay token:\n%s\nreproduce with: dsim drive %s\n",
               res.invariant.c_str(), res.message.c_str(),
               plan.scenario.name().c_str(), static_cast<unsigned long long>(i),
               static_cast<unsigned long long>(seed), seconds,
               Indent(res.history).c_str(), decisions.c_str(), log.c_str(),
               sim::Wrap(token).c_str(), token.c_str());
  f.set_invariant(res.invariant);
  f.set_message(res.message);
  f.set_scenario(plan.scenario.name());
  f.set_seed(seed);
  f.set_runs_to_detect(i + 1);
  f.set_seconds_to_detect(seconds);
  f.set_token(token);
}

sim::Task<void> Session(sim::Executor* ex, properties::DriveGate* gate,
                        fake_containerd::FakeContainerd* fake, std::string sock,
                        std::string tmp, const Plan* plan, Outcome* out,
                        std::atomic<bool>* stop) {
  FILE* o = plan->json ? stderr : stdout;
  const int64_t t0 = NowNs();
  Dockerd d;
  const std::string err_path = tmp + "/real-dockerd.err";
  out->setup = SpawnDockerd(sock, err_path, plan->scenario.live_restore(), d);
  // Its command's line "unix://D/docker.sock D" says it is ready.
  while (out->setup.ok()) {
    char buf[512];
    const ssize_t n = read(d.report_fd, buf, sizeof buf);
    if (n > 0) d.pending.append(buf, n);
    if (size_t nl = d.pending.find('\n'); nl != std::string::npos) {
      std::vector<std::string> f = absl::StrSplit(d.pending.substr(0, nl), ' ');
      if (f.size() == 2 && f[0].rfind("unix://", 0) == 0) {
        d.socket = f[0].substr(7);
        d.dir = f[1];
      } else {
        out->setup = absl::InternalError("unexpected report: " + d.pending);
      }
      break;
    }
    int status = 0;
    if (n == 0 || waitpid(d.pid, &status, WNOHANG) == d.pid) {
      out->setup = absl::FailedPreconditionError(
          "cannot start a private dockerd: " + LastLine(err_path));
      d.pid = -1;
      break;
    }
    co_await ex->Sleep(5 * sim::kMillisecond);
  }
  const double start_s = SecondsSince(t0);
  if (out->setup.ok()) {
    wire::DockerHttp http(d.socket);
    properties::DriveOptions options;
    options.strategy = plan->strategy;
    options.pct_depth = plan->pct_depth;
    options.quiet = plan->quiet_ms * sim::kMillisecond;
    options.quiescence = plan->quiescence == "window"
                             ? properties::Quiescence::kWindow
                             : properties::Quiescence::kIdle;
    options.dockerd_20_10 = plan->dockerd_20_10;
    ScriptRestart restarter(d.dir, tmp + "/restart.err");
    properties::Driver driver(*ex, *gate, *fake, http, options, &restarter);
    const std::string log = d.dir + "/dockerd.log";
    dsim::report::DriveReport& r = out->report;
    r.set_dockerd_start_s(start_s);
    const int64_t runs_start = NowNs();
    double reset_ms = 0, wait_ms = 0, finish_ms = 0;
    uint64_t hash = 0;
    r.set_stopped_by("runs");
    for (uint64_t i = 0; i < plan->runs; ++i) {
      if (i > 0 && (SecondsSince(runs_start) >= plan->time_s || interrupted)) {
        r.set_stopped_by(interrupted ? "interrupted" : "time");
        break;
      }
      const uint64_t seed = plan->replay
                                ? plan->replay->seed()
                                : sim::Mix64(plan->seed ^ sim::Mix64(i));
      std::vector<std::string> decisions;
      if (plan->replay) {
        decisions.assign(plan->replay->decisions().begin(),
                         plan->replay->decisions().end());
      }
      const std::streamoff log_from = FileSize(log);
      properties::DriveRunResult res =
          co_await driver.Run(&plan->scenario, seed, std::move(decisions));
      r.set_runs(r.runs() + 1);
      r.set_steps(r.steps() + res.decisions.size());
      r.set_daemon_restarts(r.daemon_restarts() + res.restarts);
      wait_ms += res.wait_ns / 1e6;
      r.set_wake_timeouts(r.wake_timeouts() + res.wake_timeouts);
      finish_ms += res.finish_ns / 1e6;
      uint64_t h = 1469598103934665603ull;
      for (const std::string& dcs : res.decisions) h = Fnv(h, dcs);
      hash += sim::Mix64(h ^ i);
      using O = properties::DriveRunResult::Outcome;
      std::fprintf(
          o, "run %llu (seed %llu): %s, %zu steps, %.2f s, decisions %016llx\n",
          static_cast<unsigned long long>(i),
          static_cast<unsigned long long>(seed),
          res.outcome == O::kPassed      ? "all checks passed"
          : res.outcome == O::kViolation ? "VIOLATION"
                                         : "diverged",
          res.decisions.size(), res.elapsed_ns / 1e9,
          static_cast<unsigned long long>(h));
      if (plan->replay) {
        const std::string diff =
            FirstRequestDifference(*plan->replay, res.requests);
        std::fprintf(o, "%s\n", diff.c_str());
        if (!diff.empty() && diff[0] == 'r') r.set_divergence(diff);
      }
      if (res.outcome == O::kDiverged) {
        out->diverged = true;
        r.set_divergence(res.message +
                         (r.divergence().empty() ? "" : "; " + r.divergence()));
        std::fprintf(o,
                     "replay diverged (best-effort: dockerd is not under "
                     "dsim's scheduler): %s\n",
                     res.message.c_str());
      }
      if (res.outcome == O::kViolation) {
        out->violation = true;
        ReportViolation(*plan, res, i, seed, SecondsSince(runs_start),
                        LogTail(log, log_from, 40), o,
                        *r.mutable_first_violation());
      }
      const int64_t reset_start = NowNs();
      absl::Status reset = co_await driver.Reset();
      reset_ms += SecondsSince(reset_start) * 1e3;
      if (!reset.ok()) {
        std::fprintf(o, "dsim drive: reset after run %llu failed: %s\n",
                     static_cast<unsigned long long>(i),
                     std::string(reset.message()).c_str());
        out->setup = reset;
        break;
      }
      if (out->violation || out->diverged) {
        r.set_stopped_by(plan->replay ? "replay" : "violation");
        break;
      }
    }
    if (plan->replay) {
      r.set_stopped_by("replay");
      if (!out->violation && !out->diverged) {
        std::fprintf(o,
                     "replay followed the recording to the end without the "
                     "violation (best-effort: dockerd is not under dsim's "
                     "scheduler)\n");
      }
    }
    r.set_violations(out->violation ? 1 : 0);
    r.set_reset_ms_mean(r.runs() > 0 ? reset_ms / r.runs() : 0);
    r.set_wait_ms_mean(r.runs() > 0 ? wait_ms / r.runs() : 0);
    r.set_finish_ms_mean(r.runs() > 0 ? finish_ms / r.runs() : 0);
    r.set_elapsed_s(SecondsSince(runs_start));
    r.set_hash(absl::StrFormat("%016x", hash));
    r.set_replay_outcome(!plan->replay    ? ""
                         : out->diverged  ? "diverged"
                         : out->violation ? "violation"
                                          : "completed");
  }
  // Closing its stdin ends real-dockerd's command: it stops dockerd (which
  // still talks to this fake) and removes everything, then exits.
  if (d.hold_fd >= 0) close(d.hold_fd);
  if (d.report_fd >= 0) close(d.report_fd);
  while (d.pid > 0) {
    int status = 0;
    if (waitpid(d.pid, &status, WNOHANG) == d.pid) break;
    co_await ex->Sleep(10 * sim::kMillisecond);
  }
  stop->store(true);
}

}  // namespace

int Drive(const std::vector<std::string>& positionals) {
  Plan plan;
  plan.json = absl::GetFlag(FLAGS_json);
  plan.quiet_ms = absl::GetFlag(FLAGS_quiet_ms);
  plan.quiescence = absl::GetFlag(FLAGS_quiescence);
  if (plan.quiescence != "idle" && plan.quiescence != "window") {
    return Usage("--quiescence is idle or window, not '" + plan.quiescence +
                 "'");
  }
  if (plan.quiet_ms < 1 || plan.quiet_ms > 10000) {
    return Usage("--quiet-ms must be 1 to 10000, not " +
                 std::to_string(plan.quiet_ms));
  }
  std::string token;
  for (const std::string& p : positionals) token += p;
  if (!token.empty()) {
    if (!absl::GetFlag(FLAGS_scenario).empty()) {
      return Usage("drive takes a TOKEN or --scenario, not both");
    }
    // The token fixes the run: a flag that would change it is a mistake.
    for (const char* name : {"seed", "runs", "time", "strategy", "pct_depth",
                             "quiet_ms", "quiescence", "containerd_bug"}) {
      const absl::CommandLineFlag* f = absl::FindCommandLineFlag(name);
      if (f != nullptr && f->CurrentValue() != f->DefaultValue()) {
        std::string shown = name;
        std::replace(shown.begin(), shown.end(), '_', '-');
        return Usage("drive TOKEN takes no --" + shown +
                     ": the token fixes the run");
      }
    }
    absl::StatusOr<dsim::docker::DriveToken> t = DecodeToken(token);
    if (!t.ok()) return BadInput(t.status());
    absl::StatusOr<dsim::scenario::Scenario> s = properties::ParseScenario(
        t->scenario_text(), t->scenario_name() + ".textproto");
    if (!s.ok())
      return BadInput("corrupt drive token: its scenario: " +
                      std::string(s.status().message()));
    plan.scenario = std::move(*s);
    plan.scenario_text = t->scenario_text();
    plan.strategy = t->strategy();
    plan.bug = t->containerd_bug();
    plan.seed = t->seed();
    plan.quiet_ms = static_cast<int>(t->quiet_ms());
    // Tokens from before --quiescence were recorded with the window.
    plan.quiescence = t->quiescence().empty() ? "window" : t->quiescence();
    if (plan.quiescence != "idle" && plan.quiescence != "window") {
      return BadInput("corrupt drive token: quiescence '" + plan.quiescence +
                      "'");
    }
    plan.replay = std::move(*t);
  } else {
    const std::vector<std::string> names = absl::GetFlag(FLAGS_scenario);
    if (names.size() != 1) {
      return Usage("drive needs one --scenario NAME|FILE (or a TOKEN)");
    }
    if (absl::Status s = CheckSearchFlags(); !s.ok()) {
      return Usage(std::string(s.message()));
    }
    absl::StatusOr<std::vector<std::unique_ptr<SelectedScenario>>> sel =
        SelectScenarios();
    if (!sel.ok()) return BadInput(sel.status());
    plan.scenario = (*sel)[0]->scenario;
    plan.scenario.set_name((*sel)[0]->name);
    google::protobuf::TextFormat::PrintToString(plan.scenario,
                                                &plan.scenario_text);
    plan.strategy = absl::GetFlag(FLAGS_strategy);
    if (plan.strategy != "pct" && plan.strategy != "random") {
      return Usage("drive's --strategy is pct or random, not '" +
                   plan.strategy + "'");
    }
    plan.bug = absl::GetFlag(FLAGS_containerd_bug);
    plan.seed = absl::GetFlag(FLAGS_seed);
    plan.runs = absl::GetFlag(FLAGS_runs);
    plan.time_s = absl::GetFlag(FLAGS_time);
    plan.pct_depth = absl::GetFlag(FLAGS_pct_depth);
  }
  if (plan.bug != "none" && plan.bug != "lost-exit-event" &&
      plan.bug != "exit-before-start-reply") {
    return Usage(
        "--containerd-bug must be none, lost-exit-event or "
        "exit-before-start-reply, not '" +
        plan.bug + "'");
  }
  if (absl::Status capable = properties::DriveCapable(plan.scenario);
      !capable.ok()) {
    return BadInput(capable);
  }
  plan.dockerd_binary = absl::GetFlag(FLAGS_dockerd_binary);
  if (!plan.dockerd_binary.empty()) {
    absl::StatusOr<std::string> v = DockerdVersion(plan.dockerd_binary);
    if (!v.ok())
      return Usage("--dockerd-binary " + std::string(v.status().message()));
    plan.dockerd_version = *v;
  }
  if (geteuid() != 0 ||
      (plan.dockerd_binary.empty() && access("/usr/sbin/dockerd", X_OK) != 0)) {
    return BadInput(
        "drive needs root and docker.io's /usr/sbin/dockerd (scripts/deps)");
  }
  if (plan.dockerd_binary.empty()) {
    if (absl::StatusOr<std::string> v = DockerdVersion("/usr/sbin/dockerd");
        v.ok()) {
      plan.dockerd_version = *v;
    }
  } else {
    // scripts/real-dockerd starts (and restarts) this one.
    setenv("DSIM_DOCKERD_BINARY", plan.dockerd_binary.c_str(), 1);
  }
  // moby 23.0 brought the objects design and 57d2d6ef (the Spec's OOM
  // rules). A version without a number ("dev", a build of master) is newer.
  const int major = DockerdMajor(plan.dockerd_version);
  plan.dockerd_20_10 = major >= 0 && major < 23;
  char tmpl[] = "/tmp/dsim-drive.XXXXXX";
  std::string base = tmpl;
  if (const char* t = std::getenv("TMPDIR"); t && *t) {
    base = std::string(t) + "/dsim-drive.XXXXXX";
  }
  if (mkdtemp(base.data()) == nullptr) {
    return BadInput("cannot make a temp dir: " + std::string(strerror(errno)));
  }
  const std::string tmp = base;
  const std::string sock = tmp + "/containerd.sock";
  FILE* o = plan.json ? stderr : stdout;
  const std::string which = plan.dockerd_binary.empty()
                                ? std::string("a private dockerd 20.10")
                                : absl::StrCat("dockerd ", plan.dockerd_version,
                                               " from ", plan.dockerd_binary);
  std::fprintf(o,
               "dsim drive: scenario=%s strategy=%s seed=%llu%s "
               "quiescence=%s quiet=%dms containerd-bug=%s (%s on the fake "
               "containerd)\n",
               plan.scenario.name().c_str(), plan.strategy.c_str(),
               static_cast<unsigned long long>(plan.seed),
               plan.replay ? " (replay)" : "", plan.quiescence.c_str(),
               plan.quiet_ms, plan.bug.c_str(), which.c_str());
  std::fflush(o);
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGPIPE, SIG_IGN);

  Outcome out;
  std::atomic<bool> stop{false};
  std::unique_ptr<properties::DriveGate> gate;
  fake_containerd::GrpcServeOptions options;
  options.listen = "unix:" + sock;
  options.stop = &stop;
  options.front = [&](sim::Executor& ex, fake_containerd::FakeContainerd& fake,
                      sim::RpcConnection& transport) -> sim::RpcConnection& {
    gate = std::make_unique<properties::DriveGate>(ex, transport);
    if (plan.bug == "lost-exit-event") {
      gate->set_bug(properties::DriveGate::Bug::kLostExitEvent);
    } else if (plan.bug == "exit-before-start-reply") {
      gate->set_bug(properties::DriveGate::Bug::kExitBeforeStartReply);
    }
    // As the fake's own fault: only a start that would succeed fails.
    gate->set_exec_start_fail([&fake](const std::string& id,
                                      const std::string& exec) {
      absl::StatusOr<const fake_containerd::Process*> p =
          fake.kernel().Get("moby", id, exec);
      if (p.ok() && (*p)->state == fake_containerd::ProcessState::kCreated &&
          (*p)->program.kind !=
              fake_containerd::Program::Kind::kMissingBinary) {
        fake.kernel().MakeStartFail("moby", id, exec);
      }
    });
    properties::DriveGate* g = gate.get();
    fake.kernel().set_delay_gate(
        [g](std::string ns, std::string id, std::string exec) {
          return g->ProcessEnd(std::move(ns), std::move(id), std::move(exec));
        });
    ex.Spawn("drive session",
             Session(&ex, g, &fake, sock, tmp, &plan, &out, &stop));
    return *g;
  };
  const int64_t t0 = NowNs();
  absl::Status served = fake_containerd::ServeOverGrpc(options);
  std::filesystem::remove_all(tmp);
  if (!served.ok()) return BadInput(served);
  if (!out.setup.ok()) return BadInput(out.setup);

  dsim::report::DriveReport& r = out.report;
  r.set_runs_per_s(r.elapsed_s() > 0 ? r.runs() / r.elapsed_s() : 0);
  r.set_peak_rss_mb(PeakRssMb());
  r.set_seed(plan.seed);
  r.set_strategy(plan.strategy);
  r.add_scenarios(plan.scenario.name());
  r.set_quiet_ms(plan.quiet_ms);
  r.set_quiescence(plan.quiescence);
  r.set_containerd_bug(plan.bug);
  std::vector<std::string> checks;
  for (const properties::Check& c : properties::RecordChecks()) {
    r.add_checks(std::string(c.name));
    checks.emplace_back(c.name);
  }
  r.add_checks("no-pending-call");
  checks.emplace_back("no-pending-call");
  if (properties::ExpectationsApply(plan.scenario)) {
    r.add_checks("expectation");
    checks.emplace_back("expectation");
  }
  std::fprintf(
      o,
      "%llu runs, %llu steps, %u violations, %.2fs (%.2f runs/s), "
      "hash %s; dockerd start-up %.2fs, per run on average %.0f ms "
      "waiting for quiescence before steps, %.0f ms from the last "
      "step to the verdict, %.0f ms reset between runs (%.2fs in "
      "all)%s\n",
      static_cast<unsigned long long>(r.runs()),
      static_cast<unsigned long long>(r.steps()), r.violations(), r.elapsed_s(),
      r.runs_per_s(), r.hash().c_str(), r.dockerd_start_s(), r.wait_ms_mean(),
      r.finish_ms_mean(), r.reset_ms_mean(), SecondsSince(t0),
      plan.quiescence == "idle"
          ? absl::StrFormat("; %d steps dockerd was not seen waking for",
                            r.wake_timeouts())
                .c_str()
          : "");
  std::fprintf(o, "stopped by %s; checked on every run: %s\n",
               r.stopped_by().c_str(), absl::StrJoin(checks, ", ").c_str());
  if (plan.json) std::printf("%s\n", ReportJson(r).c_str());
  if (out.diverged) return 2;
  return out.violation ? 1 : 0;
}

}  // namespace dsim
