// tools/merge.cc: `dsim merge REPORT.json...`: the `explore --shard I/N
// --json` reports of N shards combined into the report one machine makes.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "dsim/report.pb.h"
#include "google/protobuf/util/message_differencer.h"
#include "tools/explore.h"
#include "tools/report.h"
#include "tools/usage.h"

namespace dsim {

namespace {

struct Shard {
  std::string file;
  report::ExploreReport report;
  uint64_t index = 0, count = 0;
};

absl::Status ReadShard(const std::string& file, Shard& shard) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return absl::NotFoundError(file + ": cannot read");
  std::stringstream text;
  text << in.rdbuf();
  shard.file = file;
  if (absl::Status parsed = ParseReportJson(text.str(), &shard.report);
      !parsed.ok()) {
    return absl::InvalidArgumentError(file +
                                      ": not a `dsim explore --json` report: " +
                                      std::string(parsed.message()));
  }
  const std::vector<std::string> parts =
      absl::StrSplit(shard.report.shard(), '/');
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &shard.index) ||
      !absl::SimpleAtoi(parts[1], &shard.count) || shard.count == 0 ||
      shard.index >= shard.count) {
    return absl::InvalidArgumentError(file + ": its \"shard\" is '" +
                                      shard.report.shard() +
                                      "', not I/N (made by an older dsim?)");
  }
  uint64_t hash;
  if (!ParseHex16(shard.report.hash(), &hash)) {
    return absl::InvalidArgumentError(file + ": its \"hash\" is '" +
                                      shard.report.hash() +
                                      "', not 16 hex digits");
  }
  return absl::OkStatus();
}

// The configuration every shard of one exploration shares.
report::ExploreReport Configuration(const report::ExploreReport& r) {
  report::ExploreReport c;
  c.set_seed(r.seed());
  c.set_strategy(r.strategy());
  c.set_client(r.client());
  c.set_mutation(r.mutation());
  *c.mutable_scenarios() = r.scenarios();
  *c.mutable_checks() = r.checks();
  return c;
}

// Every shard 0..N-1 exactly once, all of one exploration.
absl::Status CheckShards(const std::vector<Shard>& shards) {
  const Shard& first = shards.front();
  std::vector<const Shard*> by_index(first.count, nullptr);
  const report::ExploreReport config = Configuration(first.report);
  for (const Shard& s : shards) {
    if (s.count != first.count) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s is shard %s but %s is shard %s: not one split", s.file,
          s.report.shard(), first.file, first.report.shard()));
    }
    if (by_index[s.index] != nullptr) {
      return absl::InvalidArgumentError(
          absl::StrFormat("%s and %s are both shard %s",
                          by_index[s.index]->file, s.file, s.report.shard()));
    }
    by_index[s.index] = &s;
    if (!google::protobuf::util::MessageDifferencer::Equals(
            config, Configuration(s.report))) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s and %s differ in seed, strategy, client, mutation, scenarios or "
          "checks: not shards of one exploration",
          first.file, s.file));
    }
  }
  std::vector<std::string> missing;
  for (uint64_t i = 0; i < first.count; ++i) {
    if (by_index[i] == nullptr)
      missing.push_back(absl::StrFormat("%d/%d", i, first.count));
  }
  if (!missing.empty()) {
    return absl::InvalidArgumentError("missing shard(s) " +
                                      absl::StrJoin(missing, ", "));
  }
  return absl::OkStatus();
}

// Runs, steps, pruned executions and the hash add up (the hash is a sum over run indices); the
// earliest violation by run index is the one machine's first; elapsed_s is the
// longest shard's (they run in parallel), peak_rss_mb the largest.
report::ExploreReport Combine(const std::vector<Shard>& shards) {
  report::ExploreReport m = Configuration(shards.front().report);
  uint64_t hash = kEmptyRunsHash;
  double elapsed = 0, rss = 0;
  bool time_stopped = false, all_exhausted = true;
  const report::FirstViolation* first = nullptr;
  for (const Shard& s : shards) {
    const report::ExploreReport& r = s.report;
    m.set_runs(m.runs() + r.runs());
    m.set_steps(m.steps() + r.steps());
    m.set_pruned(m.pruned() + r.pruned());
    uint64_t h = 0;
    ParseHex16(r.hash(), &h);
    hash += h;
    elapsed = std::max(elapsed, r.elapsed_s());
    rss = std::max(rss, r.peak_rss_mb());
    time_stopped |= r.stopped_by() == "time";
    all_exhausted &= r.stopped_by() == "exhausted";
    if (r.has_first_violation() &&
        (first == nullptr ||
         r.first_violation().runs_to_detect() < first->runs_to_detect())) {
      first = &r.first_violation();
    }
  }
  m.set_violations(first != nullptr ? 1 : 0);
  m.set_elapsed_s(elapsed);
  m.set_runs_per_s(Rounded(elapsed > 0 ? m.runs() / elapsed : 0.0, 1));
  m.set_peak_rss_mb(rss);
  m.set_hash(Hex16(hash));
  m.set_stopped_by(first != nullptr ? "violation"
                   : time_stopped   ? "time"
                   : all_exhausted  ? "exhausted"
                                    : "runs");
  if (first != nullptr) *m.mutable_first_violation() = *first;
  m.set_shard("0/1");
  return m;
}

}  // namespace

int Merge(const std::vector<std::string>& reports) {
  if (reports.empty())
    return Usage("merge needs the shards' reports (explore --json output)");
  std::vector<Shard> shards(reports.size());
  for (size_t i = 0; i < reports.size(); ++i) {
    if (absl::Status read = ReadShard(reports[i], shards[i]); !read.ok())
      return BadInput(read);
  }
  if (absl::Status ok = CheckShards(shards); !ok.ok()) return BadInput(ok);
  const report::ExploreReport m = Combine(shards);
  std::fprintf(stderr,
               "dsim merge: %zu shard(s): %llu runs, %llu steps, %u "
               "violations, hash %s, stopped by %s\n",
               shards.size(), static_cast<unsigned long long>(m.runs()),
               static_cast<unsigned long long>(m.steps()), m.violations(),
               m.hash().c_str(), m.stopped_by().c_str());
  if (m.has_first_violation()) {
    const report::FirstViolation& f = m.first_violation();
    std::fprintf(stderr,
                 "first violation (run %llu): %s: %s\n  scenario %s; "
                 "reproduce with: dsim replay %s\n"
                 "  (runs, steps and hash count every run the shards made, "
                 "some after this one)\n",
                 static_cast<unsigned long long>(f.runs_to_detect() - 1),
                 f.invariant().c_str(), f.message().c_str(),
                 f.scenario().c_str(), f.token().c_str());
  }
  std::printf("%s\n", ReportJson(m).c_str());
  return m.violations() > 0 ? 1 : 0;
}

}  // namespace dsim
