// tools/dsim.cc: the dsim command line.
//
// Until the daemon model exists (issue #4), `dsim explore` explores a small
// runtime demo (a shared counter) so the two set-up commands and the
// determinism check have something real to run; it says so on its first line.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "properties/rpc_table.h"
#include "sim/prng.h"
#include "sim/replay_token.h"
#include "sim/run.h"
#include "sim/strategy_dfs.h"
#include "sim/strategy_pct.h"
#include "sim/strategy_random.h"
#include "sim/strategy_replay.h"
#include "tools/runtime_demo.h"

ABSL_FLAG(std::string, strategy, "pct", "pct, random or dfs");
ABSL_FLAG(std::string, mutation, "none", "planted bug: none or lost-update");
ABSL_FLAG(uint64_t, runs, 10000, "number of runs (dfs: at most this many)");
ABSL_FLAG(double, time, 30, "stop after this many seconds of wall time");
ABSL_FLAG(uint64_t, seed, 1,
          "seed of the first run; run i uses a seed derived from it and i");
ABSL_FLAG(std::string, shard, "0/1",
          "I/N: run only the runs i with i % N == I");
ABSL_FLAG(bool, json, false, "print one JSON summary object on stdout");
ABSL_FLAG(std::string, progress, "auto",
          "auto, on or off: the live progress line on stderr");
ABSL_FLAG(int, pct_depth, 3,
          "pct: the bug depth d (d-1 priority change points)");
ABSL_FLAG(int, preemption_bound, -1, "dfs: preemption bound, -1 for none");
ABSL_FLAG(int, workers, 3, "demo: number of concurrent workers");
ABSL_FLAG(std::string, trace_out, "",
          "replay: write the run's trace to this file");
ABSL_FLAG(std::string, format, "chrome",
          "replay: trace file format, chrome or text");
ABSL_FLAG(std::string, client, "both",
          "rpcs: libcontainerd design, legacy, objects or both");

namespace {

constexpr char kUsage[] =
    R"(usage: dsim explore [--strategy pct|random|dfs] [--mutation none|lost-update]
                    [--runs N] [--time SECONDS] [--seed S] [--shard I/N] [--json]
                    [--progress auto|on|off] [--pct-depth D] [--preemption-bound K]
                    [--workers W]
       dsim replay TOKEN [--trace-out FILE] [--format chrome|text] [--json]
       dsim rpcs [--client legacy|objects|both] [--json]

explore: explores schedules of a program under the deterministic runtime and checks
it. Only the runtime demo exists so far (workers incrementing a shared counter under
a mutex); the daemon scenarios come with later releases.

replay: a violation prints a replay token; `dsim replay TOKEN` rebuilds that run from
the token alone, prints the end of its trace, and can write the whole trace (Chrome
JSON opens in Perfetto).

rpcs: measures the containerd RPCs each Docker operation costs, running it through
the daemon model against the fake containerd, for each libcontainerd design.

Exit status: 0 no violation, 1 a violation was found (replay: reproduced), 2 bad
usage or bad input.
)";

int Usage(const std::string& problem) {
  std::fprintf(stderr, "dsim: %s (see dsim --help)\n", problem.c_str());
  return 2;
}

// Parses --name=value / --name value / --flag / --noflag through absl's flag
// registry, so that every problem is one line and exit status 2 (absl's own
// parser exits 1).
bool ParseFlags(const std::vector<std::string>& args, std::string* error) {
  for (size_t i = 0; i < args.size(); ++i) {
    std::string arg = args[i];
    if (arg.rfind("--", 0) != 0) {
      *error = "unexpected argument '" + arg + "'";
      return false;
    }
    arg = arg.substr(2);
    std::string name = arg, value;
    const size_t eq = arg.find('=');
    const bool has_value = eq != std::string::npos;
    if (has_value) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
    }
    std::replace(name.begin(), name.end(), '-',
                 '_');  // --trace-out == --trace_out
    absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
    if (flag == nullptr && !has_value && name.rfind("no", 0) == 0) {
      flag = absl::FindCommandLineFlag(name.substr(2));
      if (flag != nullptr && flag->IsOfType<bool>()) {
        value = "false";
      } else {
        flag = nullptr;
      }
    } else if (flag != nullptr && !has_value) {
      if (flag->IsOfType<bool>()) {
        value = "true";
      } else if (i + 1 < args.size()) {
        value = args[++i];
      } else {
        *error = "flag --" + name + " needs a value";
        return false;
      }
    }
    if (flag == nullptr) {
      *error = "unknown flag --" + name;
      return false;
    }
    std::string why;
    if (!flag->ParseFrom(value, &why)) {
      *error = "bad value '" + value + "' for --" + name + ": " + why;
      return false;
    }
  }
  return true;
}

