// fuzz/scenario_parser_fuzzer.cc: properties::ParseScenario on any text, as
// `dsim explore --scenario FILE` reads a scenario file. Besides not crashing,
// it checks the parser's contract: an error is one line "FILE:...: what", and
// a scenario it accepts, printed back as text, parses to the same content.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "google/protobuf/text_format.h"
#include "properties/scenario.h"

namespace {

constexpr std::string_view kFile = "fuzz.textproto";

[[noreturn]] void Fail(const char* what, std::string_view detail) {
  std::fprintf(stderr, "scenario_parser_fuzzer: %s: %.*s\n", what,
               static_cast<int>(detail.size()), detail.data());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<dsim::scenario::Scenario> s =
      properties::ParseScenario(text, kFile);
  if (!s.ok()) {
    const std::string m(s.status().message());
    if (!m.starts_with(std::string(kFile) + ":"))
      Fail("error does not start with the file name", m);
    if (m.find('\n') != std::string_view::npos)
      Fail("error is not one line", m);
    return 0;
  }
  const std::string hash = properties::ScenarioContentHash(*s);
  std::string printed;
  if (!google::protobuf::TextFormat::PrintToString(*s, &printed))
    Fail("cannot print an accepted scenario", hash);
  absl::StatusOr<dsim::scenario::Scenario> again =
      properties::ParseScenario(printed, kFile);
  if (!again.ok())
    Fail("an accepted scenario, printed, is refused",
         std::string(again.status().message()));
  if (properties::ScenarioContentHash(*again) != hash)
    Fail("an accepted scenario, printed and parsed, changed", printed);
  return 0;
}
