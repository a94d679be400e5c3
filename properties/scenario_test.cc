// Tests of scenario parsing, validation, hashing and the built-in catalogue.
#include "properties/scenario.h"

#include <cstdio>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <string_view>

#include "gtest/gtest.h"
#include "properties/builtin_scenarios.h"

namespace properties {
namespace {

using ::dsim::scenario::Scenario;

// The smallest valid scenario; tests append the part they exercise.
constexpr std::string_view kOneContainer =
    "container { id: \"c1\" args: [\"run\"] }\n";

std::string ErrorOf(std::string_view text) {
  absl::StatusOr<Scenario> s = ParseScenario(text, "t.textproto");
  if (s.ok()) return "OK";
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(s.status().message());
}

TEST(BuiltinScenariosTest, EveryOneParsesAndValidates) {
  ASSERT_GE(BuiltinScenarios().size(), 12u);
  std::string_view previous;
  for (const BuiltinScenario& b : BuiltinScenarios()) {
    SCOPED_TRACE(std::string(b.name));
    EXPECT_LT(previous, b.name) << "not sorted by name";
    previous = b.name;
    absl::StatusOr<Scenario> s = FindScenario(b.name);
    ASSERT_TRUE(s.ok()) << s.status();
    EXPECT_EQ(s->name(), b.name);  // defaults to the file name
    EXPECT_FALSE(s->description().empty());
    EXPECT_EQ(s->description().find('\n'), std::string::npos);
  }
}

TEST(BuiltinScenariosTest, RequiredOnesArePresent) {
  for (std::string_view name :
       {"exec-valid-command", "exec-invalid-command", "oom-then-restart",
        "failed-start-runtime-error", "failed-start-reply-lost",
        "wait-conditions", "stale-containerd-container", "daemon-restart",
        "containerd-restart", "pause-unpause-exec", "exec-attached-cancel",
        "restart-always"}) {
    EXPECT_TRUE(FindScenario(name).ok()) << name;
  }
}

TEST(BuiltinScenariosTest, DocsListEveryOneWithItsDescription) {
  std::ifstream in(std::string(DSIM_SOURCE_DIR) + "/docs/SCENARIOS.md");
  ASSERT_TRUE(in) << "cannot read docs/SCENARIOS.md";
  const std::string docs((std::istreambuf_iterator<char>(in)),
                         std::istreambuf_iterator<char>());
  for (const BuiltinScenario& b : BuiltinScenarios()) {
    const std::string row = "| `" + std::string(b.name) + "` | " +
                            FindScenario(b.name)->description() + " |\n";
    EXPECT_NE(docs.find(row), std::string::npos)
        << "docs/SCENARIOS.md has no row\n"
        << row;
  }
}

TEST(FindScenarioTest, UnknownNameSaysWhereToLook) {
  absl::StatusOr<Scenario> s = FindScenario("no-such-scenario");
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.status().message(),
            "unknown scenario 'no-such-scenario' (see dsim scenarios)");
}

TEST(FindScenarioTest, MissingFileSaysCannotRead) {
  absl::StatusOr<Scenario> s = FindScenario("/nonexistent/x.textproto");
  EXPECT_EQ(s.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(s.status().message(),
            "/nonexistent/x.textproto: cannot read: No such file or directory");
}

TEST(FindScenarioTest, DirectoryIsUnreadable) {
  absl::StatusOr<Scenario> s = LoadScenarioFile(testing::TempDir());
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find(": cannot read: "),
            absl::string_view::npos)
      << s.status();
}

TEST(FindScenarioTest, LoadsAFileByPath) {
  const std::string path = testing::TempDir() + "/my-scenario.textproto";
  {
    std::ofstream out(path);
    out << kOneContainer << "client { call { op: START container: \"c1\" } }\n";
  }
  absl::StatusOr<Scenario> s = FindScenario(path);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->name(), "my-scenario");
  std::remove(path.c_str());
}

