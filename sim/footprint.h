// sim/footprint.h: what one scheduling step touched, for partial-order
// reduction.
//
// Two steps commute (are independent) when their footprints do not conflict: no
// object is touched by both with at least one write. A footprint that overflows
// conflicts with all.
#ifndef DSIM_SIM_FOOTPRINT_H_
#define DSIM_SIM_FOOTPRINT_H_

#include <array>
#include <cstddef>
#include <cstdint>

namespace sim {

// Every named thing in a run (lock, channel, task, tracked field) has an
// ObjectId.
using ObjectId = uint32_t;
inline constexpr ObjectId kNoObject = 0;
// The state a check made after every step reads (Executor::set_step_check):
// every step that writes any of it touches this object, so that partial-order
// reduction orders them and explores every sequence of states the check can
// see. Not a traced object (it has no name in the trace).
inline constexpr ObjectId kCheckedState = 0xfffffffe;

// Parts of a buffered channel (sim/chan.h), told apart so that a send and a
// receive at different positions of the buffer commute: ids outside the
// trace's, derived from the channel's. No two parts may share an id: an
// ordered part (below) orders the steps that touch it, so a shared one would
// order steps that are not. Hence slots wrap only where a channel has no slot
// parts (sim/chan.h), and a channel id from 2^19 - 1 on has no parts: its
// parts are the channel itself (they conflict more, and order nothing more
// than the channel does).
inline constexpr ObjectId kChannelPartBit = 0x80000000u;
// Slots i and i + kChannelSlots share an id; a channel with a larger capacity
// has no slot parts (sim/chan.h), so that a slot's accesses stay ordered.
inline constexpr uint64_t kChannelSlots = 2047;
enum class ChannelPart : uint32_t { kSendSide = 0, kRecvSide = 1, kSlot = 2 };
// (Below 0x7ffff: no part can be kCheckedState.)
inline constexpr ObjectId kChannelPartLimit = 0x7ffffu;
inline ObjectId ChannelPartId(ObjectId channel, ChannelPart part,
                              uint64_t slot = 0) {
  if (channel >= kChannelPartLimit) return channel;
  const uint32_t p = part == ChannelPart::kSlot
                         ? 2 + static_cast<uint32_t>(slot % kChannelSlots) * 2
                         : static_cast<uint32_t>(part);
  return kChannelPartBit | (channel << 12) | p;
}
inline bool IsChannelPart(ObjectId o) {
  return (o & kChannelPartBit) != 0 && o != kCheckedState;
}
inline ObjectId ChannelOfPart(ObjectId o) { return (o >> 12) & 0x7ffffu; }
// Which side a side part is (a slot is neither).
inline ChannelPart ChannelSideOfPart(ObjectId o) {
  return (o & 1u) != 0 ? ChannelPart::kRecvSide : ChannelPart::kSendSide;
}
// A slot's number (modulo the wrap above), or -1 for a side.
inline int ChannelSlotOfPart(ObjectId o) {
  const uint32_t p = o & 0xfffu;
  return p < 2 ? -1 : static_cast<int>((p - 2) / 2);
}

// An ordered part: its accesses come in an order the program forces, each
// enabled only once the one before has run: a buffered channel's slot i
// (send i, then receive i, then send i + capacity), the start of a task
// (its spawn, then its first step; slot 0 of the task's object as a channel
// part) and its end (its last step, then each join of it that fires; slot
// 1). Touching one orders steps (happens-before), but partial-order
// reduction neither reverses it nor lets it shield another race
// (Footprint::RacesWith): a receive can come before send i only by taking
// another item, which is a race on the receive side (or a send's on the send
// side), reversed there.
inline ObjectId TaskStartPart(ObjectId task) {
  return ChannelPartId(task, ChannelPart::kSlot, 0);
}
inline ObjectId TaskEndPart(ObjectId task) {
  return ChannelPartId(task, ChannelPart::kSlot, 1);
}
inline bool IsOrderedPart(ObjectId o) {
  return IsChannelPart(o) && ChannelSlotOfPart(o) >= 0;
}

enum class Access : uint8_t { kRead, kWrite };

class Footprint {
 public:
  // Touches kept; more overflow. A task's deletion in the fake containerd
  // touches its container's record, the task, the task table, the list of
  // subscriptions and a queue's parts for each event it publishes: 12 or so.
  static constexpr uint8_t kCapacity = 16;
  void Clear() {
    count_ = 0;
    overflow_ = false;
    not_before_ = 0;
  }
  void Add(ObjectId object, Access access) {
    if (object == kNoObject) return;
    for (uint8_t i = 0; i < count_; ++i) {
      if (touches_[i].object == object) {
        if (access == Access::kWrite) touches_[i].access = Access::kWrite;
        return;
      }
    }
    if (count_ == kCapacity) {
      overflow_ = true;
      return;
    }
    touches_[count_++] = Touch{object, access};
  }
  // For a step whose order against every other step matters (a timer that
  // fired: it was due only once every other task had blocked).
  void MarkConflictsWithAll() { overflow_ = true; }
  // A timer step that could not fire early: it runs only once the clock has
  // reached `deadline`, and the clock moves only when no task can run, so it
  // cannot be moved before a step taken while the clock was still short of
  // it (that step's task could run all along). Partial-order reduction need
  // not try to reverse such a race.
  void MarkNotBefore(uint64_t deadline) { not_before_ = deadline; }
  // 0 when the step may run at any clock.
  uint64_t not_before() const { return not_before_; }
  // Everything `other` touched, too (a step's footprints over the data
  // choices made in it).
  void Merge(const Footprint& other) {
    if (other.overflow_) overflow_ = true;
    if (other.not_before_ > not_before_) not_before_ = other.not_before_;
    for (uint8_t i = 0; i < other.count_; ++i)
      Add(other.touches_[i].object, other.touches_[i].access);
  }
  // A step that conflicts with all conflicts even with one that touched
  // nothing: it moved the clock, which every step may read (a deadline is
  // now() + d).
  bool ConflictsWith(const Footprint& other) const {
    return Conflicts(other, /*ordered_parts=*/true);
  }
  // Whether the two conflict on something that an execution could touch in
  // the other order: ConflictsWith, not counting ordered parts.
  bool RacesWith(const Footprint& other) const {
    return Conflicts(other, /*ordered_parts=*/false);
  }
  bool empty() const { return count_ == 0 && !overflow_; }
  // The touches, for reports (sim/footprint_audit.h).
  size_t size() const { return count_; }
  ObjectId object(size_t i) const { return touches_[i].object; }
  Access access(size_t i) const { return touches_[i].access; }
  bool conflicts_with_all() const { return overflow_; }

 private:
  bool Conflicts(const Footprint& other, bool ordered_parts) const {
    if (overflow_ || other.overflow_) return true;
    for (uint8_t i = 0; i < count_; ++i) {
      if (!ordered_parts && IsOrderedPart(touches_[i].object)) continue;
      for (uint8_t j = 0; j < other.count_; ++j) {
        if (touches_[i].object == other.touches_[j].object &&
            (touches_[i].access == Access::kWrite ||
             other.touches_[j].access == Access::kWrite)) {
          return true;
        }
      }
    }
    return false;
  }

  struct Touch {
    ObjectId object;
    Access access;
  };
  std::array<Touch, kCapacity> touches_{};
  uint64_t not_before_ = 0;
  uint8_t count_ = 0;
  bool overflow_ = false;
};

}  // namespace sim

#endif  // DSIM_SIM_FOOTPRINT_H_