std::unique_ptr<sim::Strategy> MakeStrategy(const std::string& name) {
  if (name == "random") return std::make_unique<sim::RandomStrategy>();
  if (name == "pct") {
    return std::make_unique<sim::PctStrategy>(sim::PctOptions{
        .depth = absl::GetFlag(FLAGS_pct_depth), .steps_hint = 16});
  }
  if (name == "dfs") {
    return std::make_unique<sim::DfsStrategy>(sim::DfsOptions{
        .preemption_bound = absl::GetFlag(FLAGS_preemption_bound)});
  }
  return nullptr;
}

struct Summary {
  uint64_t runs = 0, steps = 0, violations = 0;
  uint64_t hash = 0x9e3779b97f4a7c15ULL;
  std::string first_invariant, first_message;
  uint64_t first_run = 0, first_seed = 0, first_trace_hash = 0;
  double first_seconds = 0;
  std::string first_token;
};

constexpr char kProgram[] = "counter";

sim::Setup DemoFor(int workers, const std::string& mutation,
                   std::string* end_check) {
  return dsim::RuntimeDemo(
      {.workers = workers, .lost_update = mutation == "lost-update"},
      end_check);
}

// The run's violation: a runtime check, else the program's end-of-run check.
bool ViolationOf(const sim::RunRecord& rec, const std::string& end_check,
                 std::string* invariant, std::string* message) {
  if (rec.result.violation) {
    *invariant = rec.result.violation->invariant;
    *message = rec.result.violation->message;
    return true;
  }
  if (!end_check.empty()) {
    *invariant = "counter-total";
    *message = end_check;
    return true;
  }
  return false;
}

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) {
      out += absl::StrFormat("\\u%04x", c);
      continue;
    }
    out += c;
  }
  return out + "\"";
}