TEST(ParseScenarioTest, SyntaxErrorNamesFileLineAndColumn) {
  // Line 3, column 14: the value after "op: " (columns count from 1).
  EXPECT_EQ(ErrorOf("container { id: \"c1\" args: [\"run\"] }\n"
                    "client {\n"
                    "  call { op: STRAT container: \"c1\" }\n"
                    "}\n"),
            "t.textproto:3:14: Unknown enumeration value of \"STRAT\" for "
            "field \"op\".");
  EXPECT_EQ(ErrorOf("container {\n"
                    "  id: \"c1\"\n"
                    "  args: [\"run\"\n"
                    "}\n"),
            "t.textproto:4:1: Expected \",\", found \"}\".");
  // protobuf reports these one token late; the message points at the culprit.
  EXPECT_EQ(ErrorOf("container { id: \"a\" id: \"b\" }"),
            "t.textproto:1:21: Non-repeated field \"id\" is specified "
            "multiple times.");
  EXPECT_EQ(ErrorOf("client { call { op: STRAT"),
            "t.textproto:1:21: Unknown enumeration value of \"STRAT\" for "
            "field \"op\".");
  EXPECT_EQ(ErrorOf("client { cal"),
            "t.textproto:1:10: Message type \"dsim.scenario.Client\" has no "
            "field named \"cal\".");
  EXPECT_EQ(ErrorOf("client {"),
            "t.textproto:1:9: Expected identifier, got: end of input");
  EXPECT_EQ(ErrorOf("client { cal { } }"),
            "t.textproto:1:10: Message type \"dsim.scenario.Client\" has no "
            "field named \"cal\".");
}

TEST(ParseScenarioTest, CreateTakesAutoRemoveFromTheDeclaration) {
  absl::StatusOr<Scenario> s = ParseScenario(
      "container { id: \"c1\" args: [\"run\"] auto_remove: true }\n"
      "client { call { op: CREATE container: \"c1\" } }\n"
      "event { kind: DAEMON_SHUTDOWN after_ms: 5 down_ms: 10 }\n",
      "t.textproto");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_TRUE(s->client(0).call(0).auto_remove());
}

TEST(ParseScenarioTest, NormalizesNameCreatedAndCreateArgs) {
  absl::StatusOr<Scenario> s = ParseScenario(
      "container { id: \"c1\" args: [\"exit\", \"1\"] restart: RESTART_ALWAYS "
      "started: true }\n"
      "client { call { op: CREATE container: \"c1\" } }\n",
      "some/dir/normal.v2.textproto");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->name(), "normal.v2");
  EXPECT_TRUE(s->container(0).created());
  const auto& create = s->client(0).call(0);
  ASSERT_EQ(create.args_size(), 2);
  EXPECT_EQ(create.args(1), "1");
  EXPECT_EQ(create.restart(), dsim::scenario::RESTART_ALWAYS);
  EXPECT_FALSE(create.auto_remove());
}

TEST(ParseScenarioTest, KeepsAnExplicitName) {
  absl::StatusOr<Scenario> s = ParseScenario(
      "name: \"mine\"\nevent { kind: DAEMON_RESTART }\n", "x.textproto");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->name(), "mine");
}

struct SemanticCase {
  std::string_view name;
  std::string_view text;
  std::string_view error;
};

// Names the case in test names and messages, rather than its bytes.
void PrintTo(const SemanticCase& c, std::ostream* os) { *os << c.name; }

class SemanticErrorTest : public testing::TestWithParam<SemanticCase> {};

TEST_P(SemanticErrorTest, ReportsAtTheOffendingField) {
  EXPECT_EQ(ErrorOf(GetParam().text), GetParam().error);
}

