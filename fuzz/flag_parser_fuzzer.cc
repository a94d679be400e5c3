// fuzz/flag_parser_fuzzer.cc: dsim::ParseFlags, then the checks dsim makes
// of the flags before any run (CheckSearchFlags, SelectRun). The input is
// lines: the first names the flags the subcommand accepts (as in the tables
// of tools/dsim.cc, names with "_", separated by spaces; a leading "+" lets
// it take positionals, as replay does), every other line is one argument. Flags
// are reset after each input (absl::FlagSaver).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "absl/strings/str_split.h"
#include "tools/cli.h"
#include "tools/usage.h"

namespace {

[[noreturn]] void Fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "flag_parser_fuzzer: %s: %s\n", what, detail.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> lines = absl::StrSplit(input, '\n');
  // A first line starting with "+": the subcommand takes positionals (replay's
  // token); else they are refused.
  const bool positionals_allowed = !lines[0].empty() && lines[0][0] == '+';
  if (positionals_allowed) lines[0].erase(0, 1);
  std::vector<std::string> accepted =
      absl::StrSplit(lines[0], ' ', absl::SkipEmpty());
  std::vector<std::string> args(lines.begin() + 1, lines.end());

  dsim::SetCommandForHints("fuzz");
  // The same arguments parsed twice (flags restored in between) must set the
  // same flags: ParseFlags keeps no state of its own across calls.
  std::string first_error;
  std::vector<std::string> first_scenarios, first_positionals;
  for (int pass = 0; pass < 2; ++pass) {
    absl::FlagSaver restore_flags_after_this_pass;
    std::vector<std::string> positionals;
    std::string error;
    const bool ok = dsim::ParseFlags(
        args, accepted, positionals_allowed ? &positionals : nullptr, &error);
    if (!ok && error.empty()) Fail("ParseFlags failed without a reason", input);
    std::vector<std::string> scenarios = absl::GetFlag(FLAGS_scenario);
    if (pass == 0) {
      first_error = error;
      first_scenarios = std::move(scenarios);
      first_positionals = std::move(positionals);
      if (!ok) continue;
      (void)dsim::CheckSearchFlags();
      (void)dsim::SelectRun();
    } else if (error != first_error || scenarios != first_scenarios ||
               positionals != first_positionals) {
      Fail("the same arguments parsed again give another result", input);
    }
  }
  return 0;
}
