// The ranks that train one trial together (ranks_per_trial > 1), as the worker sees them: a
// seam, so that worker/ has no MPI. sweep/mpi/group_comm implements it with MPI.
//
// Every member calls these in the same order with the same sizes: a member whose own part
// failed still takes part (with any data) until the next agreement point says so, so that no
// member ever waits in a collective that another will not enter.
#pragma once

#include <cstddef>
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
  // untouched until wait() returns.
  virtual std::unique_ptr<PendingSum> start_sum(float* data, std::size_t n) = 0;
  // Lets started sums move on (MPI progresses them only inside its calls); cheap.
  virtual void progress() = 0;
  // Each member says how its part went: "" when well, else why it failed. Returns, on every
  // member, "" when all went well, else the message of the lowest-numbered failing member.
  virtual std::string agree(const std::string& failure) = 0;

  // The trial's slowest training step so far, in seconds, from which the deadline of every
  // wait is derived; 0: a new trial, before its first step (loading data, building the model),
  // whose waits get a longer deadline.
  virtual void step_seconds(double seconds) { (void)seconds; }
  // Tests (SWEEP_FAULT_INJECT): whether this member is to fail at the named point now.
  virtual bool inject_fault(const std::string& point) {
    (void)point;
    return false;
  }
};

}  // namespace sweep::worker
