// properties/scenario.cc: parsing, validation and hashing of scenario files.
// Validation collects every problem with its location and reports the one
// nearest the top of the file, so the message reads like a compiler's.
// Over 400 lines because the validator is one rule set over one index (the
// declared containers and the defined execs); split, it would read worse.
#include "properties/scenario.h"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "fake_containerd/program.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/text_format.h"

namespace properties {
namespace {

using ::dsim::scenario::Call;
using ::dsim::scenario::Container;
using ::dsim::scenario::EnvEvent;
using ::dsim::scenario::Expect;
using ::dsim::scenario::Faults;
using ::dsim::scenario::Op;
using ::dsim::scenario::Scenario;
using ::google::protobuf::FieldDescriptor;
using ::google::protobuf::TextFormat;

// `what` with control characters escaped ("\n", "\x01"): a message quotes
// values from the file, and it must stay one line (the fuzz regression
// scenario_parser_fuzzer/newline-in-quoted-id).
std::string OneLine(std::string_view what) {
  std::string out;
  for (char c : what) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\n') {
      out += "\\n";
    } else if (u < 0x20 || u == 0x7f) {
      out += absl::StrFormat("\\x%02x", u);
    } else {
      out += c;
    }
  }
  return out;
}

// Locations are 0-based, as the tokenizer counts; messages are 1-based.
std::string Located(std::string_view file, int line, int column,
                    std::string_view what) {
  if (line < 0) return absl::StrCat(std::string(file), ": ", OneLine(what));
  return absl::StrCat(std::string(file), ":", line + 1, ":", column + 1, ": ",
                      OneLine(what));
}

class QuietErrorCollector : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int, google::protobuf::io::ColumnNumber,
                const std::string&) override {}
};

// protobuf's parser reports some errors (an unknown field or enum value, a
// singular field given twice) at the token after the culprit, having consumed
// it. When the message quotes the token before the reported position and not
// the one at it, the culprit is the one before.
std::pair<int, int> PointAtCulprit(std::string_view text, int line, int column,
                                   const std::string& message) {
  auto quoted = [&message](const std::string& token) {
    return message.find("\"" + token + "\"") != std::string::npos;
  };
  google::protobuf::io::ArrayInputStream input(text.data(),
                                               static_cast<int>(text.size()));
  QuietErrorCollector quiet;
  google::protobuf::io::Tokenizer tokenizer(&input, &quiet);
  tokenizer.set_comment_style(
      google::protobuf::io::Tokenizer::SH_COMMENT_STYLE);
  std::optional<google::protobuf::io::Tokenizer::Token> previous;
  while (tokenizer.Next()) {
    const google::protobuf::io::Tokenizer::Token& token = tokenizer.current();
    if (std::make_pair(token.line, token.column) >=
        std::make_pair(line, column)) {
      const bool at_reported = token.line == line && token.column == column;
      if (at_reported && quoted(token.text)) return {line, column};
      break;
    }
    previous = token;
  }
  if (previous.has_value() && quoted(previous->text)) {
    return {previous->line, previous->column};
  }
  return {line, column};
}

// Keeps the parser's first error: later ones usually follow from it.
class FirstErrorCollector : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    if (message_.has_value()) return;
    line_ = line;
    column_ = column;
    message_ = message;
    // At the end of the text protobuf names the token it found as "".
    if (message.ends_with("got: ")) *message_ += "end of input";
  }
  std::string Describe(std::string_view file, std::string_view text) const {
    if (!message_.has_value()) return Located(file, -1, -1, "syntax error");
    const auto [line, column] =
        line_ < 0 ? std::make_pair(line_, column_)
                  : PointAtCulprit(text, line_, column_, *message_);
    return Located(file, line, column, *message_);
  }

 private:
  int line_ = -1;
  int column_ = -1;
  std::optional<std::string> message_;
};

// One step of a path from the Scenario root to a field: the field's name and,
// for a repeated field, the element's index.
struct Step {
  std::string_view field;
  int index = -1;
};

constexpr uint32_t Bit(int field_number) { return uint32_t{1} << field_number; }

// The Call fields (bits by field number) each op reads, and the Expect fields
// it can check. Anything else set on a call is a mistake worth reporting.
struct OpRule {
  uint32_t call_fields;
  uint32_t expect_fields;
};