int Explore() {
  const std::string strategy_name = absl::GetFlag(FLAGS_strategy);
  std::unique_ptr<sim::Strategy> strategy = MakeStrategy(strategy_name);
  if (!strategy) return Usage("unknown strategy '" + strategy_name + "'");
  const std::string mutation = absl::GetFlag(FLAGS_mutation);
  if (mutation != "none" && mutation != "lost-update") {
    return Usage("unknown mutation '" + mutation +
                 "' (the demo knows none, lost-update)");
  }
  const std::vector<std::string> shard =
      absl::StrSplit(absl::GetFlag(FLAGS_shard), '/');
  uint64_t shard_index = 0, shard_count = 1;
  if (shard.size() != 2 || !absl::SimpleAtoi(shard[0], &shard_index) ||
      !absl::SimpleAtoi(shard[1], &shard_count) || shard_count == 0 ||
      shard_index >= shard_count) {
    return Usage("--shard must be I/N with 0 <= I < N");
  }
  const std::string progress = absl::GetFlag(FLAGS_progress);
  if (progress != "auto" && progress != "on" && progress != "off") {
    return Usage("--progress must be auto, on or off");
  }
  const int workers = absl::GetFlag(FLAGS_workers);
  if (workers < 1 || workers > 32)
    return Usage("--workers must be between 1 and 32");
  const bool show_progress =
      progress == "on" || (progress == "auto" && isatty(1) && isatty(2));
  const bool json = absl::GetFlag(FLAGS_json);
  const uint64_t max_runs = absl::GetFlag(FLAGS_runs);
  const double max_seconds = absl::GetFlag(FLAGS_time);
  const uint64_t seed = absl::GetFlag(FLAGS_seed);

  FILE* out = json ? stderr : stdout;
  std::fprintf(out,
               "dsim explore: runtime demo (the daemon model does not exist "
               "yet): program=counter "
               "workers=%d strategy=%s mutation=%s seed=%llu shard=%llu/%llu\n",
               workers, strategy_name.c_str(), mutation.c_str(),
               static_cast<unsigned long long>(seed),
               static_cast<unsigned long long>(shard_index),
               static_cast<unsigned long long>(shard_count));

  auto* dfs = dynamic_cast<sim::DfsStrategy*>(strategy.get());
  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                         start)
        .count();
  };
  Summary s;
  uint64_t i = 0;
  for (; i < max_runs; ++i) {
    if (dfs != nullptr && !dfs->HasMore()) break;
    if ((i & 255) == 0 && elapsed() > max_seconds) break;
    if (dfs == nullptr && i % shard_count != shard_index) continue;
    sim::ExecutorOptions o;
    o.seed = dfs != nullptr ? seed : sim::Mix64(seed ^ sim::Mix64(i));
    std::string end_check;
    sim::RunRecord rec = sim::RunOnce(
        o, *strategy,
        dsim::RuntimeDemo(
            {.workers = workers, .lost_update = mutation == "lost-update"},
            &end_check));
    if (rec.result.outcome == sim::RunOutcome::kPruned) continue;
    ++s.runs;
    s.steps += rec.result.steps;
    s.hash = sim::Mix64(s.hash ^ rec.result.trace_hash);
    std::string invariant, message;
    if (ViolationOf(rec, end_check, &invariant, &message)) {
      if (s.violations++ == 0) {
        s.first_invariant = invariant;
        s.first_message = message;
        s.first_run = i;
        s.first_seed = o.seed;
        s.first_trace_hash = rec.result.trace_hash;
        s.first_seconds = elapsed();
        sim::ReplayToken token;
        token.fields = {{"program", kProgram},
                        {"workers", std::to_string(workers)},
                        {"mutation", mutation},
                        {"strategy", strategy_name}};
        token.seed = o.seed;
        token.decisions = rec.decisions;
        s.first_token = token.Encode();
      }
      break;
    }
    if (show_progress && (s.runs & 1023) == 0) {
      const double t = elapsed();
      const double rate = t > 0 ? static_cast<double>(s.runs) / t : 0;
      const double eta =
          rate > 0 ? std::min(max_seconds - t, (max_runs - i) / rate) : 0;
      std::fprintf(stderr,
                   "\r%llu runs  %.0f runs/s  %llu violations  ETA %.0fs   ",
                   static_cast<unsigned long long>(s.runs), rate,
                   static_cast<unsigned long long>(s.violations), eta);
    }
  }
  if (show_progress) std::fprintf(stderr, "\r%*s\r", 60, "");
  const double t = elapsed();
  if (s.violations > 0) {
    std::fprintf(
        out, "VIOLATION %s: %s\n  found in run %llu (seed %llu) after %.3fs\n",
        s.first_invariant.c_str(), s.first_message.c_str(),
        static_cast<unsigned long long>(s.first_run),
        static_cast<unsigned long long>(s.first_seed), s.first_seconds);
    std::fprintf(out, "replay token:\n%s\nreproduce with: dsim replay %s\n",
                 sim::Wrap(s.first_token).c_str(), s.first_token.c_str());
  }
  std::fprintf(out,
               "%llu runs, %llu steps, %llu violations, %.2fs, hash %016llx\n",
               static_cast<unsigned long long>(s.runs),
               static_cast<unsigned long long>(s.steps),
               static_cast<unsigned long long>(s.violations), t,
               static_cast<unsigned long long>(s.hash));
  if (dfs != nullptr) {
    std::fprintf(out, "dfs: %llu complete schedules, %llu pruned, %s\n",
                 static_cast<unsigned long long>(dfs->complete_executions()),
                 static_cast<unsigned long long>(dfs->pruned_executions()),
                 dfs->HasMore() ? "stopped before the end"
                                : "exhaustive within the bound");
  }
  if (json) {
    std::string j = absl::StrFormat(
        "{\"demo\":true,\"program\":\"counter\",\"runs\":%d,\"steps\":%d,"
        "\"violations\":%d,"
        "\"elapsed_s\":%.3f,\"runs_per_s\":%.1f,\"seed\":%d,\"strategy\":%s,"
        "\"mutation\":%s,"
        "\"hash\":\"%016x\"",
        s.runs, s.steps, s.violations, t, t > 0 ? s.runs / t : 0.0, seed,
        JsonString(strategy_name), JsonString(mutation), s.hash);
    if (s.violations > 0) {
      j += absl::StrFormat(
          ",\"first_violation\":{\"invariant\":%s,\"message\":%s,\"seed\":%d,"
          "\"trace_hash\":\"%016x\",\"runs_to_detect\":%d,"
          "\"seconds_to_detect\":%.3f,\"token\":%s}",
          JsonString(s.first_invariant), JsonString(s.first_message),
          s.first_seed, s.first_trace_hash, s.first_run + 1, s.first_seconds,
          JsonString(s.first_token));
    }
    std::printf("%s}\n", j.c_str());
  }
  return s.violations > 0 ? 1 : 0;
}

