#include "fake_containerd/event_filter.h"

#include "fake_containerd/errors.h"

namespace fake_containerd {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// Splits on commas outside quotes. A value is quoted with "..." (backslash
// escapes) or, as moby writes its regexps (`topic~=|^/tasks/|`), with |...|
// (taken raw).
std::vector<std::string_view> SplitClauses(std::string_view s) {
  std::vector<std::string_view> out;
  char quote = 0;
  size_t begin = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (quote == '"' && s[i] == '\\') {
      ++i;
    } else if (quote == 0 && (s[i] == '"' || s[i] == '|')) {
      quote = s[i];
    } else if (quote != 0 && s[i] == quote) {
      quote = 0;
    } else if (s[i] == ',' && quote == 0) {
      out.push_back(s.substr(begin, i - begin));
      begin = i + 1;
    }
  }
  out.push_back(s.substr(begin));
  return out;
}

absl::StatusOr<std::string> Unquote(std::string_view v,
                                    const std::string& context) {
  if (v.size() < 2 || (v.front() != '"' && v.front() != '|'))
    return std::string(v);
  if (v.back() != v.front()) {
    return ErrInvalidArgument(context + ": unterminated quote in " + Quote(v));
  }
  if (v.front() == '|') return std::string(v.substr(1, v.size() - 2));
  std::string out;
  for (size_t i = 1; i + 1 < v.size(); ++i) {
    if (v[i] == '\\' && i + 2 < v.size()) ++i;
    out.push_back(v[i]);
  }
  return out;
}

}  // namespace

absl::Status Filter::Error(std::string_view why) const {
  return ErrInvalidArgument(context_ + ": " + std::string(why));
}

bool Filter::Pattern::Search(std::string_view s) const {
  auto match_at = [&](size_t start) {
    if (start + tokens.size() > s.size()) return false;
    for (size_t i = 0; i < tokens.size(); ++i) {
      if (!any[i] && s[start + i] != tokens[i]) return false;
    }
    return !anchor_end || start + tokens.size() == s.size();
  };
  if (anchor_start) return match_at(0);
  for (size_t start = 0; start + tokens.size() <= s.size(); ++start) {
    if (match_at(start)) return true;
  }
  return false;
}

absl::StatusOr<Filter::Pattern> Filter::ParsePattern(
    std::string_view text) const {
  Pattern p;
  if (text.starts_with('^')) {
    p.anchor_start = true;
    text.remove_prefix(1);
  }
  if (text.ends_with(".*")) {
    text.remove_suffix(2);  // a trailing .* matches any rest: nothing to check
  } else if (text.ends_with('$') && !text.ends_with("\\$")) {
    p.anchor_end = true;
    text.remove_suffix(1);
  }
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\\') {
      if (i + 1 == text.size()) return Error("trailing backslash in pattern");
      p.tokens.push_back(text[++i]);
      p.any.push_back(false);
    } else if (c == '.') {
      if (i + 1 < text.size() && text[i + 1] == '*') {
        return Error("unsupported pattern " + Quote(text) +
                     ": .* only at the end");
      }
      p.tokens.push_back('.');
      p.any.push_back(true);
    } else if (std::string_view("*+?|()[]{}^$").find(c) !=
               std::string_view::npos) {
      return Error("unsupported pattern " + Quote(text));
    } else {
      p.tokens.push_back(c);
      p.any.push_back(false);
    }
  }
  return p;
}

absl::StatusOr<Filter::Clause> Filter::ParseClause(
    std::string_view text, const FieldCheck& known) const {
  text = Trim(text);
  Clause c{};
  std::string_view field = text;
  std::string_view value;
  c.op = Clause::Op::kPresent;
  for (auto [op_text, op] : {std::pair{"==", Clause::Op::kEqual},
                             std::pair{"!=", Clause::Op::kNotEqual},
                             std::pair{"~=", Clause::Op::kMatch}}) {
    if (size_t at = text.find(op_text); at != std::string_view::npos) {
      field = Trim(text.substr(0, at));
      value = Trim(text.substr(at + 2));
      c.op = op;
      break;
    }
  }
  if (field.empty()) return Error("empty field in " + Quote(text));
  if (!known(field)) return Error("unsupported field " + Quote(field));
  c.field = std::string(field);
  absl::StatusOr<std::string> v = Unquote(value, context_);
  if (!v.ok()) return v.status();
  c.value = *std::move(v);
  if (c.op == Clause::Op::kMatch) {
    absl::StatusOr<Pattern> p = ParsePattern(c.value);
    if (!p.ok()) return p.status();
    c.pattern = *std::move(p);
  }
  return c;
}

absl::StatusOr<Filter> Filter::Parse(const std::vector<std::string>& filters,
                                     const FieldCheck& known_field,
                                     std::string_view context) {
  Filter f;
  f.context_ = std::string(context);
  for (const std::string& s : filters) {
    std::vector<Clause> all_of;
    for (std::string_view clause : SplitClauses(s)) {
      absl::StatusOr<Clause> c = f.ParseClause(clause, known_field);
      if (!c.ok()) return c.status();
      all_of.push_back(*std::move(c));
    }
    f.any_of_.push_back(std::move(all_of));
  }
  return f;
}

bool Filter::Clause::Matches(const Getter& get) const {
  std::optional<std::string_view> v = get(field);
  switch (op) {
    case Op::kPresent:
      return v.has_value() && !v->empty();
    case Op::kEqual:
      return v.has_value() && *v == value;
    case Op::kNotEqual:
      return !v.has_value() || *v != value;
    case Op::kMatch:
      return v.has_value() && pattern.Search(*v);
  }
  return false;
}

bool Filter::Matches(const Getter& get) const {
  if (any_of_.empty()) return true;
  for (const std::vector<Clause>& all_of : any_of_) {
    bool ok = true;
    for (const Clause& c : all_of) ok = ok && c.Matches(get);
    if (ok) return true;
  }
  return false;
}

absl::StatusOr<EventFilter> EventFilter::Parse(
    const std::vector<std::string>& filters) {
  // The last few lists parsed on this thread, oldest first. A filter is
  // immutable once parsed, so sharing one changes nothing a run can see.
  constexpr size_t kRecent = 8;
  thread_local std::vector<
      std::pair<std::vector<std::string>, std::shared_ptr<const Filter>>>
      recent;
  EventFilter out;
  for (const auto& [strings, parsed] : recent) {
    if (strings == filters) {
      out.filter_ = parsed;
      return out;
    }
  }
  absl::StatusOr<Filter> f = Filter::Parse(
      filters,
      [](std::string_view field) {
        return field == "topic" || field == "namespace";
      },
      "failed parsing subscription filters");
  if (!f.ok()) return f.status();
  out.filter_ = std::make_shared<const Filter>(*std::move(f));
  if (recent.size() == kRecent) recent.erase(recent.begin());
  recent.emplace_back(filters, out.filter_);
  return out;
}

bool EventFilter::Matches(std::string_view ns, std::string_view topic) const {
  if (filter_ == nullptr) return true;  // as an empty list
  return filter_->Matches(
      [&](std::string_view field) -> std::optional<std::string_view> {
        return field == "topic" ? topic : ns;
      });
}

}  // namespace fake_containerd
