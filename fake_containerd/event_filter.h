// fake_containerd/event_filter.h: containerd's filter syntax (Events.Subscribe,
// Containers.List), the subset the fake supports. A filter list is an OR of
// strings; each string is an AND of comma-separated clauses `field==v`,
// `field!=v`, `field~=pattern`, or a bare `field` (present, non-empty). Values
// may be quoted with "..." (backslash escapes) or |...| (raw; moby's regexps).
//
// Fields are whatever the caller accepts (Subscribe: `topic` and `namespace`;
// `event.<field>` is rejected as unsupported). Patterns (~=) follow Go regexp's
// unanchored search for this subset only: literal characters (metacharacters
// escaped with a backslash), `.` for any character, an optional leading `^`, an
// optional trailing `$`, and `.*` only at the end. Anything else (`*` `+` `?`
// `|` `(` `[` `{`, or `.*` in the middle) is INVALID_ARGUMENT "unsupported".
#ifndef DSIM_FAKE_CONTAINERD_EVENT_FILTER_H_
#define DSIM_FAKE_CONTAINERD_EVENT_FILTER_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace fake_containerd {

class Filter {
 public:
  // The value of a field, or nullopt when the object has no such field.
  using Getter =
      std::function<std::optional<std::string_view>(std::string_view field)>;
  using FieldCheck = std::function<bool(std::string_view field)>;

  // Errors read "<context>: <why>: invalid argument".
  static absl::StatusOr<Filter> Parse(const std::vector<std::string>& filters,
                                      const FieldCheck& known_field,
                                      std::string_view context);
  bool Matches(const Getter& get) const;

 private:
  struct Pattern {
    std::string
        tokens;  // literal characters; `any` marks the wildcard positions
    std::vector<bool> any;  // tokens[i] is "." (any character)
    bool anchor_start = false;
    bool anchor_end = false;
    bool Search(std::string_view s) const;
  };
  struct Clause {
    std::string field;
    enum class Op { kPresent, kEqual, kNotEqual, kMatch } op;
    std::string value;
    Pattern pattern;
    bool Matches(const Getter& get) const;
  };
  absl::StatusOr<Clause> ParseClause(std::string_view text,
                                     const FieldCheck& known) const;
  absl::StatusOr<Pattern> ParsePattern(std::string_view text) const;
  absl::Status Error(std::string_view why) const;

  std::string context_;

  std::vector<std::vector<Clause>> any_of_;  // empty: everything matches
};

// Events.Subscribe filters over `topic` and `namespace`.
class EventFilter {
 public:
  // Errors read "failed parsing subscription filters: <why>: invalid argument".
  // A parsed list is shared with the thread's recent subscriptions that gave
  // the same strings (every run's daemon subscribes with the same ones).
  static absl::StatusOr<EventFilter> Parse(
      const std::vector<std::string>& filters);
  bool Matches(std::string_view ns, std::string_view topic) const;

 private:
  std::shared_ptr<const Filter> filter_;
};

}  // namespace fake_containerd

#endif  // DSIM_FAKE_CONTAINERD_EVENT_FILTER_H_