// Each case is one line unless it says otherwise, so the column is the
// offending field's offset + 1.
INSTANTIATE_TEST_SUITE_P(
    Checks, SemanticErrorTest,
    testing::Values(
        SemanticCase{"Empty", "",
                     "t.textproto:1:1: scenario has no clients and no "
                     "events: nothing would run"},
        SemanticCase{"ContainerWithoutId",
                     "container { args: [\"run\"] }\n"
                     "event { kind: DAEMON_RESTART }",
                     "t.textproto:1:1: container needs an id"},
        SemanticCase{"DuplicateContainerId",
                     "container { id: \"c1\" args: [\"run\"] }\n"
                     "container { id: \"c1\" args: [\"run\"] }\n"
                     "event { kind: DAEMON_RESTART }",
                     "t.textproto:2:13: duplicate container id 'c1'"},
        SemanticCase{"BadContainerId",
                     "container { id: \"bad id\" args: [\"run\"] }\n"
                     "event { kind: DAEMON_RESTART }",
                     "t.textproto:1:13: container id 'bad id' is not a "
                     "containerd identifier (letters and digits joined by "
                     "single '.', '_' or '-', at most 76)"},
        SemanticCase{"ContainerWithoutArgs",
                     "event { kind: DAEMON_RESTART }\n"
                     "container { id: \"c1\" }",
                     "t.textproto:2:1: container 'c1' needs args (its "
                     "program)"},
        SemanticCase{"RetryCountWithoutOnFailure",
                     "container { id: \"c1\" args: [\"run\"] "
                     "maximum_retry_count: 3 }\n"
                     "event { kind: DAEMON_RESTART }",
                     "t.textproto:1:36: maximum_retry_count needs restart: "
                     "RESTART_ON_FAILURE"},
        SemanticCase{"CallWithoutOp",
                     "container { id: \"c1\" args: [\"run\"] }\n"
                     "client { name: \"a\" call { container: \"c1\" } }",
                     "t.textproto:2:20: call needs an op (CREATE, START, ..., "
                     "SLEEP)"},
        SemanticCase{"CallWithUnspecifiedOp",
                     "container { id: \"c1\" args: [\"run\"] }\n"
                     "client { call { op: OP_UNSPECIFIED } }",
                     "t.textproto:2:17: call needs an op (CREATE, START, ..., "
                     "SLEEP)"},
        SemanticCase{"UnknownContainer",
                     "container { id: \"c1\" args: [\"run\"] }\n"
                     "client { call { op: START container: \"c2\" } }",
                     "t.textproto:2:27: unknown container 'c2' (not declared "
                     "in `container` and created by no CREATE call)"},
        // proto3 enums are open: text may give any number.
        SemanticCase{"OpNumberUnknown", "# comment\nclient { call { op: 99 } }",
                     "t.textproto:2:17: unknown op 99"},
        SemanticCase{"EventKindNumberUnknown", "event { kind: 7 }",
                     "t.textproto:1:9: unknown event kind 7"},
        SemanticCase{"WaitConditionNumberUnknown",
                     "container { id: \"c1\" args: [\"run\"] }\n"
                     "client { call { op: WAIT container: \"c1\" condition: 5 "
                     "} }",
                     "t.textproto:2:42: unknown wait condition 5"},
        SemanticCase{"CallWithoutContainer", "client { call { op: START } }",
                     "t.textproto:1:10: START needs a container"},
        // A container created by a CREATE call in another client is known.
        SemanticCase{"ContainerCreatedByAnotherClient",
                     "client { call { op: START container: \"c2\" } }\n"
                     "client { call { op: CREATE container: \"c2\" args: "
                     "[\"run\"] } }",
                     "OK"},
        SemanticCase{"CreateUndeclaredWithoutArgs",
                     "client { call { op: CREATE container: \"c2\" } }",
                     "t.textproto:1:10: CREATE of an undeclared container "
                     "needs args (its program)"},
        SemanticCase{"UnknownExec",
                     "container { id: \"c1\" args: [\"run\"] }\n"
                     "client {\n"
                     "  call { op: EXEC_START exec: \"e1\" }\n"
                     "}",
                     "t.textproto:3:25: unknown exec 'e1' (no EXEC_CREATE "
                     "names it)"},
        SemanticCase{"ExecInspectWithoutExec",
                     "container { id: \"c1\" args: [\"run\"] }\n"
                     "client { call { op: EXEC_INSPECT } }",
                     "t.textproto:2:10: EXEC_INSPECT needs an exec"},
        SemanticCase{
            "DuplicateExecName",
            "container { id: \"c1\" args: [\"run\"] }\n"
            "client { call { op: EXEC_CREATE container: \"c1\" exec: \"e\" "
            "args: [\"run\"] } }\n"
            "client { call { op: EXEC_CREATE container: \"c1\" exec: \"e\" "
            "args: [\"run\"] } }",
            "t.textproto:3:49: duplicate exec name 'e'"},
        SemanticCase{"ExecCreateWithoutArgs",
                     "container { id: \"c1\" args: [\"run\"] }\n"
                     "client { call { op: EXEC_CREATE container: \"c1\" exec: "
                     "\"e\" } }",
                     "t.textproto:2:10: EXEC_CREATE needs args (the exec's "
                     "program)"},
        SemanticCase{"ExecCreateWithoutExec",
                     "container { id: \"c1\" args: [\"run\"] }\n"
                     "client { call { op: EXEC_CREATE container: \"c1\" args: "
                     "[\"run\"] } }",
                     "t.textproto:2:10: EXEC_CREATE needs an exec (the name "
                     "later calls use)"},
        SemanticCase{"NegativeTimeout",
                     "container { id: \"c1\" args: [\"run\"] }\n"
                     "client { call { op: STOP container: \"c1\" timeout_ms: "
                     "-1 } }",
                     "t.textproto:2:42: timeout_ms must be >= 0"},
        SemanticCase{"SleepWithoutTimeout", "client { call { op: SLEEP } }",
                     "t.textproto:1:10: SLEEP needs timeout_ms > 0"},
        SemanticCase{"FieldTheOpDoesNotUse",
                     "client { call { op: SLEEP timeout_ms: 5 container: "
                     "\"c1\" } }",
                     "t.textproto:1:41: SLEEP does not use container"},
        SemanticCase{"ExpectationTheOpCannotCheck",
                     "container { id: \"c1\" args: [\"run\"] }\n"
                     "client { call { op: START container: \"c1\" expect { "
                     "exit_code: 0 } } }",
                     "t.textproto:2:52: START cannot check exit_code"},
        SemanticCase{"UnknownStatus",
                     "container { id: \"c1\" args: [\"run\"] }\n"
                     "client { call { op: INSPECT container: \"c1\" expect { "
                     "status: \"up\" } } }",
                     "t.textproto:2:54: unknown status 'up' (created, running, "
                     "paused, restarting, removing, exited or dead)"},
        SemanticCase{"CancelOnDetachedStart",
                     "container { id: \"c1\" args: [\"run\"] }\n"
                     "client { call { op: EXEC_CREATE container: \"c1\" exec: "
                     "\"e\" args: [\"run\"] } }\n"
                     "client { call { op: EXEC_START exec: \"e\" detach: true "
                     "cancel_after_ms: 5 } }",
                     "t.textproto:3:55: cancel_after_ms needs an attached "
                     "EXEC_START (detach: false)"},
        SemanticCase{"DuplicateClientName",
                     "client { name: \"a\" call { op: SLEEP timeout_ms: 1 } }\n"
                     "client { name: \"a\" call { op: SLEEP timeout_ms: 1 } }",
                     "t.textproto:2:10: duplicate client name 'a'"},
        SemanticCase{"ClientWithoutCalls", "client { name: \"a\" }",
                     "t.textproto:1:1: client needs at least one call"},
        SemanticCase{"EventWithoutKind", "event { after_ms: 5 }",
                     "t.textproto:1:1: event needs a kind (DAEMON_RESTART, "
                     "DAEMON_SHUTDOWN, CONTAINERD_RESTART, SHIM_DIES, "
                     "KILL_PROCESS or OOM)"},
        SemanticCase{"AutoRemoveWithARestartPolicy",
                     "container { id: \"c1\" args: [\"run\"] "
                     "restart: RESTART_ALWAYS auto_remove: true }\n"
                     "event { kind: DAEMON_RESTART }",
                     "t.textproto:1:60: auto_remove needs restart: RESTART_NO "
                     "(moby refuses AutoRemove with a restart policy)"},
        SemanticCase{"DownMsOnlyForDaemonEvents",
                     "event { kind: CONTAINERD_RESTART down_ms: 5 }",
                     "t.textproto:1:34: CONTAINERD_RESTART does not use "
                     "down_ms"},
        SemanticCase{"AutoRemoveOnlyOnCreate",
                     "container { id: \"c1\" args: [\"run\"] }\n"
                     "client { call { op: START container: \"c1\" "
                     "auto_remove: true } }",
                     "t.textproto:2:43: START does not use auto_remove"},
        SemanticCase{"KillProcessWithoutContainer",
                     "event { kind: KILL_PROCESS }",
                     "t.textproto:1:1: KILL_PROCESS needs a container"},
        SemanticCase{"EventOnUnknownContainer",
                     "event { kind: SHIM_DIES container: \"c9\" }",
                     "t.textproto:1:25: unknown container 'c9'"},
        SemanticCase{"DaemonRestartWithContainer",
                     "container { id: \"c1\" args: [\"run\"] }\n"
                     "event { kind: DAEMON_RESTART container: \"c1\" }",
                     "t.textproto:2:30: DAEMON_RESTART does not use "
                     "container"},
        SemanticCase{"NegativeAfterMs",
                     "event { kind: CONTAINERD_RESTART after_ms: -5 }",
                     "t.textproto:1:34: after_ms must be >= 0"},
        SemanticCase{"ProbabilityAboveOne",
                     "event { kind: DAEMON_RESTART }\n"
                     "faults { reply_lost: 1.5 }",
                     "t.textproto:2:10: reply_lost must be a probability in "
                     "[0, 1], not 1.5"},
        SemanticCase{"NegativeProbability",
                     "event { kind: DAEMON_RESTART }\n"
                     "faults { rpc_unavailable: -0.1 }",
                     "t.textproto:2:10: rpc_unavailable must be a probability "
                     "in [0, 1], not -0.1"},
        SemanticCase{"UnknownFaultPoint",
                     "event { kind: DAEMON_RESTART }\n"
                     "faults { force { point: \"reply-dropped\" } }",
                     "t.textproto:2:18: unknown fault point 'reply-dropped' "
                     "(rpc-unavailable, reply-lost, reply-delayed or "
                     "exec-start-fails)"},
        SemanticCase{"BadMethodName",
                     "event { kind: DAEMON_RESTART }\n"
                     "faults { force { point: \"reply-lost\" method: \"Start\" "
                     "} }",
                     "t.textproto:2:38: method 'Start' is not a full RPC "
                     "method name (/containerd.services.tasks.v1.Tasks/Start)"},
        SemanticCase{"NegativeCount",
                     "event { kind: DAEMON_RESTART }\n"
                     "faults { force { point: \"reply-lost\" count: -1 } }",
                     "t.textproto:2:38: count must be >= 0"},
        // Programs are checked by the fake containerd's own parser; the
        // error points at `args` (a list records one location) and quotes
        // the argument at fault.
        SemanticCase{"ExitCodeNotANumber",
                     "container { id: \"c1\" args: [\"exit\", \"x\"] }\n"
                     "event { kind: DAEMON_RESTART }",
                     "t.textproto:1:22: program 'exit': bad exit code \"x\" "
                     "(an integer, 0 to 255)"},
        SemanticCase{"ExitCodeOver255",
                     "container { id: \"c1\" args: [\"exit\", \"300\"] }\n"
                     "event { kind: DAEMON_RESTART }",
                     "t.textproto:1:22: program 'exit': bad exit code \"300\" "
                     "(an integer, 0 to 255)"},
        SemanticCase{"ExitCodeNegative",
                     "container { id: \"c1\" args: [\"exit\", \"-1\"] }\n"
                     "event { kind: DAEMON_RESTART }",
                     "t.textproto:1:22: program 'exit': bad exit code \"-1\" "
                     "(an integer, 0 to 255)"},
        SemanticCase{"ExitDelayNotANumber",
                     "container { id: \"c1\" args: [\"exit\", \"0\", \"soon\"] "
                     "}\nevent { kind: DAEMON_RESTART }",
                     "t.textproto:1:22: program 'exit': bad delay \"soon\" (an "
                     "integer with a unit, ns, us, ms or s; bare is ms)"},
        SemanticCase{"CatCodeNotANumber",
                     "container { id: \"c1\" args: [\"run\"] }\n"
                     "client { call { op: CREATE container: \"c2\" args: "
                     "[\"cat\", \"q\"] } }",
                     "t.textproto:2:44: program 'cat': bad exit code \"q\" (an "
                     "integer, 0 to 255)"},
        SemanticCase{"OomDelayNotANumber",
                     "container { id: \"c1\" args: [\"run\"] }\n"
                     "client { call { op: EXEC_CREATE container: \"c1\" exec: "
                     "\"e\" args: [\"oom\", \"zz\"] } }",
                     "t.textproto:2:59: program 'oom': bad delay \"zz\" (an "
                     "integer with a unit, ns, us, ms or s; bare is ms)"},
        // Written one value at a time, each value has its own location.
        SemanticCase{"ExitCodeNotANumberOneValueAtATime",
                     "container { id: \"c1\" args: \"exit\" args: \"x\" }\n"
                     "event { kind: DAEMON_RESTART }",
                     "t.textproto:1:35: program 'exit': bad exit code \"x\" "
                     "(an integer, 0 to 255)"},
        // The busybox form dsim live runs is read the same way.
        SemanticCase{"ShellFormCodeNotANumber",
                     "container { id: \"c1\" args: [\"/bin/sh\", \"-c\", "
                     "\"exit 1\", \"dsim\", \"exit\", \"x\"] }\n"
                     "event { kind: DAEMON_RESTART }",
                     "t.textproto:1:22: program '/bin/sh': bad exit code \"x\" "
                     "(an integer, 0 to 255)"},
        SemanticCase{
            "DelayOverAnHour",
            "container { id: \"c1\" args: [\"exit\", \"0\", \"3601s\"] "
            "}\nevent { kind: DAEMON_RESTART }",
            "t.textproto:1:22: program 'exit': a delay of 3601000 ms "
            "is over the limit of 3600000 ms (1 hour of virtual "
            "time)"},
        SemanticCase{"DelayTooBigForNanoseconds",
                     "container { id: \"c1\" args: [\"oom\", "
                     "\"99999999999999999999s\"] }\n"
                     "event { kind: DAEMON_RESTART }",
                     "t.textproto:1:22: program 'oom': bad delay "
                     "\"99999999999999999999\" (an integer with a unit, ns, "
                     "us, ms or s; bare is ms)"},
        // A missing binary is a program too: its start fails, as runc's does.
        SemanticCase{"MissingBinaryIsAProgram",
                     "container { id: \"c1\" args: [\"no-such-binary\", \"x\"] "
                     "}\nevent { kind: DAEMON_RESTART }",
                     "OK"},
        SemanticCase{
            "AnHourIsTheLimit",
            "container { id: \"c1\" args: [\"exit\", \"0\", \"3600s\"] "
            "}\nclient { call { op: SLEEP timeout_ms: 3600000 } }\n"
            "event { kind: DAEMON_RESTART after_ms: 3600000 "
            "down_ms: 3600000 }",
            "OK"},
        // Durations are bounded so that virtual time cannot overflow.
        SemanticCase{"SleepOverflowingVirtualTime",
                     "client { call { op: SLEEP timeout_ms: "
                     "9223372036854775807 } }",
                     "t.textproto:1:27: timeout_ms must be at most 3600000 (1 "
                     "hour of virtual time)"},
        SemanticCase{"StopTimeoutOverAnHour",
                     "container { id: \"c1\" args: [\"run\"] }\n"
                     "client { call { op: STOP container: \"c1\" timeout_ms: "
                     "3600001 } }",
                     "t.textproto:2:42: timeout_ms must be at most 3600000 (1 "
                     "hour of virtual time)"},
        SemanticCase{"CancelAfterOverAnHour",
                     "container { id: \"c1\" args: [\"run\"] }\n"
                     "client { call { op: EXEC_CREATE container: \"c1\" exec: "
                     "\"e\" args: [\"run\"] } }\n"
                     "client { call { op: EXEC_START exec: \"e\" "
                     "cancel_after_ms: 100000000 } }",
                     "t.textproto:3:42: cancel_after_ms must be at most "
                     "3600000 (1 hour of virtual time)"},
        SemanticCase{"AfterMsOverAnHour",
                     "event { kind: CONTAINERD_RESTART after_ms: "
                     "9223372036854775807 }",
                     "t.textproto:1:34: after_ms must be at most 3600000 (1 "
                     "hour of virtual time)"},
        SemanticCase{"DownMsOverAnHour",
                     "event { kind: DAEMON_RESTART down_ms: 3600001 }",
                     "t.textproto:1:30: down_ms must be at most 3600000 (1 "
                     "hour of virtual time)"},
        SemanticCase{"WaitUntilNeedsAnExpect",
                     "container { id: \"c1\" args: \"run\" }\n"
                     "client { call { op: WAIT_UNTIL container: \"c1\" } }",
                     "t.textproto:2:17: WAIT_UNTIL needs an expect to wait "
                     "for"},
        SemanticCase{"PendingAtMsNotNegative",
                     "container { id: \"c1\" args: \"run\" }\n"
                     "client { call { op: START container: \"c1\" expect { "
                     "pending_at_ms: -1 } } }",
                     "t.textproto:2:52: pending_at_ms must be >= 0"},
        SemanticCase{"ExecIdsListedOnlyOnInspect",
                     "container { id: \"c1\" args: \"run\" }\n"
                     "client { call { op: START container: \"c1\" expect { "
                     "exec_ids_listed: \"e1\" } } }",
                     "t.textproto:2:52: START cannot check exec_ids_listed"},
        SemanticCase{"OnlyWithAKnownClient",
                     "container { id: \"c1\" args: \"run\" }\n"
                     "client { call { op: START container: \"c1\" expect { "
                     "only_with: 7 } } }",
                     "t.textproto:2:52: unknown client 7 (OBJECTS or LEGACY)"},
        SemanticCase{"WaitUntilWaitsWithBothClients",
                     "container { id: \"c1\" args: \"run\" }\n"
                     "client { call { op: WAIT_UNTIL container: \"c1\" "
                     "expect { only_with: OBJECTS running: true } } }",
                     "t.textproto:2:57: WAIT_UNTIL cannot check only_with"},
        // Several problems: the one nearest the top of the file is reported.
        SemanticCase{"FirstInFileWins",
                     "client { call { op: START container: \"zz\" } }\n"
                     "container { id: \"c1\" }",
                     "t.textproto:1:27: unknown container 'zz' (not declared "
                     "in `container` and created by no CREATE call)"}),
    [](const testing::TestParamInfo<SemanticCase>& info) {
      return std::string(info.param.name);
    });

