// The ranks that train one trial together (ranks_per_trial > 1), as the worker sees them: a
// seam, so that worker/ has no MPI. sweep/mpi/group_comm implements it with MPI.
//
// Every member calls these in the same order with the same sizes: a member whose own part
// failed still takes part (with any data) until the next agreement point says so, so that no
// member ever waits in a collective that another will not enter.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

namespace sweep::worker {

// A member did not reach a sum within the group's deadline (stalled, stopped, or so slow that
// it is as good as gone): the sum can never be completed or cancelled, so the group is unusable
// from here on, for this trial and every later one. Never caught as a trial's own failure.
class GroupBroken : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The points of a group trial where SWEEP_FAULT_INJECT (member=M,at=POINT) can make a member
// throw, in the order a step and an epoch reach them (worker/training/trial_training.cpp), and
// kShareFaultPoint, in loading a data set that the node's members share
// (worker/tensors/shared_data.cpp).
inline constexpr const char* kFaultPoints[] = {"forward", "backward",  "reduce",   "clip",
                                               "step",    "buffers",   "evaluate", "epoch_end",
                                               "state",   "checkpoint"};
inline constexpr const char* kShareFaultPoint = "share";

// A fault a test injects at a point of a group's trial (SWEEP_FAULT_INJECT): none; an error
// naming the point; or a request to LibTorch for more memory than any machine has, which fails
// with LibTorch's own out-of-memory error, as running out of memory there would.
enum class Fault { kNone, kError, kOutOfMemory };

class TrialGroup {
 public:
  // A sum started by start_sum, running while the caller goes on.
  class PendingSum {
   public:
    virtual ~PendingSum() = default;
    // Waits until the sum is complete in the buffer given to start_sum.
    virtual void wait() = 0;
  };

  virtual ~TrialGroup() = default;
  // This member's number, 0 to size() - 1; member 0 leads (writes files, reports the result).
  virtual int rank() const = 0;
  virtual int size() const = 0;

  // Sums the `n` doubles at `data` over the members, in place on every member. Like every
  // wait in the group, throws GroupBroken past the deadline (see step_seconds).
  virtual void sum(double* data, std::size_t n) = 0;
  // Starts summing the `n` floats at `data` over the members, in place; the buffer must stay
  // untouched until wait() returns. Every member starts its sums (both kinds) in the same order
  // with the same sizes, and waits for them in the same order.
  virtual std::unique_ptr<PendingSum> start_sum(float* data, std::size_t n) = 0;
  // The same for doubles (a training step's small sum of failures, stop, loss and correct
  // count, which runs while backward and the gradient sums do).
  virtual std::unique_ptr<PendingSum> start_sum_doubles(double* data, std::size_t n) = 0;
  // Lets started sums move on (MPI progresses them only inside its calls); cheap.
  virtual void progress() = 0;
  // Each member says how its part went: "" when well, else why it failed. Returns, on every
  // member, "" when all went well, else the message of the lowest-numbered failing member.
  virtual std::string agree(const std::string& failure) = 0;

  // The trial's slowest training step so far, in seconds, from which the deadline of every
  // wait is derived; 0: a new trial, before its first step (loading data, building the model),
  // whose waits get a longer deadline.
  virtual void step_seconds(double seconds) { (void)seconds; }
  // The members on this member's node hold one copy of each data set between them (DataCache):
  // this member's number among them (0 decodes the data) and how many they are (1: nothing to
  // share).
  virtual int node_rank() const { return 0; }
  virtual int node_size() const { return 1; }
  // Among the members of this node, each calling it in the same order: returns node member 0's
  // `text` on every one of them (the others' is not used). Throws GroupBroken past the deadline.
  virtual std::string node_broadcast(const std::string& text) { return text; }
  // Among the members of this node, each calling it in the same order: true when `ok` is true
  // on every one of them. Throws GroupBroken past the deadline.
  virtual bool node_all(bool ok) { return ok; }
  // Where node_memory's memory lives on this node and how many bytes are free there now, so that
  // a data set too large for it is not shared ("" and the largest value: unknown, no limit).
  struct Room {
    std::string where;
    std::uint64_t free_bytes = UINT64_MAX;
  };
  virtual Room node_memory_room() const { return {}; }
  // Among the members of this node, each calling it in the same order with the same `bytes`:
  // memory they all map, filled by `fill` on node member 0 (the others see it filled when this
  // returns), valid as long as the group lives. A failure of `fill` is thrown on every one of
  // them (std::runtime_error with its message); a member that does not come, GroupBroken past
  // the deadline.
  virtual std::uint8_t* node_memory(std::size_t bytes,
                                    const std::function<void(std::uint8_t*)>& fill) {
    (void)bytes;
    (void)fill;
    throw std::logic_error("node_memory: this group shares no memory");
  }
  // Tests (SWEEP_FAULT_INJECT): whether this member is to fail at the named point now, and how.
  virtual Fault inject_fault(const std::string& point) {
    (void)point;
    return Fault::kNone;
  }
};

}  // namespace sweep::worker
