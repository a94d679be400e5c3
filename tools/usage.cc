// tools/usage.cc: dsim's flag parsing and one-line errors.
#include "tools/usage.h"

#include <algorithm>
#include <cstdio>

#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "tools/cli.h"

namespace dsim {

namespace {

std::string& CommandForHints() {
  static std::string command;
  return command;
}

// The payload that marks a status as located in a file.
constexpr char kLocatedPayload[] = "dsim/located";

}  // namespace

void SetCommandForHints(const std::string& command) {
  CommandForHints() = command;
}

int Usage(const std::string& problem) {
  if (absl::StrContains(problem, "(see ")) return BadInput(problem);
  const std::string& command = CommandForHints();
  std::fprintf(stderr, "dsim: %s (see dsim %s--help)\n", problem.c_str(),
               command.empty() ? "" : (command + " ").c_str());
  return 2;
}

int BadInput(const std::string& problem) {
  std::fprintf(stderr, "dsim: %s\n", problem.c_str());
  return 2;
}

int BadInput(const absl::Status& status) {
  const std::string message(status.message());
  if (status.GetPayload(kLocatedPayload).has_value()) {
    std::fprintf(stderr, "%s\n", message.c_str());
    return 2;
  }
  return BadInput(message);
}

absl::Status MarkLocated(absl::Status status) {
  status.SetPayload(kLocatedPayload, absl::Cord("1"));
  return status;
}

namespace {

// Sets --scenario: repeated flags add up; an empty name is a mistake (it
// would otherwise select every built-in). The names add to the flag's value,
// never to a copy kept across calls of ParseFlags (the fuzz regression
// flag_parser_fuzzer/scenario-flag-kept-across-parses).
bool AddScenarios(const std::string& value, std::string* error) {
  std::vector<std::string> all = absl::GetFlag(FLAGS_scenario);
  for (absl::string_view v : absl::StrSplit(value, ',')) {
    if (v.empty()) {
      *error = "empty scenario name in --scenario '" + value + "'";
      return false;
    }
    all.emplace_back(v);
  }
  absl::SetFlag(&FLAGS_scenario, all);
  return true;
}

// The flag --NAME (NAME with "_") or, for a boolean, --noNAME / --no_NAME;
// null when there is none. `*negated` says which.
absl::CommandLineFlag* FindFlag(const std::string& name, bool* negated) {
  *negated = false;
  if (absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name))
    return flag;
  if (name.rfind("no", 0) != 0) return nullptr;
  std::string base = name.substr(2);
  if (!base.empty() && base[0] == '_') base = base.substr(1);
  absl::CommandLineFlag* flag = absl::FindCommandLineFlag(base);
  if (flag == nullptr || !flag->IsOfType<bool>()) return nullptr;
  *negated = true;
  return flag;
}

}  // namespace

bool ParseFlags(const std::vector<std::string>& args,
                const std::vector<std::string>& accepted,
                std::vector<std::string>* positionals, std::string* error) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg.rfind("--", 0) != 0 || arg == "--") {
      if (positionals == nullptr) {
        *error = "unexpected argument '" + arg + "'";
        return false;
      }
      positionals->push_back(arg);
      continue;
    }
    std::string name = arg.substr(2), value;
    const size_t eq = name.find('=');
    const bool has_value = eq != std::string::npos;
    if (has_value) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    const std::string typed = name;
    std::replace(name.begin(), name.end(), '-', '_');
    bool negated = false;
    absl::CommandLineFlag* flag = FindFlag(name, &negated);
    if (flag == nullptr) {
      *error = "unknown flag --" + typed;
      return false;
    }
    const std::string real(flag->Name());
    std::string shown = real;
    std::replace(shown.begin(), shown.end(), '_', '-');
    if (std::find(accepted.begin(), accepted.end(), real) == accepted.end()) {
      *error = CommandForHints() + " does not take --" + shown;
      return false;
    }
    if (negated) {
      if (has_value) {
        *error = "--no" + shown + " takes no value";
        return false;
      }
      value = "false";
    } else if (!has_value && flag->IsOfType<bool>()) {
      value = "true";  // never the next argument
    } else if (!has_value) {
      if (i + 1 >= args.size()) {
        *error = "flag --" + shown + " needs a value";
        return false;
      }
      value = args[++i];
    }
    if (real == "scenario") {
      if (!AddScenarios(value, error)) return false;
      continue;
    }
    std::string why;
    if (!flag->ParseFrom(value, &why)) {
      *error = "bad value '" + value + "' for --" + shown + ": " + why;
      return false;
    }
  }
  return true;
}

}  // namespace dsim
