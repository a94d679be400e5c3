// fuzz/token_decoder_fuzzer.cc: harness::ReadToken, as `dsim replay TOKEN`
// decodes a token. An input starting with byte 0x01 is a token's body instead
// (the serialized dsim.run.RunConfig, before the checksum): the fuzzer adds a
// valid checksum and the "dsim3" text, so mutations reach the configuration's
// readers (the scenario's zlib stream, client, mutation, timer windows,
// decisions) past the checksum.
// Any token that decodes must encode back to a token that decodes the same.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/status/statusor.h"
#include "harness/run_config.h"
#include "sim/replay_token.h"

namespace {

[[noreturn]] void Fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "token_decoder_fuzzer: %s: %s\n", what, detail.c_str());
  std::abort();
}

// The token text of `body` (ReplayToken's encoding: "dsim" + version digit +
// hex of body + FNV-1a 32 checksum, little-endian). Kept apart from
// sim/replay_token.cc on purpose: a change of format there shows up here.
std::string TokenOfBody(const std::string& body) {
  uint32_t sum = 2166136261u;
  for (unsigned char c : body) sum = (sum ^ c) * 16777619u;
  std::string bytes = body;
  for (int i = 0; i < 4; ++i) bytes += static_cast<char>(sum >> (8 * i));
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text = "dsim" + std::to_string(sim::ReplayToken::kVersion);
  for (unsigned char c : bytes) {
    text += kHex[c >> 4];
    text += kHex[c & 15];
  }
  return text;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  if (size > 0 && data[0] == 0x01) text = TokenOfBody(text.substr(1));

  absl::StatusOr<sim::ReplayToken> token = sim::ReplayToken::Decode(text);
  if (token.ok()) {
    const std::string encoded = token->Encode();
    absl::StatusOr<sim::ReplayToken> again = sim::ReplayToken::Decode(encoded);
    if (!again.ok()) Fail("a decoded token, encoded, does not decode", encoded);
    if (again->Encode() != encoded)
      Fail("encoding a decoded token is not stable", encoded);
  }
  // Errors are one line (dsim prints them as is).
  absl::StatusOr<harness::TokenRun> run = harness::ReadToken(text);
  if (!run.ok() && run.status().message().find('\n') != std::string::npos)
    Fail("error is not one line", std::string(run.status().message()));
  return 0;
}