OpRule RuleFor(Op op) {
  constexpr uint32_t kContainer = Bit(Call::kContainerFieldNumber);
  constexpr uint32_t kExec = Bit(Call::kExecFieldNumber);
  constexpr uint32_t kExpect = Bit(Call::kExpectFieldNumber);
  constexpr uint32_t kExitCode = Bit(Expect::kExitCodeFieldNumber);
  constexpr uint32_t kRunning = Bit(Expect::kRunningFieldNumber);
  // Any call can check its error's text and that it was still pending, and
  // limit its expectation to one client.
  constexpr uint32_t kError =
      Bit(Expect::kErrorFieldNumber) | Bit(Expect::kErrorContainsFieldNumber) |
      Bit(Expect::kPendingAtMsFieldNumber) | Bit(Expect::kOnlyWithFieldNumber);
  constexpr uint32_t kInspect =
      kError | kRunning | kExitCode | Bit(Expect::kOomKilledFieldNumber) |
      Bit(Expect::kStatusFieldNumber) | Bit(Expect::kExecIdsFieldNumber) |
      Bit(Expect::kRestartingFieldNumber) | Bit(Expect::kHasPidFieldNumber) |
      Bit(Expect::kExecIdsListedFieldNumber);
  const uint32_t op_field = Bit(Call::kOpFieldNumber);
  switch (op) {
    case dsim::scenario::CREATE:
      return {op_field | kContainer | kExpect | Bit(Call::kArgsFieldNumber) |
                  Bit(Call::kRestartFieldNumber) |
                  Bit(Call::kAutoRemoveFieldNumber),
              kError};
    case dsim::scenario::KILL:
      return {op_field | kContainer | kExpect | Bit(Call::kSignalFieldNumber),
              kError};
    case dsim::scenario::STOP:
    case dsim::scenario::RESTART:
      return {
          op_field | kContainer | kExpect | Bit(Call::kTimeoutMsFieldNumber),
          kError};
    case dsim::scenario::WAIT:
      return {
          op_field | kContainer | kExpect | Bit(Call::kConditionFieldNumber),
          kError | kExitCode};
    case dsim::scenario::INSPECT:
      return {op_field | kContainer | kExpect, kInspect};
    case dsim::scenario::WAIT_UNTIL:  // polls for its expect: with both
      return {
          op_field | kContainer | kExpect | Bit(Call::kTimeoutMsFieldNumber),
          kInspect & ~Bit(Expect::kOnlyWithFieldNumber)};
    case dsim::scenario::RM:
      return {op_field | kContainer | kExpect | Bit(Call::kForceFieldNumber),
              kError};
    case dsim::scenario::EXEC_CREATE:
      return {
          op_field | kContainer | kExec | kExpect | Bit(Call::kArgsFieldNumber),
          kError};
    case dsim::scenario::EXEC_START:
      return {op_field | kExec | kExpect | Bit(Call::kDetachFieldNumber) |
                  Bit(Call::kCancelAfterMsFieldNumber),
              kError};
    case dsim::scenario::EXEC_INSPECT:
      return {op_field | kExec | kExpect,
              kError | kExitCode | kRunning | Bit(Expect::kHasPidFieldNumber)};
    case dsim::scenario::SLEEP:
      return {op_field | Bit(Call::kTimeoutMsFieldNumber), 0};
    default:  // START, PAUSE, UNPAUSE
      return {op_field | kContainer | kExpect, kError};
  }
}

bool NamesContainer(Op op) {
  return op != dsim::scenario::OP_UNSPECIFIED &&
         op != dsim::scenario::EXEC_START &&
         op != dsim::scenario::EXEC_INSPECT && op != dsim::scenario::SLEEP;
}

// containerd's identifier rule: alphanumeric runs joined by single '.', '_'
// or '-', at most 76 characters. A declared container is created before the
// clients run, so a bad id would only fail later, and less clearly.
bool IsContainerdIdentifier(const std::string& id) {
  if (id.empty() || id.size() > 76) return false;
  bool after_separator = true;
  for (char ch : id) {
    const bool alnum = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                       (ch >= '0' && ch <= '9');
    if (alnum) {
      after_separator = false;
    } else if ((ch == '.' || ch == '_' || ch == '-') && !after_separator) {
      after_separator = true;
    } else {
      return false;
    }
  }
  return !after_separator;
}

