// harness/run_config.cc: a run to and from a replay token.
#include "harness/run_config.h"

#include <zlib.h>

#include "absl/strings/str_format.h"
#include "daemon_core/mutation.h"
#include "dsim/run_config.pb.h"
#include "properties/builtin_scenarios.h"
#include "properties/scenario.h"
#include "sim/replay_token.h"

namespace harness {

namespace {

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

absl::StatusOr<std::string> Inflate(const std::string& zipped, uint64_t size) {
  if (size > kScenarioBytesMax) {
    return absl::InvalidArgumentError(
        absl::StrFormat("corrupt replay token: bad scenario size '%d'", size));
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
// (a token without content) a file by its path.
absl::StatusOr<SelectedScenario> TokenScenario(
    const dsim::run::ScenarioRef& f) {
  SelectedScenario sc;
  sc.name = f.name();
  sc.path = f.path();
  if (sc.name.empty())
    return absl::InvalidArgumentError("replay token names no scenario");
  absl::StatusOr<dsim::scenario::Scenario> s;
  if (!f.content_zlib().empty()) {
    absl::StatusOr<std::string> text =
        Inflate(f.content_zlib(), f.content_size());
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
  if (sc.hash != f.content_hash()) {
    return absl::InvalidArgumentError(
        "replay token is for scenario '" + sc.name + "' with content hash " +
        f.content_hash() + ", but this one hashes to " + sc.hash +
        " (the scenario changed)");
  }
  sc.scenario = std::move(*s);
  return sc;
}

absl::StatusOr<TokenRun> ReadRunConfig(const std::string& text) {
  absl::StatusOr<sim::ReplayToken> token = sim::ReplayToken::Decode(text);
  if (!token.ok()) return token.status();
  dsim::run::RunConfig c;
  if (!c.ParseFromString(token->body)) {
    return absl::InvalidArgumentError(
        "corrupt replay token: its body is not a run configuration");
  }
  if (c.decisions_size() != c.fingerprints_size()) {
    return absl::InvalidArgumentError(
        "corrupt replay token: decisions and fingerprints differ in number");
  }
  TokenRun t;
  absl::StatusOr<SelectedScenario> sc = TokenScenario(c.scenario());
  if (!sc.ok()) return sc.status();
  t.scenario = std::move(*sc);
  absl::StatusOr<RunSelection> r = SelectRunByName(c.client(), c.mutation());
  if (!r.ok()) {
    return absl::InvalidArgumentError("replay token has " +
                                      std::string(r.status().message()));
  }
  t.run = std::move(*r);
  t.run.strategy = c.strategy();
  sim::ExecutorOptions& o = t.options;
  o.seed = c.seed();
  switch (c.timers_case()) {
    case dsim::run::RunConfig::kJitterWindowNs:
      o.jitter = true;
      o.early_timer_window = c.jitter_window_ns();
      break;
    case dsim::run::RunConfig::kEarlyTimerWindowNs:
      o.fire_timers_early = true;
      o.early_timer_window = c.early_timer_window_ns();
      break;
    case dsim::run::RunConfig::TIMERS_NOT_SET:
      break;
  }
  t.decisions.reserve(c.decisions_size());
  for (int i = 0; i < c.decisions_size(); ++i) {
    const uint64_t d = c.decisions(i);
    t.decisions.push_back(sim::Decision{(d & 1) != 0
                                            ? sim::Decision::Kind::kChoice
                                            : sim::Decision::Kind::kTask,
                                        d >> 1, c.fingerprints(i)});
  }
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

absl::StatusOr<RunSelection> SelectRunByName(const std::string& client,
                                             const std::string& mutation) {
  RunSelection r;
  r.client = client;
  r.mutation = mutation;
  if (!daemon_core::libcontainerd::ParseDesign(r.client, &r.config.design))
    return absl::InvalidArgumentError("an unknown client '" + client + "'");
  if (!daemon_core::ParseMutation(r.mutation, &r.config.mutation))
    return absl::InvalidArgumentError("an unknown mutation '" + mutation + "'");
  return r;
}

absl::StatusOr<SelectedScenario> SelectBuiltin(const std::string& name) {
  bool builtin = false;
  for (const properties::BuiltinScenario& b : properties::BuiltinScenarios())
    builtin |= b.name == name;
  if (!builtin)
    return absl::NotFoundError("no built-in scenario '" + name + "'");
  absl::StatusOr<dsim::scenario::Scenario> s = properties::FindScenario(name);
  if (!s.ok()) return s.status();
  SelectedScenario sc;
  sc.name = name;
  sc.hash = properties::ScenarioContentHash(*s);
  sc.scenario = std::move(*s);
  return sc;
}

std::string MakeToken(const SelectedScenario& s, const RunSelection& r,
                      const sim::ExecutorOptions& options,
                      const std::vector<sim::Decision>& decisions) {
  dsim::run::RunConfig c;
  dsim::run::ScenarioRef& ref = *c.mutable_scenario();
  ref.set_name(s.name);
  ref.set_content_hash(s.hash);
  if (!s.path.empty()) {
    ref.set_path(s.path);
    ref.set_content_zlib(Compress(s.text));
    ref.set_content_size(s.text.size());
  }
  c.set_client(
      std::string(daemon_core::libcontainerd::DesignName(r.config.design)));
  c.set_mutation(std::string(daemon_core::Info(r.config.mutation).name));
  c.set_strategy(r.strategy);
  c.set_seed(options.seed);
  if (options.jitter) {
    c.set_jitter_window_ns(options.early_timer_window);
  } else if (options.fire_timers_early) {
    c.set_early_timer_window_ns(options.early_timer_window);
  }
  for (const sim::Decision& d : decisions) {
    const bool task = d.kind == sim::Decision::Kind::kTask;
    c.add_decisions(d.value << 1 | (task ? 0 : 1));
    c.add_fingerprints(task ? d.fingerprint & sim::ReplayToken::kFingerprintMask
                            : d.fingerprint);
  }
  sim::ReplayToken t;
  c.SerializeToString(&t.body);
  return t.Encode();
}

absl::StatusOr<TokenRun> ReadToken(const std::string& text) {
  absl::StatusOr<TokenRun> run = ReadRunConfig(text);
  if (!run.ok()) return OneLine(run.status());
  return run;
}

}  // namespace harness
