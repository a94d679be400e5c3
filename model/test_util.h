// model/test_util.h: assertions shared by the model tests: a call is allowed
// (OK) or rejected with a message naming the broken rule.
#ifndef DSIM_MODEL_TEST_UTIL_H_
#define DSIM_MODEL_TEST_UTIL_H_

#include <initializer_list>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"

namespace model {

inline ::testing::AssertionResult Allowed(const absl::Status& s) {
  if (s.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "rejected: " << s.message();
}

// Rejected, with every one of `parts` in the message.
inline ::testing::AssertionResult Rejected(
    const absl::Status& s, std::initializer_list<absl::string_view> parts) {
  if (s.ok()) return ::testing::AssertionFailure() << "allowed";
  for (absl::string_view p : parts) {
    if (!absl::StrContains(s.message(), p)) {
      return ::testing::AssertionFailure()
             << "message \"" << s.message() << "\" lacks \"" << p << "\"";
    }
  }
  return ::testing::AssertionSuccess();
}

}  // namespace model

#endif  // DSIM_MODEL_TEST_UTIL_H_