bool IsFaultPoint(const std::string& point) {
  return point == "rpc-unavailable" || point == "reply-lost" ||
         point == "reply-delayed" || point == "exec-start-fails";
}

// "/package.Service/Method", as containerd's RPC log names methods.
bool IsMethodName(const std::string& method) {
  const size_t slash = method.find('/', 1);
  return method.size() > 1 && method[0] == '/' && slash != std::string::npos &&
         slash > 1 && slash + 1 < method.size() &&
         method.find('/', slash + 1) == std::string::npos;
}

bool IsInspectStatus(const std::string& status) {
  static const std::set<std::string> kStatuses = {
      "created",  "running", "paused", "restarting",
      "removing", "exited",  "dead"};
  return kStatuses.count(status) > 0;
}

// What is wrong with a program's command line, and the index of the argument
// at fault. The fake containerd's own parser decides, so a scenario that loads
// is one the fake runs.
struct ProgramProblem {
  int arg = 0;
  std::string what;
};
std::optional<ProgramProblem> FindProgramProblem(
    const google::protobuf::RepeatedPtrField<std::string>& args) {
  if (args.empty()) return std::nullopt;  // reported as missing args
  const std::vector<std::string> line(args.begin(), args.end());
  size_t bad = 0;
  absl::StatusOr<fake_containerd::Program> p =
      fake_containerd::ProgramFromArgs(line, &bad);
  const std::string program = "program '" + line[0] + "': ";
  if (!p.ok()) {
    std::string what = program + std::string(p.status().message());
    if (what.find("exit code") != std::string::npos) {
      what += " (an integer, 0 to 255)";
    } else if (what.find("delay") != std::string::npos) {
      what += " (an integer with a unit, ns, us, ms or s; bare is ms)";
    }
    return ProgramProblem{static_cast<int>(bad), std::move(what)};
  }
  if (p->delay > static_cast<sim::Nanos>(kDurationMsMax) * sim::kMillisecond) {
    return ProgramProblem{
        0, absl::StrCat(program, "a delay of ", p->delay / sim::kMillisecond,
                        " ms is over the limit of ", kDurationMsMax,
                        " ms (1 hour of virtual time)")};
  }
  return std::nullopt;
}

// "NAME must be at most N (1 hour of virtual time)", or nothing.
std::optional<std::string> OverDurationLimit(std::string_view name,
                                             int64_t ms) {
  if (ms <= kDurationMsMax) return std::nullopt;
  return absl::StrCat(std::string(name), " must be at most ", kDurationMsMax,
                      " (1 hour of virtual time)");
}

class Validator {
 public:
  Validator(std::string_view file, const TextFormat::ParseInfoTree& tree)
      : file_(file), tree_(tree) {}

  // Normalizes `s` and returns the first problem in file order, if any.
  absl::Status Validate(Scenario& s) {
    CheckSizes(s);
    CheckContainers(s);
    CollectDefinitions(s);
    CheckClients(s);
    CheckEvents(s);
    CheckFaults(s.faults());
    if (s.client_size() == 0 && s.event_size() == 0) {
      Report({}, "scenario has no clients and no events: nothing would run");
    }
    if (problems_.empty()) return absl::OkStatus();
    return absl::InvalidArgumentError(problems_.begin()->second);
  }

 private:
  using Path = std::initializer_list<Step>;

  // The location of the deepest field on `path` the text spelled out: a field
  // left unset is reported where its enclosing message starts.
  TextFormat::ParseLocation Locate(Path path) const {
    const google::protobuf::Descriptor* descriptor = Scenario::descriptor();
    const TextFormat::ParseInfoTree* tree = &tree_;
    TextFormat::ParseLocation best(0, 0);
    for (const Step& step : path) {
      const FieldDescriptor* field =
          descriptor->FindFieldByName(std::string(step.field));
      if (field == nullptr || tree == nullptr) break;
      // A repeated field named without an index: where its first value is.
      const int index = !field->is_repeated() ? -1 : std::max(step.index, 0);
      TextFormat::ParseLocation here = tree->GetLocation(field, index);
      // A list (`args: ["exit", "x"]`) records one location, its start.
      if (here.line < 0 && index > 0) here = tree->GetLocation(field, 0);
      if (here.line >= 0) best = here;
      if (field->message_type() == nullptr) break;
      tree = tree->GetTreeForNested(field, index);
      descriptor = field->message_type();
    }
    return best;
  }

