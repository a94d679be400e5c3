// tools/catalogues.cc: the listing subcommands: `dsim scenarios`,
// `dsim mutations`, and `dsim rpcs` (containerd RPCs per Docker operation).
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "daemon_core/mutation.h"
#include "dsim/report.pb.h"
#include "properties/builtin_scenarios.h"
#include "properties/rpc_table.h"
#include "properties/scenario.h"
#include "properties/scenario_run.h"
#include "tools/cli.h"
#include "tools/explore.h"
#include "tools/report.h"

namespace dsim {

int Scenarios() {
  const bool json = absl::GetFlag(FLAGS_json);
  report::ScenariosReport j;
  for (const properties::BuiltinScenario& b : properties::BuiltinScenarios()) {
    absl::StatusOr<dsim::scenario::Scenario> s =
        properties::FindScenario(b.name);
    const std::string description =
        s.ok() ? s->description() : "(does not parse)";
    const std::string hash = s.ok() ? properties::ScenarioContentHash(*s) : "";
    if (json) {
      report::ScenariosReport::Entry* e = j.add_scenarios();
      e->set_name(std::string(b.name));
      e->set_description(description);
      e->set_hash(hash);
    } else {
      std::printf("%-28s %s\n", std::string(b.name).c_str(),
                  description.c_str());
    }
  }
  if (json) std::printf("%s\n", ReportJson(j).c_str());
  return 0;
}

int Mutations() {
  const bool json = absl::GetFlag(FLAGS_json);
  report::MutationsReport j;
  for (const daemon_core::MutationInfo& m : daemon_core::AllMutations()) {
    if (json) {
      report::MutationsReport::Mutation* e = j.add_mutations();
      e->set_name(std::string(m.name));
      e->set_description(std::string(m.description));
      e->set_moby_fix(std::string(m.moby_fix));
      e->set_targets(std::string(m.targets));
    } else {
      std::printf("%-40s caught by %s (moby %s)\n    %s\n",
                  std::string(m.name).c_str(), std::string(m.targets).c_str(),
                  std::string(m.moby_fix).c_str(),
                  std::string(m.description).c_str());
    }
  }
  if (json) {
    for (const properties::Property& p : properties::Properties()) {
      report::MutationsReport::Property* e = j.add_properties();
      e->set_name(std::string(p.name));
      e->set_description(std::string(p.description));
    }
    std::printf("%s\n", ReportJson(j).c_str());
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
  report::LiveRpcsReport j;
  j.set_containerd(live->containerd);
  int differences = 0;
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
      if (json) {
        report::LiveRpcsReport::Operation* row = j.add_operations();
        row->set_client(name);
        row->set_operation(r.operation);
        for (const std::string& m : r.rpcs) row->add_live(m);
        for (const std::string& m : sim[r.operation]) row->add_sim(m);
        row->set_same(same);
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
    j.set_differences(static_cast<uint32_t>(differences));
    std::printf("%s\n", ReportJson(j).c_str());
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
    report::RpcsReport j;
    for (size_t r = 0; r < tables[0].size(); ++r) {
      report::RpcsReport::Operation* row = j.add_operations();
      row->set_operation(tables[0][r].operation);
      for (size_t d = 0; d < designs.size(); ++d) {
        auto* list = designs[d] == Design::kLegacy ? row->mutable_legacy()
                                                   : row->mutable_objects();
        for (const std::string& m : tables[d][r].rpcs) list->Add()->assign(m);
      }
    }
    // With one design, the other's list must not print as an empty one.
    std::printf("%s\n", ReportJson(j, designs.size() == 2).c_str());
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