// The size limits (scenario.h, docs/SCENARIOS.md "Limits"): `n` copies of
// `line`, after `head`, each on a line of its own.
std::string Repeated(std::string_view head, std::string_view line, int n) {
  std::string text(head);
  for (int i = 0; i < n; ++i) {
    text += std::string(line) + "\n";
  }
  return text;
}

TEST(ScenarioLimitsTest, ContainersDeclared) {
  std::string text = "event { kind: DAEMON_RESTART }\n";
  for (int i = 0; i <= kContainersMax; ++i) {
    text +=
        "container { id: \"c" + std::to_string(i) + "\" args: [\"run\"] }\n";
  }
  EXPECT_EQ(ErrorOf(text),
            "t.textproto:66:1: more than 64 containers (the limit)");
}

TEST(ScenarioLimitsTest, ContainersDeclaredOrCreated) {
  std::string text = "container { id: \"c0\" args: [\"run\"] }\nclient {\n";
  for (int i = 1; i <= kContainersMax; ++i) {
    text += "call { op: CREATE container: \"c" + std::to_string(i) +
            "\" args: [\"run\"] }\n";
  }
  text += "}\n";
  EXPECT_EQ(ErrorOf(text),
            "t.textproto:66:19: more than 64 containers, declared or created "
            "(the limit)");
}