  void Report(Path path, std::string_view what) {
    const TextFormat::ParseLocation at = Locate(path);
    // Keyed by location, then by order found: the first in the file wins.
    problems_.emplace(std::make_tuple(at.line, at.column, problems_.size()),
                      Located(file_, at.line, at.column, what));
  }

  // The size limits of scenario.h; each reported at the first element over.
  void CheckSizes(const Scenario& s) {
    if (s.client_size() > kClientsMax) {
      Report({{"client", kClientsMax}},
             absl::StrCat("more than ", kClientsMax, " clients (the limit)"));
    }
    int calls = 0;
    for (int c = 0; c < s.client_size(); ++c) {
      const int n = s.client(c).call_size();
      if (n > kCallsPerClientMax) {
        Report({{"client", c}, {"call", kCallsPerClientMax}},
               absl::StrCat("more than ", kCallsPerClientMax,
                            " calls in one client (the limit)"));
      } else if (calls <= kCallsMax && calls + n > kCallsMax) {
        Report({{"client", c}, {"call", kCallsMax - calls}},
               absl::StrCat("more than ", kCallsMax,
                            " calls in all clients (the limit)"));
      }
      calls += n;
    }
    if (s.event_size() > kEventsMax) {
      Report({{"event", kEventsMax}},
             absl::StrCat("more than ", kEventsMax, " events (the limit)"));
    }
    if (s.faults().force_size() > kForcedFaultsMax) {
      Report({{"faults"}, {"force", kForcedFaultsMax}},
             absl::StrCat("more than ", kForcedFaultsMax,
                          " forced faults (the limit)"));
    }
  }

  void CheckContainers(Scenario& s) {
    for (int i = 0; i < s.container_size(); ++i) {
      Container& c = *s.mutable_container(i);
      if (c.id().empty()) {
        Report({{"container", i}, {"id"}}, "container needs an id");
      } else if (!IsContainerdIdentifier(c.id())) {
        Report({{"container", i}, {"id"}},
               "container id '" + c.id() +
                   "' is not a containerd identifier (letters and digits "
                   "joined by single '.', '_' or '-', at most 76)");
      } else if (!declared_.emplace(c.id(), i).second) {
        Report({{"container", i}, {"id"}},
               "duplicate container id '" + c.id() + "'");
      }
      if (c.args().empty()) {
        Report({{"container", i}, {"args"}},
               "container '" + c.id() + "' needs args (its program)");
      } else if (auto problem = FindProgramProblem(c.args())) {
        Report({{"container", i}, {"args", problem->arg}}, problem->what);
      }
      if (!dsim::scenario::RestartPolicy_IsValid(c.restart())) {
        Report({{"container", i}, {"restart"}},
               absl::StrCat("unknown restart policy ", c.restart()));
      }
      if (c.maximum_retry_count() < 0) {
        Report({{"container", i}, {"maximum_retry_count"}},
               "maximum_retry_count must be >= 0");
      } else if (c.maximum_retry_count() > 0 &&
                 c.restart() != dsim::scenario::RESTART_ON_FAILURE) {
        Report({{"container", i}, {"maximum_retry_count"}},
               "maximum_retry_count needs restart: RESTART_ON_FAILURE");
      }
      if (c.auto_remove() && c.restart() != dsim::scenario::RESTART_NO) {
        // moby refuses it at create (verifyContainerSettings).
        Report({{"container", i}, {"auto_remove"}},
               "auto_remove needs restart: RESTART_NO (moby refuses "
               "AutoRemove with a restart policy)");
      }
      if (c.started()) c.set_created(true);  // started implies created
    }
  }

