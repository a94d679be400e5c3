// model/allowed.h: shorthands for the replies model::Spec allows, shared by
// its implementation files (not part of the model's interface).
#ifndef DSIM_MODEL_ALLOWED_H_
#define DSIM_MODEL_ALLOWED_H_

#include <string>

#include "model/types.h"

namespace model::internal {

inline AllowedReply Ok() { return {ErrorKind::kNone, ""}; }
inline AllowedReply Err(ErrorKind kind, std::string phrase = "") {
  return {kind, std::move(phrase)};
}
// The errors a failed start (of a container or an exec) answers.
inline bool IsRuntimeError(ErrorKind k) {
  return k == ErrorKind::kSystem || k == ErrorKind::kInvalidParameter;
}

}  // namespace model::internal

#endif  // DSIM_MODEL_ALLOWED_H_
