// tools/junit.cc: JUnit XML and GitHub annotations.
#include "tools/junit.h"

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace dsim {

namespace {

// XML-escaped text or attribute value; control characters XML 1.0 cannot
// hold become '?'.
std::string Xml(const std::string& s) {
  std::string out;
  for (char c : s) {
    const unsigned char u = static_cast<unsigned char>(c);
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\n':
        out += "&#10;";
        break;
      case '\t':
        out += "&#9;";
        break;
      case '\r':
        out += "&#13;";
        break;
      default:
        out += u < 0x20 ? '?' : c;
    }
  }
  return out;
}

// Text content keeps its newlines readable.
std::string XmlText(const std::string& s) {
  std::string out;
  size_t start = 0;
  for (size_t nl; (nl = s.find('\n', start)) != std::string::npos;
       start = nl + 1) {
    out += Xml(s.substr(start, nl - start)) + "\n";
  }
  return out + Xml(s.substr(start));
}

std::string Seconds(double s) { return absl::StrFormat("%.3f", s); }

// A workflow command's data: %, CR and LF escaped; a property value also
// escapes ':' and ','.
std::string CommandEscape(const std::string& s, bool property) {
  std::string out;
  for (char c : s) {
    if (c == '%') {
      out += "%25";
    } else if (c == '\r') {
      out += "%0D";
    } else if (c == '\n') {
      out += "%0A";
    } else if (property && c == ':') {
      out += "%3A";
    } else if (property && c == ',') {
      out += "%2C";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string JunitXml(
    const std::string& suite, double seconds,
    const std::vector<std::pair<std::string, std::string>>& properties,
    const std::vector<JunitCase>& cases) {
  int failures = 0, skipped = 0;
  for (const JunitCase& c : cases) {
    failures += c.failure ? 1 : 0;
    skipped += c.skipped ? 1 : 0;
  }
  const std::string counts = absl::StrFormat(
      "tests=\"%d\" failures=\"%d\" errors=\"0\" skipped=\"%d\" time=\"%s\"",
      cases.size(), failures, skipped, Seconds(seconds));
  std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  absl::StrAppend(&x, "<testsuites name=\"", Xml(suite), "\" ", counts,
                  ">\n  <testsuite name=\"", Xml(suite), "\" ", counts, ">\n");
  if (!properties.empty()) {
    x += "    <properties>\n";
    for (const auto& [name, value] : properties) {
      absl::StrAppend(&x, "      <property name=\"", Xml(name), "\" value=\"",
                      Xml(value), "\"/>\n");
    }
    x += "    </properties>\n";
  }
  for (const JunitCase& c : cases) {
    absl::StrAppend(&x, "    <testcase classname=\"", Xml(c.classname),
                    "\" name=\"", Xml(c.name), "\" time=\"", Seconds(c.seconds),
                    "\">\n");
    if (c.failure) {
      absl::StrAppend(&x, "      <failure message=\"", Xml(c.failure->message),
                      "\" type=\"", Xml(c.failure->type), "\">",
                      XmlText(c.failure->text), "</failure>\n");
    }
    if (c.skipped) {
      absl::StrAppend(&x, "      <skipped message=\"", Xml(*c.skipped),
                      "\"/>\n");
    }
    if (!c.system_out.empty()) {
      absl::StrAppend(&x, "      <system-out>", XmlText(c.system_out),
                      "</system-out>\n");
    }
    x += "    </testcase>\n";
  }
  return x + "  </testsuite>\n</testsuites>\n";
}

std::string ScenarioFileForAnnotation(const std::string& name,
                                      const std::string& path) {
  if (!path.empty()) return path;
  return "properties/scenarios/" + name + ".textproto";
}

void AnnotateViolation(const std::string& file, const std::string& property,
                       const std::string& message, const std::string& token,
                       FILE* out) {
  const char* gha = std::getenv("GITHUB_ACTIONS");
  if (gha == nullptr || *gha == '\0') return;
  std::string text = property + ": " + message;
  if (!token.empty()) text += " (token " + token + ")";
  std::fprintf(out, "::error file=%s,line=1::%s\n",
               CommandEscape(file, true).c_str(),
               CommandEscape(text, false).c_str());
  std::fflush(out);
}

}  // namespace dsim
