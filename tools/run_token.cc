// tools/run_token.cc: a run to and from a replay token.
#include "tools/run_token.h"

#include <zlib.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "daemon_core/mutation.h"
#include "properties/builtin_scenarios.h"
#include "properties/counterexample.h"
#include "properties/scenario.h"

namespace dsim {

namespace {

// A scenario file's content in a token: the zlib stream, and its size.
constexpr char kTextField[] = "scenario_zlib";
constexpr char kSizeField[] = "scenario_size";
// Refuse to inflate more than this: far above any scenario a person writes.
constexpr uint64_t kScenarioBytesMax = 64ull << 20;

std::string Compress(const std::string& text) {
  uLongf size = compressBound(text.size());
  std::string out(size, '\0');
  if (compress2(reinterpret_cast<Bytef*>(out.data()), &size,
                reinterpret_cast<const Bytef*>(text.data()), text.size(),
                Z_BEST_COMPRESSION) != Z_OK) {
    return "";  // cannot happen with compressBound's room
  }
  out.resize(size);
  return out;
}

absl::StatusOr<std::string> Inflate(const std::string& zipped,
                                    const std::string& size_text) {
  uint64_t size = 0;
  if (!absl::SimpleAtoi(size_text, &size) || size > kScenarioBytesMax) {
    return absl::InvalidArgumentError(
        "corrupt replay token: bad scenario size '" + size_text + "'");
  }
  std::string text(size, '\0');
  uLongf got = size;
  if (uncompress(reinterpret_cast<Bytef*>(text.data()), &got,
                 reinterpret_cast<const Bytef*>(zipped.data()),
                 zipped.size()) != Z_OK ||
      got != size) {
    return absl::InvalidArgumentError(
        "corrupt replay token: the scenario's content does not inflate");
  }
  return text;
}

// The scenario the token names: its embedded file content, a built-in, or
// (tokens properties/ writes for generated workloads) a file by its path.
absl::StatusOr<SelectedScenario> TokenScenario(
    const std::map<std::string, std::string>& f) {
  auto field = [&](const char* k) {
    auto it = f.find(k);
    return it == f.end() ? std::string() : it->second;
  };
  SelectedScenario sc;
  sc.name = field("scenario");
  sc.path = field("scenario_path");
  if (sc.name.empty())
    return absl::InvalidArgumentError("replay token names no scenario");
  absl::StatusOr<dsim::scenario::Scenario> s;
  if (f.count(kTextField) > 0) {
    absl::StatusOr<std::string> text =
        Inflate(field(kTextField), field(kSizeField));
    if (!text.ok()) return text.status();
    s = properties::ParseScenario(*text, sc.path.empty() ? sc.name : sc.path);
    sc.text = std::move(*text);
  } else {
    s = properties::FindScenario(sc.path.empty() ? sc.name : sc.path);
  }
  if (!s.ok()) {
    return absl::InvalidArgumentError("replay token's scenario: " +
                                      std::string(s.status().message()));
  }
  sc.hash = properties::ScenarioContentHash(*s);
  if (sc.hash != field("scenario_hash")) {
    return absl::InvalidArgumentError(
        "replay token is for scenario '" + sc.name + "' with content hash " +
        field("scenario_hash") + ", but this one hashes to " + sc.hash +
        " (the scenario changed)");
  }
  sc.scenario = std::move(*s);
  return sc;
}

}  // namespace

sim::ReplayToken MakeToken(const SelectedScenario& s, const RunSelection& r,
                           const sim::ExecutorOptions& options,
                           const std::vector<sim::Decision>& decisions) {
  sim::ReplayToken t = properties::ScenarioReplayToken(
      s.name, s.hash, s.path, r.config, r.strategy, options, decisions);
  if (!s.path.empty()) {
    t.fields[kTextField] = Compress(s.text);
    t.fields[kSizeField] = std::to_string(s.text.size());
  }
  return t;
}

namespace {

absl::StatusOr<TokenRun> ReadTokenFields(const std::string& text) {
  absl::StatusOr<sim::ReplayToken> token = sim::ReplayToken::Decode(text);
  if (!token.ok()) return token.status();
  const auto& f = token->fields;
  auto field = [&](const char* k) {
    auto it = f.find(k);
    return it == f.end() ? std::string() : it->second;
  };
  TokenRun t;
  absl::StatusOr<SelectedScenario> sc = TokenScenario(f);
  if (!sc.ok()) return sc.status();
  t.scenario = std::move(*sc);
  RunSelection& r = t.run;
  r.client = field("client");
  r.mutation = field("mutation");
  r.strategy = field("strategy");
  if (!daemon_core::libcontainerd::ParseDesign(r.client, &r.config.design)) {
    return absl::InvalidArgumentError("replay token has an unknown client '" +
                                      r.client + "'");
  }
  if (!daemon_core::ParseMutation(r.mutation, &r.config.mutation)) {
    return absl::InvalidArgumentError("replay token has an unknown mutation '" +
                                      r.mutation + "'");
  }
  sim::ExecutorOptions& o = t.options;
  o.seed = token->seed;
  for (const char* key : {"early_timer_window_ns", "jitter_window_ns"}) {
    const std::string w = field(key);
    if (w.empty()) continue;
    (key[0] == 'e' ? o.fire_timers_early : o.jitter) = true;
    if (!absl::SimpleAtoi(w, &o.early_timer_window)) {
      return absl::InvalidArgumentError("replay token has a bad " +
                                        std::string(key) + " '" + w + "'");
    }
  }
  t.decisions = std::move(token->decisions);
  return t;
}

// `status` with control characters in its message escaped: the message quotes
// the token's fields, and it must stay one line (the fuzz regression
// token_decoder_fuzzer/newline-in-client).
absl::Status OneLine(const absl::Status& status) {
  std::string message;
  for (char c : status.message()) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\n') {
      message += "\\n";
    } else if (u < 0x20 || u == 0x7f) {
      message += absl::StrFormat("\\x%02x", u);
    } else {
      message += c;
    }
  }
  return absl::Status(status.code(), message);
}

}  // namespace

absl::StatusOr<TokenRun> ReadToken(const std::string& text) {
  absl::StatusOr<TokenRun> run = ReadTokenFields(text);
  if (!run.ok()) return OneLine(run.status());
  return run;
}

}  // namespace dsim