int Replay(const std::string& text) {
  absl::StatusOr<sim::ReplayToken> token = sim::ReplayToken::Decode(text);
  if (!token.ok()) return Usage(std::string(token.status().message()));
  const auto& f = token->fields;
  auto field = [&](const char* k) {
    return f.count(k) ? f.at(k) : std::string();
  };
  if (field("program") != kProgram) {
    return Usage("replay token is for program '" + field("program") +
                 "', which this dsim does not know");
  }
  int workers = 0;
  if (!absl::SimpleAtoi(field("workers"), &workers) || workers < 1 ||
      workers > 32) {
    return Usage("replay token has a bad worker count '" + field("workers") +
                 "'");
  }
  const std::string format = absl::GetFlag(FLAGS_format);
  if (format != "chrome" && format != "text")
    return Usage("--format must be chrome or text");
  sim::ExecutorOptions o;
  o.seed = token->seed;
  o.keep_trace = true;
  sim::ReplayStrategy replay(token->decisions,
                             sim::ReplayToken::kFingerprintMask);
  std::string end_check;
  sim::RunRecord rec =
      sim::RunOnce(o, replay, DemoFor(workers, field("mutation"), &end_check));
  std::string invariant, message;
  const bool violated = ViolationOf(rec, end_check, &invariant, &message);
  const bool json = absl::GetFlag(FLAGS_json);
  FILE* out = json ? stderr : stdout;
  std::fprintf(
      out,
      "dsim replay: program=%s workers=%d mutation=%s strategy=%s seed=%llu\n",
      kProgram, workers, field("mutation").c_str(), field("strategy").c_str(),
      static_cast<unsigned long long>(token->seed));
  // The last lines of the trace: where the interleaving went wrong.
  const std::string& tr = rec.trace_text;
  size_t from = tr.size();
  for (int lines = 0; lines < 25 && from > 0; ++lines)
    from = tr.rfind('\n', from - 2) + 1;
  if (from > tr.size()) from = 0;
  std::fprintf(out, "%s%s", from > 0 ? "...\n" : "", tr.substr(from).c_str());
  if (violated)
    std::fprintf(out, "VIOLATION %s: %s\n", invariant.c_str(), message.c_str());
  std::fprintf(out, "outcome %s, %llu steps, trace hash %016llx\n",
               std::string(sim::RunOutcomeName(rec.result.outcome)).c_str(),
               static_cast<unsigned long long>(rec.result.steps),
               static_cast<unsigned long long>(rec.result.trace_hash));
  const std::string trace_out = absl::GetFlag(FLAGS_trace_out);
  if (!trace_out.empty()) {
    FILE* f_out = std::fopen(trace_out.c_str(), "w");
    if (f_out == nullptr)
      return Usage("cannot write --trace-out file '" + trace_out + "'");
    const std::string& body =
        format == "chrome" ? rec.chrome_json : rec.trace_text;
    std::fwrite(body.data(), 1, body.size(), f_out);
    std::fclose(f_out);
    std::fprintf(out, "trace written to %s (%s)\n", trace_out.c_str(),
                 format.c_str());
  }
  if (json) {
    std::printf("{\"outcome\":%s,\"steps\":%llu,\"trace_hash\":\"%016llx\"",
                JsonString(std::string(sim::RunOutcomeName(rec.result.outcome)))
                    .c_str(),
                static_cast<unsigned long long>(rec.result.steps),
                static_cast<unsigned long long>(rec.result.trace_hash));
    if (violated) {
      std::printf(",\"violation\":{\"invariant\":%s,\"message\":%s}",
                  JsonString(invariant).c_str(), JsonString(message).c_str());
    }
    std::printf("}\n");
  }
  if (rec.result.outcome == sim::RunOutcome::kDiverged) return 2;
  return violated ? 1 : 0;
}

