// fake_containerd/program.h: what a simulated process does once started. The
// fake reads it from the process args of the OCI spec (Container.spec for init,
// ExecProcessRequest.spec for an exec), so the daemon model chooses programs
// the way docker does: by the command line.
//
// Command lines (args[0] may carry a path; only its last component counts):
// - `exit CODE [DELAY]`: exit with CODE after DELAY (default 0).
// - `run`: run until a terminating signal (it has handlers: exits 128+sig).
// - `sleep`: like busybox sleep; as PID 1 it ignores every signal but SIGKILL.
// - `cat [CODE]`: copy stdin to stdout until stdin is closed (CloseIO), then
//   exit with CODE.
// - `echo [TEXT...]`: write the TEXTs, space-separated, and a newline to
//   stdout, then exit 0.
// - `oom [DELAY]`: allocate until the memory limit: TaskOOM, then exit 137.
// - anything else: a missing binary; Start fails as runc's exec does.
// - `sh -c SCRIPT dsim PROGRAM...`: PROGRAM; the form real_command.h gives a
//   program for a real containerd, so the fake runs the same command lines.
// DELAY is an integer with a unit: ns, us, ms or s (a bare number means ms).
#ifndef DSIM_FAKE_CONTAINERD_PROGRAM_H_
#define DSIM_FAKE_CONTAINERD_PROGRAM_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "sim/op.h"

namespace fake_containerd {

// $0 of the shell in a program's busybox form.
inline constexpr char kRealCommandMarker[] = "dsim";

struct Program {
  enum class Kind : uint8_t {
    kExit,               // exit with exit_code after delay
    kRunUntilSignalled,  // exits 128+sig on any terminating signal
    kIgnoreSigterm,      // as PID 1, ignores all signals but SIGKILL
    kReadStdin,          // exits with exit_code once stdin is closed
    kEcho,               // writes `output` to stdout, exits 0
    kAllocateUntilOom,   // OOM-killed after delay
    kMissingBinary,      // Start fails
  };
  Kind kind = Kind::kRunUntilSignalled;
  uint32_t exit_code = 0;
  sim::Nanos delay = 0;
  std::string binary;  // args[0], for the missing-binary error
  // What it writes to stdout (kEcho). Only `dsim serve` has a stdout to write
  // it to (stdio_fifos.h); simulated runs have no stdio.
  std::string output;

  static Program Exit(uint32_t code, sim::Nanos delay = 0) {
    return {Kind::kExit, code, delay, "exit", {}};
  }
  static Program RunUntilSignalled() {
    return {Kind::kRunUntilSignalled, 0, 0, "run", {}};
  }
  static Program IgnoreSigterm() {
    return {Kind::kIgnoreSigterm, 0, 0, "sleep", {}};
  }
  static Program ReadStdin(uint32_t code) {
    return {Kind::kReadStdin, code, 0, "cat", {}};
  }
  static Program Echo(std::string output) {
    return {Kind::kEcho, 0, 0, "echo", std::move(output)};
  }
  static Program AllocateUntilOom(sim::Nanos delay) {
    return {Kind::kAllocateUntilOom, 137, delay, "oom", {}};
  }
  static Program MissingBinary(std::string binary) {
    return {Kind::kMissingBinary, 0, 0, std::move(binary), {}};
  }
};

// The program for a command line (see the header comment). Bad numbers are
// INVALID_ARGUMENT; `bad_arg`, when not null, then receives the index in
// `args` of the number at fault (scenario files point at it).
absl::StatusOr<Program> ProgramFromArgs(const std::vector<std::string>& args,
                                        size_t* bad_arg = nullptr);

// The first "args" string array found in an OCI spec / process JSON document. A
// minimal scanner, not a JSON parser: it handles \" and \\ escapes only, which
// the model never needs beyond. Empty when there is none.
std::vector<std::string> ArgsFromSpecJson(std::string_view json);

// ArgsFromSpecJson + ProgramFromArgs; no args at all is a missing binary "".
absl::StatusOr<Program> ProgramFromSpecJson(std::string_view json);

}  // namespace fake_containerd

#endif  // DSIM_FAKE_CONTAINERD_PROGRAM_H_