TEST(ScenarioLimitsTest, Clients) {
  const std::string text =
      Repeated("", "client { call { op: SLEEP timeout_ms: 1 } }", kClientsMax);
  EXPECT_EQ(ErrorOf(text), "OK");
  EXPECT_EQ(ErrorOf(text + "client { call { op: SLEEP timeout_ms: 1 } }"),
            "t.textproto:65:1: more than 64 clients (the limit)");
}

TEST(ScenarioLimitsTest, CallsPerClient) {
  const std::string text = Repeated(
      "client {\n", "call { op: SLEEP timeout_ms: 1 }", kCallsPerClientMax);
  EXPECT_EQ(ErrorOf(text + "}"), "OK");
  EXPECT_EQ(ErrorOf(text + "call { op: SLEEP timeout_ms: 1 } }"),
            "t.textproto:1002:1: more than 1000 calls in one client (the "
            "limit)");
}

TEST(ScenarioLimitsTest, CallsInAllClients) {
  // Four clients of 1000 calls each reach the limit; a fifth call is over.
  std::string text;
  for (int c = 0; c < kCallsMax / kCallsPerClientMax; ++c) {
    text += Repeated("client {\n", "call { op: SLEEP timeout_ms: 1 }",
                     kCallsPerClientMax) +
            "}\n";
  }
  EXPECT_EQ(ErrorOf(text), "OK");
  text += "client { call { op: SLEEP timeout_ms: 1 } }";
  EXPECT_EQ(ErrorOf(text),
            "t.textproto:4009:10: more than 4000 calls in all clients (the "
            "limit)");
}

