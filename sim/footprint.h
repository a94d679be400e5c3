// sim/footprint.h: what one scheduling step touched, for partial-order
// reduction.
//
// Two steps commute (are independent) when their footprints do not conflict: no
// object is touched by both with at least one write. A footprint that overflows
// conflicts with all.
#ifndef DSIM_SIM_FOOTPRINT_H_
#define DSIM_SIM_FOOTPRINT_H_

#include <array>
#include <cstdint>

namespace sim {

// Every named thing in a run (lock, channel, task, tracked field) has an
// ObjectId.
using ObjectId = uint32_t;
inline constexpr ObjectId kNoObject = 0;

enum class Access : uint8_t { kRead, kWrite };

class Footprint {
 public:
  void Clear() {
    count_ = 0;
    overflow_ = false;
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
  bool ConflictsWith(const Footprint& other) const {
    if ((overflow_ && other.count_ + other.overflow_ > 0) ||
        (other.overflow_ && count_ + overflow_ > 0)) {
      return true;
    }
    for (uint8_t i = 0; i < count_; ++i) {
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
  bool empty() const { return count_ == 0 && !overflow_; }

 private:
  static constexpr uint8_t kCapacity = 6;
  struct Touch {
    ObjectId object;
    Access access;
  };
  std::array<Touch, kCapacity> touches_{};
  uint8_t count_ = 0;
  bool overflow_ = false;
};

}  // namespace sim

#endif  // DSIM_SIM_FOOTPRINT_H_
