// tools/junit.h: JUnit XML reports (--junit-xml) and GitHub Actions
// annotations, the two forms CI systems read a test result in.
#ifndef DSIM_TOOLS_JUNIT_H_
#define DSIM_TOOLS_JUNIT_H_

#include <cstdio>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace dsim {

// One <testcase>: a scenario run with one client.
struct JunitCase {
  std::string classname;  // e.g. "dsim.explore.objects"
  std::string name;       // the scenario
  double seconds = 0;
  // A violation: <failure message="..." type="PROPERTY">text</failure>.
  struct Failure {
    std::string type, message, text;
  };
  std::optional<Failure> failure;
  // Not run (e.g. the exploration stopped before it): <skipped message=...>.
  std::optional<std::string> skipped;
  std::string system_out;  // what it did, e.g. "1234 runs"
};

// A whole report: <testsuites><testsuite name=SUITE ...>, its <properties>
// (the configuration) and the cases.
std::string JunitXml(
    const std::string& suite, double seconds,
    const std::vector<std::pair<std::string, std::string>>& properties,
    const std::vector<JunitCase>& cases);

// Where a built-in scenario's file is in the dsim repository (for
// annotations); a scenario file's path as given.
std::string ScenarioFileForAnnotation(const std::string& name,
                                      const std::string& path);

// When GITHUB_ACTIONS is set, prints
// "::error file=FILE,line=1::PROPERTY: message (token ...)" on `out` (the
// runner reads workflow commands on stdout and stderr alike); an empty
// `token` is left out.
void AnnotateViolation(const std::string& file, const std::string& property,
                       const std::string& message, const std::string& token,
                       FILE* out);

}  // namespace dsim

#endif  // DSIM_TOOLS_JUNIT_H_