TEST(ScenarioLimitsTest, Events) {
  const std::string text =
      Repeated("", "event { kind: CONTAINERD_RESTART }", kEventsMax + 1);
  EXPECT_EQ(ErrorOf(text),
            "t.textproto:257:1: more than 256 events (the limit)");
}

TEST(ScenarioLimitsTest, ForcedFaults) {
  const std::string text =
      Repeated("event { kind: DAEMON_RESTART }\nfaults {\n",
               "force { point: \"reply-lost\" }", kForcedFaultsMax + 1) +
      "}";
  EXPECT_EQ(ErrorOf(text),
            "t.textproto:259:1: more than 256 forced faults (the limit)");
}

TEST(ScenarioLimitsTest, FileSize) {
  std::string text = "event { kind: DAEMON_RESTART }\n";
  text += std::string(kScenarioFileBytesMax - text.size(), '#');
  EXPECT_EQ(ErrorOf(text), "OK");  // one comment line, exactly at the limit
  text += "\n";
  EXPECT_EQ(ErrorOf(text),
            "t.textproto:1:1: file is over the limit of 1048576 bytes (1 MiB) "
            "of a scenario");
}

TEST(ScenarioLimitsTest, BigFileIsRefusedWithoutReadingItAll) {
  const std::string path = testing::TempDir() + "/big.textproto";
  {
    std::ofstream out(path);
    out << "event { kind: DAEMON_RESTART }\n";
    out << std::string(8 * kScenarioFileBytesMax, '#');
  }
  absl::StatusOr<Scenario> s = LoadScenarioFile(path);
  std::remove(path.c_str());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.status().message(),
            path +
                ":1:1: file is over the limit of 1048576 bytes (1 MiB) of "
                "a scenario");
}