  // The containers CREATE calls name, and the execs EXEC_CREATE calls define,
  // in any client: calls may refer to them from anywhere.
  void CollectDefinitions(const Scenario& s) {
    if (s.container_size() > kContainersMax) {
      Report({{"container", kContainersMax}},
             absl::StrCat("more than ", kContainersMax,
                          " containers (the limit)"));
    }
    size_t containers = declared_.size();
    for (int c = 0; c < s.client_size(); ++c) {
      for (int k = 0; k < s.client(c).call_size(); ++k) {
        const Call& call = s.client(c).call(k);
        if (call.op() == dsim::scenario::CREATE && !call.container().empty() &&
            declared_.count(call.container()) == 0 &&
            created_by_call_.insert(call.container()).second &&
            ++containers == kContainersMax + 1 &&
            s.container_size() <= kContainersMax) {
          Report({{"client", c}, {"call", k}, {"container"}},
                 absl::StrCat("more than ", kContainersMax,
                              " containers, declared or created (the limit)"));
        }
        if (call.op() != dsim::scenario::EXEC_CREATE || call.exec().empty()) {
          continue;
        }
        if (!execs_.insert(call.exec()).second) {
          Report({{"client", c}, {"call", k}, {"exec"}},
                 "duplicate exec name '" + call.exec() + "'");
        }
      }
    }
  }

  bool IsKnownContainer(const std::string& id) const {
    return declared_.count(id) > 0 || created_by_call_.count(id) > 0;
  }

  void CheckClients(Scenario& s) {
    std::set<std::string> names;
    for (int c = 0; c < s.client_size(); ++c) {
      const std::string& name = s.client(c).name();
      if (!name.empty() && !names.insert(name).second) {
        Report({{"client", c}, {"name"}},
               "duplicate client name '" + name + "'");
      }
      if (s.client(c).call_size() == 0) {
        Report({{"client", c}}, "client needs at least one call");
      }
      for (int k = 0; k < s.client(c).call_size(); ++k) {
        CheckCall(s, c, k);
      }
    }
  }

  void CheckCall(Scenario& s, int c, int k) {
    Call& call = *s.mutable_client(c)->mutable_call(k);
    if (call.op() == dsim::scenario::OP_UNSPECIFIED) {
      Report({{"client", c}, {"call", k}, {"op"}},
             "call needs an op (CREATE, START, ..., SLEEP)");
      return;
    }
    if (!dsim::scenario::Op_IsValid(call.op())) {
      // proto3 enums are open: the parser accepts any number.
      Report({{"client", c}, {"call", k}, {"op"}},
             absl::StrCat("unknown op ", call.op()));
      return;
    }
    const std::string& op = dsim::scenario::Op_Name(call.op());
    CheckUsedFields(call, c, k);
    CheckEnums(call, c, k);
    if (NamesContainer(call.op())) {
      if (call.container().empty()) {
        Report({{"client", c}, {"call", k}, {"container"}},
               op + " needs a container");
      } else if (!IsKnownContainer(call.container())) {
        Report({{"client", c}, {"call", k}, {"container"}},
               "unknown container '" + call.container() +
                   "' (not declared in `container` and created by no CREATE "
                   "call)");
      }
    }
    CheckProgram(s, call, c, k);
    if (call.op() == dsim::scenario::EXEC_START ||
        call.op() == dsim::scenario::EXEC_INSPECT) {
      if (call.exec().empty()) {
        Report({{"client", c}, {"call", k}, {"exec"}}, op + " needs an exec");
      } else if (execs_.count(call.exec()) == 0) {
        Report({{"client", c}, {"call", k}, {"exec"}},
               "unknown exec '" + call.exec() + "' (no EXEC_CREATE names it)");
      }
    }
    CheckNumbers(call, c, k);
  }

  void CheckEnums(const Call& call, int c, int k) {
    if (!dsim::scenario::RestartPolicy_IsValid(call.restart())) {
      Report({{"client", c}, {"call", k}, {"restart"}},
             absl::StrCat("unknown restart policy ", call.restart()));
    }
    if (!dsim::scenario::WaitCondition_IsValid(call.condition())) {
      Report({{"client", c}, {"call", k}, {"condition"}},
             absl::StrCat("unknown wait condition ", call.condition()));
    }
    if (!dsim::scenario::ErrorKind_IsValid(call.expect().error())) {
      Report({{"client", c}, {"call", k}, {"expect"}, {"error"}},
             absl::StrCat("unknown error kind ", call.expect().error()));
    }
    if (!Expect::Libcontainerd_IsValid(call.expect().only_with())) {
      Report({{"client", c}, {"call", k}, {"expect"}, {"only_with"}},
             absl::StrCat("unknown client ", call.expect().only_with(),
                          " (OBJECTS or LEGACY)"));
    }
  }