std::string JoinShort(const std::vector<std::string>& methods) {
  std::string out;
  for (const std::string& m : methods) {
    if (!out.empty()) out += ", ";
    out += m.substr(m.rfind('.') + 1);
  }
  return out.empty() ? "(none)" : out;
}

int Rpcs() {
  using daemon_core::libcontainerd::Design;
  const std::string client = absl::GetFlag(FLAGS_client);
  std::vector<Design> designs;
  if (client == "legacy" || client == "both")
    designs.push_back(Design::kLegacy);
  if (client == "objects" || client == "both")
    designs.push_back(Design::kObjects);
  if (designs.empty()) return Usage("--client must be legacy, objects or both");
  std::vector<std::vector<properties::RpcRow>> tables;
  for (Design d : designs) tables.push_back(properties::MeasureRpcs(d));
  auto name = [&](size_t d) {
    return std::string(daemon_core::libcontainerd::DesignName(designs[d]));
  };
  if (absl::GetFlag(FLAGS_json)) {
    std::string j = "{\"operations\":[";
    for (size_t r = 0; r < tables[0].size(); ++r) {
      if (r > 0) j += ",";
      j += "{\"operation\":" + JsonString(tables[0][r].operation);
      for (size_t d = 0; d < designs.size(); ++d) {
        j += ",\"" + name(d) + "\":[";
        const auto& rpcs = tables[d][r].rpcs;
        for (size_t i = 0; i < rpcs.size(); ++i)
          j += (i > 0 ? "," : "") + JsonString(rpcs[i]);
        j += "]";
      }
      j += "}";
    }
    std::printf("%s]}\n", j.c_str());
    return 0;
  }
  std::printf(
      "dsim rpcs: containerd RPCs per Docker operation, measured against the "
      "fake "
      "containerd\n");
  for (size_t r = 0; r < tables[0].size(); ++r) {
    const std::string& op = tables[0][r].operation;
    if (op != "start" && op != "exec start") continue;
    std::string line = "headline: " + op + ":";
    for (size_t d = 0; d < designs.size(); ++d) {
      line += " " + name(d) + " " + std::to_string(tables[d][r].rpcs.size());
    }
    std::printf("%s RPCs\n", line.c_str());
  }
  for (size_t r = 0; r < tables[0].size(); ++r) {
    std::printf("\n%s\n", tables[0][r].operation.c_str());
    for (size_t d = 0; d < designs.size(); ++d) {
      std::printf("  %-8s %2zu  %s\n", name(d).c_str(),
                  tables[d][r].rpcs.size(),
                  JoinShort(tables[d][r].rpcs).c_str());
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) return Usage("missing subcommand");
  if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  const std::string command = args[0];
  args.erase(args.begin());
  for (const std::string& a : args) {
    if (a == "--help" || a == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    }
  }
  if (command == "rpcs") {
    std::string error;
    if (!ParseFlags(args, &error)) return Usage(error);
    return Rpcs();
  }
  if (command != "explore" && command != "replay") {
    return Usage("unknown subcommand '" + command +
                 "' (explore, replay and rpcs exist)");
  }
  std::string token;
  if (command == "replay") {
    // The token may have been pasted wrapped: every non-flag argument is part
    // of it.
    std::vector<std::string> flags;
    for (size_t i = 0; i < args.size(); ++i) {
      if (args[i].rfind("--", 0) != 0) {
        token += args[i];
        continue;
      }
      flags.push_back(args[i]);
      const bool needs_value = args[i].find('=') == std::string::npos &&
                               args[i] != "--json" && args[i] != "--nojson";
      if (needs_value && i + 1 < args.size()) flags.push_back(args[++i]);
    }
    if (token.empty()) return Usage("replay needs a TOKEN");
    args = flags;
  }
  std::string error;
  if (!ParseFlags(args, &error)) return Usage(error);
  return command == "explore" ? Explore() : Replay(token);
}