TEST(ScenarioContentHashTest, StableForEqualContent) {
  const std::string text = std::string(kOneContainer) +
                           "client { call { op: START container: \"c1\" } }\n";
  absl::StatusOr<Scenario> a = ParseScenario(text, "a.textproto");
  absl::StatusOr<Scenario> b =
      ParseScenario("# a comment, other spacing\n" + text, "b.textproto");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(ScenarioContentHash(*a), ScenarioContentHash(*b));
  EXPECT_EQ(ScenarioContentHash(*a).size(), 16u);
  // Name and description do not change what runs.
  b->set_description("reworded");
  EXPECT_EQ(ScenarioContentHash(*a), ScenarioContentHash(*b));
  // A fixed value, so that a change of serialization is noticed: replay
  // tokens recorded earlier carry this hash.
  EXPECT_EQ(ScenarioContentHash(*a), "708b405b199e7d30");
  Scenario empty;
  EXPECT_EQ(ScenarioContentHash(empty), "cbf29ce484222325");  // FNV basis
}

TEST(ScenarioContentHashTest, DiffersForDifferentContent) {
  absl::StatusOr<Scenario> a = FindScenario("exec-valid-command");
  ASSERT_TRUE(a.ok());
  Scenario b = *a;
  b.mutable_client(0)->mutable_call(0)->set_args(1, "1");
  EXPECT_NE(ScenarioContentHash(*a), ScenarioContentHash(b));
  Scenario c = *a;
  c.set_live_restore(true);
  EXPECT_NE(ScenarioContentHash(*a), ScenarioContentHash(c));
  // All built-ins differ from one another.
  std::set<std::string> hashes;
  for (const BuiltinScenario& builtin : BuiltinScenarios()) {
    hashes.insert(ScenarioContentHash(*FindScenario(builtin.name)));
  }
  EXPECT_EQ(hashes.size(), BuiltinScenarios().size());
}

}  // namespace
}  // namespace properties