  // CREATE and EXEC_CREATE need a program; a CREATE of a declared container
  // may take it from the declaration.
  void CheckProgram(const Scenario& s, Call& call, int c, int k) {
    if (call.op() == dsim::scenario::CREATE ||
        call.op() == dsim::scenario::EXEC_CREATE) {
      if (auto problem = FindProgramProblem(call.args())) {
        Report({{"client", c}, {"call", k}, {"args", problem->arg}},
               problem->what);
      }
    }
    if (call.op() == dsim::scenario::EXEC_CREATE) {
      if (call.exec().empty()) {
        Report({{"client", c}, {"call", k}, {"exec"}},
               "EXEC_CREATE needs an exec (the name later calls use)");
      }
      if (call.args().empty()) {
        Report({{"client", c}, {"call", k}, {"args"}},
               "EXEC_CREATE needs args (the exec's program)");
      }
    }
    if (call.op() != dsim::scenario::CREATE || !call.args().empty()) return;
    auto declared = declared_.find(call.container());
    if (declared == declared_.end()) {
      Report({{"client", c}, {"call", k}, {"args"}},
             "CREATE of an undeclared container needs args (its program)");
      return;
    }
    const Container& decl = s.container(declared->second);
    *call.mutable_args() = decl.args();
    call.set_restart(decl.restart());
    call.set_auto_remove(call.auto_remove() || decl.auto_remove());
  }

  void CheckNumbers(const Call& call, int c, int k) {
    if (call.timeout_ms() < 0) {
      Report({{"client", c}, {"call", k}, {"timeout_ms"}},
             "timeout_ms must be >= 0");
    } else if (call.op() == dsim::scenario::SLEEP && call.timeout_ms() == 0) {
      Report({{"client", c}, {"call", k}, {"timeout_ms"}},
             "SLEEP needs timeout_ms > 0");
    } else if (auto over = OverDurationLimit("timeout_ms", call.timeout_ms())) {
      Report({{"client", c}, {"call", k}, {"timeout_ms"}}, *over);
    }
    if (call.cancel_after_ms() < 0) {
      Report({{"client", c}, {"call", k}, {"cancel_after_ms"}},
             "cancel_after_ms must be >= 0");
    } else if (auto over = OverDurationLimit("cancel_after_ms",
                                             call.cancel_after_ms())) {
      Report({{"client", c}, {"call", k}, {"cancel_after_ms"}}, *over);
    } else if (call.cancel_after_ms() > 0 && call.detach()) {
      Report({{"client", c}, {"call", k}, {"cancel_after_ms"}},
             "cancel_after_ms needs an attached EXEC_START (detach: false)");
    }
    if (call.signal() > 64) {
      Report({{"client", c}, {"call", k}, {"signal"}},
             "signal must be a signal number, 1 to 64");
    }
    const Expect& e = call.expect();
    if (e.has_exec_ids() && e.exec_ids() < 0) {
      Report({{"client", c}, {"call", k}, {"expect"}, {"exec_ids"}},
             "exec_ids must be >= 0");
    }
    if (auto over = OverDurationLimit("pending_at_ms", e.pending_at_ms())) {
      Report({{"client", c}, {"call", k}, {"expect"}, {"pending_at_ms"}},
             *over);
    } else if (e.pending_at_ms() < 0) {
      Report({{"client", c}, {"call", k}, {"expect"}, {"pending_at_ms"}},
             "pending_at_ms must be >= 0");
    }
    if (call.op() == dsim::scenario::WAIT_UNTIL && !call.has_expect()) {
      Report({{"client", c}, {"call", k}, {"op"}},
             "WAIT_UNTIL needs an expect to wait for");
    }
    if (e.has_status() && !IsInspectStatus(e.status())) {
      Report({{"client", c}, {"call", k}, {"expect"}, {"status"}},
             "unknown status '" + e.status() +
                 "' (created, running, paused, restarting, removing, exited "
                 "or dead)");
    }
  }

