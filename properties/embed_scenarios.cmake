# properties/embed_scenarios.cmake: writes the C++ source that embeds the
# built-in scenario files, so dsim needs no data directory at run time.
#   cmake -DFILES="a.textproto|b.textproto" -DOUTPUT=out.cc -P embed_scenarios.cmake
# FILES is '|'-separated (a ';' list would be split on the way through the
# custom command), and is on the command line so that adding or removing a
# file changes the command and makes Ninja re-run it.
if(NOT DEFINED FILES OR NOT DEFINED OUTPUT)
  message(FATAL_ERROR "usage: cmake -DFILES=a|b -DOUTPUT=out.cc -P embed_scenarios.cmake")
endif()
string(REPLACE "|" ";" files "${FILES}")

# Sorted by scenario name (not by path: "a-b" sorts before "a.textproto").
set(names "")
foreach(file IN LISTS files)
  get_filename_component(name "${file}" NAME_WLE)
  if(NOT name MATCHES "^[a-z0-9][a-z0-9-]*$")
    message(FATAL_ERROR "${file}: a scenario name is lowercase letters, digits and '-'")
  endif()
  set(path_of_${name} "${file}")
  list(APPEND names "${name}")
endforeach()
list(SORT names)
if(NOT names)
  message(FATAL_ERROR "no scenario files given")
endif()

# A raw string literal with a delimiter no scenario is expected to contain.
set(delimiter "dsim_scenario")
set(entries "")
foreach(name IN LISTS names)
  file(READ "${path_of_${name}}" text)
  string(FIND "${text}" ")${delimiter}\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${path_of_${name}}: contains )${delimiter}\", which ends the embedded text")
  endif()
  string(APPEND entries "    {\"${name}\",\n     R\"${delimiter}(${text})${delimiter}\"},\n")
endforeach()

file(WRITE "${OUTPUT}" "// Generated from properties/scenarios/ by properties/embed_scenarios.cmake.
// Do not edit: edit the .textproto files.
#include \"properties/builtin_scenarios.h\"

namespace properties {
namespace {

constexpr BuiltinScenario kBuiltinScenarios[] = {
${entries}};

}  // namespace

std::span<const BuiltinScenario> BuiltinScenarios() {
  return kBuiltinScenarios;
}

}  // namespace properties
")
