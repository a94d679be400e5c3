// tools/catalogues.cc: the listing subcommands: `dsim scenarios`,
// `dsim mutations`, and `dsim rpcs` (containerd RPCs per Docker operation).
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "daemon_core/mutation.h"
#include "properties/builtin_scenarios.h"
#include "properties/rpc_table.h"
#include "properties/scenario.h"
#include "properties/scenario_run.h"
#include "tools/cli.h"
#include "tools/explore.h"

namespace dsim {

int Scenarios() {
  const bool json = absl::GetFlag(FLAGS_json);
  std::string j = "{\"scenarios\":[";
  bool first = true;
  for (const properties::BuiltinScenario& b : properties::BuiltinScenarios()) {
    absl::StatusOr<dsim::scenario::Scenario> s =
        properties::FindScenario(b.name);
    const std::string description =
        s.ok() ? s->description() : "(does not parse)";
    const std::string hash = s.ok() ? properties::ScenarioContentHash(*s) : "";
    if (json) {
      j += std::string(first ? "" : ",") +
           "{\"name\":" + JsonString(std::string(b.name)) +
           ",\"description\":" + JsonString(description) +
           ",\"hash\":" + JsonString(hash) + "}";
      first = false;
    } else {
      std::printf("%-28s %s\n", std::string(b.name).c_str(),
                  description.c_str());
    }
  }
  if (json) std::printf("%s]}\n", j.c_str());
  return 0;
}

int Mutations() {
  const bool json = absl::GetFlag(FLAGS_json);
  std::string j = "{\"mutations\":[";
  bool first = true;
  for (const daemon_core::MutationInfo& m : daemon_core::AllMutations()) {
    if (json) {
      j += std::string(first ? "" : ",") +
           "{\"name\":" + JsonString(std::string(m.name)) +
           ",\"description\":" + JsonString(std::string(m.description)) +
           ",\"moby_fix\":" + JsonString(std::string(m.moby_fix)) +
           ",\"targets\":" + JsonString(std::string(m.targets)) + "}";
      first = false;
    } else {
      std::printf("%-40s caught by %s (moby %s)\n    %s\n",
                  std::string(m.name).c_str(), std::string(m.targets).c_str(),
                  std::string(m.moby_fix).c_str(),
                  std::string(m.description).c_str());
    }
  }
  if (json) {
    j += "],\"properties\":[";
    first = true;
    for (const properties::Property& p : properties::Properties()) {
      j += std::string(first ? "" : ",") +
           "{\"name\":" + JsonString(std::string(p.name)) +
           ",\"description\":" + JsonString(std::string(p.description)) + "}";
      first = false;
    }
    std::printf("%s]}\n", j.c_str());
  }
  return 0;
}

std::string JoinShort(const std::vector<std::string>& methods) {
  std::string out;
  for (const std::string& m : methods) {
    if (!out.empty()) out += ", ";
    out += m.substr(m.rfind('.') + 1);
  }
  return out.empty() ? "(none)" : out;
}

namespace {

// `dsim rpcs --containerd`: the rows measured against a real containerd, each
// compared with the simulation's. A difference is exit status 1.
int LiveRpcs(const std::vector<daemon_core::libcontainerd::Design>& designs) {
  absl::StatusOr<properties::LiveOptions> live = LiveOptionsFromFlags();
  if (!live.ok()) return Usage(std::string(live.status().message()));
  if (!ProbeLiveContainerd(*live)) return 2;
  const bool json = absl::GetFlag(FLAGS_json);
  std::string j =
      "{\"containerd\":" + JsonString(live->containerd) + ",\"operations\":[";
  int differences = 0, rows = 0;
  for (auto d : designs) {
    const std::string name(daemon_core::libcontainerd::DesignName(d));
    absl::StatusOr<std::vector<properties::RpcRow>> measured =
        properties::MeasureRpcsLive(d, *live);
    if (!measured.ok()) {
      std::fprintf(stderr, "dsim: live %s: %s\n", name.c_str(),
                   std::string(measured.status().message()).c_str());
      return 2;
    }
    std::map<std::string, std::vector<std::string>> sim;
    for (const properties::RpcRow& r : properties::MeasureRpcs(d)) {
      sim[r.operation] = r.rpcs;
    }
    if (!json) std::printf("%s client, live vs simulated:\n", name.c_str());
    for (const properties::RpcRow& r : *measured) {
      const bool same = sim[r.operation] == r.rpcs;
      differences += same ? 0 : 1;
      auto list = [](const std::vector<std::string>& rpcs) {
        std::string out = "[";
        for (size_t i = 0; i < rpcs.size(); ++i)
          out += (i > 0 ? "," : "") + JsonString(rpcs[i]);
        return out + "]";
      };
      if (json) {
        j += std::string(rows++ > 0 ? "," : "") + "{\"client\":\"" + name +
             "\",\"operation\":" + JsonString(r.operation) +
             ",\"live\":" + list(r.rpcs) +
             ",\"sim\":" + list(sim[r.operation]) +
             ",\"same\":" + (same ? "true" : "false") + "}";
      } else {
        std::printf("  %-52s %2zu %s\n", r.operation.c_str(), r.rpcs.size(),
                    same ? "= sim" : "DIFFERS from sim");
        if (!same) {
          std::printf("      live: %s\n      sim:  %s\n",
                      JoinShort(r.rpcs).c_str(),
                      JoinShort(sim[r.operation]).c_str());
        }
      }
    }
  }
  if (json) {
    std::printf("%s],\"differences\":%d}\n", j.c_str(), differences);
  } else {
    std::printf("%d difference(s)\n", differences);
  }
  return differences > 0 ? 1 : 0;
}

}  // namespace

int Rpcs() {
  using daemon_core::libcontainerd::Design;
  std::string client = absl::GetFlag(FLAGS_client);
  if (client.empty()) client = "both";
  std::vector<Design> designs;
  if (client == "legacy" || client == "both")
    designs.push_back(Design::kLegacy);
  if (client == "objects" || client == "both")
    designs.push_back(Design::kObjects);
  if (designs.empty()) return Usage("--client must be legacy, objects or both");
  if (!absl::GetFlag(FLAGS_containerd).empty()) return LiveRpcs(designs);
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

}  // namespace dsim