  // Reports each field set on the call (or its expect) that its op ignores.
  void CheckUsedFields(const Call& call, int c, int k) {
    const OpRule rule = RuleFor(call.op());
    const std::string& op = dsim::scenario::Op_Name(call.op());
    std::vector<const FieldDescriptor*> fields;
    call.GetReflection()->ListFields(call, &fields);
    for (const FieldDescriptor* f : fields) {
      if ((rule.call_fields & Bit(f->number())) == 0) {
        Report({{"client", c}, {"call", k}, {f->name()}},
               op + " does not use " + f->name());
      }
    }
    if (!call.has_expect()) return;
    fields.clear();
    call.expect().GetReflection()->ListFields(call.expect(), &fields);
    for (const FieldDescriptor* f : fields) {
      if ((rule.expect_fields & Bit(f->number())) == 0) {
        Report({{"client", c}, {"call", k}, {"expect"}, {f->name()}},
               op + " cannot check " + f->name());
      }
    }
  }

  void CheckEvents(const Scenario& s) {
    for (int i = 0; i < s.event_size(); ++i) {
      const EnvEvent& e = s.event(i);
      if (!EnvEvent::Kind_IsValid(e.kind())) {
        Report({{"event", i}, {"kind"}},
               absl::StrCat("unknown event kind ", e.kind()));
        continue;
      }
      if (e.kind() == EnvEvent::KIND_UNSPECIFIED) {
        Report({{"event", i}, {"kind"}},
               "event needs a kind (DAEMON_RESTART, DAEMON_SHUTDOWN, "
               "CONTAINERD_RESTART, SHIM_DIES, KILL_PROCESS or OOM)");
        continue;
      }
      const std::string& kind = EnvEvent::Kind_Name(e.kind());
      if (e.after_ms() < 0) {
        Report({{"event", i}, {"after_ms"}}, "after_ms must be >= 0");
      } else if (auto over = OverDurationLimit("after_ms", e.after_ms())) {
        Report({{"event", i}, {"after_ms"}}, *over);
      }
      const bool needs_container = e.kind() == EnvEvent::SHIM_DIES ||
                                   e.kind() == EnvEvent::KILL_PROCESS ||
                                   e.kind() == EnvEvent::OOM;
      if (e.down_ms() < 0) {
        Report({{"event", i}, {"down_ms"}}, "down_ms must be >= 0");
      } else if (auto over = OverDurationLimit("down_ms", e.down_ms())) {
        Report({{"event", i}, {"down_ms"}}, *over);
      } else if (e.down_ms() != 0 && e.kind() != EnvEvent::DAEMON_RESTART &&
                 e.kind() != EnvEvent::DAEMON_SHUTDOWN) {
        Report({{"event", i}, {"down_ms"}}, kind + " does not use down_ms");
      }
      if (needs_container && e.container().empty()) {
        Report({{"event", i}, {"container"}}, kind + " needs a container");
      } else if (needs_container && !IsKnownContainer(e.container())) {
        Report({{"event", i}, {"container"}},
               "unknown container '" + e.container() + "'");
      } else if (!needs_container && !e.container().empty()) {
        Report({{"event", i}, {"container"}}, kind + " does not use container");
      }
      if (e.signal() != 0 && e.kind() != EnvEvent::KILL_PROCESS) {
        Report({{"event", i}, {"signal"}}, kind + " does not use signal");
      } else if (e.signal() > 64) {
        Report({{"event", i}, {"signal"}},
               "signal must be a signal number, 1 to 64");
      }
    }
  }

