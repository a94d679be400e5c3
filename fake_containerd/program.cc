#include "fake_containerd/program.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace fake_containerd {
namespace {

absl::StatusOr<uint32_t> ParseCode(const std::string& s) {
  uint32_t v = 0;
  if (!absl::SimpleAtoi(s, &v) || v > 255) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad exit code \"", s, "\""));
  }
  return v;
}

absl::StatusOr<sim::Nanos> ParseDelay(std::string_view s) {
  struct Unit {
    std::string_view suffix;
    sim::Nanos scale;
  };
  // Longer suffixes first: "ms" before "s".
  static constexpr Unit kUnits[] = {{"ns", 1},
                                    {"us", sim::kMicrosecond},
                                    {"ms", sim::kMillisecond},
                                    {"s", sim::kSecond}};
  sim::Nanos scale = sim::kMillisecond;
  for (const Unit& u : kUnits) {
    if (s.size() > u.suffix.size() && s.ends_with(u.suffix)) {
      s.remove_suffix(u.suffix.size());
      scale = u.scale;
      break;
    }
  }
  uint64_t v = 0;
  if (!absl::SimpleAtoi(absl::string_view(s.data(), s.size()), &v) ||
      v > UINT64_MAX / scale) {
    return absl::InvalidArgumentError("bad delay \"" + std::string(s) + "\"");
  }
  return v * scale;
}

}  // namespace

absl::StatusOr<Program> ProgramFromArgs(const std::vector<std::string>& args,
                                        size_t* bad_arg) {
  if (args.empty()) return Program::MissingBinary("");
  // The busybox form of a program (real_command.h): `sh -c SCRIPT dsim ARGS`.
  if (args.size() >= 5 && args[1] == "-c" && args[3] == kRealCommandMarker &&
      (args[0] == "sh" || args[0].ends_with("/sh"))) {
    absl::StatusOr<Program> p = ProgramFromArgs(
        std::vector<std::string>(args.begin() + 4, args.end()), bad_arg);
    if (!p.ok() && bad_arg != nullptr) *bad_arg += 4;
    return p;
  }
  std::string_view name = args[0];
  if (size_t slash = name.rfind('/'); slash != std::string_view::npos) {
    name.remove_prefix(slash + 1);
  }
  auto arg = [&](size_t i) -> const std::string* {
    return i < args.size() ? &args[i] : nullptr;
  };
  auto at = [bad_arg](size_t i, absl::Status status) {
    if (bad_arg != nullptr) *bad_arg = i;
    return status;
  };
  if (name == "exit") {
    Program p = Program::Exit(0);
    if (arg(1) != nullptr) {
      absl::StatusOr<uint32_t> code = ParseCode(*arg(1));
      if (!code.ok()) return at(1, code.status());
      p.exit_code = *code;
    }
    if (arg(2) != nullptr) {
      absl::StatusOr<sim::Nanos> d = ParseDelay(*arg(2));
      if (!d.ok()) return at(2, d.status());
      p.delay = *d;
    }
    return p;
  }
  if (name == "run") return Program::RunUntilSignalled();
  if (name == "sleep") return Program::IgnoreSigterm();
  if (name == "cat") {
    Program p = Program::ReadStdin(0);
    if (arg(1) != nullptr) {
      absl::StatusOr<uint32_t> code = ParseCode(*arg(1));
      if (!code.ok()) return at(1, code.status());
      p.exit_code = *code;
    }
    return p;
  }
  if (name == "echo") {
    // busybox echo without options: the arguments and a newline.
    return Program::Echo(
        absl::StrCat(absl::StrJoin(args.begin() + 1, args.end(), " "), "\n"));
  }
  if (name == "oom") {
    Program p = Program::AllocateUntilOom(0);
    if (arg(1) != nullptr) {
      absl::StatusOr<sim::Nanos> d = ParseDelay(*arg(1));
      if (!d.ok()) return at(1, d.status());
      p.delay = *d;
    }
    return p;
  }
  return Program::MissingBinary(args[0]);
}

std::vector<std::string> ArgsFromSpecJson(std::string_view json) {
  std::vector<std::string> out;
  size_t pos = json.find("\"args\"");
  if (pos == std::string_view::npos) return out;
  pos = json.find('[', pos);
  if (pos == std::string_view::npos) return out;
  ++pos;
  while (pos < json.size()) {
    char c = json[pos];
    if (c == ']') break;
    if (c != '"') {
      ++pos;  // whitespace and commas
      continue;
    }
    std::string s;
    ++pos;
    while (pos < json.size() && json[pos] != '"') {
      if (json[pos] == '\\' && pos + 1 < json.size()) ++pos;
      s.push_back(json[pos++]);
    }
    ++pos;  // the closing quote
    out.push_back(std::move(s));
  }
  return out;
}

absl::StatusOr<Program> ProgramFromSpecJson(std::string_view json) {
  return ProgramFromArgs(ArgsFromSpecJson(json));
}

}  // namespace fake_containerd
