// sim/message_cast.h: a message handed over in messages (RpcConnection's
// UnaryMessage, RpcStream's NextMessage) as the type a handler wants, when it
// is exactly that type; else the caller goes through bytes.
#ifndef DSIM_SIM_MESSAGE_CAST_H_
#define DSIM_SIM_MESSAGE_CAST_H_

#include <typeinfo>

#include "google/protobuf/message.h"

namespace sim {

// `m` as an M when it is exactly an M (not a subclass, not another message
// with the same fields), else null; null stays null.
template <typename M>
M* MessageCast(google::protobuf::Message* m) {
  return m != nullptr && typeid(*m) == typeid(M) ? static_cast<M*>(m) : nullptr;
}
template <typename M>
const M* MessageCast(const google::protobuf::Message* m) {
  return m != nullptr && typeid(*m) == typeid(M) ? static_cast<const M*>(m)
                                                 : nullptr;
}

}  // namespace sim

#endif  // DSIM_SIM_MESSAGE_CAST_H_