  void CheckFaults(const Faults& f) {
    const std::pair<std::string_view, double> probabilities[] = {
        {"rpc_unavailable", f.rpc_unavailable()},
        {"reply_lost", f.reply_lost()},
        {"reply_delayed", f.reply_delayed()},
        {"exec_start_fails", f.exec_start_fails()},
    };
    for (const auto& [name, p] : probabilities) {
      if (!(p >= 0 && p <= 1)) {  // NaN fails both
        Report({{"faults"}, {name}},
               absl::StrFormat("%s must be a probability in [0, 1], not %g",
                               std::string(name), p));
      }
    }
    for (int j = 0; j < f.force_size(); ++j) {
      const auto& force = f.force(j);
      if (!IsFaultPoint(force.point())) {
        Report({{"faults"}, {"force", j}, {"point"}},
               "unknown fault point '" + force.point() +
                   "' (rpc-unavailable, reply-lost, reply-delayed or "
                   "exec-start-fails)");
      }
      if (!force.method().empty() && !IsMethodName(force.method())) {
        Report({{"faults"}, {"force", j}, {"method"}},
               "method '" + force.method() +
                   "' is not a full RPC method name "
                   "(/containerd.services.tasks.v1.Tasks/Start)");
      }
      if (force.count() < 0) {
        Report({{"faults"}, {"force", j}, {"count"}}, "count must be >= 0");
      }
    }
  }

  std::string file_;
  const TextFormat::ParseInfoTree& tree_;
  std::map<std::string, int> declared_;  // container id -> index
  std::set<std::string> created_by_call_;
  std::set<std::string> execs_;
  // (line, column, order found) -> "FILE:LINE:COL: what".
  std::map<std::tuple<int, int, size_t>, std::string> problems_;
};

// "dir/exec-valid-command.textproto" -> "exec-valid-command".
std::string Stem(std::string_view file_name) {
  const size_t slash = file_name.find_last_of('/');
  if (slash != std::string_view::npos) file_name.remove_prefix(slash + 1);
  const size_t dot = file_name.find_last_of('.');
  if (dot != std::string_view::npos && dot > 0) {
    file_name = file_name.substr(0, dot);
  }
  return std::string(file_name);
}

}  // namespace

absl::StatusOr<Scenario> ParseScenario(std::string_view text,
                                       std::string_view file_name) {
  if (text.size() > kScenarioFileBytesMax) {
    return absl::InvalidArgumentError(Located(
        file_name, 0, 0,
        absl::StrCat("file is over the limit of ", kScenarioFileBytesMax,
                     " bytes (1 MiB) of a scenario")));
  }
  Scenario scenario;
  TextFormat::ParseInfoTree tree;
  FirstErrorCollector errors;
  TextFormat::Parser parser;
  parser.RecordErrorsTo(&errors);
  parser.WriteLocationsTo(&tree);
  google::protobuf::io::ArrayInputStream input(text.data(),
                                               static_cast<int>(text.size()));
  if (!parser.Parse(&input, &scenario)) {
    return absl::InvalidArgumentError(errors.Describe(file_name, text));
  }
  absl::Status valid = Validator(file_name, tree).Validate(scenario);
  if (!valid.ok()) return valid;
  if (scenario.name().empty()) scenario.set_name(Stem(file_name));
  return scenario;
}

absl::StatusOr<Scenario> LoadScenarioFile(const std::string& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "rb"),
                                             &std::fclose);
  if (file == nullptr) {
    return absl::ErrnoToStatus(errno, path + ": cannot read");
  }
  std::string text;
  char buffer[1 << 14];
  size_t n;
  // One byte past the limit is enough for ParseScenario to refuse it.
  while (text.size() <= kScenarioFileBytesMax &&
         (n = std::fread(buffer, 1, sizeof(buffer), file.get())) > 0) {
    text.append(buffer, n);
  }
  // A directory opens fine and fails here, with EISDIR.
  if (std::ferror(file.get())) {
    return absl::ErrnoToStatus(errno, path + ": cannot read");
  }
  return ParseScenario(text, path);
}

std::string ScenarioContentHash(const Scenario& scenario) {
  Scenario content = scenario;
  content.clear_name();
  content.clear_description();
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    content.SerializeToCodedStream(&coded);
  }
  uint64_t hash = 0xcbf29ce484222325ULL;  // FNV-1a 64 offset basis
  for (unsigned char byte : bytes) {
    hash ^= byte;
    hash *= 0x100000001b3ULL;  // FNV-1a 64 prime
  }
  return absl::StrFormat("%016x", hash);
}

}  // namespace properties
